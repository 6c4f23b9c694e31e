// Practise now, during the practice: a live timer, a gentle prompt when a rating is due (the
// assignment's interval), ratings sent without leaving the page, and the curve drawn as they come.
// Ratings are also kept on this phone, so a lost connection loses none: the reflection carries
// the whole list (ratings_json) and the server checks it. Without this file the page is a form.
(function () {
  "use strict";
  var run = document.getElementById("run");
  var reflectField = document.querySelector("[data-ratings-field]");
  var form = document.querySelector("form[data-offline-form]");
  var key = run ? run.dataset.key : (form ? form.dataset.key : null);
  if (!key) { return; }
  var STORE = "bravely-ratings-" + key;

  function local() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }
  function keep(list) {
    try { window.localStorage.setItem(STORE, JSON.stringify(list)); } catch (e) { /* full */ }
  }

  // On the reflection: send the longest list known (this phone's, if it kept more).
  if (reflectField) {
    var server = [];
    try { server = JSON.parse(reflectField.value || "[]"); } catch (e) { server = []; }
    var mine = local();
    if (mine && mine.length > server.length) { reflectField.value = JSON.stringify(mine); }
    return;
  }

  var started = new Date(run.dataset.started);
  var interval = Math.max(1, parseInt(run.dataset.interval, 10) || 3);
  var scaleMax = parseInt(run.dataset.scaleMax, 10) || 100;
  var ratings = JSON.parse(run.dataset.ratings || "[]");
  var saved = local();
  if (saved && saved.length > ratings.length) { ratings = saved; }
  keep(ratings);
  var timer = run.querySelector("[data-timer]");
  timer.classList.add("live");
  var prompt = run.querySelector("[data-prompt]");
  var rateForm = run.querySelector("form[data-rate]");
  var box = rateForm.querySelector("input[name=value]");
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var lastDue = null;

  function minutesNow() {
    return Math.min(1440, Math.max(0, Math.floor((Date.now() - started.getTime()) / 60000)));
  }
  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var elapsed = Math.max(0, Math.floor((Date.now() - started.getTime()) / 1000));
    timer.textContent = clock(elapsed);
    var lastMinute = ratings.length ? ratings[ratings.length - 1].minute : 0;
    var lastAt = (ratings.length ? ratings[ratings.length - 1].at : null) || lastMinute * 60;
    var wait = interval * 60 - (elapsed - lastAt);
    if (wait <= 0) {
      if (lastDue !== lastAt) {
        lastDue = lastAt;
        prompt.textContent = run.dataset.due;
        rateForm.classList.add("due");
        if (!reduced && navigator.vibrate) { navigator.vibrate(200); }
      }
    } else {
      rateForm.classList.remove("due");
      prompt.textContent = run.dataset.next.replace("%(time)s", clock(wait));
    }
  }

  var SVG = "http://www.w3.org/2000/svg";
  function draw() {
    var holder = run.querySelector("[data-curve]");
    var svg = holder.querySelector("svg");
    if (!svg) { return; }  // the first rating made it; the server drew the frame
    var W = 320, H = 160, L = 34, R = 10, T = 10, B = 26;
    var span = Math.max(1, ratings.reduce(function (m, r) { return Math.max(m, r.minute); }, 0));
    var pts = ratings.map(function (r) {
      return [Math.round((L + (W - L - R) * r.minute / span) * 10) / 10,
              Math.round((T + (H - T - B) * (1 - Math.min(r.value, scaleMax) / scaleMax)) * 10) / 10];
    });
    var line = svg.querySelector("polyline");
    line.setAttribute("points", pts.map(function (p) { return p.join(","); }).join(" "));
    svg.querySelectorAll("circle").forEach(function (c) { c.remove(); });
    pts.forEach(function (p) {
      var c = document.createElementNS(SVG, "circle");
      c.setAttribute("class", "dot"); c.setAttribute("cx", p[0]); c.setAttribute("cy", p[1]);
      c.setAttribute("r", "4"); svg.appendChild(c);
    });
    var body = holder.querySelector("tbody");
    if (body) {
      body.textContent = "";
      ratings.forEach(function (r) {
        var tr = document.createElement("tr");
        [r.minute, r.value].forEach(function (v) {
          var td = document.createElement("td"); td.textContent = String(v); tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    }
    var ticks = svg.querySelectorAll("text.tick");
    if (ticks.length > 2) { ticks[2].textContent = ticks[2].textContent.replace(/\d+/, String(span)); }
  }

  rateForm.addEventListener("submit", function (event) {
    var value = parseInt(box.value, 10);
    if (isNaN(value) || value < 0 || value > scaleMax) { return; }  // the server says why
    event.preventDefault();
    var elapsed = Math.floor((Date.now() - started.getTime()) / 1000);
    var minute = minutesNow();
    if (ratings.length) { minute = Math.max(minute, ratings[ratings.length - 1].minute); }
    ratings.push({ minute: minute, value: value, at: elapsed });
    keep(ratings);
    draw();
    tick();
    box.value = "";
    var slider = box.parentNode.querySelector("input.slider");
    if (slider) { slider.classList.add("untouched"); }
    var body = new FormData(rateForm);
    body.set("value", String(value));
    fetch(run.dataset.rateUrl, { method: "POST", body: body, credentials: "same-origin",
                                 headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } })
      .catch(function () { prompt.textContent = run.dataset.savedHere; });
  });

  // Keep the stop page on the phone for a lost connection (the service worker stores it).
  if (navigator.onLine) { fetch(run.dataset.stopUrl, { credentials: "same-origin" }).catch(function () {}); }

  tick();
  window.setInterval(tick, 1000);
})();
