// tarry's only page script (served by tarry itself; nothing works worse without it):
// a slider's number follows it, and "Print or save as PDF" opens the print dialog.
"use strict";
document.addEventListener("input", (event) => {
  const slider = event.target;
  if (!(slider instanceof HTMLInputElement) || slider.type !== "range") return;
  const shown = document.querySelector(`output[for="${slider.id}"]`);
  if (shown) shown.textContent = slider.value;
});
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (!link) return;
  event.preventDefault();
  window.print();
});
