/*
 * 自治体DXハンドブックの検索ワーカー(Material for MkDocs の検索 UI に答えます)。
 *
 * Why: Material's own worker rebuilds a lunr index in the browser on every page load and
 * splits Japanese badly. generator/search.py builds the index at build time; this worker only
 * loads it and answers by normalised substring matching, so what a reader types finds the pages
 * that contain it. Protocol (Material 9.8): {type, data}, SETUP=0, READY=1, QUERY=2, RESULT=3.
 * From file:// it runs inside Material's iframe-worker shim, where importScripts is async.
 *
 * Data: <index>.json (pages, entities, synonyms, normalisation) and the texts of all pages in
 * one string, NUL between pages: <index>.txt (UTF-16LE) over http, <index>.js from file://.
 */
"use strict";
(() => {
  const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  const SNIPPET_BEFORE = 40, SNIPPET_AFTER = 80;
  const MAX_SECTIONS = 5, SECTION_DOCS = 20, SNIPPET_DOCS = 100, MAX_COUNT = 3;
  let ix = null;

  /** The site root, from this script's own URL (a real worker, or a script tag in the shim's iframe). */
  function siteRoot() {
    const script = typeof document !== "undefined" ? document.querySelector("script[src]") : null;
    const here = (script ? script.src : self.location.href).split("?")[0];
    return new URL("../../", here);
  }

  /** Load the build-time index: JSON + UTF-16 text over http, the script variant from file://. */
  async function load(config) {
    const base = new URL(config.handbook.index, siteRoot());
    if (typeof document !== "undefined" || base.protocol === "file:") {
      await importScripts(`${base}.js`);
      const bloom = Uint8Array.from(atob(self.__handbookSearchBloom), c => c.charCodeAt(0));
      const data = { meta: self.__handbookSearchIndex, text: self.__handbookSearchText, bloom };
      self.__handbookSearchIndex = self.__handbookSearchText = self.__handbookSearchBloom = undefined;
      return data;
    }
    const [meta, bytes, bloom] = await Promise.all([
      fetch(`${base}.json`).then(r => r.json()),
      fetch(`${base}.txt`).then(r => r.arrayBuffer()),
      fetch(`${base}.bin`).then(r => r.arrayBuffer()),
    ]);
    return { meta, text: new TextDecoder("utf-16le").decode(bytes), bloom: new Uint8Array(bloom) };
  }

  /**
   * Over http, start loading as soon as the worker starts instead of waiting for SETUP: the page
   * first fetches the same small search_index.json and only then posts it here.
   */
  function prefetch() {
    if (typeof document !== "undefined" || typeof fetch !== "function") return null;
    return fetch(new URL("search/search_index.json", siteRoot()))
      .then(response => response.json())
      .then(stub => {
        const data = load(stub.config);
        data.catch(() => null);
        return { index: stub.config.handbook.index, data };
      })
      .catch(() => null);
  }
  const early = prefetch();

  /** Compile the normalisation shipped with the index, so the query is folded like the pages were. */
  function normaliser(n) {
    const table = n.table;
    const re = {
      lookalike: new RegExp(n.lookalike, "g"),
      width: new RegExp(n.width, "g"),
      space: new RegExp(n.space, "g"),
      latin: new RegExp(`^${n.latin}$`),
      edge: new RegExp(`^${n.edge}|${n.edge}$`, "g"),
    };
    const fold = s => s
      .replace(re.lookalike, c => table[c] ?? c)
      .replace(re.width, run => run.normalize("NFKC"))
      .replace(/\u0130/g, "I")
      .replace(/\u0000/g, "");
    const squeeze = s => s.replace(re.space, (m, at, all) => (
      at > 0 && at + m.length < all.length && re.latin.test(all[at - 1]) && re.latin.test(all[at + m.length]) ? " " : ""
    ));
    const strip = s => s.replace(re.edge, "");
    const key = s => strip(squeeze(fold(s)).trim()).toLowerCase();
    return { fold, squeeze, strip, key, space: new RegExp(n.space) };
  }

  /**
   * The preview (mkdocs serve) has no build-time index: index Material's own page texts, with the
   * same folding (look-alikes by NFKC), no entities, synonyms or filter.
   */
  function fromMaterial(docs) {
    const n = {
      lookalike: "[\u00a0\u2160-\u217f\u2e80-\u2eff\u2f00-\u2fdf]", table: {},
      width: "[\u3000\uff00-\uffef]+", latin: "[0-9A-Za-z\u00c0-\u024f]",
      space: "[\t\n\v\f\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+",
      edge: "[\"'()\\[\\]{}<>「」『』【】〔〕〈〉《》（）［］｛｝、。，．,.!?！？:;：；…‥・/／〜~]+",
    };
    const { fold, squeeze } = normaliser(n);
    const entities = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " " };
    const pages = new Map();
    for (const doc of docs) {
      const [page] = doc.location.split("#");
      const plain = `${doc.title} ${doc.text}`.replace(/<[^>]+>/g, " ").replace(/&[a-z0-9#]+;/g, e => entities[e] ?? e);
      if (!pages.has(page)) pages.set(page, { title: doc.title.replace(/<[^>]+>/g, ""), parts: [] });
      pages.get(page).parts.push(plain);
    }
    const texts = [...pages.values()].map(p => squeeze(fold(p.parts.join(" ").normalize("NFKC"))).trim());
    const meta = {
      normalise: n, docs: [...pages].map(([location, p]) => [location, p.title, []]),
      lengths: texts.map(t => t.length), entities: [], synonyms: [], bloom: null,
    };
    return { meta, text: texts.join("\u0000"), bloom: null };
  }

  function prepare({ meta, text, bloom }) {
    const norm = normaliser(meta.normalise);
    const starts = new Int32Array(meta.docs.length + 1);
    meta.lengths.forEach((len, i) => { starts[i + 1] = starts[i] + len + 1; });
    const docs = meta.docs.map(([location, title, sections]) => ({
      location, title, titleLower: title.toLowerCase(), titleHtml: esc(title), sections,
    }));
    const byLocation = new Map(docs.map((d, i) => [d.location, i]));
    const entities = new Map();
    for (const [location, names] of meta.entities) {
      const [page, anchor] = location.split("#");
      const doc = byLocation.get(page);
      if (doc === undefined) continue;
      for (const name of names) {
        const k = norm.key(name);
        if (!entities.has(k)) entities.set(k, []);
        entities.get(k).push({ doc, anchor: anchor || null });
      }
    }
    const synonyms = new Map();
    for (const group of meta.synonyms) {
      const [canonical, ...aliases] = group.map(norm.key);
      const add = (k, others) => {
        const list = synonyms.get(k) || [];
        for (const o of others) if (o !== k && !list.includes(o)) list.push(o);
        synonyms.set(k, list);
      };
      add(canonical, aliases);
      for (const a of aliases) add(a, [canonical]);
    }
    // One string for all pages; lower-casing keeps every offset (the build made sure of it).
    const lower = text.toLowerCase();
    const pages = docs.map((_, d) => lower.slice(starts[d], starts[d + 1] - 1));
    const filter = bloom ? { bytes: bloom, size: meta.bloom.bits >> 3, shift: 32 - meta.bloom.log2 } : null;
    return { ...norm, docs, starts, text, lower, pages, filter, entities, synonyms };
  }

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const esc = s => s.replace(/[&<>"']/g, c => ESCAPES[c]);

  /** Terms (split on spaces) and the whole query as one phrase, both normalised like the index. */
  function parse(query) {
    const terms = [];
    for (const raw of ix.fold(query).split(ix.space)) {
      const t = ix.strip(raw).toLowerCase();
      if (t && !terms.includes(t)) terms.push(t);
    }
    const phrase = ix.key(query);
    const variants = t => [t, ...(ix.synonyms.get(t) || [])];
    return {
      terms, phrase, multi: terms.length > 1 && !!phrase && !terms.includes(phrase),
      termVariants: terms.map(variants), phraseVariants: variants(phrase),
    };
  }

  /** The filter bytes and bits a needle's character pairs set (generator/search.py bigram_bits). */
  function masks(needle) {
    if (!ix.filter) return [];
    const { shift } = ix.filter;
    const bytes = new Map();
    for (let i = 0; i + 1 < needle.length; i++) {
      const a = needle.charCodeAt(i), b = needle.charCodeAt(i + 1);
      for (const h of [
        (Math.imul(a, 0x9E3779B1) ^ Math.imul(b, 0x85EBCA77)) >>> shift,
        (Math.imul(a, 0xC2B2AE3D) ^ Math.imul(b, 0x27D4EB2F)) >>> shift,
      ]) bytes.set(h >> 3, (bytes.get(h >> 3) || 0) | (1 << (h & 7)));
    }
    return [...bytes];
  }

  /**
   * First position (in the joined text) of a needle in each page, -1 where absent. Only pages
   * whose bigram filter has all of the needle's pairs are read.
   */
  function firstHits(needle) {
    const hits = new Int32Array(ix.docs.length).fill(-1);
    const need = masks(needle), { bytes, size } = ix.filter || { bytes: null, size: 0 };
    for (let d = 0; d < ix.docs.length; d++) {
      const base = d * size;
      let maybe = true;
      for (let k = 0; k < need.length && maybe; k++) maybe = (bytes[base + need[k][0]] & need[k][1]) === need[k][1];
      if (!maybe) continue;
      const at = ix.pages[d].indexOf(needle);
      if (at >= 0) hits[d] = ix.starts[d] + at;
    }
    return hits;
  }

  function count(needle, d, at) {
    const page = ix.pages[d];
    let n = 0;
    for (let i = at - ix.starts[d]; i >= 0 && n < MAX_COUNT; i = page.indexOf(needle, i + needle.length)) n++;
    return n;
  }

  /** Every occurrence of the needles in [from, to), merged into non-overlapping ranges. */
  function hitsIn(lower, needles, from, to) {
    const hits = [];
    const part = lower.slice(from, to);
    for (const needle of needles) {
      if (!needle) continue;
      for (let at = part.indexOf(needle); at >= 0; at = part.indexOf(needle, at + 1))
        hits.push([from + at, Math.min(from + at + needle.length, to)]);
    }
    hits.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const merged = [];
    for (const h of hits) {
      const last = merged[merged.length - 1];
      if (last && h[0] <= last[1]) last[1] = Math.max(last[1], h[1]);
      else merged.push(h.slice());
    }
    return merged;
  }

  function mark(text, hits, from, to) {
    let out = "", pos = from;
    for (const [s, e] of hits) {
      if (s < pos) continue;
      out += esc(text.slice(pos, s)) + "<mark>" + esc(text.slice(s, e)) + "</mark>";
      pos = e;
    }
    return out + esc(text.slice(pos, to));
  }

  /** An escaped excerpt around an absolute position, matches marked, within [start, end). */
  function snippet(needles, at, start, end) {
    const from = Math.max(start, at - SNIPPET_BEFORE);
    const to = Math.min(end, at + SNIPPET_AFTER);
    const hits = hitsIn(ix.lower, needles, from, to);
    return `<p>${from > start ? "…" : ""}${mark(ix.text, hits, from, to)}${to < end ? "…" : ""}</p>`;
  }

  function title(text, needles) {
    const lower = text.toLowerCase();
    return mark(text, hitsIn(lower, needles, 0, text.length), 0, text.length);
  }

  /** The entity pages (and anchors) named exactly by the query or one of its terms. */
  function entityHits(q) {
    const out = new Map();
    for (const k of [q.phrase, ...q.terms]) {
      for (const e of ix.entities.get(k) || []) {
        if (!out.has(e.doc)) out.set(e.doc, new Set());
        if (e.anchor) out.get(e.doc).add(e.anchor);
      }
    }
    return out;
  }

  /** Score the pages: terms matched, whole phrase, entity's own page, title, frequency. */
  function rank(q) {
    const termHits = q.termVariants.map(vs => vs.map(firstHits));
    const phraseHits = q.multi ? q.phraseVariants.map(firstHits) : [];
    const entity = entityHits(q);
    const ranked = [], shared = new Map();  // one terms object per pattern: cheaper to post

    for (let d = 0; d < ix.docs.length; d++) {
      let matched = 0, first = -1, original = false, occurrences = 0, phrase = false;
      const found = [], terms = {};
      q.terms.forEach((term, i) => {
        terms[term] = false;
        const j = termHits[i].findIndex(h => h[d] >= 0);
        if (j < 0) return;
        const at = termHits[i][j][d], v = q.termVariants[i][j];
        matched++;
        terms[term] = true;
        found.push(v);
        original = original || j === 0;
        if (first < 0 || at < first) first = at;
        occurrences = Math.max(occurrences, count(v, d, at));
      });
      const p = phraseHits.findIndex(h => h[d] >= 0);
      if (p >= 0) {
        phrase = true;
        found.unshift(q.phraseVariants[p]);
        first = phraseHits[p][d];
      }
      if (!matched && !phrase) continue;
      const doc = ix.docs[d];
      let s = 10 * matched / q.terms.length + (phrase ? 20 : 0) + (original ? 3 : 0) + occurrences;
      if (found.some(v => doc.titleLower === v)) s += 30;
      else if (found.some(v => doc.titleLower.includes(v))) s += 15;
      if (entity.has(d)) s += 100;
      const pattern = q.terms.map(t => +terms[t]).join("");
      if (!shared.has(pattern)) shared.set(pattern, terms);
      ranked.push({ d, score: s, first, found, terms: shared.get(pattern), anchors: entity.get(d) || new Set() });
    }
    return ranked.sort((a, b) => b.score - a.score || a.d - b.d);
  }

  /** Up to MAX_SECTIONS headings whose text holds a match, entity anchors first. */
  function sections(r) {
    const doc = ix.docs[r.d], start = ix.starts[r.d], end = ix.starts[r.d + 1] - 1;
    const sectionOf = at => {
      let found = -1;
      for (let i = 0; i < doc.sections.length && start + doc.sections[i][2] <= at; i++) found = i;
      return found;
    };
    const picked = new Map();
    for (const [i, [anchor]] of doc.sections.entries())
      if (r.anchors.has(anchor)) picked.set(i, null);
    const page = ix.pages[r.d];
    for (const v of r.found)
      for (let i = page.indexOf(v); i >= 0 && picked.size < MAX_SECTIONS; i = page.indexOf(v, i + v.length)) {
        const at = start + i, s = sectionOf(at);
        if (s >= 0 && (!picked.has(s) || picked.get(s) === null)) picked.set(s, at);
      }
    const items = [];
    for (const [i, at] of picked) {
      const [anchor, heading, offset] = doc.sections[i];
      const stop = i + 1 < doc.sections.length ? start + doc.sections[i + 1][2] : end;
      items.push({
        location: `${doc.location}#${anchor}`,
        title: title(heading, r.found),
        text: snippet(r.found, at === null ? start + offset : at, start + offset, stop),
        score: r.anchors.has(anchor) ? r.score : r.score / 2,
        terms: r.terms,
      });
    }
    return items.slice(0, MAX_SECTIONS);
  }

  function search(query) {
    const q = parse(query);
    if (!q.terms.length) return { items: [] };
    const items = rank(q).map((r, n) => {
      const doc = ix.docs[r.d];
      // Past the first pages a reader scrolls to, the title alone keeps answers of thousands of pages fast.
      if (n >= SNIPPET_DOCS)
        return [{ location: doc.location, title: doc.titleHtml, text: "", score: r.score, terms: r.terms }];
      const page = {
        location: doc.location,
        title: title(doc.title, r.found),
        text: snippet(r.found, r.first, ix.starts[r.d], ix.starts[r.d + 1] - 1),
        score: r.score,
        terms: r.terms,
      };
      return n < SECTION_DOCS ? [page, ...sections(r)] : [page];
    });
    return { items };
  }

  addEventListener("message", async ev => {
    const { type, data } = ev.data;
    if (type === SETUP) {
      try {
        const pre = early && await early;
        const index = data.config.handbook && data.config.handbook.index;
        const same = pre && index && pre.index === index;
        ix = prepare(index ? await (same ? pre.data : load(data.config)) : fromMaterial(data.docs));
      } catch (err) {
        console.warn("検索索引を読み込めませんでした", err);
      }
      postMessage({ type: READY });
    } else if (type === QUERY) {
      postMessage({ type: RESULT, data: ix ? search(data) : { items: [] } });
    }
  });
})();
