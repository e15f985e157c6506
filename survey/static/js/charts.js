// Renders every chart on the page from its Vega-Lite spec, kept in a JSON script block.
(function () {
  var NOT_DRAWN = document.body.dataset.chartFailed;  // in the page's language (base.html)
  document.querySelectorAll("[data-spec]").forEach(function (target) {
    var source = document.getElementById(target.dataset.spec);
    if (!source) { return; }
    if (!window.vegaEmbed) {  // vendor/vega-bundle.js is missing: `flask build-assets` makes it
      target.textContent = NOT_DRAWN;
      return;
    }
    window.vegaEmbed(target, JSON.parse(source.textContent), {
      actions: false, renderer: "svg"
    }).catch(function (error) {
      target.textContent = NOT_DRAWN;
      console.error(error);
    });
  });
})();
