// /vote/#code=XXXXX-XXXXX (the QR code on a slip): copy the code into the field and drop it
// from the address bar and the history. The fragment never reaches the server.
(function () {
  const match = /(?:^#|&)code=([A-Za-z0-9-]{1,32})/.exec(window.location.hash);
  const field = document.getElementById("code");
  if (!match || !field) { return; }
  field.value = match[1].toUpperCase();
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  const next = field.form && field.form.querySelector("button[type=submit]");
  if (next) { next.focus(); }
})();
