// Page behaviour shared by every form; no build step, no outside assets.
//
// 1. data-confirm="…": on a submit button or on a form, asks before the act.
//    The text names what will happen. Cancelling stops the submission.
//    Without JavaScript the form submits as usual (the server still checks).
// 2. A form error summary (.error-summary) takes focus when the page loads,
//    so the page opens at the errors rather than below the fold.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.scrollIntoView();
      summary.focus();
    }
  });
})();
