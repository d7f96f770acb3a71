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
 * adjacent characters, the pages holding it), i<n>.js (titles, locations and labels of pages),
 * t<n>.js (page texts and headings). Each is `self.__hb({...});`: evaluated as a script from
 * file://, parsed as JSON over http.
 */
"use strict";
(() => {
  const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  const SCRIPT_PREFIX = "self.__hb(", SCRIPT_SUFFIX = ");\n", BITMAP_MARK = "~";
  const SNIPPET_BEFORE = 60, SNIPPET_AFTER = 100, BREAK = " · ", SENTENCE_END = "。!?！？";
  const MAX_SECTIONS = 5, SECTION_DOCS = 20, MAX_COUNT = 3;
  // Candidates are checked against their text: all of them up to CHECK_ALL, else the best CHECK_TOP.
  const CHECK_ALL = 40, CHECK_TOP = 20;
  // Without an exact match: parts of at most this many characters of the query are tried, this many pages shown.
  const PARTIAL_MAX = 30, PARTIAL_RESULTS = 10;
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
  const nameOf = p => (p.shard !== undefined ? `g${p.shard}.js` : p.chunk !== undefined ? `t${p.chunk}.js`
    : p.info !== undefined ? `i${p.info}.js` : "manifest.js");
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
    const separators = new Set(n.separators || ""), dashes = new Set(n.dashes || "");
    const [kanaFrom, kanaTo] = n.katakana || ["", ""];
    /**
     * Lower case without the marks a reader may leave out (中黒, hyphens; a dash after katakana is the long
     * vowel), and where each kept character stood in the text (search.py matchable).
     */
    const matchable = text => {
      const low = text.toLowerCase();
      let lower = "";
      const map = [];
      for (let i = 0; i < low.length; i++) {
        let c = low[i];
        if (dashes.has(c) && i > 0 && low[i - 1] >= kanaFrom && low[i - 1] <= kanaTo) c = "ー";
        else if (separators.has(c)) continue;
        lower += c;
        map.push(i);
      }
      map.push(low.length);
      return { lower, map };
    };
    const key = s => matchable(strip(squeeze(fold(s)).trim())).lower;
    return { fold, squeeze, strip, key, matchable, space: new RegExp(n.space) };
  }

  /**
   * The worker's view of the manifest: how many pages, where each text chunk starts, entity names and synonyms,
   * keyed like queries. Titles, locations and labels of pages are loaded with the results that show them (infoFor).
   */
  function prepare(manifest, base) {
    const norm = normaliser(manifest.normalise);
    const entities = new Map();
    for (const [doc, anchor, names] of manifest.entities) {
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
    return {
      ...norm, base, docs: new Map(), pages: manifest.pages, chunkStarts: decode(manifest.chunks), infoSize: manifest.infoPages,
      kinds: manifest.kinds, special: manifest.special, shards: manifest.shards, entities, synonyms, texts: new Map(),
      material: null,
    };
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
      return [d, { text, ...norm.matchable(text), sections: [], breaks: [], aux: [] }];
    }));
    const shown = new Map(list.map(([location, p], d) => [d, {
      location, title: p.title, titleLower: norm.matchable(p.title).lower, titleHtml: esc(p.title), kind: "", meta: "",
    }]));
    const special = Object.fromEntries(list.map(([location], d) => [location, d]));
    return { ...norm, base: null, docs: shown, special, shards: 0, entities: new Map(), synonyms: new Map(), texts, material: true };
  }

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const esc = s => s.replace(/[&<>"']/g, c => ESCAPES[c]);

  /** Terms (split on spaces) and the whole query as one phrase, both normalised like the index. */
  function parse(query) {
    const terms = [];
    for (const raw of ix.fold(query).split(ix.space)) {
      const t = ix.matchable(ix.strip(raw)).lower;
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
    const missing = [...new Set(docIds.filter(d => !ix.texts.has(d)).map(chunkOf))];
    const chunks = await Promise.all(missing.map(c => file(`t${c}.js`)));
    for (const chunk of chunks)
      for (const [d, text, sections, breaks, aux] of chunk.docs)
        if (!ix.texts.has(d)) ix.texts.set(d, { text, ...ix.matchable(text), sections, breaks, aux });
  }

  /** The text chunk holding a page: the last chunk that starts at or before it. */
  function chunkOf(d) {
    let lo = 0, hi = ix.chunkStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ix.chunkStarts[mid] <= d) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Location, title and labels of some pages, loading the info files that hold them. */
  async function infoFor(docIds) {
    const missing = [...new Set(docIds.filter(d => !ix.docs.has(d)).map(d => Math.floor(d / ix.infoSize)))];
    const files = await Promise.all(missing.map(n => file(`i${n}.js`)));
    for (const { info, docs } of files)
      docs.forEach(([location, title, kind, meta], k) => ix.docs.set(info * ix.infoSize + k, {
        location, title, titleLower: ix.matchable(title).lower, titleHtml: esc(title), kind: ix.kinds[kind] || "", meta,
      }));
  }

  function count(lower, needle, at) {
    let n = 0;
    for (let i = at; i >= 0 && n < MAX_COUNT; i = lower.indexOf(needle, i + needle.length)) n++;
    return n;
  }

  /** The first position of the matchable form at or after text offset t (``map`` is ascending). */
  function lowerAt(map, t) {
    let lo = 0, hi = map.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (map[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Every occurrence of the needles in the text range [from, to), as merged text ranges. */
  function hitsIn(m, needles, from, to) {
    const a = lowerAt(m.map, from), b = lowerAt(m.map, to);
    const part = m.lower.slice(a, b);
    const hits = [];
    for (const needle of needles) {
      if (!needle) continue;
      for (let at = part.indexOf(needle); at >= 0; at = part.indexOf(needle, at + 1))
        hits.push([m.map[a + at], Math.min(m.map[a + at + needle.length - 1] + 1, to)]);
    }
    hits.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
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

  /**
   * Where a snippet of [start, end) is cut from: the first match in running text; a match in a table or a
   * list of links (theme chips, facts: search.py aux ranges) only when the page has no other.
   */
  function bestAt(page, needles, start, end) {
    const hits = hitsIn(page, needles, start, end);
    const aux = page.aux;
    const inAux = t => {
      for (let i = 0; i + 1 < aux.length; i += 2) if (t >= aux[i] && t < aux[i + 1]) return true;
      return false;
    };
    const prose = hits.find(([s]) => !inAux(s));
    return (prose || hits[0] || [start])[0];
  }

  /**
   * An escaped excerpt of a page: the sentence holding position ``at`` (from the sentence or block before it to
   * the end of its own), cut to SNIPPET_BEFORE/SNIPPET_AFTER characters around it, matches marked, within [start, end).
   */
  function snippet(page, needles, at, start, end) {
    const cuts = new Set(page.breaks);
    const floor = Math.max(start, at - SNIPPET_BEFORE), ceil = Math.min(end, at + SNIPPET_AFTER);
    let from = at, to = at;
    while (from > floor && !cuts.has(from) && !SENTENCE_END.includes(page.text[from - 1])) from--;
    while (to < ceil && !(to > at && cuts.has(to))) {
      to++;
      if (to > at + 1 && SENTENCE_END.includes(page.text[to - 1])) break;
    }
    const hits = hitsIn(page, needles, from, to);
    const before = from === floor && from > start ? "…" : "", after = to === ceil && to < end ? "…" : "";
    return `<p>${before}${mark(page.text, hits, from, to, page.breaks)}${after}</p>`;
  }

  function title(text, needles) {
    return mark(text, hitsIn(ix.matchable(text), needles, 0, text.length), 0, text.length);
  }

  /** A result's heading: what it is (自治体, テーマ, 記事 …), its title, and a municipality's prefecture and size. */
  function labelled(doc, titleHtml, partOf = "") {
    const kind = doc.kind ? `<span class="hb-result-kind">${esc(doc.kind)}</span> ` : "";
    const part = partOf ? `<span class="hb-result-partial">一部一致「${esc(partOf)}」</span> ` : "";
    const meta = doc.meta ? ` <span class="hb-result-meta">${esc(doc.meta)}</span>` : "";
    return part + kind + titleHtml + meta;
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
   * What a page holds of the query: per term the first variant found, the phrase, how often (where snippets
   * start is bestAt's choice).
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
    let matched = 0, original = false, occurrences = 0, phrase = false;
    q.terms.forEach((term, i) => {
      terms[term] = false;
      for (const [j, v] of q.termVariants[i].entries()) {
        const at = locate(v);
        if (at < 0) continue;
        matched++;
        terms[term] = true;
        hit.push(v);
        original = original || j === 0;
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
        break;
      }
    }
    return { matched, original, occurrences, phrase, found: hit, terms };
  }

  /** Score a page: terms matched, whole phrase, entity's own page, title, frequency. */
  function score(q, d, m, entity) {
    const doc = ix.docs.get(d);
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
      await infoFor(pool);
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
    const picked = new Set();
    for (const [i, [anchor]] of secs.entries())
      if (r.anchors.has(anchor)) picked.add(i);
    for (const v of r.m.found)
      for (let at = page.lower.indexOf(v); at >= 0 && picked.size < MAX_SECTIONS; at = page.lower.indexOf(v, at + v.length)) {
        const s = sectionOf(page.map[at]);
        if (s >= 0) picked.add(s);
      }
    const items = [];
    for (const i of picked) {
      const [anchor, heading, offset] = secs[i];
      const stop = i + 1 < secs.length ? secs[i + 1][2] : end;
      items.push({
        location: `${ix.docs.get(r.d).location}#${anchor}`,
        title: title(heading, r.m.found),
        text: snippet(page, r.m.found, bestAt(page, r.m.found, offset, stop), offset, stop),
        score: r.anchors.has(anchor) ? r.score : r.score / 2,
        terms: r.m.terms,
      });
    }
    return items.slice(0, MAX_SECTIONS);
  }

  /** One result: the page (labelled) with its best snippet, and, near the top, its matching sections. */
  function present(r, n, partOf = "") {
    const doc = ix.docs.get(r.d), page = r.text ? ix.texts.get(r.d) : null;
    // Pages not checked against their text (far down a long list) show their title alone.
    if (!page)
      return [{ location: doc.location, title: labelled(doc, doc.titleHtml, partOf), text: "", score: r.score, terms: r.m.terms }];
    const head = {
      location: doc.location,
      title: labelled(doc, title(doc.title, r.m.found), partOf),
      text: snippet(page, r.m.found, bestAt(page, r.m.found, 0, page.text.length), 0, page.text.length),
      score: r.score,
      terms: r.m.terms,
    };
    return n < SECTION_DOCS && !partOf ? [head, ...sections(r, page)] : [head];
  }

  const HAN = "\\p{sc=Han}々〆", KANA = "\\p{sc=Katakana}ー";
  const RUN = new RegExp(`[${HAN}]+|\\p{sc=Hiragana}+|[${KANA}]+|[\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+`, "gu");
  const COMPOUND = new RegExp(`^(?:[${HAN}]+|[${KANA}]+)$`, "u"), WORDLESS = /^(?:\p{sc=Hiragana}+|[^\p{L}\p{N}]+)$/u;

  /**
   * The parts of a query that may match when the whole does not, longest first: runs of one script joined (not
   * starting or ending in kana particles or punctuation), and any two or more characters inside a kanji or
   * katakana compound (電子申請 → 電子, 申請). Latin words stay whole.
   */
  function subPhrases(phrase) {
    const runs = phrase.slice(0, PARTIAL_MAX).match(RUN) || [];
    const out = new Set();
    for (let i = 0; i < runs.length; i++)
      for (let j = i; j < runs.length; j++)
        if (!WORDLESS.test(runs[i]) && !WORDLESS.test(runs[j])) out.add(runs.slice(i, j + 1).join(""));
    for (const run of runs)
      if (COMPOUND.test(run))
        for (let a = 0; a < run.length; a++) for (let b = a + 2; b <= run.length; b++) out.add(run.slice(a, b));
    out.delete(phrase);
    return [...out].filter(p => p.length >= 2).sort((x, y) => y.length - x.length || (x < y ? -1 : 1));
  }

  /** Where else to look, when nothing matches: pages of this site (the finder only if the site has one). */
  const SUGGESTIONS = [
    ["glossary.html", "用語集で調べる", "用語の意味と言い換え、その用語が出てくるページが分かります。"],
    ["finder.html", "似た自治体から探す", "人口規模・地域・テーマから、自分の団体に近い事例を探せます。"],
  ];

  /**
   * Nothing holds the query: say so first, then the pages holding its longest parts that do match (labelled as
   * partial), and where else to look. The notice links to テーマ一覧.
   */
  async function noMatch(query, q) {
    const parts = [];
    let length = 0;
    for (const sub of subPhrases(q.phrase)) {
      if (parts.length && sub.length < length) break;
      const ranked = await rank(parse(sub));
      if (ranked.length) {
        parts.push([sub, ranked]);
        length = sub.length;
      }
    }
    const shown = parts.map(([sub]) => `「${esc(sub)}」`).join("");
    const notice = {
      location: "themes/index.html",
      title: `<span class="hb-search-notice">「${esc(query.trim())}」に一致するページはありません</span>`,
      text: parts.length
        ? `<p>下は、語の一部 ${shown} を含むページです(一部一致)。テーマ一覧・用語集からも探せます。</p>`
        : "<p>言い換えて検索するか、テーマ一覧・用語集から探してください。</p>",
      score: 0, terms: {},
    };
    const seen = new Set(), results = [];
    for (const [sub, ranked] of parts)
      for (const r of ranked)
        if (!seen.has(r.d) && results.length < PARTIAL_RESULTS) {
          seen.add(r.d);
          results.push(present(r, results.length, sub));
        }
    const more = SUGGESTIONS.filter(([location]) => location in ix.special).map(([location, heading, text]) => [{
      location, title: `<span class="hb-search-suggestion">${esc(heading)}</span>`, text: `<p>${esc(text)}</p>`, score: 0, terms: {},
    }]);
    return [[notice], ...results, ...more];
  }

  async function search(query) {
    const q = parse(query);
    if (!q.terms.length) return { items: [] };
    const ranked = await rank(q);
    if (!ranked.length && q.phrase) return { items: await noMatch(query, q) };
    return { items: ranked.map((r, n) => present(r, n)) };
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
