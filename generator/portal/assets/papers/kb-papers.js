/* Reef KB papers listing (papers/): filter the table by venue, year and ACM badge, reflected in the URL
   (?venue=…&year=…&badge=…). Without JavaScript every paper is listed. */
(function () {
  "use strict";
  function start() {
    var form = document.querySelector(".kb-papers-filters");
    if (!form || form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var rows = Array.prototype.slice.call(document.querySelectorAll(".kb-papers-table tbody tr"));
    var count = form.querySelector(".kb-papers-count");
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var wanted = params.get(s.dataset.filter);
      if (wanted !== null && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) { s.value = wanted; }
    });
    function apply(record) {
      var f = {};
      selects.forEach(function (s) { f[s.dataset.filter] = s.value; });
      var shown = 0;
      rows.forEach(function (tr) {
        var ok = (!f.venue || tr.dataset.venue === f.venue) && (!f.year || tr.dataset.year === f.year) &&
          (!f.badge || (" " + tr.dataset.badges + " ").indexOf(" " + f.badge + " ") >= 0);
        tr.hidden = !ok;
        if (ok) { shown++; }
      });
      count.textContent = shown + (shown === 1 ? " paper" : " papers");
      if (record) {
        var q = new URLSearchParams();
        selects.forEach(function (s) { if (s.value) { q.set(s.dataset.filter, s.value); } });
        var url = window.location.pathname + (q.toString() ? "?" + q.toString() : "");
        try { window.history.replaceState(null, "", url); } catch (e) { /* file:// pages may refuse */ }
      }
    }
    selects.forEach(function (s) { s.addEventListener("change", function () { apply(true); }); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply(false);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
