// A click on the map fills the latitude and longitude inputs; typing in them moves the marker.
// Without JavaScript (or Leaflet) the map stays hidden and the inputs work on their own.
(function () {
  const el = document.getElementById("location-map");
  if (!el || typeof window.L === "undefined") return;
  const L = window.L;
  const latInput = document.getElementById(el.dataset.latInput);
  const lngInput = document.getElementById(el.dataset.lngInput);
  if (!latInput || !lngInput) return;

  const read = () => {
    const lat = parseFloat(latInput.value.replace(",", "."));
    const lng = parseFloat(lngInput.value.replace(",", "."));
    const ok = Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
    return ok ? [lat, lng] : null;
  };

  el.hidden = false;
  const start = read();
  const fallback = [parseFloat(el.dataset.defaultLat), parseFloat(el.dataset.defaultLng)];
  const map = L.map(el).setView(start || fallback, start ? 15 : 7);
  L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  let marker = start ? L.marker(start).addTo(map) : null;

  const place = (point) => {
    if (marker) marker.setLatLng(point);
    else marker = L.marker(point).addTo(map);
  };

  map.on("click", (event) => {
    latInput.value = event.latlng.lat.toFixed(6);
    lngInput.value = event.latlng.lng.toFixed(6);
    place(event.latlng);
  });
  [latInput, lngInput].forEach((input) =>
    input.addEventListener("change", () => {
      const point = read();
      if (point) {
        place(point);
        map.panTo(point);
      }
    }),
  );
})();
