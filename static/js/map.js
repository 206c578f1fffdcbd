/* Leaflet maps of the help map. The list is the content; the map is an extra that may fail.
   Markers come from the JSON block #map-data (CSP forbids inline scripts). Confidential
   locations are never in that block. */
(function () {
  "use strict";
  if (typeof window.L === "undefined") { return; }
  var L = window.L;
  var DEFAULT_VIEW = [46.05, 15.0];

  function points() {
    var el = document.getElementById("map-data");
    if (!el) { return []; }
    try { return JSON.parse(el.textContent) || []; } catch (e) { return []; }
  }

  function newMap(el) {
    var map = L.map(el, { scrollWheelZoom: false });
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
    return map;
  }

  function marker(p) {
    var m = L.marker([p.lat, p.lng], { title: p.name, alt: p.name, keyboard: true });
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    if (p.place) {
      var place = document.createElement("div");
      place.textContent = p.place;
      popup.appendChild(place);
    }
    m.bindPopup(popup);
    return m;
  }

  // The results map follows the list: rebuilt from #map-data whenever htmx swaps the results.
  var resultsEl = document.getElementById("results-map");
  var resultsMap = null;
  var layer = null;

  function showResults() {
    var data = points();
    if (!data.length) {
      resultsEl.hidden = true;
      return;
    }
    resultsEl.hidden = false;
    if (!resultsMap) {
      resultsMap = newMap(resultsEl);
      layer = L.layerGroup().addTo(resultsMap);
    }
    resultsMap.invalidateSize();
    layer.clearLayers();
    var bounds = [];
    data.forEach(function (p) {
      layer.addLayer(marker(p));
      bounds.push([p.lat, p.lng]);
    });
    if (bounds.length) {
      resultsMap.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
    } else {
      resultsMap.setView(DEFAULT_VIEW, 8);
    }
  }

  if (resultsEl) {
    showResults();
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.target && event.target.id === "results") { showResults(); }
    });
  }

  // Small maps on a service page: one per (public) location.
  var byId = {};
  points().forEach(function (p) { byId[p.id] = p; });
  document.querySelectorAll("[data-location-map]").forEach(function (el) {
    var p = byId[el.dataset.locationMap];
    if (!p) { return; }
    el.hidden = false;
    var map = newMap(el);
    map.setView([p.lat, p.lng], 15);
    marker(p).addTo(map);
  });
})();
