// Small behaviours without inline script (the Content-Security-Policy forbids inline code).
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-print]");
  if (target) { event.preventDefault(); window.print(); }
});
// A suggestion button fills its select (the civil-service entry: the level the member declared).
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-fill]");
  if (!target) { return; }
  const field = document.getElementById(target.getAttribute("data-fill"));
  if (field) { field.value = target.getAttribute("data-value"); field.focus(); }
});
