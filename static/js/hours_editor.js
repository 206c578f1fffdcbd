// Adds rows to the opening-hours and closures formsets in place. Without JavaScript the page
// already offers empty rows, so this only saves a round trip.
document.querySelectorAll("[data-formset-add]").forEach((button) => {
  const name = button.dataset.formsetAdd;
  const rows = document.querySelector(`[data-formset-rows="${name}"]`);
  const template = document.querySelector(`[data-formset-template="${name}"]`);
  const total = document.getElementById(`id_${name}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${name}-MAX_NUM_FORMS`);
  if (!rows || !template || !total) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    const first = rows.lastElementChild && rows.lastElementChild.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  });
});
