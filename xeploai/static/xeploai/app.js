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
