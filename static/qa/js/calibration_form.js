// New calibration session: a conversation ticked in the finder's results moves to the "Chosen" list, so it stays
// chosen when a new search (htmx, debounced) replaces the results; Enter in the finder searches. Without JavaScript
// the finder's Search button (in <noscript>) reloads the page with the filters. A static file: the CSP allows no
// inline scripts.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const box = event.target;
    if (!box || box.type !== "checkbox" || box.name !== "contacts" || !box.closest("#contact-results")) return;
    if (!box.checked) return;
    const chosen = document.querySelector("#contacts-chosen ul");
    if (!chosen) return;
    const empty = chosen.querySelector("[data-empty]");
    if (empty) empty.remove();
    chosen.appendChild(box.closest("li"));
    box.focus();
  });
  // Enter in the search box searches (htmx does, at once) instead of creating the session.
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.key !== "Enter" || !target || !target.closest || !target.closest("#finder")) return;
    if (target.tagName === "INPUT" && target.type !== "checkbox") {
      event.preventDefault();
      target.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
