// Reef KB dashboard controls: filters (model, framework, platform …), axes and colours, applied to
// the chart, the Pareto front and every table together, and kept in the page URL. Reads data.json
// (one record per result, every metric) and the page model (script.kb-dashboard-model). Builds DOM
// with textContent only; numbers through kbNumbers, the same formatter as the server's tables.
(function () {
  "use strict";
  if (window.kbDashboard) { return; }
  var N = function () { return window.kbNumbers; };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  // Text safe in a chart, as generator/results/specs.chart_text makes it: Vega-Lite compiles titles
  // into expression strings, where a line break, U+2028/U+2029 or another control is a parse error.
  var UNSAFE_IN_CHART = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
  function chartText(value) {
    return typeof value === "string" ? value.replace(UNSAFE_IN_CHART, " ") : value;
  }

  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function value(record, metric) {
    var cell = metric && record.m[metric];
    return cell && typeof cell[0] === "number" ? cell[0] : null;
  }

  function finite(v) { return typeof v === "number" && isFinite(v); }

  // On a phone (the same width as kb-results.css's narrow rules) long tables are shortened: the
  // first PHONE_ROWS results with a "Show all" button, the top PHONE_LINES of each leaderboard.
  var PHONE_ROWS = 20, PHONE_LINES = 10;
  function narrow() { return !!(window.matchMedia && window.matchMedia("(max-width: 30em)").matches); }

  // The Pareto front of points [x, y, index]: same rule as generator/results/pareto.py.
  function paretoFront(points, xDir, yDir) {
    var keyed = points.filter(function (p) { return finite(p[0]) && finite(p[1]); }).map(function (p) {
      return [xDir === "lower" ? p[0] : -p[0], yDir === "lower" ? p[1] : -p[1], p[2]];
    });
    keyed.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    var front = [], bestBefore = Infinity, start = 0;
    while (start < keyed.length) {
      var end = start;
      while (end < keyed.length && keyed[end][0] === keyed[start][0]) { end += 1; }
      var groupBest = keyed[start][1];
      if (groupBest < bestBefore) {
        for (var i = start; i < end; i++) { if (keyed[i][1] === groupBest) { front.push(keyed[i][2]); } }
      }
      bestBefore = Math.min(bestBefore, groupBest);
      start = end;
    }
    return front;
  }

  function Dashboard(box, model, spec, records) {
    this.box = box;
    this.model = model;
    this.spec = spec;
    this.records = records;
    this.root = box.getAttribute("data-root") || "../../";
    this.metrics = {};
    var self = this;
    model.metrics.forEach(function (m) { self.metrics[m.name] = m; });
    this.form = document.querySelector(".kb-dashboard-controls");
    this.sortKey = model.x;
    this.sortDesc = false;
    this.showAll = false;
    this.round = 0;
    this.phone = narrow();
  }

  Dashboard.prototype.state = function () {
    var s = { filters: {}, x: this.model.x, y: this.model.y, colour: this.model.colour };
    if (!this.form) { return s; }
    this.form.querySelectorAll("select[data-dimension]").forEach(function (sel) {
      if (sel.value) { s.filters[sel.getAttribute("data-dimension")] = sel.value; }
    });
    ["x", "y", "colour"].forEach(function (name) {
      var sel = this.form.querySelector("select[name=" + name + "]");
      if (sel) { s[name] = sel.value; }
    }, this);
    return s;
  };

  Dashboard.prototype.readUrl = function () {
    if (!this.form) { return; }
    var params = new URLSearchParams(window.location.search);
    this.form.querySelectorAll("select").forEach(function (sel) {
      var wanted = params.get(sel.name);
      if (wanted === null) { return; }
      var known = Array.prototype.some.call(sel.options, function (o) { return o.value === wanted; });
      if (known) { sel.value = wanted; }
    });
  };

  Dashboard.prototype.writeUrl = function (s) {
    var url = new URL(window.location.href);
    var defaults = { x: this.model.x, y: this.model.y, colour: this.model.colour };
    this.form.querySelectorAll("select").forEach(function (sel) {
      var isDefault = sel.hasAttribute("data-dimension") ? !sel.value : sel.value === defaults[sel.name];
      if (isDefault) { url.searchParams.delete(sel.name); } else { url.searchParams.set(sel.name, sel.value); }
    });
    window.history.replaceState(null, "", url.toString());
  };

  Dashboard.prototype.filtered = function (s) {
    return this.records.filter(function (r) {
      return Object.keys(s.filters).every(function (dim) { return String(r[dim] || "") === s.filters[dim]; });
    });
  };

  // Records as the chart draws them for the chosen axes, colours and sizes.
  Dashboard.prototype.points = function (rows, s) {
    var xm = this.metrics[s.x], ym = s.y ? this.metrics[s.y] : null, size = this.model.size;
    var pts = rows.map(function (r, i) {
      var out = {}, xs = r.m[s.x] || [], ys = (ym && r.m[s.y]) || [];
      Object.keys(r).forEach(function (k) { if (k !== "m") { out[k] = r[k]; } });
      out.x = finite(xs[0]) ? xs[0] : null;
      out.x_text = out.x === null ? "" : N().withUnit(out.x, xm.unit);
      out.xlo = finite(xs[1]) ? xs[1] : null;
      out.xhi = finite(xs[2]) ? xs[2] : null;
      if (ym) {
        out.y = finite(ys[0]) ? ys[0] : null;
        out.y_text = out.y === null ? "" : N().withUnit(out.y, ym.unit);
        out.ylo = finite(ys[1]) ? ys[1] : null;
        out.yhi = finite(ys[2]) ? ys[2] : null;
      }
      out.colour = String(r[s.colour] || "unknown");
      if (size) { out.size = value(r, size); }
      out._i = i;
      return out;
    });
    var front = ym ? paretoFront(pts.map(function (p) { return [p.x, p.y, p._i]; }), xm.direction, ym.direction)
      : this.bestOnly(pts, xm);
    var onFront = {};
    front.forEach(function (i) { onFront[i] = true; });
    pts.forEach(function (p) { p.front = !!onFront[p._i]; });
    return { points: pts, front: front.map(function (i) { return pts[i]; }) };
  };

  Dashboard.prototype.bestOnly = function (pts, xm) {
    var best = null;
    pts.forEach(function (p) {
      if (p.x === null) { return; }
      if (best === null || (xm.direction === "lower" ? p.x < best : p.x > best)) { best = p.x; }
    });
    return pts.filter(function (p) { return p.x !== null && p.x === best; }).map(function (p) { return p._i; });
  };

  // The spec for the chosen axes: titles with units, log scales where values span >2 decades.
  Dashboard.prototype.chartSpec = function (pts, s) {
    var spec = JSON.parse(JSON.stringify(this.spec));
    var xm = this.metrics[s.x], ym = s.y ? this.metrics[s.y] : null;
    delete spec.title;  // the page's heading names the benchmark
    if (this.box.clientWidth < 600) {  // phones: the legends go under the chart, which keeps the width
      spec.config = { legend: { orient: "bottom", direction: "vertical", columns: 2, labelLimit: 150 } };
    }
    spec.data = { values: pts.filter(function (p) { return p.x !== null && (!ym || p.y !== null); }) };
    var colourTitle = (this.model.dimensions[s.colour] || s.colour);
    (spec.layer || [spec]).forEach(function (layer) {
      var enc = layer.encoding || {};
      ["x", "y"].forEach(function (ch) {
        var m = ch === "x" ? xm : ym, e = enc[ch];
        if (!m || !e || e.type !== "quantitative") { return; }
        if (e.title !== undefined) { e.title = chartText(m.label); }
        if (e.scale !== undefined) { e.scale = m.log ? { type: "log" } : { zero: false }; }
      });
      if (enc.color && enc.color.field === "colour") { enc.color.title = chartText(colourTitle); }
      (Array.isArray(enc.tooltip) ? enc.tooltip : []).forEach(function (t) {
        if (t.field === "x_text") { t.title = chartText(s.x); }
        if (t.field === "y_text" && s.y) { t.title = chartText(s.y); }
      });
    });
    return spec;
  };

  Dashboard.prototype.cell = function (tr, record, column) {
    var td, kind = column.kind, root = this.root;
    if (kind === "title") {
      td = el("td", null, "kb-title-cell");
      td.appendChild(link(root + record.url, record.title));
    } else if (kind === "platform" || kind === "model") {
      td = el("td");
      var url = record[kind + "_url"];
      if (url) { td.appendChild(link(root + url, record[kind])); } else { td.textContent = record[kind] || "—"; }
    } else if (kind === "metric") {
      var cellValues = record.m[column.key];
      td = el("td", null, "kb-num");
      if (cellValues && finite(cellValues[0])) {
        td.dataset.value = String(cellValues[0]);
        td.textContent = N().withUnit(cellValues[0], column.unit);
        if (finite(cellValues[1]) && finite(cellValues[2])) {
          td.appendChild(el("small", N().number(cellValues[1]) + "–" + N().number(cellValues[2]), "kb-range"));
        }
      } else {
        td.textContent = "—";
      }
    } else if (kind === "repro") {
      td = el("td");
      td.appendChild(this.badge(record));
    } else {
      td = el("td", record[column.key] || "—");
    }
    tr.appendChild(td);
  };

  Dashboard.prototype.badge = function (record) {
    var text = record.repro || "measured once";
    if (text === "measured once") { return el("span", text, "kb-once"); }
    var a = link("#" + record.repro_anchor, text);
    a.className = "kb-badge " + (text.indexOf("not ") === 0 ? "kb-not-reproduced" : "kb-reproduced");
    return a;
  };

  Dashboard.prototype.fillTable = function (table, rows, columns) {
    var body = table.querySelector("tbody");
    body.textContent = "";
    rows.forEach(function (record) {
      var tr = el("tr");
      tr.dataset.uid = record.uid;
      columns.forEach(function (c) { this.cell(tr, record, c); }, this);
      body.appendChild(tr);
    }, this);
  };

  Dashboard.prototype.sorted = function (rows) {
    var key = this.sortKey, metric = this.metrics[key], desc = this.sortDesc;
    var column = this.model.columns.filter(function (c) { return c.key === key; })[0];
    var sign = (metric && metric.direction === "higher" ? -1 : 1) * (desc ? -1 : 1);
    return rows.slice().sort(function (a, b) {
      if (column && column.kind === "metric") {
        var va = value(a, key), vb = value(b, key);
        if (va === null || vb === null) { return (va === null) - (vb === null); }
        return sign * (va - vb) || a.title.localeCompare(b.title);
      }
      var ta = String(a[key] || ""), tb = String(b[key] || "");
      return (desc ? -1 : 1) * ta.localeCompare(tb) || a.title.localeCompare(b.title);
    });
  };

  Dashboard.prototype.renderResults = function (rows) {
    var table = document.querySelector("table.kb-all");
    if (!table) { return; }
    var ordered = this.sorted(rows);
    var limit = this.phone ? Math.min(PHONE_ROWS, this.model.firstRows) : this.model.firstRows;
    this.fillTable(table, this.showAll ? ordered : ordered.slice(0, limit), this.model.columns);
    table.querySelectorAll("thead th").forEach(function (th) {
      var on = th.getAttribute("data-key") === this.sortKey;
      if (on) { th.setAttribute("aria-sort", this.sortDesc ? "descending" : "ascending"); } else { th.removeAttribute("aria-sort"); }
    }, this);
    var more = document.querySelector(".kb-more-rows");
    if (more) {
      more.hidden = this.showAll || ordered.length <= limit;
      more.querySelector("button").textContent = "Show all " + ordered.length;
    }
    var intro = document.querySelector(".kb-results-intro");
    if (intro) {
      intro.textContent = ordered.length + " result" + (ordered.length === 1 ? "" : "s") +
        (ordered.length > limit && !this.showAll ? "; the first " + limit + " are listed" : "") +
        ". Columns sort with a click.";
    }
  };

  Dashboard.prototype.renderLeaderboards = function (rows) {
    var limit = this.phone ? Math.min(PHONE_LINES, this.model.limit) : this.model.limit;
    document.querySelectorAll("table.kb-leaderboard").forEach(function (table) {
      var name = table.getAttribute("data-metric"), metric = this.metrics[name];
      var having = rows.filter(function (r) { return value(r, name) !== null; });
      var sign = metric.direction === "lower" ? 1 : -1;
      having.sort(function (a, b) { return sign * (value(a, name) - value(b, name)) || a.title.localeCompare(b.title); });
      var body = table.querySelector("tbody");
      body.textContent = "";
      var rank = 0, last = null;
      having.slice(0, limit).forEach(function (r, i) {
        var v = value(r, name);
        if (v !== last) { rank = i + 1; last = v; }
        var tr = el("tr");
        tr.dataset.uid = r.uid;
        tr.appendChild(el("td", rank));
        var title = el("td");
        title.appendChild(link(this.root + r.url, r.title));
        tr.appendChild(title);
        tr.appendChild(el("td", r.platform));
        tr.appendChild(el("td", r.submitter));
        var num = el("td", N().withUnit(v, metric.unit), "kb-num");
        num.dataset.value = String(v);
        tr.appendChild(num);
        body.appendChild(tr);
      }, this);
      this.phoneNote(table, having.length, limit);
    }, this);
  };

  // "Top 10 of 304": said under a leaderboard a phone shortened (the server's note covers the rest).
  Dashboard.prototype.phoneNote = function (table, count, limit) {
    var box = table.parentNode, note = box.nextElementSibling;
    if (!note || !note.classList.contains("kb-phone-more")) {
      note = el("p", null, "kb-phone-more");
      box.parentNode.insertBefore(note, box.nextSibling);
    }
    note.hidden = !this.phone || count <= limit;
    var server = box.parentNode.querySelector(".kb-more");
    if (server && this.phone) { server.hidden = true; }
    note.textContent = "Top " + limit + " of " + count + " on a small screen; every result is under All results.";
  };

  Dashboard.prototype.draw = function (spec) {
    var chart = this.box;
    var target = chart.querySelector(".kb-vega");
    if (!target) {
      target = el("div", null, "kb-vega");
      chart.insertBefore(target, chart.firstChild);
    }
    if (this.view) { this.view.finalize(); }
    target.textContent = "";
    delete target.dataset.ready;
    var self = this;
    return window.kbCharts.embed(target, spec).then(function (result) { self.view = result.view; });
  };

  Dashboard.prototype.apply = function () {
    var s = this.state(), rows = this.filtered(s), made = this.points(rows, s);
    this.fillTable(document.querySelector("table.kb-pareto"), made.front.slice().sort(function (a, b) {
      return (this.metrics[s.x].direction === "lower" ? 1 : -1) * (a.x - b.x);
    }.bind(this)).map(function (p) { return this.records[this.index[p.uid]]; }, this), this.frontColumns(s));
    this.renderResults(rows);
    this.renderLeaderboards(rows);
    var status = document.querySelector(".kb-filter-status");
    if (status) { status.textContent = "Showing " + rows.length + " of " + this.records.length + " results."; }
    if (this.form) { this.writeUrl(s); }
    this.round += 1;
    var round = this.round, box = this.box;
    box.dataset.state = "drawing";
    return this.draw(this.chartSpec(made.points, s)).then(function () {
      if (round === this.round) { box.dataset.state = "ready"; box.dataset.shown = String(rows.length); }
    }.bind(this));
  };

  Dashboard.prototype.frontColumns = function (s) {
    var base = this.model.frontColumns.filter(function (c) { return c.kind !== "metric"; });
    var metric = function (name) {
      var m = this.metrics[name];
      return { key: name, label: name + (m.unit && m.unit !== "1" ? " (" + m.unit + ")" : ""), kind: "metric",
               unit: m.unit, direction: m.direction };
    }.bind(this);
    return base.concat([metric(s.x)], s.y ? [metric(s.y)] : []);
  };

  Dashboard.prototype.frontHeader = function (s) {
    var head = document.querySelector("table.kb-pareto thead tr");
    if (!head) { return; }
    head.textContent = "";
    this.frontColumns(s).forEach(function (c) { head.appendChild(el("th", c.label)); });
  };

  Dashboard.prototype.start = function () {
    var self = this;
    this.index = {};
    this.records.forEach(function (r, i) { self.index[r.uid] = i; });
    if (this.form) {
      this.form.hidden = false;
      this.readUrl();
      this.form.addEventListener("change", function () { self.frontHeader(self.state()); self.apply(); });
      this.form.addEventListener("submit", function (e) { e.preventDefault(); });
    }
    var all = document.querySelector("table.kb-all");
    if (all) {
      all.querySelectorAll("thead th").forEach(function (th) {
        th.classList.add("kb-sortable");
        th.tabIndex = 0;
        var sortBy = function () {
          var key = th.getAttribute("data-key");
          self.sortDesc = self.sortKey === key ? !self.sortDesc : false;
          self.sortKey = key;
          self.renderResults(self.filtered(self.state()));
        };
        th.addEventListener("click", sortBy);
        th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(); } });
      });
    }
    var more = document.querySelector(".kb-show-all");
    if (more) {
      more.addEventListener("click", function () { self.showAll = true; self.renderResults(self.filtered(self.state())); });
    }
    this.frontHeader(this.state());
    return this.apply();
  };

  function run() {
    var node = document.querySelector("script.vega-spec[data-kb-dashboard]:not([data-rendered])");
    var modelNode = document.querySelector("script.kb-dashboard-model");
    if (!node || !modelNode || typeof window.vegaEmbed !== "function") { return; }
    node.dataset.rendered = "1";
    var spec = JSON.parse(node.textContent), model = JSON.parse(modelNode.textContent);
    var box = node.parentNode;
    if (window.kbCharts.staticFallback(box, spec)) { return; }
    var url = spec.data && spec.data.url;
    fetch(url).then(function (r) { return r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)); })
      .then(function (records) {
        var board = new Dashboard(box, model, spec, records);
        window.kbDashboard.current = board;
        return board.start();
      })
      .catch(function (e) { console.error(e); });
  }

  window.kbDashboard = { run: run, paretoFront: paretoFront };
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) { window.document$.subscribe(run); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
