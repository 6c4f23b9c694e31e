// Offline logging for the client portal (progressive enhancement; the pages work without it).
// A form marked data-offline-form that cannot reach the server is kept in this browser's
// localStorage, under its submission key, and sent again when the connection is back. The server
// dedupes on that key, so a retry never makes a second log. The page says what is waiting.
(function () {
  "use strict";
  var STORE = "bravely-outbox";
  var banner = document.getElementById("outbox");

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function save(items) {
    try { window.localStorage.setItem(STORE, JSON.stringify(items)); } catch (e) { /* full */ }
  }
  function show(message) {
    if (!banner) { return; }
    var items = load();
    if (message) { banner.textContent = message; banner.hidden = false; return; }
    if (!items.length) { banner.hidden = true; banner.textContent = ""; return; }
    banner.textContent = items.length === 1 ? banner.dataset.one
      : banner.dataset.many.replace("%(n)s", String(items.length));
    banner.hidden = false;
  }

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) { return field.value; }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(item) {
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) {
      body.append(pair[0], pair[0] === "csrfmiddlewaretoken" ? csrf() || pair[1] : pair[1]);
    });
    return fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
                             headers: { "X-Bravely-Queued": "1" } });
  }

  var sending = false;
  function flush() {
    var items = load();
    if (!items.length || sending || !navigator.onLine) { show(); return; }
    sending = true;
    // Risk answers go first.
    items.sort(function (a, b) { return (b.risk ? 1 : 0) - (a.risk ? 1 : 0); });
    var sent = 0;
    (function next(i) {
      if (i >= items.length) {
        sending = false;
        save(load().filter(function (it) { return !it.sent; }));
        show(sent ? banner && banner.dataset.sent : null);
        if (sent) { window.setTimeout(show, 4000); }
        return;
      }
      post(items[i]).then(function (response) {
        // 200: stored (or already stored under this key). 422: refused with a message; it is
        // kept, marked, for the client to open and correct. Anything else: try again later.
        if (response.status === 200 || response.status === 422) {
          var left = load().filter(function (it) { return it.key !== items[i].key; });
          if (response.status === 422) { items[i].refused = true; left.push(items[i]); }
          else { sent += 1; }
          save(left);
        }
        next(i + 1);
      }).catch(function () { sending = false; show(); });
    })(0);
  }

  document.querySelectorAll("form[data-offline-form]").forEach(function (form) {
    var note = form.querySelector("[data-offline-note]");
    var risk = form.querySelector("input[name=risk_flag]");
    var crisis = document.getElementById("crisis-now");
    if (risk && crisis) {
      risk.addEventListener("change", function () { crisis.hidden = !risk.checked; });
    }
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }  // online: the ordinary submit (and its redirect)
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
      var items = load().filter(function (it) { return it.key !== form.dataset.key; });
      items.push({ key: form.dataset.key, url: form.action || window.location.href,
                   label: form.dataset.label || "", fields: fields,
                   risk: !!(risk && risk.checked), at: new Date().toISOString() });
      save(items);
      if (note) { note.hidden = false; }
      if (risk && risk.checked && crisis) { crisis.hidden = false; crisis.scrollIntoView(); }
      show();
    });
  });

  window.addEventListener("online", flush);
  if ("serviceWorker" in navigator) {
    var script = document.querySelector("script[data-worker]");
    if (script) {
      navigator.serviceWorker.register(script.dataset.worker, { scope: "/me/" })
        .catch(function () { /* not over HTTPS or not allowed: the pages still work */ });
    }
  }
  document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("clear");
      }
    });
  });
  // A practice that reached the server no longer needs its ratings kept on the phone.
  document.querySelectorAll("[data-clear-ratings]").forEach(function (el) {
    try { window.localStorage.removeItem("bravely-ratings-" + el.dataset.clearRatings); } catch (e) { /* ignore */ }
  });
  show();
  flush();
})();
