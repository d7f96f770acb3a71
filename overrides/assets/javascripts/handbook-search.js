/*
 * 自治体DXハンドブックの検索ワーカー(Material for MkDocs の検索 UI に答えます)。
 *
 * Why: Material's own worker rebuilds a lunr index in the browser on every page load and
 * splits Japanese badly. generator/publish/search.py builds the index at build time; this worker loads
 * a small manifest, and for each query only the index shards of the query's characters and the
 * texts of the pages it shows, so search is ready at once and a reader downloads little even at
 * national scale. Protocol (Material 9.8): {type, data}, SETUP=0, READY=1, QUERY=2, RESULT=3.
 * From file:// it runs inside Material's iframe-worker shim, where only scripts load.
 *
 * Index files (one folder per build): manifest.js, g<n>.js (for every character and pair of
 * adjacent characters, the pages holding it), t<n>.js (page texts and headings). Each is
 * `self.__hb({...});`: evaluated as a script from file://, parsed as JSON over http.
 */
"use strict";
(() => {
  const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  const SCRIPT_PREFIX = "self.__hb(", SCRIPT_SUFFIX = ");\n", BITMAP_MARK = "~";
  const SNIPPET_BEFORE = 40, SNIPPET_AFTER = 80, BREAK = " · ";
  const MAX_SECTIONS = 5, SECTION_DOCS = 20, MAX_COUNT = 3;
  // Candidates are checked against their text: all of them up to CHECK_ALL, else the best CHECK_TOP.
  const CHECK_ALL = 40, CHECK_TOP = 20;
  const inFrame = typeof document !== "undefined";
  let ix = null, latest = 0;

  /** The site root, from this script's own URL (a real worker, or a script tag in the shim's iframe). */
  function siteRoot() {
    const script = inFrame ? document.querySelector("script[src]") : null;
    const here = (script ? script.src : self.location.href).split("?")[0];
    return new URL("../../", here);
  }
  const root = siteRoot();

  /** Payloads delivered by index scripts, under the file name their content says they came from. */
  const arrived = new Map();
  const nameOf = p => (p.shard !== undefined ? `g${p.shard}.js` : p.chunk !== undefined ? `t${p.chunk}.js` : "manifest.js");
  self.__hb = payload => { arrived.set(nameOf(payload), payload); };

  /** A script tag per file, loaded in parallel (the shim's importScripts cannot report a missing file). */
  function viaScript(url, name) {
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = url;
      tag.onload = () => {
        tag.remove();
        const payload = arrived.get(name);
        arrived.delete(name);
        if (payload) resolve(payload);
        else reject(new Error(`索引ファイルの中身が違います: ${url}`));
      };
      tag.onerror = () => { tag.remove(); reject(new Error(`読み込めません: ${url}`)); };
      document.body.appendChild(tag);
    });
  }

  /** One index file: fetched and parsed over http, evaluated as a script from file://. */
  async function fetchFile(base, name) {
    const url = `${base}/${name}`;
    if (inFrame) return viaScript(url, name);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`読み込めません: ${url} (${response.status})`);
    const text = await response.text();
    return JSON.parse(text.slice(SCRIPT_PREFIX.length, text.length - SCRIPT_SUFFIX.length));
  }

  /** Each file is loaded once per page view; repeated and refined queries reuse it. */
  const files = new Map();
  function file(name) {
    if (!files.has(name)) {
      const p = fetchFile(ix.base, name);
      p.catch(() => files.delete(name));
      files.set(name, p);
    }
    return files.get(name);
  }

  /**
   * Over http, start loading the manifest as soon as the worker starts instead of waiting for
   * SETUP: the page first fetches the same small search_index.json and only then posts it here.
   */
  function prefetch() {
    if (inFrame || typeof fetch !== "function") return null;
    return fetch(new URL("search/search_index.json", root))
      .then(response => response.json())
      .then(stub => {
        const data = fetchFile(new URL(stub.config.handbook.index, root).href, "manifest.js");
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

  /** The worker's view of the manifest: pages, entity names and synonyms, keyed like queries. */
  function prepare(manifest, base) {
    const norm = normaliser(manifest.normalise);
    const docs = manifest.docs.map(([location, title, chunk]) => ({
      location, title, titleLower: title.toLowerCase(), titleHtml: esc(title), chunk,
    }));
    const byLocation = new Map(docs.map((d, i) => [d.location, i]));
    const entities = new Map();
    for (const [location, names] of manifest.entities) {
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
    for (const group of manifest.synonyms) {
      const [canonical, ...aliases] = group.map(norm.key);
      const add = (k, others) => {
        const list = synonyms.get(k) || [];
        for (const o of others) if (o !== k && !list.includes(o)) list.push(o);
        synonyms.set(k, list);
      };
      add(canonical, aliases);
      for (const a of aliases) add(a, [canonical]);
    }
    return { ...norm, base, docs, shards: manifest.shards, entities, synonyms, texts: new Map(), material: null };
  }

  /**
   * The preview (mkdocs serve) has no build-time index: Material's page texts, folded the same
   * way (look-alikes by NFKC) and scanned whole, with no entities or synonyms.
   */
  function fromMaterial(docs) {
    const n = {
      lookalike: "[\u00a0\u2160-\u217f\u2e80-\u2eff\u2f00-\u2fdf]", table: {},
      width: "[\u3000\uff00-\uffef]+", latin: "[0-9A-Za-z\u00c0-\u024f]",
      space: "[\t\n\v\f\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+",
      edge: "[\"'()\\[\\]{}<>「」『』【】〔〕〈〉《》（）［］｛｝、。，．,.!?！？:;：；…‥・/／〜~]+",
    };
    const norm = normaliser(n);
    const entities = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " " };
    const pages = new Map();
    for (const doc of docs) {
      const [page] = doc.location.split("#");
      const plain = `${doc.title} ${doc.text}`.replace(/<[^>]+>/g, " ").replace(/&[a-z0-9#]+;/g, e => entities[e] ?? e);
      if (!pages.has(page)) pages.set(page, { title: doc.title.replace(/<[^>]+>/g, ""), parts: [] });
      pages.get(page).parts.push(plain);
    }
    const list = [...pages];
    const texts = new Map(list.map(([, p], d) => {
      const text = norm.squeeze(norm.fold(p.parts.join(" ").normalize("NFKC"))).trim();
      return [d, { text, lower: text.toLowerCase(), sections: [], breaks: [] }];
    }));
    const docsOut = list.map(([location, p]) => ({
      location, title: p.title, titleLower: p.title.toLowerCase(), titleHtml: esc(p.title), chunk: -1,
    }));
    return { ...norm, base: null, docs: docsOut, shards: 0, entities: new Map(), synonyms: new Map(), texts, material: true };
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

  /** FNV-1a over UTF-16 code units: the shard of a gram (generator/publish/search.py shard_of). */
  function shardOf(gram) {
    let h = 0x811c9dc5;
    for (let i = 0; i < gram.length; i++) h = Math.imul(h ^ gram.charCodeAt(i), 0x01000193) >>> 0;
    return h & (ix.shards - 1);
  }

  /** The grams that decide a needle's pages: itself up to two characters, else its pairs. */
  function gramsOf(needle) {
    if (needle.length <= 2) return [needle];
    const out = new Set();
    for (let i = 0; i + 1 < needle.length; i++) out.add(needle.slice(i, i + 2));
    return [...out];
  }

  /** Page numbers from gaps in decimal, or from a page bitmap. */
  function decode(postings) {
    if (postings.startsWith(BITMAP_MARK)) {
      const bytes = atob(postings.slice(1)), out = [];
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes.charCodeAt(i);
        for (let k = 0; k < 8; k++) if (b & (1 << k)) out.push(i * 8 + k);
      }
      return out;
    }
    let d = 0;
    return postings.split(",").map(gap => (d += +gap));
  }

  /** Load the shards of every needle's grams, then each needle's candidate pages (sorted; exact up to two characters). */
  async function candidates(needles) {
    const grams = new Set(needles.flatMap(gramsOf));
    const shards = new Set([...grams].map(shardOf));
    const loaded = new Map(await Promise.all([...shards].map(async s => [s, (await file(`g${s}.js`)).grams])));
    const lists = new Map();
    for (const g of grams) {
      const postings = loaded.get(shardOf(g))[g];
      lists.set(g, postings ? decode(postings) : []);
    }
    const out = new Map();
    for (const needle of needles) {
      const parts = gramsOf(needle).map(g => lists.get(g)).sort((a, b) => a.length - b.length);
      let set = parts[0];
      for (const other of parts.slice(1)) {
        if (!set.length) break;
        const has = new Set(other);
        set = set.filter(d => has.has(d));
      }
      out.set(needle, set);
    }
    return out;
  }

  /**
   * The text, lower-cased text, headings and block ends of some pages, loading the chunks that hold
   * them. The index keeps no space between blocks (a word may be typed across them), so snippets
   * show a separator at the block ends instead.
   */
  async function loadTexts(docIds) {
    const missing = [...new Set(docIds.filter(d => !ix.texts.has(d)).map(d => ix.docs[d].chunk))];
    const chunks = await Promise.all(missing.map(c => file(`t${c}.js`)));
    for (const chunk of chunks)
      for (const [d, text, sections, breaks] of chunk.docs)
        if (!ix.texts.has(d)) ix.texts.set(d, { text, lower: text.toLowerCase(), sections, breaks });
  }

  function count(lower, needle, at) {
    let n = 0;
    for (let i = at; i >= 0 && n < MAX_COUNT; i = lower.indexOf(needle, i + needle.length)) n++;
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

  /** Escaped text of [from, to) with the hits marked and a separator at each break. */
  function mark(text, hits, from, to, cuts = []) {
    const piece = (a, b) => {
      let out = "", pos = a;
      for (const k of cuts) {
        if (k <= a || k >= b) continue;
        out += esc(text.slice(pos, k)) + BREAK;
        pos = k;
      }
      return out + esc(text.slice(pos, b));
    };
    const edge = k => (k > from && k < to && cuts.includes(k) ? BREAK : "");
    let out = "", pos = from;
    for (const [s, e] of hits) {
      if (s < pos) continue;  // merged hits never touch, so no edge is written twice
      out += piece(pos, s) + edge(s) + "<mark>" + piece(s, e) + "</mark>" + edge(e);
      pos = e;
    }
    return out + piece(pos, to);
  }

  /** An escaped excerpt of a page around a position, matches marked, within [start, end). */
  function snippet(page, needles, at, start, end) {
    const from = Math.max(start, at - SNIPPET_BEFORE);
    const to = Math.min(end, at + SNIPPET_AFTER);
    const hits = hitsIn(page.lower, needles, from, to);
    return `<p>${from > start ? "…" : ""}${mark(page.text, hits, from, to, page.breaks)}${to < end ? "…" : ""}</p>`;
  }

  function title(text, needles) {
    return mark(text, hitsIn(text.toLowerCase(), needles, 0, text.length), 0, text.length);
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

  /**
   * What a page holds of the query: per term the first variant found (-1: none), the phrase.
   * With a page's text the answer is exact; without it, it comes from the gram index.
   */
  function matchDoc(q, d, found) {
    const page = ix.texts.get(d);
    const locate = v => {
      if (page) return page.lower.indexOf(v);
      const c = found.get(v);
      return c && c.has(d) ? 0 : -1;
    };
    const terms = {}, hit = [];
    let matched = 0, first = -1, original = false, occurrences = 0, phrase = false;
    q.terms.forEach((term, i) => {
      terms[term] = false;
      for (const [j, v] of q.termVariants[i].entries()) {
        const at = locate(v);
        if (at < 0) continue;
        matched++;
        terms[term] = true;
        hit.push(v);
        original = original || j === 0;
        if (first < 0 || at < first) first = at;
        if (page) occurrences = Math.max(occurrences, count(page.lower, v, at));
        break;
      }
    });
    if (q.multi) {
      for (const v of q.phraseVariants) {
        const at = locate(v);
        if (at < 0) continue;
        phrase = true;
        hit.unshift(v);
        first = at;
        break;
      }
    }
    return { matched, first, original, occurrences, phrase, found: hit, terms };
  }

  /** Score a page: terms matched, whole phrase, entity's own page, title, frequency. */
  function score(q, d, m, entity) {
    const doc = ix.docs[d];
    let s = 10 * m.matched / q.terms.length + (m.phrase ? 20 : 0) + (m.original ? 3 : 0) + m.occurrences;
    if (m.found.some(v => doc.titleLower === v)) s += 30;
    else if (m.found.some(v => doc.titleLower.includes(v))) s += 15;
    if (entity.has(d)) s += 100;
    return s;
  }

  /**
   * Rank the pages: candidates from the gram index, scored; the best (or all, when few) are
   * checked against their text, which drops false candidates and adds frequency and snippets.
   */
  async function rank(q) {
    const needles = [...new Set([...q.termVariants.flat(), ...(q.multi ? q.phraseVariants : [])])];
    const entity = entityHits(q);
    let pool;
    const found = new Map();
    if (ix.material) {
      pool = [...ix.texts.keys()];
    } else {
      const cands = await candidates(needles);
      for (const [needle, docs] of cands) found.set(needle, new Set(docs));
      pool = [...new Set([...cands.values()].flat())].sort((a, b) => a - b);
    }
    const first = pool.map(d => {
      const m = matchDoc(q, d, found);
      return { d, m, score: score(q, d, m, entity) };
    }).filter(r => r.m.matched || r.m.phrase);
    first.sort((a, b) => b.score - a.score || a.d - b.d);
    const check = first.length <= CHECK_ALL ? first : first.slice(0, CHECK_TOP);
    await loadTexts(check.map(r => r.d));
    const checked = [];
    for (const r of check) {
      const m = matchDoc(q, r.d, found);
      if (m.matched || m.phrase) checked.push({ d: r.d, m, score: score(q, r.d, m, entity), text: true });
    }
    checked.sort((a, b) => b.score - a.score || a.d - b.d);
    return [...checked, ...first.slice(check.length)].map(r => ({ ...r, anchors: entity.get(r.d) || new Set() }));
  }

  /** Up to MAX_SECTIONS headings whose text holds a match, entity anchors first. */
  function sections(r, page) {
    const secs = page.sections, end = page.text.length;
    const sectionOf = at => {
      let found = -1;
      for (let i = 0; i < secs.length && secs[i][2] <= at; i++) found = i;
      return found;
    };
    const picked = new Map();
    for (const [i, [anchor]] of secs.entries())
      if (r.anchors.has(anchor)) picked.set(i, null);
    for (const v of r.m.found)
      for (let at = page.lower.indexOf(v); at >= 0 && picked.size < MAX_SECTIONS; at = page.lower.indexOf(v, at + v.length)) {
        const s = sectionOf(at);
        if (s >= 0 && (!picked.has(s) || picked.get(s) === null)) picked.set(s, at);
      }
    const items = [];
    for (const [i, at] of picked) {
      const [anchor, heading, offset] = secs[i];
      const stop = i + 1 < secs.length ? secs[i + 1][2] : end;
      items.push({
        location: `${ix.docs[r.d].location}#${anchor}`,
        title: title(heading, r.m.found),
        text: snippet(page, r.m.found, at === null ? offset : at, offset, stop),
        score: r.anchors.has(anchor) ? r.score : r.score / 2,
        terms: r.m.terms,
      });
    }
    return items.slice(0, MAX_SECTIONS);
  }

  async function search(query) {
    const q = parse(query);
    if (!q.terms.length) return { items: [] };
    const ranked = await rank(q);
    const items = ranked.map((r, n) => {
      const doc = ix.docs[r.d], page = r.text ? ix.texts.get(r.d) : null;
      // Pages not checked against their text (far down a long list) show their title alone.
      if (!page)
        return [{ location: doc.location, title: doc.titleHtml, text: "", score: r.score, terms: r.m.terms }];
      const head = {
        location: doc.location,
        title: title(doc.title, r.m.found),
        text: snippet(page, r.m.found, Math.max(r.m.first, 0), 0, page.text.length),
        score: r.score,
        terms: r.m.terms,
      };
      return n < SECTION_DOCS ? [head, ...sections(r, page)] : [head];
    });
    return { items };
  }

  async function setup(data) {
    const index = data.config.handbook && data.config.handbook.index;
    if (!index) return fromMaterial(data.docs);
    const pre = early && await early;
    const base = new URL(index, root).href;
    const manifest = await (pre && pre.index === index ? pre.data : fetchFile(base, "manifest.js"));
    return prepare(manifest, base);
  }

  addEventListener("message", async ev => {
    const { type, data } = ev.data;
    if (type === SETUP) {
      try {
        ix = await setup(data);
      } catch (err) {
        console.warn("検索索引を読み込めませんでした", err);
      }
      postMessage({ type: READY });
    } else if (type === QUERY) {
      // Queries arrive as the reader types; an answer overtaken by a newer query is dropped.
      const mine = ++latest;
      let result = { items: [] };
      try {
        if (ix) result = await search(data);
      } catch (err) {
        console.warn("検索に失敗しました", err);
      }
      if (mine === latest) postMessage({ type: RESULT, data: result });
    }
  });
})();
