// Offline logging for the client portal (progressive enhancement; the pages work without it).
// A form marked data-offline-form that cannot reach the server is kept in this browser's
// localStorage, under its submission key, and sent again when the connection is back. The server
// dedupes on that key, so a retry never makes a second log. The page says what is waiting, and
// what the server refused (kept, with its reason). Today keeps, for each assigned practice, the
// page that runs a whole practice without a connection (offline-run.js) and opens it offline.
(function () {
  "use strict";
  var STORE = "bravely-outbox";
  var CACHE = "bravely-v2";  // the service worker's cache (offline-worker.js)
  var banner = null;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function save(items) {
    try { window.localStorage.setItem(STORE, JSON.stringify(items)); } catch (e) { /* full */ }
  }
  function show(message) {
    banner = document.getElementById("outbox");
    if (!banner) { return; }
    var items = load();
    if (message) { banner.textContent = message; banner.hidden = false; return; }
    // a stop waits with its practice's log: one practice, not two
    var waiting = items.filter(function (it) {
      return !it.refused && !(it.stop && items.some(function (o) { return o.key === it.key.slice(5); }));
    });
    var refused = items.filter(function (it) { return it.refused; });
    var text = "";
    if (waiting.length) {
      text = waiting.length === 1 ? banner.dataset.one
        : banner.dataset.many.replace("%(n)s", String(waiting.length));
    }
    if (refused.length) {
      text += (text ? " " : "") + banner.dataset.refused.replace("%(label)s", refused[0].label || "")
        + (refused[0].error ? " " + refused[0].error : "");
    }
    banner.textContent = text;
    banner.hidden = !text;
  }
  function add(item) {
    item.at = new Date().toISOString();
    var items = load().filter(function (it) { return it.key !== item.key; });
    items.push(item);
    save(items);
    show();
    flush();
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
    // Risk answers go first, then stops, then the rest; what was refused waits for the client.
    items = items.filter(function (it) { return !it.refused; });
    if (!items.length) { sending = false; show(); return; }
    var rank = function (it) { return (it.risk ? 2 : 0) + (it.stop ? 1 : 0); };
    items.sort(function (a, b) { return rank(b) - rank(a); });
    var sent = 0;
    (function next(i) {
      if (i >= items.length) {
        sending = false;
        save(load().filter(function (it) { return !it.sent; }));
        show(sent ? (document.getElementById("outbox") || {dataset: {}}).dataset.sent : null);
        if (sent) { window.setTimeout(show, 4000); }
        return;
      }
      post(items[i]).then(function (response) {
        // 200: stored (or already stored under this key). 422: refused with a message; it is
        // kept, marked, for the client to open and correct. Anything else: try again later.
        if (response.status !== 200 && response.status !== 422) { return null; }
        return response.json().catch(function () { return {}; }).then(function (body) {
          var left = load().filter(function (it) { return it.key !== items[i].key; });
          if (response.status === 422) {
            items[i].refused = true;
            var errors = (body && body.errors) || {};
            var first = Object.keys(errors)[0];
            items[i].error = first ? [].concat(errors[first])[0] : "";
            left.push(items[i]);
          } else if (!items[i].stop) { sent += 1; }
          save(left);
        });
      }).then(function () { next(i + 1); }).catch(function () { sending = false; show(); });
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

  window.BravelyOutbox = { add: add, show: show, flush: flush };

  // Today, online: keep each practice's offline page; offline, open it from what was kept.
  var runLinks = document.querySelectorAll("a[data-offline-run]");
  if (runLinks.length && window.caches && navigator.onLine) {
    window.caches.open(CACHE).then(function (cache) {
      runLinks.forEach(function (a) { cache.add(a.dataset.offlineRun).catch(function () {}); });
    }).catch(function () {});
  }
  runLinks.forEach(function (a) {
    a.addEventListener("click", function (event) {
      if (navigator.onLine || !window.caches) { return; }
      event.preventDefault();
      window.caches.match(a.dataset.offlineRun).then(function (hit) {
        if (!hit) { window.location.href = a.href; return null; }
        return hit.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          document.title = doc.title;
          document.body.replaceWith(document.adoptNode(doc.body));
          window.history.pushState(null, "", a.dataset.offlineRun);
          show();
          if (window.BravelyOfflineRun) { window.BravelyOfflineRun.start(document.getElementById("offline-run")); }
        });
      }).catch(function () { window.location.href = a.href; });
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
