// Notes on the article page: highlight each note's passage in the text, and turn a
// selection in the text into a new note. The page works without this script (notes are
// listed with their quotes; the form takes a pasted passage).
//
// Offsets count characters of the text with whitespace runs as one space (paragraphs and
// line breaks are whitespace too), exactly as workspace/anchoring.py counts them, so the
// server and the page agree whatever <mark>s the findings add.
(function () {
  "use strict";

  var BLOCKS = /^(P|DIV|LI|UL|OL|H[1-6]|BR|TR|TD|TH|BLOCKQUOTE|PRE|TABLE|DT|DD|FIGURE|FIGCAPTION|HR|SECTION)$/;
  var CONTEXT = 32;

  function textRoot() {
    var section = document.getElementById("text");
    if (!section) return null;
    // The body proper: everything in the section but its heading and the original HTML.
    return section;
  }

  function skipped(el) {
    return el.tagName === "H2" || el.tagName === "DETAILS" || el.tagName === "SCRIPT";
  }

  // The normalized text and, for each of its characters, the text node and offset it is at.
  function buildMap(root) {
    var chars = [];
    var where = [];
    var pending = false;
    function walk(node) {
      for (var child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) {
          var data = child.data;
          for (var i = 0; i < data.length; i++) {
            if (/\s/.test(data[i])) {
              pending = true;
            } else {
              if (pending && chars.length) {
                chars.push(" ");
                where.push({ node: child, offset: i });
              }
              pending = false;
              chars.push(data[i]);
              where.push({ node: child, offset: i });
            }
          }
        } else if (child.nodeType === Node.ELEMENT_NODE && !skipped(child)) {
          var block = BLOCKS.test(child.tagName);
          if (block) pending = true;
          walk(child);
          if (block) pending = true;
        }
      }
    }
    walk(root);
    return { text: chars.join(""), where: where };
  }

  // Normalized offset of a DOM boundary point (node, offset).
  function offsetOf(map, node, offset) {
    var range = document.createRange();
    for (var i = 0; i < map.where.length; i++) {
      var w = map.where[i];
      range.setStart(w.node, w.offset);
      range.collapse(true);
      var cmp = range.comparePoint(node, offset);
      if (cmp <= 0) return i; // the boundary is at or before this character
    }
    return map.where.length;
  }

  function locate(map, quote, start) {
    if (map.text.substr(start, quote.length) === quote) return start;
    var best = -1;
    var at = map.text.indexOf(quote);
    while (at !== -1) {
      if (best === -1 || Math.abs(at - start) < Math.abs(best - start)) best = at;
      at = map.text.indexOf(quote, at + 1);
    }
    return best;
  }

  // Wrap each text-node piece of [start, end) in a <mark class="note-mark">.
  function highlight(map, start, end, noteId) {
    var pieces = [];
    var i = start;
    while (i < end) {
      var node = map.where[i].node;
      var from = map.where[i].offset;
      var to = from;
      while (i < end && map.where[i].node === node) {
        to = map.where[i].offset + 1;
        i++;
      }
      pieces.push({ node: node, from: from, to: to });
    }
    var first = null;
    pieces.reverse().forEach(function (p) {
      var range = document.createRange();
      range.setStart(p.node, p.from);
      range.setEnd(p.node, p.to);
      var mark = document.createElement("mark");
      mark.className = "note-mark";
      mark.dataset.note = noteId;
      mark.title = "Has a note";
      range.surroundContents(mark);
      first = mark;
    });
    if (first) {
      first.id = "note-mark-" + noteId;
      first.tabIndex = -1;
    }
  }

  function showAll() {
    var root = textRoot();
    if (!root) return;
    var notes = document.querySelectorAll("#notes li.note[data-start]");
    var placed = [];
    var map = buildMap(root);
    notes.forEach(function (li) {
      var quote = li.dataset.quote;
      var at = locate(map, quote, parseInt(li.dataset.start, 10));
      if (at >= 0) placed.push({ start: at, end: at + quote.length, id: li.id.replace("note-", "") });
    });
    // Later passages first, so earlier offsets stay valid as marks split text nodes.
    placed.sort(function (a, b) { return b.start - a.start; });
    placed.forEach(function (p) {
      highlight(buildMap(root), p.start, p.end, p.id);
    });
  }

  function onJump(event) {
    var link = event.target.closest(".note__jump");
    if (!link) return;
    var mark = document.getElementById("note-mark-" + link.dataset.note);
    if (!mark) return;
    event.preventDefault();
    mark.scrollIntoView({ block: "center" });
    mark.focus();
  }

  function onMarkClick(event) {
    var mark = event.target.closest("mark.note-mark");
    if (!mark) return;
    var note = document.getElementById("note-" + mark.dataset.note);
    if (note) {
      note.tabIndex = -1;
      note.scrollIntoView({ block: "center" });
      note.focus();
    }
  }

  // A selection inside the text fills the new-note form's passage and offsets.
  function captureSelection() {
    var root = textRoot();
    var form = document.getElementById("note-form");
    var selection = window.getSelection();
    if (!root || !form || !selection || selection.isCollapsed || !selection.rangeCount) return false;
    var range = selection.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer)) return false;
    var map = buildMap(root);
    var start = offsetOf(map, range.startContainer, range.startOffset);
    var end = offsetOf(map, range.endContainer, range.endOffset);
    while (start < end && map.text[start] === " ") start++;
    while (end > start && map.text[end - 1] === " ") end--;
    if (end <= start) return false;
    form.elements.quote.value = map.text.slice(start, end);
    form.elements.start.value = start;
    form.elements.end.value = end;
    return true;
  }

  var button = null;
  function offerNote() {
    if (!captureSelection()) {
      if (button) button.hidden = true;
      return;
    }
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small note-offer";
      button.textContent = "Add a note on this passage";
      button.addEventListener("click", function () {
        button.hidden = true;
        var body = document.getElementById("note-body");
        body.scrollIntoView({ block: "center" });
        body.focus();
      });
      document.body.appendChild(button);
    }
    var rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    button.style.top = window.scrollY + rect.bottom + 6 + "px";
    button.style.left = window.scrollX + rect.left + "px";
    button.hidden = false;
  }

  function init() {
    showAll();
    var root = textRoot();
    if (root) {
      root.addEventListener("mouseup", function () { setTimeout(offerNote, 0); });
      root.addEventListener("keyup", function (e) { if (e.shiftKey) offerNote(); });
      root.addEventListener("click", onMarkClick);
    }
    document.addEventListener("click", onJump);
    // "n": a note on the current selection (or the whole article), from the keyboard.
    document.addEventListener("keydown", function (e) {
      if (e.key !== "n" || e.ctrlKey || e.metaKey || e.altKey) return;
      var tag = (e.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || e.target.isContentEditable) return;
      var body = document.getElementById("note-body");
      if (!body) return; // an account that may only read has no note form
      captureSelection();
      e.preventDefault();
      body.focus();
    });
    // htmx swaps the panel after a save: mark the passages again.
    document.body.addEventListener("htmx:afterSettle", function () {
      {
        document.querySelectorAll("mark.note-mark").forEach(function (m) {
          var parent = m.parentNode;
          while (m.firstChild) parent.insertBefore(m.firstChild, m);
          parent.removeChild(m);
          parent.normalize();
        });
        showAll();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
