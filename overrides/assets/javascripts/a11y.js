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

(function () {
  "use strict";
  // Search results for keyboard users. Material 9.8.1 closes the search dialog on Tab and reaches its results only
  // with the arrow keys, and its results' scroll wrapper is an empty focus stop. Here Tab and Shift+Tab move through
  // the box, the clear button and the results (and stay in the dialog, as in any modal dialog); Escape still closes.
  // With results shown, the wrapper around them is no focus stop of its own.
  var dialog = document.querySelector(".md-search");
  var toggle = document.getElementById("__search");
  if (!dialog || !toggle) return;
  var wrap = dialog.querySelector(".md-search__scrollwrap");
  var meta = dialog.querySelector(".md-search-result__meta");
  var results = dialog.querySelector(".md-search-result__list");
  if (!meta || !results) return;
  var RESULT_STOPS = ".md-search-result__link, .md-search-result__more > summary";
  function stops() {
    var all = dialog.querySelectorAll("input.md-search__input, button[type=reset], " + RESULT_STOPS);
    return [].filter.call(all, function (el) {
      var closed = el.closest("details:not([open])");  // its content keeps a box in Chromium but takes no focus
      return el.getClientRects().length > 0 && (!closed || (el.tagName === "SUMMARY" && el.parentElement === closed));
    });
  }
  document.addEventListener("keydown", function (ev) {
    if (!toggle.checked) return;
    // Material moves the focus to the box on any other key, Shift alone included: Shift+Tab from a result would
    // start from the box. A bare Shift stays where it is.
    var at = document.activeElement;
    if (ev.key === "Shift" && at && dialog.contains(at) && !at.matches("input.md-search__input")) {
      ev.stopPropagation();
      return;
    }
    if (ev.key !== "Tab" || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    // Without results (the box reached by Tab while going through the page) Material's own Tab closes the search.
    if (!results.querySelector(".md-search-result__link") || (at && !dialog.contains(at))) return;
    var list = stops();
    var here = list.indexOf(at);
    var next = here < 0 ? 0 : (here + (ev.shiftKey ? -1 : 1) + list.length) % list.length;
    ev.preventDefault();
    ev.stopPropagation();  // before Material's own handler on window, which would close the dialog
    list[next].focus();
  }, true);

  // A search with no exact match answers with a notice first (handbook-search.js): Material would count it as a
  // result ("3件見つかりました"); the count line says what happened instead.
  new MutationObserver(function () {
    var stopsInside = results.querySelectorAll(RESULT_STOPS);
    [].forEach.call(stopsInside, function (el) {
      el.setAttribute("tabindex", "0");
    });
    // The scroll wrapper is a focus stop of its own only while it holds nothing focusable (axe:
    // scrollable-region-focusable); with results it would be an invisible stop before them.
    if (wrap && stopsInside.length) wrap.removeAttribute("tabindex");
    else if (wrap) wrap.setAttribute("tabindex", "0");
    if (!results.querySelector(".hb-search-notice")) return;
    var partial = results.querySelectorAll(".hb-result-partial").length;
    var text = partial ? "完全に一致するページはありません(一部一致 " + partial + " 件)" : "一致するページはありません";
    if (meta.textContent !== text) meta.textContent = text;
  }).observe(results, { childList: true, subtree: true });
})();
