/* Reef KB page hooks: run every registered hook on Material's document$ (instant navigation) and on
   DOMContentLoaded (document$ does not fire on file:// pages). Hooks must be idempotent. */
(function () {
  "use strict";
  var hooks = (window.kbPageHooks = window.kbPageHooks || []);
  function runAll() {
    for (var i = 0; i < hooks.length; i++) {
      try {
        hooks[i](document);
      } catch (err) {
        console.error("kb page hook failed:", err);
      }
    }
  }
  function schedule() {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", runAll, { once: true });
    } else {
      setTimeout(runAll, 0);
    }
  }
  window.kbOnPage = function (hook) {
    hooks.push(hook);
  };
  var doc$ = window.document$;
  if (doc$ && typeof doc$.subscribe === "function") {
    doc$.subscribe(schedule);
  }
  schedule();
})();

/* Opened from disk (file://): a folder link such as "dataset/" would show a directory listing, so links
   into the site end in index.html: rewritten on every page, as scripts add links, and at click time. */
(function () {
  "use strict";
  if (window.location.protocol !== "file:") { return; }
  function toFile(link) {
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#" || (/^[a-z][a-z0-9+.-]*:/i.test(href) && href.slice(0, 5) !== "file:")) { return; }
    var url = new URL(href, window.location.href);
    if (url.protocol === "file:" && url.pathname.slice(-1) === "/") {
      url.pathname += "index.html";
      link.setAttribute("href", url.href);
    }
  }
  function fixAll(root) {
    var links = root.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) { toFile(links[i]); }
  }
  function onActivate(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (link) { toFile(link); }
  }
  document.addEventListener("click", onActivate, true);
  document.addEventListener("auxclick", onActivate, true);
  document.addEventListener("contextmenu", onActivate, true);
  window.kbOnPage(fixAll);
  new MutationObserver(function (changes) {  // rows a listing script adds, search hits, …
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) { return; }
        if (node.matches("a[href]")) { toFile(node); }
        fixAll(node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
