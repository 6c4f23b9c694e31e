// Progressive enhancement for the ladder page. After htmx swaps the ladder in place (Move up /
// Move down), keyboard focus must stay where the person was working. htmx itself re-focuses an
// element with the same id; when that button no longer exists (the rung reached the top or the
// bottom), focus the rung's other move button instead, else the error or the ladder itself.
// Without JavaScript the same buttons post ordinary forms and the page reloads.
document.addEventListener("htmx:afterSettle", function () {
  var ladder = document.getElementById("ladder");
  if (!ladder) return;
  var wanted = ladder.getAttribute("data-focus") || "";
  var alert = ladder.querySelector("[role=alert]");
  var target = alert ? null : document.getElementById(wanted);
  if (!target && !alert && wanted) {
    var other = wanted.indexOf("move-up-") === 0
      ? wanted.replace("move-up-", "move-down-")
      : wanted.replace("move-down-", "move-up-");
    target = document.getElementById(other);
  }
  if (alert) alert.setAttribute("tabindex", "-1");
  (target || alert || ladder).focus();
});
