/* Copy buttons: <button data-copy-target="input-id" data-copy-status="status-id">. Copies the input's value to the
   clipboard and says so on the button and in the status element (a polite live region); where the clipboard is
   refused, selects the text so the user can press Ctrl+C / Cmd+C. A real <button>: Enter and Space work too. */
(function () {
  function report(button, status, copied) {
    var label = button.dataset.copyLabel || button.textContent;
    button.dataset.copyLabel = label;
    if (status) {
      status.textContent = "";
      // Cleared first, so screen readers announce a second "Copied" too.
      window.setTimeout(function () {
        status.textContent = copied ? "Copied" : "Selected: press Ctrl+C (Cmd+C on a Mac) to copy";
      }, 50);
    }
    if (copied) {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }
  }

  function selectAndCopy(input) {
    input.focus();
    input.select();
    try { return document.execCommand("copy"); } catch (error) { return false; }
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.copyTarget);
      var status = document.getElementById(button.dataset.copyStatus);
      if (!input) { return; }
      if (navigator.clipboard && window.isSecureContext) {
        // Some browsers leave the promise pending (no focus, a permission prompt nobody sees): after a second,
        // fall back to selecting and copying the text so the user always hears what happened.
        var settled = false;
        var settle = function (copied) {
          if (settled) { return; }
          settled = true;
          report(button, status, copied);
        };
        window.setTimeout(function () { settle(selectAndCopy(input)); }, 1000);
        navigator.clipboard.writeText(input.value).then(
          function () { settle(true); },
          function () { settle(selectAndCopy(input)); }
        );
      } else {
        report(button, status, selectAndCopy(input));
      }
    });
  });
})();
