// 自治体DXハンドブック: accessibility fixes that need script (issue 6).
//
// Glossary tooltips. A term (<abbr title tabindex="0">) shows its definition while it is hovered or focused, in a
// tooltip linked to it by aria-describedby, and Escape hides it without moving the focus (WCAG 2.1 SC 1.4.13).
// Material's own content.tooltips is off: it writes every title with innerHTML, including the titles it puts on
// truncated navigation labels, so a heading's text would become markup. Here the text is only ever textContent.
(function () {
  "use strict";
  var tip = null;
  var owner = null;
  function hide() {
    if (tip) tip.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }
  function show(term) {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "hb-tooltip";
      tip.className = "hb-tooltip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    var text = term.getAttribute("data-hb-title");
    if (text === null) {
      text = term.getAttribute("title") || "";
      term.setAttribute("data-hb-title", text);
      term.removeAttribute("title");  // the browser's own tooltip would show the same text a second time
    }
    tip.textContent = text;
    var box = term.getBoundingClientRect();
    tip.style.left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - 330)) + "px";
    tip.style.top = box.bottom + window.scrollY + 6 + "px";
    tip.hidden = false;
    owner = term;
    term.setAttribute("aria-describedby", tip.id);
  }
  function termOf(ev) {
    return ev.target instanceof Element ? ev.target.closest(".md-content abbr[title], .md-content abbr[data-hb-title]") : null;
  }
  document.addEventListener("focusin", function (ev) { var t = termOf(ev); if (t) show(t); else hide(); });
  document.addEventListener("pointerover", function (ev) { var t = termOf(ev); if (t) show(t); });
  document.addEventListener("pointerout", function (ev) { if (termOf(ev) && document.activeElement !== owner) hide(); });
  document.addEventListener("focusout", function (ev) { if (termOf(ev)) hide(); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") hide(); });
})();

(function () {
  "use strict";
  // Material 9.8.1 renders the search panel as role="dialog" without a name (axe: aria-dialog-name);
  // screen readers would announce an unnamed dialog. Name it here rather than copying the partial.
  var search = document.querySelector('.md-search[role="dialog"]');
  if (search && !search.hasAttribute("aria-label")) {
    search.setAttribute("aria-label", "検索");
  }

  // On narrow screens the navigation opens from a <label for="__drawer"> in the header, which
  // Material 9.8.1 leaves out of the Tab order: keyboard users (and desktop users zoomed to
  // 400 %, WCAG 1.4.10) could not open the menu at all (SC 2.1.1). Make it a real button.
  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector('.md-header label[for="__drawer"]');
  if (drawer && menu) {
    menu.setAttribute("tabindex", "0");
    menu.setAttribute("role", "button");
    menu.setAttribute("aria-label", "ナビゲーションを開く");
    var sync = function () {
      menu.setAttribute("aria-expanded", drawer.checked ? "true" : "false");
    };
    sync();
    drawer.addEventListener("change", sync);
    // Material already clicks a focused label on Enter; Space, as on any button, is ours.
    menu.addEventListener("keydown", function (ev) {
      if (ev.key === " ") {
        ev.preventDefault();
        menu.click();
      }
    });
  }
})();
