// Reef KB charts.
// Renders every <script type="application/json" class="vega-spec"> with the vendored Vega runtime
// (no network; where the page's policy forbids eval, Vega's expression interpreter is used).
// Idempotent: runs on Material's document$ and on DOMContentLoaded. The dashboard controls and the
// compare page are results/kb-dashboard.js and results/kb-compare.js.
(function () {
  "use strict";
  if (window.kbCharts) { return; }

  // Vega compiles its expressions with new Function(), which the site's Content Security Policy
  // forbids (no 'unsafe-eval' on any page): every chart uses Vega's expression interpreter.
  function embedOptions() {
    var opts = { actions: false, renderer: "svg" };
    if (window.vegaInterpreter) {
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

  // Draw a spec into a target element: click on a point opens its result page; the element gets
  // data-ready (and data-ms, the time vegaEmbed took) when drawn. Returns vegaEmbed's promise.
  function embed(target, spec) {
    var started = window.performance ? performance.now() : 0;
    return window.vegaEmbed(target, spec, embedOptions()).then(function (result) {
      if (window.performance) { target.dataset.ms = String(Math.round(performance.now() - started)); }
      result.view.addEventListener("click", function (event, item) {
        var link = item && item.datum && item.datum.link;
        if (typeof link === "string" && link.indexOf("../") === 0) { window.location.href = link; }
      });
      target.dataset.ready = "1";
      return result;
    });
  }

  function renderCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    // The dashboard's own chart is drawn by kb-dashboard.js (filters, axes, colours).
    document.querySelectorAll("script.vega-spec:not([data-rendered]):not([data-kb-dashboard])").forEach(function (node) {
      var target = document.createElement("div");
      target.className = "kb-vega";
      node.parentNode.insertBefore(target, node);
      node.dataset.rendered = "1";
      var spec;
      try { spec = JSON.parse(node.textContent); } catch (e) { console.error("bad chart spec", e); return; }
      if (staticFallback(target, spec)) { return; }
      if (target.clientWidth < 600) {  // phones: legends under the chart, so the chart keeps the width
        spec.config = { legend: { orient: "bottom", direction: "vertical", columns: 2, labelLimit: 150 } };
      }
      embed(target, spec).catch(function (e) { console.error(e); });
    });
  }

  function run() { renderCharts(); }

  window.kbCharts = { render: run, embed: embed, staticFallback: staticFallback };
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) { window.document$.subscribe(run); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
