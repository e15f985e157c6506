// The thank-you page's "Print or save as PDF" button: shown only when scripts run, it opens the
// browser's print dialog, where the rep can also choose "Save as PDF". The print styles in
// app.css leave just the rep's own result on the paper.
(function () {
  var button = document.getElementById("print-result");
  if (!button || typeof window.print !== "function") { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
