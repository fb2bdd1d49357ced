/* Reef KB portal search: a static, sharded index fetched on demand (no server, no CDN).
 *
 * Data (written by generator/portal/search_index.py under <site>/search-index/):
 *   meta.json, facets.json, t/<xy>.json (term postings by 2-letter prefix), d/<n>.json (records).
 * The search page (search/?q=…&type=…&tag=…&platform=…) holds <div id="kb-search-app">; every
 * page may hold the header box (form.kb-header-search). Keys: "/" focuses the box, arrows move
 * through results, Enter opens one, Escape returns to the box.
 */
(function () {
  "use strict";
  if (window.__kbSearchLoaded) { return; }
  window.__kbSearchLoaded = true;

  var SCRIPT = document.currentScript;
  var ROOT = SCRIPT && SCRIPT.src ? SCRIPT.src.replace(/assets\/kb\/search\/search\.js(\?.*)?$/, "") : "/";
  var DATA = ROOT + "search-index/";
  var PAGE = 10;
  var FACETS = [["type", "Type"], ["tags", "Tags"], ["platform", "Platform"]];
  var PARAM = { type: "type", tags: "tag", platform: "platform" };
  var FIELD = { type: "type", module: "type", tag: "tags", tags: "tags", platform: "platform" };
  var cache = {};

  function getJSON(path) {
    if (!cache[path]) {
      cache[path] = fetch(DATA + path).then(function (r) {
        if (r.status === 404) { return null; }
        if (!r.ok) { throw new Error("search index: " + path + " " + r.status); }
        return r.json();
      });
    }
    return cache[path];
  }

  function words(text) { return (text.toLowerCase().match(/[a-z0-9]+/g) || []); }

  function shardOf(term) {
    var body = term.replace(/^[~=]+/, "");
    if (term.charAt(0) === "~" && body.indexOf(":") >= 0) { body = body.slice(body.indexOf(":") + 1); }
    var key = body.slice(0, 2).toLowerCase().replace(/[^a-z0-9]/g, "_");
    return key ? (key + "_").slice(0, 2) : "__";
  }

  function shard(term) {  // only shards meta.json lists are fetched: a missing one would be a 404 in the console
    var name = shardOf(term);
    return getJSON("meta.json").then(function (meta) {
      if (meta && meta.shards && meta.shards.indexOf(name) < 0) { return {}; }
      return getJSON("t/" + name + ".json").then(function (s) { return s || {}; });
    });
  }

  function decode(list, weightOut, factor) {  // gap-encoded [gap, weight, …] -> weightOut[doc] = max
    var doc = 0;
    for (var i = 0; i < list.length; i += 2) {
      doc += list[i];
      var w = list[i + 1] * factor;
      if (!(weightOut[doc] >= w)) { weightOut[doc] = w; }
    }
  }

  function wordScores(word, isLast) {  // {doc: score} for one query word (prefix match for the last one)
    return shard(word).then(function (s) {
      var scores = {};
      if (s[word]) { decode(s[word], scores, 1); }
      if (word.length >= 2 && (isLast || !s[word])) {
        Object.keys(s).forEach(function (t) {
          if (t !== word && t.charAt(0) !== "~" && t.charAt(0) !== "=" && t.lastIndexOf(word, 0) === 0) {
            decode(s[t], scores, 0.6);
          }
        });
      }
      return scores;
    });
  }

  function docsWith(field, value) {  // Set of docs carrying a facet value
    var term = "~" + (field === "tags" ? "tag" : field) + ":" + value.toLowerCase();
    if (field === "type") { term = "~type:" + value; }
    return shard(term).then(function (s) {
      var out = {};
      if (s[term]) { decode(s[term], out, 1); }
      return out;
    });
  }

  function parse(text) {
    var q = { words: [], filters: { type: [], tags: [], platform: [] }, raw: "" };
    var plain = [];
    text.split(/\s+/).forEach(function (token) {
      var m = /^([a-z]+):(.+)$/i.exec(token);
      if (m && FIELD[m[1].toLowerCase()]) {
        q.filters[FIELD[m[1].toLowerCase()]].push(m[2].toLowerCase());
      } else if (token) { plain.push(token); }
    });
    q.raw = plain.join(" ").trim().toLowerCase();
    q.words = words(q.raw).filter(function (w, i, all) { return all.indexOf(w) === i; });
    return q;
  }

  function search(text, filters) {  // -> Promise<{ids: [...], total}>
    var q = parse(text);
    Object.keys(filters).forEach(function (f) {
      filters[f].forEach(function (v) { if (q.filters[f].indexOf(v) < 0) { q.filters[f].push(v); } });
    });
    var trailing = /\s$/.test(text);
    var jobs = q.words.map(function (w, i) { return wordScores(w, i === q.words.length - 1 && !trailing); });
    var exact = q.raw ? shard("=" + q.raw).then(function (s) { var o = {}; if (s["=" + q.raw]) { decode(s["=" + q.raw], o, 1); } return o; }) : Promise.resolve({});
    var filterJobs = [];
    Object.keys(q.filters).forEach(function (f) {
      q.filters[f].forEach(function (v) { filterJobs.push(docsWith(f, v)); });
    });
    return Promise.all([Promise.all(jobs), exact, Promise.all(filterJobs), getJSON("meta.json")]).then(function (r) {
      var perWord = r[0], exactDocs = r[1], sets = r[2], meta = r[3];
      var scores = combine(perWord, true);
      if (perWord.length > 1 && Object.keys(scores).length === 0) { scores = combine(perWord, false); }
      Object.keys(exactDocs).forEach(function (d) { scores[d] = (scores[d] || 0) + exactDocs[d]; });
      if (!perWord.length && !q.raw) {
        scores = {};
        if (sets.length) { Object.keys(sets[0]).forEach(function (d) { scores[d] = 0; }); }
      }
      var ids = Object.keys(scores).filter(function (d) {
        return sets.every(function (s) { return s[d] !== undefined; });
      }).map(Number);
      ids.sort(function (a, b) { return (scores[b] - scores[a]) || (a - b); });
      return { ids: ids, meta: meta, query: q };
    });
  }

  function combine(perWord, all) {
    var scores = {};
    if (!perWord.length) { return scores; }
    perWord.forEach(function (ws, i) {
      Object.keys(ws).forEach(function (d) {
        if (all && i > 0 && scores[d] === undefined) { return; }
        scores[d] = (scores[d] || 0) + ws[d];
      });
      if (all && i > 0) {
        Object.keys(scores).forEach(function (d) { if (ws[d] === undefined) { delete scores[d]; } });
      }
    });
    return scores;
  }

  function records(ids, meta) {  // display records of some docs, fetching only their chunks
    var chunks = {};
    ids.forEach(function (id) { chunks[Math.floor(id / meta.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return getJSON("d/" + c + ".json").then(function (rows) { return [Number(c), rows]; });
    })).then(function (loaded) {
      var byChunk = {};
      loaded.forEach(function (p) { byChunk[p[0]] = p[1]; });
      return ids.map(function (id) { return byChunk[Math.floor(id / meta.chunk)][id % meta.chunk]; });
    });
  }

  var bitsets = {};
  function facetSet(name, value, encoded, total) {  // Uint8Array bitset of docs with a facet value
    var key = name + "\u0000" + value;
    if (bitsets[key]) { return bitsets[key]; }
    var bits = new Uint8Array((total + 7) >> 3);
    if (encoded.charAt(0) === "b") {
      var raw = atob(encoded.slice(1));
      for (var i = 0; i < raw.length; i++) { bits[i] = raw.charCodeAt(i); }
    } else {
      var doc = -1;
      encoded.slice(1).split(",").forEach(function (g) { if (g) { doc += parseInt(g, 36); bits[doc >> 3] |= 1 << (doc & 7); } });
    }
    bitsets[key] = bits;
    return bits;
  }

  function facetCounts(ids, meta) {
    return getJSON("facets.json").then(function (facets) {
      var out = {};
      FACETS.forEach(function (f) {
        var name = f[0];
        out[name] = (meta.facets[name] || []).map(function (vc) {
          var bits = facetSet(name, vc[0], facets[name][vc[0]], meta.docs);
          var n = 0;
          for (var i = 0; i < ids.length; i++) { if (bits[ids[i] >> 3] & (1 << (ids[i] & 7))) { n++; } }
          return [vc[0], n];
        }).filter(function (vc) { return vc[1] > 0; });
      });
      return out;
    });
  }

  /* ---------------------------------------------------------------- rendering */

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function highlight(node, text, ws) {  // text with query words wrapped in <mark>, built as DOM nodes
    if (!ws.length) { node.textContent = text; return node; }
    var re = new RegExp("(" + ws.map(function (w) { return w.replace(/[^a-z0-9]/g, ""); }).join("|") + ")", "gi");
    text.split(re).forEach(function (part, i) {
      node.appendChild(i % 2 ? el("mark", "", part) : document.createTextNode(part));
    });
    return node;
  }

  function App(root) {
    this.root = root;
    var params = new URLSearchParams(location.search);
    this.filters = { type: params.getAll("type"), tags: params.getAll("tag"), platform: params.getAll("platform") };
    this.shown = PAGE;
    this.seq = 0;
    root.textContent = "";
    var form = el("form", "kb-search__form");
    form.setAttribute("role", "search");
    this.input = el("input", "kb-search__input");
    this.input.type = "search";
    this.input.id = "kb-search-q";
    this.input.name = "q";
    this.input.placeholder = "Search models, datasets, platforms, results…";
    this.input.setAttribute("aria-label", "Search the knowledge base");
    this.input.setAttribute("autocomplete", "off");
    this.input.value = params.get("q") || "";
    form.appendChild(this.input);
    this.facets = el("div", "kb-search__facets");
    this.facets.setAttribute("role", "group");
    this.facets.setAttribute("aria-label", "Filters");
    var results = el("div", "md-search-result kb-search__results");
    this.meta = el("div", "md-search-result__meta", "Type to search.");
    this.meta.setAttribute("role", "status");
    this.meta.setAttribute("aria-live", "polite");
    this.list = el("ol", "md-search-result__list");
    this.more = el("button", "md-button kb-search__more", "More results");
    this.more.type = "button";
    this.more.hidden = true;
    results.appendChild(this.meta);
    results.appendChild(this.list);
    root.appendChild(form);
    root.appendChild(this.facets);
    root.appendChild(results);
    root.appendChild(this.more);
    var self = this, timer = null;
    form.addEventListener("submit", function (e) { e.preventDefault(); self.shown = PAGE; self.update(); });
    this.input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.shown = PAGE; self.update(); }, 120);
    });
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); self.focusResult(0); }
    });
    this.list.addEventListener("keydown", function (e) { self.onListKey(e); });
    this.more.addEventListener("click", function () { self.shown += PAGE; self.update(); });
    this.update();
  }

  App.prototype.focusResult = function (i) {
    var links = this.list.querySelectorAll("a.md-search-result__link");
    if (i < 0) { this.input.focus(); return; }
    if (links.length) { links[Math.min(i, links.length - 1)].focus(); }
  };

  App.prototype.onListKey = function (e) {
    var links = Array.prototype.slice.call(this.list.querySelectorAll("a.md-search-result__link"));
    var i = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown") { e.preventDefault(); this.focusResult(i + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); this.focusResult(i - 1); }
    else if (e.key === "Escape") { e.preventDefault(); this.input.focus(); }
  };

  App.prototype.syncUrl = function () {
    var params = new URLSearchParams();
    if (this.input.value.trim()) { params.set("q", this.input.value.trim()); }
    var f = this.filters;
    Object.keys(PARAM).forEach(function (name) { f[name].forEach(function (v) { params.append(PARAM[name], v); }); });
    var qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  };

  App.prototype.toggle = function (name, value) {
    var list = this.filters[name], at = list.indexOf(value);
    if (at >= 0) { list.splice(at, 1); } else { list.push(value); }
    this.shown = PAGE;
    this.update();
  };

  App.prototype.update = function () {
    var self = this, seq = ++this.seq, text = this.input.value;
    var active = Object.keys(this.filters).some(function (k) { return self.filters[k].length; });
    this.syncUrl();
    if (!text.trim() && !active) {
      this.meta.textContent = "Type to search.";
      this.list.textContent = "";
      this.facets.textContent = "";
      this.more.hidden = true;
      return;
    }
    var copy = { type: this.filters.type.slice(), tags: this.filters.tags.slice(), platform: this.filters.platform.slice() };
    search(text, copy).then(function (res) {
      if (seq !== self.seq) { return null; }
      var page = res.ids.slice(0, self.shown);
      return Promise.all([records(page, res.meta), facetCounts(res.ids, res.meta)]).then(function (r) {
        if (seq === self.seq) { self.render(res, r[0], r[1]); }
      });
    }).catch(function (err) {
      self.meta.textContent = window.location.protocol === "file:"
        ? "Search needs the site served over HTTP (for example: python -m http.server -d site); browsers block it on pages opened from files."
        : "Search is unavailable: " + err.message;
    });
  };

  App.prototype.render = function (res, rows, counts) {
    var total = res.ids.length, ws = res.query.words;
    this.meta.textContent = total === 0 ? "No matching entries" : total === 1 ? "1 matching entry" : total + " matching entries";
    this.list.textContent = "";
    var self = this;
    rows.forEach(function (row) {
      var item = el("li", "md-search-result__item");
      var link = el("a", "md-search-result__link");
      link.href = ROOT + row[0];
      var article = el("article", "md-search-result__article md-typeset");
      var head = highlight(el("h2", "kb-search__title"), row[1], ws);
      article.appendChild(head);
      var facts = el("p", "kb-search__facts");
      facts.appendChild(el("span", "kb-search__type", row[2]));
      if (row[4].length) { facts.appendChild(document.createTextNode(" · " + row[4].join(", "))); }
      article.appendChild(facts);
      if (row[5]) { article.appendChild(highlight(el("p", "kb-search__summary"), row[5], ws)); }
      if (row[3].length) {
        var tags = el("nav", "md-tags");
        row[3].forEach(function (t) { tags.appendChild(el("span", "md-tag", t)); });
        article.appendChild(tags);
      }
      link.appendChild(article);
      item.appendChild(link);
      self.list.appendChild(item);
    });
    this.more.hidden = rows.length >= total;
    this.renderFacets(counts);
  };

  App.prototype.renderFacets = function (counts) {
    var self = this;
    this.facets.textContent = "";
    FACETS.forEach(function (f) {
      var name = f[0], values = counts[name] || [];
      self.filters[name].forEach(function (v) {
        if (!values.some(function (vc) { return vc[0] === v; })) { values.unshift([v, null]); }
      });
      if (!values.length) { return; }
      var group = el("div", "kb-search__facet");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", f[1]);
      group.appendChild(el("span", "kb-search__facet-name", f[1]));
      values.forEach(function (vc) {
        var on = self.filters[name].indexOf(vc[0]) >= 0;
        var button = el("button", "md-tag kb-search__chip" + (on ? " kb-search__chip--on" : ""));
        button.type = "button";
        button.dataset.facet = name;
        button.dataset.value = vc[0];
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.textContent = vc[0] + (vc[1] === null ? "" : " (" + vc[1] + ")");
        button.addEventListener("click", function () { self.toggle(name, vc[0]); });
        group.appendChild(button);
      });
      self.facets.appendChild(group);
    });
  };

  /* ---------------------------------------------------------------- wiring */

  function searchBox() {
    return document.getElementById("kb-search-q") || document.querySelector("input.kb-header-search__input");
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var box = searchBox();
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });

  function start() {
    var root = document.getElementById("kb-search-app");
    if (root && !root.dataset.ready) {
      root.dataset.ready = "1";
      new App(root);  // eslint-disable-line no-new
      var header = document.querySelector("form.kb-header-search");
      if (header) { header.hidden = true; }
    }
  }

  window.kbSearch = { search: search, records: records, parse: parse, shardOf: shardOf };
  if (typeof document$ !== "undefined" && document$.subscribe) { document$.subscribe(start); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
