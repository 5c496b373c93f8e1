// QA pages: keyboard answers on the scorecard, critical-fail reasons, auto-submitting selects, the trend chart.
// A static file (not inline) so the Content-Security-Policy needs no exceptions.
(function () {
  "use strict";

  // y / n / a point number / x (N/A) answer the criterion that has focus.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (!target || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return;
    if (target.tagName === "INPUT" && target.type !== "radio") return;
    const fieldset = target.closest && target.closest("fieldset.criterion");
    if (!fieldset) return;
    const radio = fieldset.querySelector('input[type="radio"][data-key="' + event.key.toLowerCase() + '"]');
    if (radio) {
      radio.checked = true;
      radio.focus();
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      event.preventDefault();
    }
  });

  // A failing answer on a critical criterion makes its comment (the reason) required.
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (!target || target.type !== "radio" || !target.closest) return;
    const fieldset = target.closest('fieldset.criterion[data-critical="1"]');
    if (!fieldset) return;
    const comment = fieldset.querySelector("textarea");
    const failed = target.dataset.fail === "1";
    if (comment) {
      comment.required = failed;
      comment.classList.toggle("border-danger", failed);
    }
  });

  // <select data-autosubmit> submits its form on change (period pickers).
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) target.form.submit();
  });

  // The weekly trend on an agent's QA page: mean with its 95% band, n in the tooltip.
  function drawTrend() {
    const canvas = document.getElementById("trend");
    if (!canvas || typeof Chart === "undefined") return;
    const read = (id) => JSON.parse(document.getElementById(id).textContent);
    const n = read("trend-n");
    new Chart(canvas, {
      type: "line",
      data: {
        labels: read("trend-labels"),
        datasets: [
          { label: "95% high", data: read("trend-high"), borderWidth: 0, pointRadius: 0, fill: "+1", backgroundColor: "rgba(11,83,148,.12)" },
          { label: "95% low", data: read("trend-low"), borderWidth: 0, pointRadius: 0, fill: false },
          { label: "Mean QA score", data: read("trend-values"), borderColor: "#0b5394", backgroundColor: "#0b5394", tension: 0.2 },
        ],
      },
      options: {
        scales: { y: { min: 0, max: 100 } },
        plugins: {
          legend: { labels: { filter: (item) => item.text === "Mean QA score" } },
          tooltip: { callbacks: { afterLabel: (ctx) => (ctx.datasetIndex === 2 ? "n = " + n[ctx.dataIndex] : "") } },
        },
      },
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawTrend);
  else drawTrend();
})();
