// Progressive enhancement for the client portal. Everything works without this file.
(function () {
  "use strict";

  // A large slider beside each number box; the box stays the field that is submitted.
  document.querySelectorAll("input[data-slider]").forEach(function (box) {
    var slider = document.createElement("input");
    slider.type = "range";
    slider.min = box.min || "0";
    slider.max = box.max || "100";
    slider.step = box.step || "1";
    slider.value = box.value || "0";
    slider.className = "slider";
    slider.tabIndex = -1;
    slider.setAttribute("aria-hidden", "true");
    if (box.value === "") { slider.classList.add("untouched"); }
    slider.addEventListener("input", function () {
      box.value = slider.value;
      slider.classList.remove("untouched");
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    box.addEventListener("input", function () { if (box.value !== "") { slider.value = box.value; } });
    box.insertAdjacentElement("afterend", slider);
  });

  // Drafts: kept in this browser at every change and sent to the server when online, so a lost
  // connection or a closed tab loses nothing. The submission key makes a double submit harmless.
  var form = document.querySelector("form[data-draft-url]");
  if (!form) { return; }
  var storeKey = "bravely-draft-" + form.dataset.draftScope;
  var status = form.querySelector(".draft-status");
  var timer = null;

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      data[name] = data[name] === undefined ? value : [].concat(data[name], value);
    });
    return data;
  }

  function restore(saved) {
    Object.keys(saved).forEach(function (name) {
      var values = [].concat(saved[name]);
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          input.checked = values.indexOf(input.value) !== -1;
        } else if (input.type !== "hidden" || name === "idempotency_key") {
          input.value = values[0];
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
    });
  }

  function send() {
    var body = new FormData(form);
    fetch(form.dataset.draftUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok && status) { status.textContent = status.dataset.saved || "Draft saved."; }
      })
      .catch(function () {
        if (status) { status.textContent = status.dataset.offline || "Saved on this device."; }
      });
  }

  try {
    var saved = JSON.parse(window.localStorage.getItem(storeKey) || "null");
    var restoredOnServer = document.querySelector(".message.warning");
    if (saved && !restoredOnServer && !form.querySelector(".error-summary")) { restore(saved); }
  } catch (e) { /* storage unavailable: the server draft still works */ }

  form.addEventListener("input", function () {
    try { window.localStorage.setItem(storeKey, JSON.stringify(fields())); } catch (e) { /* ignore */ }
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 800);
  });
  form.addEventListener("submit", function () {
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
  });
})();
