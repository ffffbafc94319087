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
// The top bar on a phone: the menu button opens and closes the links (app.css hides them
// below 600 px only once this script runs, so without it they stay reachable).
document.documentElement.classList.add("js");
document.addEventListener("click", function (event) {
  const toggle = event.target.closest(".menutoggle");
  if (!toggle) { return; }
  const bar = toggle.closest(".topbar");
  const open = bar.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
