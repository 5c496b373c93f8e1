// Time spent on a review: counts the seconds the tab is visible and the reviewer interacted in the last 60 s, and
// posts them to the page's review-time URL every 30 s, when the tab is hidden, and on submit (sendBeacon when it
// exists, so a leaving page still reports). A static file, so the Content-Security-Policy needs no exceptions.
(function () {
  "use strict";
  const marker = document.querySelector("[data-review-time]");
  if (!marker) return;
  const url = marker.getAttribute("data-review-time");
  const IDLE_AFTER_MS = 60000;
  const HEARTBEAT_MS = 30000;
  const MAX_SECONDS = 60; // the server refuses more per heartbeat
  let lastActivity = Date.now();
  let pending = 0;

  function csrfToken() {
    const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }
  function active() {
    return document.visibilityState === "visible" && Date.now() - lastActivity < IDLE_AFTER_MS;
  }
  function flush() {
    if (pending <= 0) return;
    const seconds = Math.min(pending, MAX_SECONDS);
    pending -= seconds;
    const body = new FormData();
    body.append("seconds", String(seconds));
    body.append("csrfmiddlewaretoken", csrfToken());
    if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true }).catch(function () {});
  }
  ["keydown", "pointerdown", "pointermove", "scroll", "input", "focusin"].forEach(function (name) {
    document.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true, capture: true });
  });
  setInterval(function () { if (active()) pending += 1; }, 1000);
  setInterval(flush, HEARTBEAT_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
    else lastActivity = Date.now();
  });
  document.addEventListener("submit", flush, true);
  window.addEventListener("pagehide", flush);
})();
