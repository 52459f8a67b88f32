// The findings panel: each finding toggles a highlight of every place it occurs in the text.
// Without JavaScript a finding is a link to its first occurrence (highlighted by :target) and
// values stay selectable. With it, each link becomes a toggle button: aria-pressed says whether
// its highlight is on, focus moves to the first highlighted occurrence (Escape there returns
// to the button), and the panel's polite live region says how many occurrences are marked.
// Copy buttons copy the real (refanged) value and say so in the same live region.
(function () {
  "use strict";
  const status = document.getElementById("findings-status");
  let active = null; // the pressed toggle button, if any

  function announce(message) {
    if (!status) { return; }
    // Emptying first makes a screen reader repeat a message identical to the last one.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function marksOf(key) {
    return document.querySelectorAll('mark.finding[data-finding="' + CSS.escape(key) + '"]');
  }

  function clear() {
    if (!active) { return; }
    active.setAttribute("aria-pressed", "false");
    active.classList.remove("is-active");
    marksOf(active.dataset.finding).forEach(function (mark) {
      mark.classList.remove("is-active");
      mark.removeAttribute("tabindex");
    });
    active = null;
  }

  function press(button) {
    const wasActive = active === button;
    clear();
    if (wasActive) { announce("Highlight removed"); return; }
    const marks = marksOf(button.dataset.finding);
    active = button;
    button.setAttribute("aria-pressed", "true");
    button.classList.add("is-active");
    marks.forEach(function (mark) {
      mark.classList.add("is-active");
      mark.tabIndex = -1; // focusable from script, not added to the Tab order
    });
    const n = marks.length;
    announce(n + (n === 1 ? " occurrence" : " occurrences") + " highlighted");
    if (n) {
      marks[0].focus({ preventScroll: true });
      marks[0].scrollIntoView({ block: "center" });
    }
  }

  // Replace each no-JS link with a real button (Enter and Space work, and it is announced as a
  // toggle), keeping its classes, its data-finding key and its content.
  document.querySelectorAll("a.finding-link").forEach(function (link) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = link.className + " finding-toggle";
    button.dataset.finding = link.dataset.finding;
    button.setAttribute("aria-pressed", "false");
    while (link.firstChild) { button.appendChild(link.firstChild); }
    link.replaceWith(button);
  });

  document.addEventListener("click", function (event) {
    const toggle = event.target.closest("button.finding-toggle");
    if (toggle) { press(toggle); return; }
    const copy = event.target.closest("button.copy");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.dataset.copy).then(function () {
        copy.textContent = "copied";
        announce("Copied " + copy.dataset.copy);
        window.setTimeout(function () { copy.textContent = "copy"; }, 1500);
      });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && active && event.target.matches("mark.finding.is-active")) {
      active.focus();
    }
  });

  if (navigator.clipboard) {
    document.querySelectorAll("button.copy").forEach(function (b) { b.hidden = false; });
  }
})();
