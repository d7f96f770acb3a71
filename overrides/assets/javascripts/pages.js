// 自治体DXハンドブック: small page helpers (issue 28).
//
// - The 印刷 button under a body's or theme's title (hidden without script, where Ctrl+P still prints the page).
// - Each table's scrolling box becomes a labelled, focusable region (named after the section it is in), so a table
//   wider than a phone scrolls inside itself, by touch and by keyboard, and never the page.
(function () {
  "use strict";
  function headingBefore(el) {
    var node = el;
    while (node && node !== document.body) {
      var prev = node.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.replace(/¶$/, "").trim();
        prev = prev.previousElementSibling;
      }
      node = node.parentElement;
    }
    return "";
  }
  function labelTables(root) {
    var boxes = root.querySelectorAll(".md-typeset .md-typeset__scrollwrap, .md-typeset > table");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.hasAttribute("role")) continue;
      var name = headingBefore(box);
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", name ? "表: " + name : "表");
      box.setAttribute("tabindex", "0");
    }
  }
  function printButtons(root) {
    var buttons = root.querySelectorAll(".hb-print");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].onclick = function () { window.print(); };
    }
  }
  function ready() {
    labelTables(document);
    printButtons(document);
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(ready);  // Material's documented hook: runs after its own components are mounted
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
