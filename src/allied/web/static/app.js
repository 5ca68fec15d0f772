/* Allied web app: draws the plotly figures a page carries as JSON (<figure class="plot" data-figure="…">),
   on first load and whenever HTMX swaps new content in. No inline scripts anywhere. */
(function () {
  "use strict";
  function draw(root) {
    if (!window.Plotly || !root || !root.querySelectorAll) return;
    var figs = root.matches && root.matches("figure.plot") ? [root] : root.querySelectorAll("figure.plot");
    Array.prototype.forEach.call(figs, function (el) {
      var area = el.querySelector(".plot-area");
      if (!el.dataset.figure || !area) return;
      var fig = JSON.parse(el.dataset.figure);
      window.Plotly.react(area, fig.data || [], fig.layout || {}, {responsive: true, displaylogo: false});
      el.dataset.drawn = String(Number(el.dataset.drawn || 0) + 1);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    document.body.addEventListener("htmx:load", function (e) { draw(e.detail.elt); });
  });
})();
