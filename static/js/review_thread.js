// The review's comment thread: a refused comment (400: empty, or a mention of someone who cannot see the review)
// comes back as the thread with the error shown, so htmx swaps it like a success (it swaps only 2xx by default).
// A static file (not inline) so the Content-Security-Policy needs no exceptions.
(function () {
  "use strict";
  if (window.skillhubReviewThread) return;
  window.skillhubReviewThread = true;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (elt && elt.matches && elt.matches("[data-thread-form]") && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // After a swap, keep the keyboard where it was: on the comment box.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "review-thread") {
      var box = document.getElementById("id_comment_text");
      if (box) box.focus();
    }
  });
})();
