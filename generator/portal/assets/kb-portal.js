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
