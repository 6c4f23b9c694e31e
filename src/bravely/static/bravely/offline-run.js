// A practice started and run without a connection (practise_offline.html, kept on the phone by
// Today). Every step happens here: the prediction, the timer and the ratings, "I need to stop"
// (the plan shown, the stop queued against this run), the reflection. The run is kept in this
// browser's storage at each step, so a reload resumes it; the stop and the finished log go into
// offline.js's outbox with the run's key, which the server stores once.
(function () {
  "use strict";
  var timerId = null;

  function store(name, value) {
    try {
      if (value === undefined) { return JSON.parse(window.localStorage.getItem(name) || "null"); }
      if (value === null) { window.localStorage.removeItem(name); }
      else { window.localStorage.setItem(name, JSON.stringify(value)); }
    } catch (e) { return null; }
    return value;
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }
  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function number(input, max) {
    var value = parseInt(input.value, 10);
    return (isNaN(value) || value < 0 || value > max || String(value) !== input.value.trim()) ? null : value;
  }

  function start(root) {
    if (!root || root.dataset.running) { return; }
    root.dataset.running = "1";
    var d = root.dataset;
    var STATE = "bravely-offline-run-" + d.assignment;
    var scaleMax = parseInt(d.scaleMax, 10) || 100;
    var interval = Math.max(1, parseInt(d.interval, 10) || 3);
    var run = store(STATE);
    var outbox = function () { return window.BravelyOutbox; };

    if (!navigator.onLine) { root.querySelector("[data-offline-only]").hidden = false; }
    function show(step) {
      root.querySelectorAll("[data-step]").forEach(function (s) { s.hidden = s.dataset.step !== step; });
      if (run) { run.step = step; store(STATE, run); }
      var heading = root.querySelector("[data-step='" + step + "'] h1");
      if (heading) { heading.tabIndex = -1; heading.focus(); }
      window.scrollTo(0, 0);
      if (step === "during") { tick(); if (!timerId) { timerId = window.setInterval(tick, 1000); } }
    }
    function elapsed() { return Math.max(0, Math.floor((Date.now() - new Date(run.started).getTime()) / 1000)); }
    function minutes() { return Math.min(1440, Math.floor(elapsed() / 60)); }
    function fail(form, message) {
      var p = form.querySelector("[data-error]");
      p.textContent = message; p.hidden = !message;
    }

    function tick() {
      if (!run) { return; }
      var seconds = elapsed();
      root.querySelector("[data-timer]").textContent = clock(Math.min(seconds, 86400));
      var last = run.ratings[run.ratings.length - 1];
      var wait = interval * 60 - (seconds - last.at);
      var prompt = root.querySelector("[data-prompt]");
      var rate = root.querySelector("form[data-rate]");
      rate.classList.toggle("due", wait <= 0);
      prompt.textContent = wait <= 0 ? d.due : d.next.replace("%(time)s", clock(wait));
    }

    function draw() {
      var svg = root.querySelector("[data-curve] svg");
      if (!svg || !run) { return; }
      var W = 320, H = 160, L = 34, R = 10, T = 10, B = 26, NS = "http://www.w3.org/2000/svg";
      var span = Math.max(1, run.ratings.reduce(function (m, r) { return Math.max(m, r.minute); }, 0));
      var pts = run.ratings.map(function (r) {
        return [Math.round((L + (W - L - R) * r.minute / span) * 10) / 10,
                Math.round((T + (H - T - B) * (1 - Math.min(r.value, scaleMax) / scaleMax)) * 10) / 10];
      });
      svg.querySelector("polyline").setAttribute("points", pts.map(function (p) { return p.join(","); }).join(" "));
      svg.querySelectorAll("circle").forEach(function (c) { c.remove(); });
      pts.forEach(function (p) {
        var c = document.createElementNS(NS, "circle");
        c.setAttribute("class", "dot"); c.setAttribute("cx", p[0]); c.setAttribute("cy", p[1]);
        c.setAttribute("r", "4"); svg.appendChild(c);
      });
      var ticks = svg.querySelectorAll("text.tick");
      if (ticks.length > 2) { ticks[2].textContent = ticks[2].textContent.replace(/\d+/, String(span)); }
      var body = root.querySelector("[data-curve] tbody");
      if (body) {
        body.textContent = "";
        run.ratings.forEach(function (r) {
          var tr = document.createElement("tr");
          [r.minute, r.value].forEach(function (v) { var td = document.createElement("td"); td.textContent = String(v); tr.appendChild(td); });
          body.appendChild(tr);
        });
      }
    }

    root.querySelector("form[data-before]").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.currentTarget;
      var likely = form.querySelector("input[name=likelihood_before]");
      var likelihood = likely ? number(likely, 100) : null;
      if (likely && likelihood === null) { fail(form, d.badLikely); likely.focus(); return; }
      var box = form.querySelector("input[name=distress_now]");
      var now = number(box, scaleMax);
      if (now === null) { fail(form, d.badNumber); box.focus(); return; }
      fail(form, "");
      run = { key: newKey(), started: new Date().toISOString(), likelihood: likelihood,
              ratings: [{ minute: 0, value: now, at: 0 }], stopped: false };
      store(STATE, run);
      draw();
      show("during");
    });

    root.querySelector("form[data-rate]").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.currentTarget;
      var box = form.querySelector("input[name=value]");
      var value = number(box, scaleMax);
      if (value === null) { fail(form, d.badNumber); box.focus(); return; }
      fail(form, "");
      if (run.ratings.length >= 300) { return; }
      var minute = Math.max(minutes(), run.ratings[run.ratings.length - 1].minute);
      run.ratings.push({ minute: minute, value: value, at: elapsed() });
      store(STATE, run);
      box.value = "";
      draw();
      tick();
    });

    root.querySelectorAll("[data-go]").forEach(function (button) {
      button.addEventListener("click", function () { show(button.dataset.go === "reflect" ? reflect() : button.dataset.go); });
    });
    // "I need to stop" at the top leads to this run's own stop screen while a run is open.
    document.querySelectorAll(".stop-link").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (run && !run.stopped) { event.preventDefault(); show("stop"); }
      });
    });

    root.querySelector("[data-confirm-stop]").addEventListener("click", function () {
      run.stopped = true;
      run.stoppedMinute = minutes();
      store(STATE, run);
      var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
      outbox().add({ key: "stop-" + run.key, stop: true, url: d.stopUrl, label: d.label,
                     fields: [["csrfmiddlewaretoken", csrf], ["ticket", d.ticket], ["key", run.key],
                              ["minute", String(run.stoppedMinute)]] });
      show(reflect());
    });

    function reflect() {
      var form = root.querySelector("form[data-reflect]");
      form.querySelector("[data-if-stopped]").hidden = !run.stopped;
      form.querySelector("[data-stopped-field]").value = run.stopped ? "on" : "";
      var said = form.querySelector("[data-prediction]");
      if (run.likelihood !== null && d.fear) {
        said.textContent = d.predicted.replace("%(n)s", run.likelihood).replace("%(fear)s", d.fear);
        said.hidden = false;
      }
      var duration = form.querySelector("input[name=duration_minutes]");
      if (duration && !duration.dataset.touched) { duration.value = String(Math.max(1, minutes())); }
      return "reflect";
    }
    var duration = root.querySelector("form[data-reflect] input[name=duration_minutes]");
    if (duration) { duration.addEventListener("input", function () { duration.dataset.touched = "1"; }); }
    var riskBox = root.querySelector("form[data-reflect] input[name=risk_flag]");
    if (riskBox) { riskBox.addEventListener("change", function () { root.querySelector("#crisis-now").hidden = !riskBox.checked; }); }

    root.querySelector("form[data-reflect]").addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.currentTarget;
      form.querySelector("input[name=idempotency_key]").value = run.key;
      form.querySelector("input[name=started_at]").value = run.started;
      form.querySelector("input[name=likelihood_before]").value = run.likelihood === null ? "" : String(run.likelihood);
      form.querySelector("input[name=ratings_json]").value = JSON.stringify(
        run.ratings.map(function (r) { return { minute: r.minute, value: r.value }; }));
      var fields = [];
      new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
      var risky = !!(riskBox && riskBox.checked);
      outbox().add({ key: run.key, url: form.action, label: d.label, fields: fields, risk: risky });
      var happened = form.querySelector("input[name=feared_outcome_happened]:checked");
      if (run.likelihood !== null && d.fear) {
        root.querySelector("[data-teach]").hidden = false;
        root.querySelector("[data-teach-predicted]").textContent =
          d.predicted.replace("%(n)s", run.likelihood).replace("%(fear)s", d.fear);
        root.querySelector("[data-teach-outcome]").textContent =
          happened ? (d["happened" + happened.value.charAt(0).toUpperCase() + happened.value.slice(1)] || "") : "";
      }
      window.clearInterval(timerId); timerId = null;
      run = null;
      store(STATE, null);
      show("saved");
      if (risky) { var crisis = root.querySelector("#crisis-now"); crisis.hidden = false; root.querySelector("[data-step=saved]").appendChild(crisis); }
    });

    if (run && run.step && run.step !== "before") { draw(); show(run.step === "reflect" ? reflect() : run.step); }
  }

  window.BravelyOfflineRun = { start: start };
  document.addEventListener("DOMContentLoaded", function () { start(document.getElementById("offline-run")); });
})();
