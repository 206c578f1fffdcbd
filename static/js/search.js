/* The search page: "use my location", and keeping links in step after htmx updates the results. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) { return; }

  // Wide screens have room for the filters; phones keep them folded so the results come first.
  var filters = document.getElementById("filters");
  if (filters && window.matchMedia("(min-width: 60rem)").matches) { filters.open = true; }

  // Announce the new number of results to screen readers after an in-place update.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (!event.target || event.target.id !== "results") { return; }
    var count = document.querySelector("#results [data-count-text]");
    var status = document.getElementById("result-status");
    if (count && status) { status.textContent = count.textContent; }
  });

  // The language switcher must keep the search when the address changed without a page load.
  document.body.addEventListener("htmx:pushedIntoHistory", function () {
    document.querySelectorAll(".lang-switch a").forEach(function (a) {
      var url = new URL(a.href, window.location.href);
      url.search = window.location.search;
      a.href = url.pathname + url.search;
    });
  });

  // A town chosen by hand replaces a location found earlier.
  if (form.elements.near) {
    form.elements.near.addEventListener("change", function () {
      form.elements.lat.value = "";
      form.elements.lng.value = "";
    });
  }

  var button = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  if (!button || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.finding;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        // About 100 m is enough to sort by distance, and keeps shared links from pinpointing a home.
        form.elements.lat.value = position.coords.latitude.toFixed(3);
        form.elements.lng.value = position.coords.longitude.toFixed(3);
        form.elements.near.value = "";
        form.elements.sort.value = "distance";
        status.textContent = "";
        button.disabled = false;
        form.requestSubmit();
      },
      function () {
        status.textContent = button.dataset.failed;
        button.disabled = false;
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  });
})();
