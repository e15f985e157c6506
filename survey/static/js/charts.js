// Renders every chart on the page from its Vega-Lite spec, kept in a JSON script block.
(function () {
  document.querySelectorAll("[data-spec]").forEach(function (target) {
    var source = document.getElementById(target.dataset.spec);
    if (!source || !window.vegaEmbed) { return; }
    window.vegaEmbed(target, JSON.parse(source.textContent), {
      actions: false, renderer: "svg"
    }).catch(function (error) {
      target.textContent = "The chart could not be drawn; the table below has the same numbers.";
      console.error(error);
    });
  });
})();
