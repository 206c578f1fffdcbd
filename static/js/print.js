/* The handout: a print button for those who do not know the browser's print command. */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
