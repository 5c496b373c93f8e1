// Scorecard builder: after an up/down move swaps the builder in, focus goes back to the button that was pressed
// (or its twin when that one is now disabled, at the top or bottom), so the keyboard can keep moving the same row.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    const builder = document.getElementById("builder");
    if (!builder || !builder.dataset.refocus) return;
    const id = builder.dataset.refocus;
    let button = document.getElementById(id);
    if (button && button.disabled) {
      button = document.getElementById(id.endsWith("-up") ? id.replace(/-up$/, "-down") : id.replace(/-down$/, "-up"));
    }
    if (button && !button.disabled) button.focus();
  });
})();
