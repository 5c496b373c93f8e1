// Drafts: typed work survives an ended session. Loaded on every page from base.html (a static file: the CSP allows
// no inline scripts).
//
// A form marked data-draft-key="<object and user>" keeps a copy of its fields in this browser's localStorage as
// the user types (never passwords, file inputs, hidden fields or the CSRF token). On the next page load a copy that
// differs from what the server rendered is put back, with an alert: Save to keep it / Discard. The copy goes when
// the page comes back with the same values (saved), when a whole-form autosave succeeds, after a submit that leaves
// the form's page, on Discard, on sign-out, and after two weeks.
//
// htmx calls made from a draft form carry an X-Draft header, so an ended session answers them with a status line
// (401) rather than sending the page to sign-in mid-sentence; autosave elements ([data-autosave]) show their
// 400/401/403/409 answers too (htmx swaps only 2xx by default).
(function () {
  "use strict";

  var PREFIX = "skillhub.draft.";
  var MAX_AGE_MS = 14 * 24 * 3600 * 1000;
  var SKIP_TYPES = ["password", "file", "hidden", "submit", "button", "reset", "image"];
  var SHOWN_STATUSES = [400, 401, 403, 409];

  var store;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (error) {
    return; // storage blocked: the server autosave still runs
  }
  var userId = document.body.dataset.draftUser || "";

  function isDraftForm(el) {
    return !!(el && el.matches && el.matches("form[data-draft-key]"));
  }

  function draftFormOf(el) {
    return el && el.closest ? el.closest("form[data-draft-key]") : null;
  }

  // The element that made an htmx request (on htmx:beforeSwap, detail.elt is the swap target instead).
  function requester(event) {
    var detail = event.detail || {};
    return (detail.requestConfig && detail.requestConfig.elt) || detail.elt || event.target;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (
        el.name &&
        !el.disabled &&
        SKIP_TYPES.indexOf(el.type) < 0 &&
        el.name !== "csrfmiddlewaretoken" &&
        !("draftIgnore" in el.dataset)
      );
    });
  }

  // The form's values as {name: value}; a checkbox as "name=value": true/false, a radio group as its checked value.
  function snapshot(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio") {
        if (!(el.name in data)) data[el.name] = "";
        if (el.checked) data[el.name] = el.value;
      } else if (el.type === "checkbox") {
        data[el.name + "=" + el.value] = el.checked;
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; }).join("\n");
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  // Put `data` into the form; returns the fields that changed.
  function apply(form, data) {
    var changed = [];
    fields(form).forEach(function (el) {
      if (el.type === "radio") {
        if (!(el.name in data)) return;
        var want = data[el.name] === el.value;
        if (el.checked !== want) {
          el.checked = want;
          if (want) changed.push(el);
        }
      } else if (el.type === "checkbox") {
        var key = el.name + "=" + el.value;
        if (!(key in data) || el.checked === data[key]) return;
        el.checked = data[key];
        changed.push(el);
      } else if (el.tagName === "SELECT" && el.multiple) {
        if (!(el.name in data)) return;
        var values = data[el.name].split("\n");
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
        changed.push(el);
      } else if (el.name in data && el.value !== data[el.name]) {
        el.value = data[el.name];
        changed.push(el);
      }
    });
    return changed;
  }

  function norm(value) {
    return typeof value === "string" ? value.replace(/\r\n/g, "\n").trim() : value;
  }

  // Same values on the fields both have (the server trims comments, so spaces at the ends do not count).
  function same(a, b) {
    return Object.keys(b).every(function (key) { return !(key in a) || norm(a[key]) === norm(b[key]); });
  }

  function keyOf(form) {
    return PREFIX + form.dataset.draftKey;
  }

  function parse(raw) {
    try {
      var entry = JSON.parse(raw);
      return entry && typeof entry === "object" && entry.data ? entry : null;
    } catch (error) {
      return null;
    }
  }

  function write(form, options) {
    options = options || {};
    var entry = { user: userId, time: options.time || Date.now(), data: snapshot(form), submitted: !!options.submitted };
    try {
      store.setItem(keyOf(form), JSON.stringify(entry));
    } catch (error) {
      // storage full: nothing more to do here, the server autosave still runs
    }
  }

  function clear(form) {
    store.removeItem(keyOf(form));
    if (form._draftAlert) {
      form._draftAlert.remove();
      form._draftAlert = null;
    }
  }

  function when(ms) {
    var date = new Date(ms);
    var time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return date.toDateString() === new Date().toDateString() ? time : date.toLocaleDateString() + " " + time;
  }

  function button(label, className) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = className;
    el.textContent = label;
    return el;
  }

  function showRestored(form, entry, changed) {
    var alert = document.createElement("div");
    alert.className = "alert alert-warning d-flex flex-wrap align-items-center gap-2";
    alert.setAttribute("role", "alert");
    alert.setAttribute("data-testid", "draft-restored");
    var text = document.createElement("span");
    text.className = "me-auto";
    text.textContent = "Restored unsaved work from " + when(entry.time) + ".";
    alert.appendChild(text);
    var saveButton = form.querySelector("[data-draft-save]");
    if (saveButton || form.querySelector("[data-autosave]")) {
      var save = button("Save to keep it", "btn btn-sm btn-primary");
      save.addEventListener("click", function () {
        alert.remove();
        form._draftAlert = null;
        if (saveButton) {
          form.requestSubmit(saveButton);
        } else {
          // Fields save as they change (htmx autosave): tell them they changed.
          changed.forEach(function (el) { el.dispatchEvent(new Event("change", { bubbles: true })); });
        }
      });
      alert.appendChild(save);
    } else {
      text.textContent += " Save the form to keep it.";
    }
    var discard = button("Discard", "btn btn-sm btn-outline-secondary");
    discard.addEventListener("click", function () {
      apply(form, form._draftServer);
      clear(form);
    });
    alert.appendChild(discard);
    form.parentNode.insertBefore(alert, form);
    form._draftAlert = alert;
  }

  function restore(form) {
    form._draftServer = snapshot(form);
    var entry = parse(store.getItem(keyOf(form)));
    if (!entry) return;
    if (same(entry.data, form._draftServer)) {
      // The server has it. A re-rendered form that failed to save (data-draft-unsaved) keeps its copy.
      if ("draftUnsaved" in form.dataset) write(form, { time: entry.time });
      else clear(form);
      return;
    }
    var changed = apply(form, entry.data);
    write(form, { time: entry.time });
    showRestored(form, entry, changed);
  }

  // Old copies, and submitted ones whose form is not on this page (the submit went through), go.
  function tidy() {
    var onPage = {};
    document.querySelectorAll("form[data-draft-key]").forEach(function (form) { onPage[keyOf(form)] = true; });
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (!key || key.indexOf(PREFIX) !== 0) continue;
      var entry = parse(store.getItem(key));
      var stale = !entry || Date.now() - entry.time > MAX_AGE_MS;
      var submitted = entry && entry.submitted && userId && entry.user === userId && !onPage[key];
      if (stale || submitted) store.removeItem(key);
    }
  }

  function clearUser() {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (!key || key.indexOf(PREFIX) !== 0) continue;
      var entry = parse(store.getItem(key));
      if (!entry || entry.user === userId) store.removeItem(key);
    }
  }

  function onEdit(event) {
    var el = event.target;
    var form = el && (el.form || draftFormOf(el));
    if (isDraftForm(form) && !form.dataset.draftSubmitting) write(form);
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) return;
    if (form.matches && form.matches("form[data-draft-signout]")) {
      clearUser();
      return;
    }
    if (!isDraftForm(form)) return;
    // An autosave under way would bump the lock version under this post: wait for it, then submit.
    var busy = form.querySelector("[data-autosave].htmx-request");
    if (busy) {
      event.preventDefault();
      var submitter = event.submitter || null;
      busy.addEventListener(
        "htmx:afterRequest",
        function () { window.setTimeout(function () { form.requestSubmit(submitter); }, 0); },
        { once: true }
      );
      return;
    }
    form.dataset.draftSubmitting = "1";
    write(form, { submitted: true });
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-draft-submitting]").forEach(function (form) {
      delete form.dataset.draftSubmitting;
    });
  });

  document.addEventListener("htmx:configRequest", function (event) {
    if (draftFormOf(requester(event))) event.detail.headers["X-Draft"] = "1";
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = requester(event);
    var form = draftFormOf(elt);
    if (!form) return;
    if (form.dataset.draftSubmitting) {
      event.preventDefault(); // the page is being posted: a save now would race it
      return;
    }
    if (elt.matches("[data-autosave]")) elt._draftSent = snapshot(form);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = requester(event);
    if (elt.matches && elt.matches("[data-autosave]") && SHOWN_STATUSES.indexOf(event.detail.xhr.status) >= 0) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A whole-form autosave (data-autosave="form") that stored exactly what is on the page: the copy is not needed.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = requester(event);
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status < 200 || status > 299 || !elt.matches || !elt.matches('[data-autosave="form"]')) return;
    var form = draftFormOf(elt);
    if (form && elt._draftSent && same(snapshot(form), elt._draftSent) && same(elt._draftSent, snapshot(form))) {
      form._draftServer = elt._draftSent;
      clear(form);
    }
  });

  function start() {
    tidy();
    document.querySelectorAll("form[data-draft-key]").forEach(restore);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
