// QA pages: keyboard answers on the scorecard, critical-fail reasons, auto-submitting selects, the trend chart.
// A static file (not inline) so the Content-Security-Policy needs no exceptions.
(function () {
  "use strict";

  // The scorecard's keyboard flow (the page's hint says the same): while a criterion's answer has focus,
  // y / n / a point number / x (N/A) answers it and moves on to the next unanswered criterion (a failing critical
  // answer goes to its reason box first); j jumps to the next unanswered criterion; c opens the criterion's comment
  // box and Esc leaves it; Ctrl+Enter (Cmd+Enter) anywhere in the form presses its [data-submit-shortcut] button.
  function criteria(form) {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset.criterion"));
  }
  function answered(fieldset) {
    return !!fieldset.querySelector('input[type="radio"]:checked');
  }
  function focusCriterion(fieldset) {
    const radio = fieldset.querySelector('input[type="radio"]:checked') || fieldset.querySelector('input[type="radio"]');
    if (!radio) return;
    fieldset.scrollIntoView({ block: "center" });
    radio.focus({ preventScroll: true });
  }
  // The first unanswered criterion after `current` (wrapping round); null when all are answered.
  function nextUnanswered(form, current) {
    const all = criteria(form);
    const start = all.indexOf(current);
    for (let step = 1; step <= all.length; step++) {
      const candidate = all[(start + step) % all.length];
      if (candidate !== current && !answered(candidate)) return candidate;
    }
    return null;
  }
  function moveOn(form, fieldset) {
    const next = nextUnanswered(form, fieldset);
    if (next) focusCriterion(next);
    else {
      const submit = form.querySelector("[data-submit-shortcut]");
      if (submit) submit.focus();
    }
  }
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!target || !target.closest) return;
    const form = target.closest("form#scorecard-form");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const submit = form.querySelector("[data-submit-shortcut]");
      if (submit) {
        event.preventDefault();
        form.requestSubmit(submit);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const fieldset = target.closest("fieldset.criterion");
    if (!fieldset) return;
    if (target.tagName === "TEXTAREA") {
      if (event.key === "Escape") {
        event.preventDefault();
        focusCriterion(fieldset);
      }
      return;
    }
    if (target.tagName !== "INPUT" || target.type !== "radio") return;
    const key = event.key.toLowerCase();
    if (key === "j") {
      event.preventDefault();
      moveOn(form, fieldset);
      return;
    }
    if (key === "c") {
      const comment = fieldset.querySelector("textarea");
      if (comment) {
        event.preventDefault();
        comment.focus();
      }
      return;
    }
    const radio = fieldset.querySelector('input[type="radio"][data-key="' + key + '"]');
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    const comment = fieldset.querySelector("textarea");
    if (fieldset.dataset.critical === "1" && radio.dataset.fail === "1" && comment && !comment.value.trim()) {
      comment.focus(); // the reason is required: type it, then Esc and j move on
    } else {
      moveOn(form, fieldset);
    }
  });

  // A form that came back refused: go to the first criterion in error (its reason box when a reason is missing).
  function focusFirstError() {
    const form = document.getElementById("scorecard-form");
    if (!form) return;
    const invalid = form.querySelector("fieldset.criterion.is-invalid");
    if (!invalid) return;
    const reason = invalid.querySelector("textarea[data-error-focus]");
    invalid.scrollIntoView({ block: "center" });
    if (reason) reason.focus({ preventScroll: true });
    else focusCriterion(invalid);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusFirstError);
  else focusFirstError();

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
          // The band: the high line filled down to the low line (dataset 1), only where both bounds exist; a week
          // without reviews is null in all three, and spanGaps: false breaks the lines and the band there.
          { label: "95% high", data: read("trend-high"), borderWidth: 0, pointRadius: 0, fill: { target: 1 }, backgroundColor: "rgba(11,83,148,.12)", spanGaps: false, tension: 0 },
          { label: "95% low", data: read("trend-low"), borderWidth: 0, pointRadius: 0, fill: false, spanGaps: false, tension: 0 },
          { label: "Mean QA score", data: read("trend-values"), borderColor: "#0b5394", backgroundColor: "#0b5394", tension: 0, spanGaps: false },
        ],
      },
      options: {
        scales: { y: { min: 0, max: 100 } },
        plugins: {
          legend: { labels: { filter: (item) => item.text === "Mean QA score" } },
          tooltip: {
            filter: (item) => item.datasetIndex === 2,
            callbacks: { afterLabel: (ctx) => "n = " + n[ctx.dataIndex] },
          },
        },
      },
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawTrend);
  else drawTrend();
})();
