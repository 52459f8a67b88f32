// Clicking a finding highlights every span of it in the text; copy buttons copy the real value.
// Without JavaScript the links still jump to the first occurrence and values stay selectable.
(function () {
  "use strict";
  let active = null;
  document.addEventListener("click", function (event) {
    const link = event.target.closest(".finding-link");
    if (link) {
      const key = link.dataset.finding;
      document.querySelectorAll("mark.finding.is-active, .finding-link.is-active")
        .forEach(function (el) { el.classList.remove("is-active"); });
      if (active === key) { active = null; event.preventDefault(); return; }
      active = key;
      document.querySelectorAll('[data-finding="' + CSS.escape(key) + '"]')
        .forEach(function (el) { el.classList.add("is-active"); });
      return; // the link's own #anchor scrolls to the first occurrence
    }
    const copy = event.target.closest("button.copy");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.dataset.copy).then(function () {
        copy.textContent = "copied";
        setTimeout(function () { copy.textContent = "copy"; }, 1500);
      });
    }
  });
  if (navigator.clipboard) {
    document.querySelectorAll("button.copy").forEach(function (b) { b.hidden = false; });
  }
})();
