// Reef KB charts and compare page.
// Renders every <script type="application/json" class="vega-spec"> with the vendored Vega runtime
// (no network, no eval: Vega's expression interpreter is used, so a strict CSP holds), and runs the
// compare page. Idempotent: runs on Material's document$ and on DOMContentLoaded.
(function () {
  "use strict";
  if (window.kbCharts) { return; }

  // Vega compiles its expressions with new Function(): fast, but a strict Content Security Policy
  // forbids it. Pages whose policy allows 'unsafe-eval' (the dashboards, many points) use it; every
  // other page uses Vega's expression interpreter (slower per point, no eval).
  function evalAllowed() {
    var meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    if (!meta) { return true; }
    var policy = meta.getAttribute("content") || "";
    var scripts = /script-src([^;]*)/.exec(policy) || /default-src([^;]*)/.exec(policy);
    return !scripts || scripts[1].indexOf("'unsafe-eval'") >= 0;
  }

  function embedOptions() {
    var opts = { actions: false, renderer: "svg" };
    if (!evalAllowed() && window.vegaInterpreter) {
      opts.ast = true;
      opts.expr = window.vegaInterpreter.expressionInterpreter;
    }
    return opts;
  }

  // Browsers refuse to fetch a chart's data.json from a page opened as a file (file://), which
  // left an empty frame: show the dashboard's pre-rendered chart.svg (next to data.json) instead.
  function staticFallback(target, spec) {
    var url = spec && spec.data && spec.data.url;
    if (window.location.protocol !== "file:" || typeof url !== "string") { return false; }
    var img = document.createElement("img");
    img.src = url.replace(/[^\/]*$/, "chart.svg");
    img.alt = "Chart of the results (static image)";
    target.appendChild(img);
    var note = document.createElement("p");
    note.className = "kb-more";
    note.textContent = "Static chart: this page was opened from a file. Serve the site over HTTP for the interactive one.";
    target.appendChild(note);
    return true;
  }

  function renderCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("script.vega-spec:not([data-rendered])").forEach(function (node) {
      var target = document.createElement("div");
      target.className = "kb-vega";
      node.parentNode.insertBefore(target, node);
      node.dataset.rendered = "1";
      var spec;
      try { spec = JSON.parse(node.textContent); } catch (e) { console.error("bad chart spec", e); return; }
      if (staticFallback(target, spec)) { return; }
      var started = window.performance ? performance.now() : 0;
      window.vegaEmbed(target, spec, embedOptions()).then(function (result) {
        if (window.performance) { target.dataset.ms = String(Math.round(performance.now() - started)); }
        result.view.addEventListener("click", function (event, item) {
          var link = item && item.datum && item.datum.link;
          if (typeof link === "string" && link.indexOf("../") === 0) { window.location.href = link; }
        });
        target.dataset.ready = "1";
      }).catch(function (e) { console.error(e); });
    });
  }

  // ---- compare page -------------------------------------------------------------------------
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function fmt(v) {
    if (typeof v !== "number" || !isFinite(v)) { return ""; }
    return Math.abs(v) >= 1e6 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  }

  // Percent difference of b against a, signed so that positive means "b is better".
  function diffPercent(a, b, direction) {
    if (typeof a !== "number" || typeof b !== "number" || a === 0) { return null; }
    var d = (b - a) / Math.abs(a) * 100;
    d = direction === "lower" ? -d : d;
    return Math.abs(d) < 0.05 ? 0 : d;  // no "-0.0 %"
  }

  function platformMetrics(data, uoa) {
    // best value per benchmark/scenario/model/metric among the platform's results
    var best = {};
    data.results.forEach(function (r) {
      if (r.platform !== uoa) { return; }
      Object.keys(r.metrics).forEach(function (name) {
        var m = r.metrics[name];
        var key = r.benchmark + " · " + r.scenario + " · " + r.model + " · " + name;
        var cur = best[key];
        var better = !cur || (m[2] === "lower" ? m[0] < cur[0] : m[0] > cur[0]);
        if (better) { best[key] = m; }
      });
    });
    return best;
  }

  function resultMetrics(result) {
    var out = {};
    Object.keys(result.metrics).forEach(function (name) { out[name] = result.metrics[name]; });
    return out;
  }

  function drawTable(table, columns, root) {
    table.textContent = "";
    if (columns.length < 2) { return; }
    var keys = [];
    columns.forEach(function (c) {
      Object.keys(c.metrics).forEach(function (k) { if (keys.indexOf(k) < 0) { keys.push(k); } });
    });
    keys.sort();
    var head = el("tr");
    head.appendChild(el("th", "metric"));
    columns.forEach(function (c, i) {
      var th = el("th");
      var a = el("a", c.title);
      a.href = root + c.url;
      th.appendChild(a);
      head.appendChild(th);
      if (i > 0) { head.appendChild(el("th", "Δ vs first")); }
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    keys.forEach(function (k) {
      var tr = el("tr");
      tr.appendChild(el("td", k));
      var first = columns[0].metrics[k];
      columns.forEach(function (c, i) {
        var m = c.metrics[k];
        tr.appendChild(el("td", m ? fmt(m[0]) + " " + m[1] : "—", "kb-num"));
        if (i > 0) {
          var d = (m && first) ? diffPercent(first[0], m[0], m[2]) : null;
          var cell = el("td", d === null ? "" : (d > 0 ? "+" : "") + d.toFixed(1) + " %", "kb-num kb-diff");
          if (d !== null) { cell.dataset.diff = d.toFixed(3); }
          tr.appendChild(cell);
        }
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
  }

  function setupCompare(box, data) {
    var root = box.dataset.root || "../";
    var select = box.querySelector(".kb-compare-options");
    var filter = box.querySelector(".kb-compare-filter");
    var status = box.querySelector(".kb-compare-status");
    var table = box.querySelector(".kb-compare-table");
    function kind() {
      var checked = box.querySelector("input[name=kb-compare-kind]:checked");
      return checked ? checked.value : "results";
    }
    function items() {
      if (kind() === "platforms") {
        return data.platforms.map(function (p) {
          return { id: p.uoa, label: p.name, title: p.name, url: p.url, metrics: null };
        });
      }
      return data.results.map(function (r) {
        return { id: r.uid, label: r.title + " — " + r.benchmark + " " + r.scenario, title: r.title, url: r.url,
                 result: r };
      });
    }
    function fill() {
      var q = (filter.value || "").toLowerCase();
      var chosen = {};
      Array.prototype.forEach.call(select.selectedOptions, function (o) { chosen[o.value] = true; });
      select.textContent = "";
      items().forEach(function (it) {
        if (q && it.label.toLowerCase().indexOf(q) < 0 && !chosen[it.id]) { return; }
        var o = el("option", it.label);
        o.value = it.id;
        o.selected = !!chosen[it.id];
        select.appendChild(o);
      });
    }
    function update() {
      var picked = Array.prototype.map.call(select.selectedOptions, function (o) { return o.value; });
      if (picked.length > 4) { picked = picked.slice(0, 4); }
      var all = {};
      items().forEach(function (it) { all[it.id] = it; });
      var columns = picked.map(function (id) {
        var it = all[id];
        return { title: it.title, url: it.url,
                 metrics: it.result ? resultMetrics(it.result) : platformMetrics(data, it.id) };
      });
      status.textContent = columns.length < 2 ? "Choose two to four." :
        "Comparing " + columns.length + (select.selectedOptions.length > 4 ? " (only the first four)." : ".");
      drawTable(table, columns, root);
      var url = new URL(window.location.href);
      url.searchParams.set("kind", kind());
      url.searchParams.set("ids", picked.join(","));
      window.history.replaceState(null, "", url.toString());
    }
    var params = new URLSearchParams(window.location.search);
    if (params.get("kind") === "platforms") {
      box.querySelector("input[value=platforms]").checked = true;
    }
    fill();
    var wanted = (params.get("ids") || "").split(",").filter(Boolean);
    Array.prototype.forEach.call(select.options, function (o) { o.selected = wanted.indexOf(o.value) >= 0; });
    select.addEventListener("change", update);
    filter.addEventListener("input", fill);
    box.querySelectorAll("input[name=kb-compare-kind]").forEach(function (r) {
      r.addEventListener("change", function () { select.textContent = ""; fill(); update(); });
    });
    update();
    box.dataset.ready = "1";
  }

  function renderCompare() {
    var box = document.getElementById("kb-compare");
    if (!box || box.dataset.started) { return; }
    box.dataset.started = "1";
    fetch(box.dataset.src || "results.json").then(function (r) { return r.json(); })
      .then(function (data) { setupCompare(box, data); })
      .catch(function (e) {
        box.querySelector(".kb-compare-status").textContent = "Could not load results.json.";
        console.error(e);
      });
  }

  function run() { renderCharts(); renderCompare(); }

  window.kbCharts = { render: run, diffPercent: diffPercent };
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) { window.document$.subscribe(run); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
