// AutoQA's suggestions on the review page: `a` (while a criterion's answer has focus) or its Accept button selects
// AutoQA's answer for that criterion and moves on to the next unanswered one; "Accept AutoQA's answers" selects it
// on every unanswered criterion that has one. Nothing is selected until the reviewer asks.
(function () {
  "use strict";

  function answered(fieldset) {
    return !!fieldset.querySelector('input[type="radio"]:checked');
  }
  function accept(fieldset) {
    const suggestion = fieldset.querySelector("[data-autoqa-value]");
    if (!suggestion) return false;
    const radio = fieldset.querySelector('input[type="radio"][value="' + suggestion.dataset.autoqaValue + '"]');
    if (!radio) return false;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true })); // live score, autosave, a critical's reason box
    return true;
  }
  function moveOn(form, fieldset) {
    const all = Array.prototype.slice.call(form.querySelectorAll("fieldset.criterion"));
    const start = all.indexOf(fieldset);
    for (let step = 1; step <= all.length; step++) {
      const next = all[(start + step) % all.length];
      if (next !== fieldset && !answered(next)) {
        const radio = next.querySelector('input[type="radio"]');
        next.scrollIntoView({ block: "center" });
        if (radio) radio.focus({ preventScroll: true });
        return;
      }
    }
    const submit = form.querySelector("[data-submit-shortcut]");
    if (submit) submit.focus();
  }
  function afterAccept(form, fieldset) {
    const comment = fieldset.querySelector("textarea");
    const checked = fieldset.querySelector('input[type="radio"]:checked');
    if (fieldset.dataset.critical === "1" && checked && checked.dataset.fail === "1" && comment && !comment.value.trim()) {
      comment.focus(); // a critical fail still needs the reviewer's reason
    } else {
      moveOn(form, fieldset);
    }
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!target || !target.closest || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key.toLowerCase() !== "a" || target.tagName !== "INPUT" || target.type !== "radio") return;
    const form = target.closest("form#scorecard-form");
    const fieldset = target.closest("fieldset.criterion");
    if (!form || !fieldset) return;
    event.preventDefault();
    if (accept(fieldset)) afterAccept(form, fieldset);
  });

  document.addEventListener("click", function (event) {
    const target = event.target;
    if (!target || !target.closest) return;
    const one = target.closest("[data-autoqa-accept]");
    if (one) {
      const fieldset = one.closest("fieldset.criterion");
      const form = one.closest("form#scorecard-form");
      if (fieldset && form && accept(fieldset)) afterAccept(form, fieldset);
      return;
    }
    const all = target.closest("[data-autoqa-accept-all]");
    if (!all) return;
    const form = all.closest("form#scorecard-form");
    if (!form) return;
    form.querySelectorAll("fieldset.criterion").forEach(function (fieldset) {
      if (!answered(fieldset)) accept(fieldset);
    });
  });
})();
