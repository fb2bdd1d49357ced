// Reef KB compare page: pick two to four results or platforms (a plain click adds one; the order
// picked is the column order), choose the baseline, read each metric side by side with the
// difference to the baseline in percent (positive = better) and as a ratio ("3.2× slower").
(function () {
  "use strict";
  if (window.kbCompare) { return; }
  var MAX = 4, SHOWN = 200;
  var N = function () { return window.kbNumbers; };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  // Percent difference of b against a, signed so that positive means "b is better".
  function diffPercent(a, b, direction) {
    if (typeof a !== "number" || typeof b !== "number" || a === 0) { return null; }
    var d = (b - a) / Math.abs(a) * 100;
    d = direction === "lower" ? -d : d;
    return Math.abs(d) < 0.05 ? 0 : d;
  }

  // The difference in words: "3.2× slower", "1.5× faster", "+4.1 % accuracy" (percentage points).
  function ratioText(name, unit, a, b) {
    if (typeof a !== "number" || typeof b !== "number") { return ""; }
    if (String(unit).charAt(0) === "%") {
      var points = b - a;
      return Math.abs(points) < 0.05 ? "same " + name : (points > 0 ? "+" : "-") + Math.abs(points).toFixed(1) + " % " + name;
    }
    if (a <= 0 || b <= 0) { return ""; }
    var r = b / a;
    if (Math.abs(r - 1) < 0.005) { return "same"; }
    var timeLike = /latency|time|duration|delay/i.test(name);
    var speedLike = /throughput|rate|fps|qps|samples|streams|queries|images/i.test(name);
    var up = timeLike ? "slower" : speedLike ? "faster" : "higher";
    var down = timeLike ? "faster" : speedLike ? "slower" : "lower";
    return r > 1 ? N().ratio(r) + " " + up : N().ratio(1 / r) + " " + down;
  }

  function platformMetrics(data, uoa) {
    var best = {};
    data.results.forEach(function (r) {
      if (r.platform !== uoa) { return; }
      Object.keys(r.metrics).forEach(function (name) {
        var m = r.metrics[name];
        var key = r.board + " · " + r.model + " · " + name;
        var cur = best[key];
        if (!cur || (m[2] === "lower" ? m[0] < cur[0] : m[0] > cur[0])) { best[key] = m; }
      });
    });
    return best;
  }

  function Compare(box, data) {
    this.box = box;
    this.data = data;
    this.root = box.dataset.root || "../";
    this.picked = [];
    this.baseline = "";
    this.list = box.querySelector(".kb-compare-options");
    this.filter = box.querySelector(".kb-compare-filter");
    this.status = box.querySelector(".kb-compare-status");
    this.table = box.querySelector(".kb-compare-table");
    this.chosen = box.querySelector(".kb-compare-picked");
  }

  Compare.prototype.kind = function () {
    var checked = this.box.querySelector("input[name=kb-compare-kind]:checked");
    return checked ? checked.value : "results";
  };

  Compare.prototype.items = function () {
    if (this.itemsCache && this.itemsCache.kind === this.kind()) { return this.itemsCache; }
    var items = {}, order = [];
    if (this.kind() === "platforms") {
      this.data.platforms.forEach(function (p) {
        items[p.uoa] = { id: p.uoa, label: p.name, title: p.name, url: p.url };
        order.push(p.uoa);
      });
    } else {
      this.data.results.forEach(function (r) {
        items[r.uid] = { id: r.uid, label: r.title + " — " + r.board, title: r.title, url: r.url, result: r };
        order.push(r.uid);
      });
    }
    this.itemsCache = { kind: this.kind(), items: items, order: order };
    return this.itemsCache;
  };

  Compare.prototype.fillOptions = function () {
    var q = (this.filter.value || "").toLowerCase(), found = this.items(), shown = 0, matching = 0;
    this.list.textContent = "";
    found.order.forEach(function (id) {
      var it = found.items[id];
      if (q && it.label.toLowerCase().indexOf(q) < 0) { return; }
      matching += 1;
      if (shown >= SHOWN) { return; }
      shown += 1;
      var li = el("li"), label = el("label"), box = el("input");
      box.type = "checkbox";
      box.value = id;
      box.checked = this.picked.indexOf(id) >= 0;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + it.label));
      li.appendChild(label);
      this.list.appendChild(li);
    }, this);
    if (matching > shown) { this.list.appendChild(el("li", (matching - shown) + " more: type to narrow the list.", "kb-more")); }
  };

  Compare.prototype.toggle = function (id, on) {
    var at = this.picked.indexOf(id);
    if (on && at < 0) {
      if (this.picked.length >= MAX) {
        this.status.textContent = "At most " + MAX + ": remove one first.";
        this.fillOptions();
        return;
      }
      this.picked.push(id);
    } else if (!on && at >= 0) {
      this.picked.splice(at, 1);
    }
    if (this.picked.indexOf(this.baseline) < 0) { this.baseline = this.picked[0] || ""; }
    this.update();
  };

  Compare.prototype.renderPicked = function () {
    var found = this.items().items;
    this.chosen.textContent = "";
    this.picked.forEach(function (id) {
      var it = found[id], li = el("li");
      var base = el("input");
      base.type = "radio";
      base.name = "kb-compare-baseline";
      base.value = id;
      base.checked = id === this.baseline;
      base.setAttribute("aria-label", "baseline: " + it.title);
      base.addEventListener("change", function () { this.baseline = id; this.update(); }.bind(this));
      var label = el("label");
      label.appendChild(base);
      label.appendChild(document.createTextNode(" " + it.title + (id === this.baseline ? " (baseline)" : "")));
      li.appendChild(label);
      var remove = el("button", "remove", "kb-remove");
      remove.type = "button";
      remove.addEventListener("click", function () { this.toggle(id, false); this.fillOptions(); }.bind(this));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(remove);
      this.chosen.appendChild(li);
    }, this);
  };

  Compare.prototype.columns = function () {
    var found = this.items().items, data = this.data;
    return this.picked.map(function (id) {
      var it = found[id];
      return { id: id, title: it.title, url: it.url,
               metrics: it.result ? it.result.metrics : platformMetrics(data, id) };
    });
  };

  Compare.prototype.drawTable = function (columns) {
    var table = this.table, root = this.root;
    table.textContent = "";
    if (columns.length < 2) { return; }
    var base = columns.filter(function (c) { return c.id === this.baseline; }, this)[0] || columns[0];
    var keys = [];
    columns.forEach(function (c) { Object.keys(c.metrics).forEach(function (k) { if (keys.indexOf(k) < 0) { keys.push(k); } }); });
    keys.sort();
    var head = el("tr");
    head.appendChild(el("th", "metric"));
    columns.forEach(function (c) {
      var th = el("th"), a = el("a", c.title);
      a.href = root + c.url;
      th.appendChild(a);
      if (c === base) { th.appendChild(el("small", " baseline", "kb-more")); }
      head.appendChild(th);
      if (c !== base) { head.appendChild(el("th", "vs baseline")); }
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    keys.forEach(function (k) {
      var tr = el("tr"), ref = base.metrics[k];
      tr.appendChild(el("td", k));
      columns.forEach(function (c) {
        var m = c.metrics[k];
        tr.appendChild(el("td", m ? N().withUnit(m[0], m[1]) : "—", "kb-num"));
        if (c === base) { return; }
        var d = (m && ref) ? diffPercent(ref[0], m[0], m[2]) : null;
        var cell = el("td", null, "kb-num kb-diff");
        if (d !== null) {
          cell.dataset.diff = d.toFixed(3);
          cell.appendChild(el("span", N().percent(d), d > 0 ? "kb-better" : d < 0 ? "kb-worse" : ""));
          var words = ratioText(k, m[1], ref[0], m[0]);
          if (words) { cell.appendChild(el("small", words, "kb-ratio")); }
        }
        tr.appendChild(cell);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
  };

  Compare.prototype.update = function () {
    this.renderPicked();
    this.status.textContent = this.picked.length < 2 ? "Pick two to four (" + this.picked.length + " picked)."
      : "Comparing " + this.picked.length + "; the baseline is the one marked.";
    this.drawTable(this.columns());
    var url = new URL(window.location.href);
    url.searchParams.set("kind", this.kind());
    url.searchParams.set("ids", this.picked.join(","));
    if (this.baseline && this.baseline !== this.picked[0]) { url.searchParams.set("base", this.baseline); } else { url.searchParams.delete("base"); }
    window.history.replaceState(null, "", url.toString());
  };

  Compare.prototype.start = function () {
    var params = new URLSearchParams(window.location.search), self = this;
    if (params.get("kind") === "platforms") { this.box.querySelector("input[value=platforms]").checked = true; }
    var known = this.items().items;
    this.picked = (params.get("ids") || "").split(",").filter(function (id) { return known[id]; }).slice(0, MAX);
    this.baseline = this.picked.indexOf(params.get("base")) >= 0 ? params.get("base") : (this.picked[0] || "");
    this.fillOptions();
    this.list.addEventListener("change", function (e) {
      if (e.target && e.target.type === "checkbox") { self.toggle(e.target.value, e.target.checked); }
    });
    this.filter.addEventListener("input", function () { self.fillOptions(); });
    this.box.querySelectorAll("input[name=kb-compare-kind]").forEach(function (r) {
      r.addEventListener("change", function () { self.picked = []; self.baseline = ""; self.fillOptions(); self.update(); });
    });
    this.update();
    this.box.dataset.ready = "1";
  };

  function run() {
    var box = document.getElementById("kb-compare");
    if (!box || box.dataset.started) { return; }
    box.dataset.started = "1";
    fetch(box.dataset.src || "results.json").then(function (r) { return r.json(); })
      .then(function (data) { new Compare(box, data).start(); })
      .catch(function (e) {
        box.querySelector(".kb-compare-status").textContent = "Could not load results.json.";
        console.error(e);
      });
  }

  window.kbCompare = { run: run, diffPercent: diffPercent, ratioText: ratioText };
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) { window.document$.subscribe(run); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
