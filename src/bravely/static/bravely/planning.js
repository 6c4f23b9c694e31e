// Progressive enhancement for the ladder page: after htmx swaps the ladder in place (Move up /
// Move down), put keyboard focus back on the button that was used, so reordering with the
// keyboard can go on. Without JavaScript the same buttons post normal forms.
document.addEventListener("htmx:afterSwap", function () {
  var ladder = document.getElementById("ladder");
  if (!ladder) return;
  var wanted = ladder.getAttribute("data-focus") || "";
  var target = document.getElementById(wanted);
  if (!target && wanted) {
    var other = wanted.indexOf("move-up-") === 0
      ? wanted.replace("move-up-", "move-down-")
      : wanted.replace("move-down-", "move-up-");
    target = document.getElementById(other);
  }
  (target || ladder.querySelector("[role=alert]") || ladder).focus();
});
