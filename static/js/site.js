// Behaviour shared by every page. Everything here is an enhancement: the pages work
// without it. No inline scripts exist anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  // Move focus to an error (or warning) summary so keyboard and screen reader users hear
  // the problem.
  function focusErrorSummary(root) {
    var summary = root.querySelector(".error-summary, .warning-summary");
    if (summary) {
      summary.focus();
    }
  }

  // Forms that ask before doing something hard to undo carry data-confirm="question".
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // After an htmx swap, keep focus where the person was or move it to the new content,
  // never leave it on a removed element (which would send it back to the page top).
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    // An outerHTML swap replaces the target itself: the new element is the one the
    // event fires on.
    if (target && !target.isConnected) {
      target = event.target;
    }
    if (!target) {
      return;
    }
    var wanted = target.querySelector("[data-focus-after-swap]");
    if (wanted) {
      wanted.focus();
      return;
    }
    if (!document.activeElement || document.activeElement === document.body) {
      if (!target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
    focusErrorSummary(target);
  });
})();
