// 自治体DXハンドブック: 似た自治体をさがす (issue 28).
//
// Data: window.HB_FINDER, set by assets/handbook/finder-data.js (generated; a script so the page works from file://).
// Text reaches the page only through textContent and attributes set one by one: nothing is parsed as HTML.
// State lives in the URL's fragment (#body=013951&place=神奈川県&theme=…), so a result can be shared and restored.
(function () {
  "use strict";
  var data = window.HB_FINDER;
  var root = document.getElementById("hb-finder");
  if (!data || !root) return;
  root.hidden = false;

  var BODY = { code: 0, name: 1, reading: 2, prefecture: 3, kind: 4, region: 5, population: 6, lat: 7, lng: 8 };
  var SHOWN = 5;
  var themeNames = {};
  var themeUrls = {};
  data.themes.forEach(function (t) { themeNames[t[0]] = t[1]; themeUrls[t[0]] = t[2]; });
  var byCode = {};
  data.bodies.forEach(function (b) { byCode[b[BODY.code]] = b; });

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }
  function link(text, href) { return el("a", text, { href: href }); }
  function day(d) {  // 2019-06 → 2019年6月 (the handbook's dates are YYYY, YYYY-MM or YYYY-MM-DD)
    var p = (d || "").split("-");
    return p[0] + "年" + (p[1] ? Number(p[1]) + "月" : "") + (p[2] ? Number(p[2]) + "日" : "");
  }
  function fmt(n) { return n === null || n === undefined ? "不明" : n.toLocaleString("ja-JP") + "人"; }

  // --- state in the fragment -------------------------------------------------------------------------------------
  function readState() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var state = {};
    ["body", "place", "band", "kind", "theme", "year"].forEach(function (k) { state[k] = params.get(k) || ""; });
    return state;
  }
  function writeState(state) {
    var params = new URLSearchParams();
    Object.keys(state).forEach(function (k) { if (state[k]) params.set(k, state[k]); });
    var hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  // --- picking one's own body ------------------------------------------------------------------------------------
  function katakana(s) {
    return s.replace(/[\u3041-\u3096]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) + 0x60); });
  }
  function normal(s) { return katakana((s || "").normalize("NFKC").replace(/\s+/g, "")); }
  var input = document.getElementById("hb-body");
  var choices = document.getElementById("hb-body-choices");
  function suggest() {
    var q = normal(input.value);
    while (choices.firstChild) choices.removeChild(choices.firstChild);
    if (!q) return;
    var found = data.bodies.filter(function (b) {
      var name = normal(b[BODY.name]);
      return name.indexOf(q) === 0 || normal(b[BODY.reading]).indexOf(q) === 0 || normal(b[BODY.prefecture] + b[BODY.name]).indexOf(q) === 0;
    }).slice(0, 10);
    found.forEach(function (b) {
      var item = el("li");
      var button = el("button", b[BODY.prefecture] + " " + b[BODY.name], { type: "button", "data-code": b[BODY.code] });
      if (b[BODY.kind] === "都道府県") button.textContent = b[BODY.name];
      button.addEventListener("click", function () { choose(b[BODY.code]); });
      item.appendChild(button);
      choices.appendChild(item);
    });
    if (!found.length) choices.appendChild(el("li", "該当する自治体がありません"));
  }
  input.addEventListener("input", suggest);

  function distanceKm(a, b) {
    if (a.lat === null || b.lat === null) return null;
    var rad = Math.PI / 180;
    var dLat = (b.lat - a.lat) * rad;
    var dLng = (b.lng - a.lng) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 6371 * 2 * Math.asin(Math.sqrt(h));
  }
  // How like the reader's body a covered body is: the same kind first, then population (on a log scale), the same
  // band and 地方, and the town halls' distance. Prefectures are compared with prefectures only.
  function similarity(mine, other) {
    var isPref = mine.kind === "都道府県";
    if (isPref !== (other.kind === "都道府県")) return -1;
    var score = mine.kind === other.kind ? 3 : 0;
    if (mine.population && other.population) {
      score += Math.max(0, 3 - 3 * Math.abs(Math.log10(mine.population / other.population)));
    }
    if (mine.band === other.band) score += 1;
    if (mine.region === other.region) score += 1;
    var km = distanceKm(mine, other);
    if (km !== null) score += Math.max(0, 2 * (1 - km / 1500));
    return score;
  }
  function bodyInfo(code) {
    var b = byCode[code];
    if (!b) return null;
    return { code: code, name: b[BODY.name], prefecture: b[BODY.prefecture], kind: b[BODY.kind], region: b[BODY.region],
             population: b[BODY.population], band: band(b[BODY.kind], b[BODY.population]), lat: b[BODY.lat], lng: b[BODY.lng] };
  }
  function band(kind, population) {
    if (kind === "都道府県") return data.bands[0];
    if (population === null || population === undefined) return data.bands[data.bands.length - 1];
    var limits = [5000, 30000, 100000, 300000];
    for (var i = 0; i < limits.length; i++) if (population < limits[i]) return data.bands[i + 1];
    return data.bands[5];
  }
  var similar = document.getElementById("hb-similar");
  function showSimilar(code) {
    while (similar.firstChild) similar.removeChild(similar.firstChild);
    var mine = bodyInfo(code);
    if (!mine) return;
    input.value = mine.name;
    similar.appendChild(el("p", mine.prefecture + " " + mine.name + "(" + mine.kind + "、人口 " + fmt(mine.population) + "、" +
                                mine.band + "、" + mine.region + "地方)に似た掲載自治体:"));
    var ranked = data.covered.map(function (c) {
      var pos = byCode[c.code] || [];
      var other = { kind: c.kind, population: c.population, band: c.band, region: c.region,
                    lat: pos[BODY.lat] === undefined ? null : pos[BODY.lat], lng: pos[BODY.lng] === undefined ? null : pos[BODY.lng] };
      return { c: c, score: c.code === code ? -1 : similarity(mine, other), km: distanceKm(mine, other) };
    }).filter(function (r) { return r.score >= 0; });
    ranked.sort(function (a, b) { return b.score - a.score || (a.c.code < b.c.code ? -1 : 1); });
    var list = el("ol", null, { "class": "hb-similar-list", id: "hb-similar-list" });
    ranked.slice(0, SHOWN).forEach(function (r) {
      var c = r.c;
      var item = el("li");
      var head = el("p");
      var strong = el("strong");
      strong.appendChild(link(c.name, c.url));
      head.appendChild(strong);
      head.appendChild(document.createTextNode("(" + c.prefecture + "・" + c.kind + "、人口 " + fmt(c.population) + "、" + c.band +
        (r.km !== null ? "、庁舎の距離 約" + Math.round(r.km).toLocaleString("ja-JP") + "km" : "") + ")"));
      item.appendChild(head);
      if (c.themes.length) {
        var themes = el("p", "テーマ: ");
        c.themes.forEach(function (t, i) {
          if (i) themes.appendChild(document.createTextNode("、"));
          themes.appendChild(link(themeNames[t] || t, themeUrls[t] + "#m-" + c.id));
        });
        item.appendChild(themes);
      }
      if (c.first.length) {
        var first = el("p", "最初の一歩: " + c.first.map(function (e) { return day(e.date) + " " + e.text; }).join(" → "));
        item.appendChild(first);
      }
      list.appendChild(item);
    });
    if (!ranked.length) similar.appendChild(el("p", "比べられる掲載自治体がありません。"));
    similar.appendChild(list);
  }
  function choose(code) {
    var state = readState();
    state.body = code;
    writeState(state);
    while (choices.firstChild) choices.removeChild(choices.firstChild);
    showSimilar(code);
  }

  // --- filters over the covered bodies and their evidence --------------------------------------------------------
  var form = document.getElementById("hb-filters");
  function fill(name, options) {
    var select = form.elements[name];
    options.forEach(function (o) {
      if (o.group) {
        var group = el("optgroup", null, { label: o.group });
        o.items.forEach(function (it) { group.appendChild(el("option", it[1], { value: it[0] })); });
        select.appendChild(group);
      } else {
        select.appendChild(el("option", o[1], { value: o[0] }));
      }
    });
  }
  function unique(values) { return values.filter(function (v, i) { return v !== null && values.indexOf(v) === i; }); }
  var regions = unique(data.bodies.map(function (b) { return b[BODY.region]; }));
  var prefs = unique(data.bodies.map(function (b) { return b[BODY.prefecture]; }));
  fill("place", [
    { group: "地方", items: regions.map(function (r) { return ["地方:" + r, r + "地方"]; }) },
    { group: "都道府県", items: prefs.map(function (p) { return [p, p]; }) }
  ]);
  fill("band", data.bands.map(function (b) { return [b, b]; }));
  fill("kind", ["都道府県", "市", "特別区", "町", "村"].map(function (k) { return [k, k]; }));
  fill("theme", data.themes.map(function (t) { return [t[0], t[1]]; }));
  var years = unique([].concat.apply([], data.covered.map(function (c) { return c.items.map(function (i) { return i.year; }); })));
  years.sort();
  fill("year", years.map(function (y) { return [String(y), y + "年"]; }));

  var results = document.getElementById("hb-results");
  function matchesBody(c, state) {
    if (state.place) {
      if (state.place.indexOf("地方:") === 0 ? c.region !== state.place.slice(3) : c.prefecture !== state.place) return false;
    }
    if (state.band && c.band !== state.band) return false;
    if (state.kind && c.kind !== state.kind) return false;
    return true;
  }
  function matchesItem(item, state) {
    if (state.theme && item.themes.indexOf(state.theme) < 0) return false;
    if (state.year && String(item.year) !== state.year) return false;
    return true;
  }
  function showResults(state) {
    while (results.firstChild) results.removeChild(results.firstChild);
    var any = state.place || state.band || state.kind || state.theme || state.year;
    var bodies = data.covered.filter(function (c) { return matchesBody(c, state); });
    var total = 0;
    var list = el("ul", null, { "class": "hb-results-list", id: "hb-results-list" });
    bodies.forEach(function (c) {
      var items = c.items.filter(function (i) { return matchesItem(i, state); });
      if (any && (state.theme || state.year) && !items.length) return;
      total += 1;
      var li = el("li", null, { "data-municipality": c.id });
      var head = el("p");
      var strong = el("strong");
      strong.appendChild(link(c.name, c.url));
      head.appendChild(strong);
      head.appendChild(document.createTextNode("(" + c.prefecture + "・" + c.kind + "、" + c.band + "、根拠 " + items.length + " 件)"));
      li.appendChild(head);
      var sub = el("ul");
      items.slice(0, 5).forEach(function (i) {
        var row = el("li", (i.date ? day(i.date) + " " : "") + i.text + "(");
        row.appendChild(link(i.source, i.url));
        row.appendChild(document.createTextNode(")"));
        sub.appendChild(row);
      });
      if (items.length > 5) {
        var more = el("li");
        more.appendChild(link("ほか " + (items.length - 5) + " 件(" + c.name + "のページ)", c.url));
        sub.appendChild(more);
      }
      li.appendChild(sub);
      list.appendChild(li);
    });
    results.appendChild(el("p", "該当する掲載自治体: " + total + " 団体", { id: "hb-results-count" }));
    results.appendChild(list);
  }
  function fromForm() {
    var state = readState();
    ["place", "band", "kind", "theme", "year"].forEach(function (k) { state[k] = form.elements[k].value; });
    return state;
  }
  form.addEventListener("change", function () {
    var state = fromForm();
    writeState(state);
    showResults(state);
  });
  form.addEventListener("reset", function () {
    setTimeout(function () {
      var state = fromForm();
      writeState(state);
      showResults(state);
    }, 0);
  });

  function restore() {
    var state = readState();
    ["place", "band", "kind", "theme", "year"].forEach(function (k) { form.elements[k].value = state[k]; });
    if (state.body) showSimilar(state.body);
    showResults(state);
  }
  window.addEventListener("hashchange", restore);
  restore();
})();
