/* Allied web app: draws the plotly figures a page carries as JSON (<figure class="plot"><script
   type="application/json">), on first load and whenever HTMX swaps new content in. No inline scripts. */
(function () {
  "use strict";
  function draw(root) {
    if (!window.Plotly || !root || !root.querySelectorAll) return;
    var figs = root.matches && root.matches("figure.plot") ? [root] : root.querySelectorAll("figure.plot");
    Array.prototype.forEach.call(figs, function (el) {
      var src = el.querySelector('script[type="application/json"]');
      var area = el.querySelector(".plot-area");
      if (!src || !area) return;
      var fig = JSON.parse(src.textContent);
      window.Plotly.react(area, fig.data || [], fig.layout || {}, {responsive: true, displaylogo: false});
      el.dataset.drawn = String(Number(el.dataset.drawn || 0) + 1);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    document.body.addEventListener("htmx:load", function (e) { draw(e.detail.elt); });
  });
})();
