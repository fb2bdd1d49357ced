/* Reef KB listings: sort, filter and paginate the full table (rows.json next to the page; rows.js
   on file:// where fetch is refused). Builds DOM nodes with textContent only: no HTML from data. */
(function () {
  "use strict";
  var register = window.kbOnPage || function (hook) {
    document.addEventListener("DOMContentLoaded", function () { hook(document); });
  };

  function loadRows(box, done, fail) {
    var key = box.getAttribute("data-kb-key");
    var store = window.kbListingRows || {};
    if (store[key]) return done(store[key]);
    if (location.protocol === "file:") {
      var script = document.createElement("script");
      script.src = box.getAttribute("data-kb-rows-script");
      script.onload = function () {
        var data = (window.kbListingRows || {})[key];
        return data ? done(data) : fail("rows.js holds no rows for this page");
      };
      script.onerror = function () { fail("rows.js could not be loaded"); };
      document.head.appendChild(script);
      return;
    }
    fetch(box.getAttribute("data-kb-rows"))
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)); })
      .then(done, function (err) { fail(String(err)); });
  }

  function toObjects(data) {
    var cols = data.columns;
    return data.rows.map(function (cells) {
      var row = {};
      for (var i = 0; i < cols.length; i++) row[cols[i]] = cells[i];
      row.tags = row.tags || [];
      var result = row.result || [];
      row._text = [row.name, row.module, row.alias, row.uid, row.repo, row.status, row.tags.join(" "),
                   result[0], result[2], result[3]].join(" ").toLowerCase();
      return row;
    });
  }

  var RESULT_KEYS = { benchmark: 0, platform: 2, model: 3 };

  function sortValue(row, key) {
    if (key === "metrics") {  // a result's first primary metric: numbers sort as numbers, others last
      var value = row.result ? row.result[5] : null;
      return typeof value === "number" ? value : Infinity;
    }
    var v = key === "tags" ? row.tags.join(" ") : key in RESULT_KEYS ? (row.result || [])[RESULT_KEYS[key]] : row[key];
    return (v == null ? "" : String(v)).toLowerCase();
  }

  function cell(tr, content) {
    var td = document.createElement("td");
    if (content) td.appendChild(content);
    tr.appendChild(td);
    return td;
  }

  function link(href, text, cls) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (cls) a.className = cls;
    return a;
  }

  function setup(box, data) {
    var root = box.getAttribute("data-kb-root") || "";
    var showType = box.getAttribute("data-kb-show-type") === "yes";
    var showResults = !!box.querySelector("table.kb-with-results");
    var pageSize = parseInt(box.getAttribute("data-kb-page-size"), 10) || 100;
    var slugs = data.tag_slugs || {};
    var typeNames = data.type_names || {};
    var all = toObjects(data);
    var state = { key: "name", dir: 1, filter: "", page: 0, rows: all };
    var table = box.querySelector("table.kb-listing-table");
    var tbody = table.querySelector("tbody");
    var controls = box.querySelector(".kb-listing-controls");
    var input = box.querySelector(".kb-listing-filter");
    var status = box.querySelector(".kb-listing-status");
    var pager = box.querySelector(".kb-pager");
    var more = box.querySelector(".kb-listing-more");
    if (more) more.hidden = true;
    controls.hidden = false;

    function rowNode(row) {
      var tr = document.createElement("tr");
      cell(tr, link(root + row.url, row.name));
      if (showResults) {
        var r = row.result;
        cell(tr, r ? link(root + r[1], r[0]) : null);
        cell(tr, r ? document.createTextNode(r[2]) : null);
        cell(tr, r ? document.createTextNode(r[3]) : null);
        var metrics = cell(tr, r ? document.createTextNode(r[4]) : null);
        metrics.className = "kb-metrics-cell";
      }
      if (showType) cell(tr, document.createTextNode(typeNames[row.module] || row.module));
      var tags = cell(tr, null);
      row.tags.forEach(function (tag) {
        // tag_slugs names the page folder of every tag whose folder is not the tag itself ("" = no page)
        var slug = Object.prototype.hasOwnProperty.call(slugs, tag) ? slugs[tag] : tag;
        if (slug) {
          tags.appendChild(link(root + "tags/" + slug + "/", tag, "kb-tag"));
        } else {
          var span = document.createElement("span");
          span.className = "kb-tag";
          span.textContent = tag;
          tags.appendChild(span);
        }
        tags.appendChild(document.createTextNode(" "));
      });
      cell(tr, document.createTextNode(row.status || ""));
      cell(tr, document.createTextNode((row.changed || "").slice(0, 10)));
      return tr;
    }

    function button(label, page, disabled) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.disabled = disabled;
      b.className = "md-button kb-page-button";
      b.addEventListener("click", function () { state.page = page; draw(); });
      return b;
    }

    function draw() {
      var pages = Math.max(1, Math.ceil(state.rows.length / pageSize));
      state.page = Math.min(Math.max(0, state.page), pages - 1);
      var start = state.page * pageSize;
      var frag = document.createDocumentFragment();
      state.rows.slice(start, start + pageSize).forEach(function (row) { frag.appendChild(rowNode(row)); });
      tbody.replaceChildren(frag);
      status.textContent = state.rows.length + " of " + all.length + " entries" +
        (pages > 1 ? " · page " + (state.page + 1) + " of " + pages : "");
      pager.replaceChildren(
        button("Previous", state.page - 1, state.page === 0),
        button("Next", state.page + 1, state.page >= pages - 1)
      );
      table.querySelectorAll("th[data-kb-sort]").forEach(function (th) {
        var key = th.getAttribute("data-kb-sort");
        th.setAttribute("aria-sort", key === state.key ? (state.dir > 0 ? "ascending" : "descending") : "none");
      });
    }

    function apply() {
      var words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
      var rows = words.length ? all.filter(function (row) {
        return words.every(function (w) { return row._text.indexOf(w) >= 0; });
      }) : all.slice();
      var key = state.key, dir = state.dir;
      var keyed = rows.map(function (row) { return [sortValue(row, key), row]; });
      keyed.sort(function (a, b) { return a[0] < b[0] ? -dir : a[0] > b[0] ? dir : 0; });
      state.rows = keyed.map(function (pair) { return pair[1]; });
      draw();
    }

    table.querySelectorAll("th[data-kb-sort]").forEach(function (th) {
      th.tabIndex = 0;
      th.classList.add("kb-sortable");
      function sortBy() {
        var key = th.getAttribute("data-kb-sort");
        state.dir = state.key === key ? -state.dir : 1;
        state.key = key;
        state.page = 0;
        apply();
      }
      th.addEventListener("click", sortBy);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(); });
    });
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.filter = input.value; state.page = 0; apply(); }, 120);
    });
    box.setAttribute("data-kb-ready", "yes");
    apply();
  }

  register(function (doc) {
    doc.querySelectorAll(".kb-listing:not([data-kb-ready])").forEach(function (box) {
      box.setAttribute("data-kb-ready", "loading");
      loadRows(box, function (data) { setup(box, data); }, function (why) {
        box.setAttribute("data-kb-ready", "failed");
        var status = box.querySelector(".kb-listing-status");
        if (status) status.textContent = "Full table unavailable (" + why + "); showing the first rows.";
      });
    });
  });
})();
