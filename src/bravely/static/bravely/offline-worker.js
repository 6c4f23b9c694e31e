// Bravely's service worker (served at /me/offline-worker.js, scope /me/). It keeps the styles,
// scripts and the client's "stop" pages on the phone, so that the plan for stopping and the
// crisis lines open without a connection. Pages are fetched from the network first; a copy is
// used only when there is no connection. Today puts each practice's offline page
// (/me/practise/<id>/offline/) in this cache; without a connection, /me/practise/<id>/ opens it.
// Submissions are not queued here: offline.js keeps them in this browser's storage and sends
// them, with their keys, when the connection is back.
"use strict";
var CACHE = "bravely-v2";
var STATIC = ["/static/bravely/bravely.css", "/static/bravely/portal.js",
              "/static/bravely/offline.js", "/static/bravely/offline-run.js",
              "/static/bravely/practise.js", "/me/stop/"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(STATIC).catch(function () { /* a page that needs sign-in: skip */ });
  }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  if (response && response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (r) { return keep(request, r); });
    }));
    return;
  }
  if (url.pathname.indexOf("/me/") === 0) {
    var cacheable = /\/stop\/$/.test(url.pathname) || /\/offline\/$/.test(url.pathname) || url.pathname === "/me/" || /\/me\/practise\/run\/[^/]+\/(reflect\/)?$/.test(url.pathname);
    event.respondWith(fetch(request).then(function (r) {
      return cacheable ? keep(request, r) : r;
    }).catch(function () {
      var start = url.pathname.match(/^\/me\/practise\/(\d+)\/$/);
      return caches.match(start ? "/me/practise/" + start[1] + "/offline/" : request)
        .then(function (hit) { return hit || caches.match("/me/stop/"); });
    }));
  }
});

// Signing out clears what was kept.
self.addEventListener("message", function (event) {
  if (event.data === "clear") { caches.delete(CACHE); }
});
