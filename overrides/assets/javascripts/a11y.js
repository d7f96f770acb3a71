// 自治体DXハンドブック: accessibility fixes that need script (issue 6).
//
// Escape hides the glossary tooltip that is showing (WCAG 2.1 SC 1.4.13: content shown on hover
// or focus must be dismissible without moving the pointer or the focus). Material 9.8.1's
// content.tooltips keeps it open until focus or pointer leaves the term. The tooltip comes back
// the next time focus or the pointer moves to an element.
(function () {
  "use strict";
  var root = document.documentElement;
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && document.querySelector(".md-tooltip2--active")) {
      root.classList.add("hb-tooltips-dismissed");
    }
  });
  function restore() {
    root.classList.remove("hb-tooltips-dismissed");
  }
  document.addEventListener("focusin", restore);
  document.addEventListener("pointerover", restore);

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
