// Keyboard triage on the article list and the article page (docs/workspace.md).
//   j / k      next / previous row (the row gets focus and a visible outline)
//   o, Enter   open the focused row's article
//   s          star or unstar (the focused row's, or the article page's)
//   m          mark read or unread
//   t          the tag field, where the page has one
//   /          the search box
//   ?          the shortcuts overlay (a modal <dialog>; Esc closes it, focus goes back)
// Every shortcut presses a control that is on the page anyway (the star and read forms
// work without JavaScript and htmx swaps them in place), so nothing here is the only way
// to do something. Keys typed into a field, or with Ctrl/Alt/Meta held, are left alone.
(function () {
  "use strict";

  const help = document.getElementById("shortcuts-help");
  let opener = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("article.row"));
  }

  function currentRow() {
    const active = document.activeElement;
    return active && active.closest ? active.closest("article.row") : null;
  }

  function focusRow(row) {
    rows().forEach(function (r) { r.classList.remove("is-current"); });
    if (!row.hasAttribute("tabindex")) row.setAttribute("tabindex", "-1");
    row.classList.add("is-current");
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = rows();
    if (!all.length) return false;
    const index = all.indexOf(currentRow());
    let next = index === -1 ? (step > 0 ? 0 : all.length - 1) : index + step;
    next = Math.max(0, Math.min(all.length - 1, next));
    focusRow(all[next]);
    return true;
  }

  // The control a shortcut acts on: inside the focused row, or the page's only one.
  function control(name) {
    const row = currentRow();
    if (row) return row.querySelector('[data-shortcut="' + name + '"]');
    const all = document.querySelectorAll('[data-shortcut="' + name + '"]');
    return all.length === 1 ? all[0] : null;
  }

  function press(name) {
    const button = control(name);
    if (!button) return false;
    const row = currentRow();
    button.click();
    // htmx replaces the form; keep the row focused so j/k go on from here.
    if (row) row.focus();
    return true;
  }

  function openRow() {
    const row = currentRow();
    const link = row && row.querySelector(".row__title a");
    if (!link) return false;
    link.click();
    return true;
  }

  const TAG_FIELDS = ['[data-shortcut="tag"]', '[data-shortcut-target="tag"]', "input.tag-input", 'input[name="tag"]'];
  const SEARCH_FIELDS = ['[data-shortcut-target="search"]', 'input[type="search"]', 'input[name="q"]'];

  // t: the focused row's tag field (a row's editor is loaded by htmx from its "Edit tags"
  // link, workspace/tag_blocks.py: follow it, then focus the field it brings), or the page's.
  function focusTagField() {
    const row = currentRow();
    if (!row) return focusFieldIn(document, TAG_FIELDS);
    if (focusFieldIn(row, TAG_FIELDS)) return true;
    const link = row.querySelector(".row-tags-link");
    if (!link) return false;
    document.body.addEventListener("htmx:afterSettle", function () { focusFieldIn(row, TAG_FIELDS); }, { once: true });
    link.click(); // without htmx this opens the article at its tag panel
    return true;
  }

  function focusFieldIn(scope, selectors) {
    for (const selector of selectors) {
      const field = Array.prototype.find.call(scope.querySelectorAll(selector), function (el) {
        if (el.disabled) return false;
        // A row's tag field may sit in a closed <details> ("Edit tags"): open it.
        const folded = scope !== document && el.closest("details:not([open])");
        if (folded) folded.open = true;
        return el.offsetParent !== null;
      });
      if (field) {
        field.focus();
        if (field.select) field.select();
        return true;
      }
    }
    return false;
  }

  function openHelp() {
    if (!help || help.open) return false;
    opener = document.activeElement;
    help.showModal();
    return true;
  }

  if (help) {
    help.addEventListener("close", function () {
      if (opener && document.contains(opener)) opener.focus();
      opener = null;
    });
    document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", openHelp);
    });
  }

  document.querySelectorAll("[data-select-all]").forEach(function (label) {
    const box = label.querySelector("input");
    const rowBoxes = function () {
      return document.querySelectorAll('input[type="checkbox"][name="ids"][form="' + label.closest("form").id + '"]');
    };
    label.hidden = false;
    box.addEventListener("change", function () {
      rowBoxes().forEach(function (b) { b.checked = box.checked; });
    });
  });

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target) || (help && help.open)) return; // the dialog handles its own Esc
    const onRow = document.activeElement && document.activeElement.matches &&
      document.activeElement.matches("article.row");
    let handled = false;
    switch (event.key) {
      case "j": handled = move(1); break;
      case "k": handled = move(-1); break;
      case "o": handled = openRow(); break;
      case "Enter": handled = onRow && openRow(); break; // Enter on a button or link stays theirs
      case "s": handled = press("star"); break;
      case "m": handled = press("read"); break;
      case "t": handled = focusTagField(); break;
      case "/": handled = focusFieldIn(document, SEARCH_FIELDS); break;
      case "?": handled = openHelp(); break;
    }
    if (handled) event.preventDefault();
  });
})();
