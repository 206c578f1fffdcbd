// Inbox keyboard use: j / k move to the next / previous referral, Enter opens it (the links do that already).
// Ignored while typing in a field. Without JavaScript the table of links works with Tab as usual.
(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll(".referral-table tbody a"));
  if (!links.length) return;
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    if (event.key !== "j" && event.key !== "k") return;
    var index = links.indexOf(document.activeElement);
    if (event.key === "j") index = index < 0 ? 0 : Math.min(index + 1, links.length - 1);
    else index = index < 0 ? 0 : Math.max(index - 1, 0);
    links[index].focus();
    event.preventDefault();
  });
})();
