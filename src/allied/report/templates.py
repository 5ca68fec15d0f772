"""String templates of the HTML report: page shell, stylesheet (screen and print) and the plot loader."""

from __future__ import annotations

from string import Template

CSS = """
:root { --ink:#1d2430; --muted:#5b6472; --line:#dde2ea; --bg:#f6f7fa; --card:#fff; --usa:#1f4e9c;
        --rok:#0f8f7e; --warn:#9a5b00; --bad:#b3261e; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin:0; font-family: system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
       color:var(--ink); background:var(--bg); line-height:1.45; }
header.top { background:#14213d; color:#fff; padding:12px 28px 8px; }
header.top h1 { margin:0 0 4px; font-size:1.55rem; }
header.top p { margin:2px 0; color:#d7deea; max-width:1250px; font-size:.9rem; }
header.top .meta { font-size:.82rem; color:#aab6cc; }
nav.toc { position:sticky; top:0; z-index:5; background:#fff; border-bottom:1px solid var(--line);
          padding:6px 28px; font-size:.9rem; }
nav.toc a { margin-right:14px; color:#14213d; text-decoration:none; font-weight:600; }
nav.toc a:hover { text-decoration:underline; }
main { max-width:1320px; margin:0 auto; padding:10px 24px 40px; }
section { scroll-margin-top:44px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 20px 18px;
          margin:16px 0; }
section > h2 { margin:2px 0 8px; font-size:1.3rem; border-bottom:2px solid #14213d; padding-bottom:4px; }
h3 { margin:16px 0 6px; font-size:1.05rem; }
h4 { margin:10px 0 4px; font-size:.95rem; color:var(--muted); }
p.lead { color:var(--muted); margin:4px 0 10px; }
.tablewrap { overflow-x:auto; max-width:100%; }
table { border-collapse:collapse; width:100%; font-size:.86rem; margin:6px 0 10px; }
th, td { border-bottom:1px solid var(--line); padding:4px 7px; text-align:left; vertical-align:top; }
th { background:#eef1f6; font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
tr.best td { background:#eef7ee; }
.quote { font-style:italic; }
.quote::before { content:"\\201C"; } .quote::after { content:"\\201D"; }
.src { color:var(--muted); font-size:.8rem; }
.badge { display:inline-block; font-size:.72rem; font-weight:700; border-radius:3px; padding:0 5px;
         text-transform:uppercase; letter-spacing:.03em; }
.badge.est { background:#fff3d6; color:var(--warn); border:1px solid #f0d18a; }
.badge.quoted { background:#e3f1ea; color:#1d6b45; border:1px solid #a9d6bd; }
.badge.contested { background:#fde8e6; color:var(--bad); border:1px solid #f2b5ae; }
.badge.verified { background:#e3f1ea; color:#1d6b45; border:1px solid #a9d6bd; }
.badge.misquoted, .badge.not_found { background:#fde8e6; color:var(--bad); border:1px solid #f2b5ae; }
.badge.not_at_hand { background:#eef0f4; color:#555; border:1px solid #ccd; }
.passage { font-size:.85rem; color:#444; } .passage mark { background:#fff3b0; }
.unavailable { border:1px dashed #c9a227; background:#fffaf0; color:#6b5200; padding:10px 14px;
               border-radius:6px; margin:8px 0; font-size:.9rem; }
.unavailable b { color:#8a5a00; }
.warning { border-left:4px solid #c9a227; background:#fffaf0; padding:6px 10px; margin:6px 0; font-size:.88rem; }
.grid3 { display:grid; grid-template-columns: repeat(3, minmax(0,1fr)); gap:12px; }
.grid2 { display:grid; grid-template-columns: minmax(0,5fr) minmax(0,7fr); gap:14px; align-items:start; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 14px; background:#fbfcfe; }
.card h3 { margin:0 0 6px; font-size:1rem; color:#14213d; }
.card .big { font-size:1.05rem; font-weight:700; }
.vs { display:grid; grid-template-columns:1fr 1fr; gap:8px; }
.vs > div { border-radius:6px; padding:6px 8px; font-size:.86rem; }
.vs .a { background:#e9eff9; border-left:4px solid var(--usa); }
.vs .b { background:#e6f4f1; border-left:4px solid var(--rok); }
.miniscale { position:relative; height:40px; margin:12px 8px 0; }
.miniscale .track { position:absolute; left:0; right:0; top:24px; height:4px; background:#d5dbe5;
                    border-radius:2px; }
.miniscale .tick { position:absolute; top:16px; width:4px; height:20px; margin-left:-2px; border-radius:1px;
                   opacity:.85; }
.miniscale .dot { position:absolute; top:19px; width:14px; height:14px; margin-left:-7px; border-radius:50%;
                  border:2px solid #fff; box-shadow:0 0 0 1px #889; }
.miniscale .dotlabel { position:absolute; top:0; transform:translateX(-50%); font-size:.72rem; font-weight:700; }
.miniends { display:flex; justify-content:space-between; font-size:.7rem; color:var(--muted); margin:0 2px 4px; }
ol.rank { margin:4px 0 8px 0; padding-left:20px; font-size:.88rem; }
ol.rank li:first-child { font-weight:700; }
.plot { width:100%; min-height:120px; margin:6px 0 14px; }
.small { font-size:.82rem; color:var(--muted); }
details summary { cursor:pointer; color:#14213d; font-weight:600; margin:6px 0; }
footer { color:var(--muted); font-size:.8rem; text-align:center; padding:10px; }
@media (max-width: 1000px) { .grid3, .grid2 { grid-template-columns: 1fr; } }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  html { font-size: 11px; }
  body { background:#fff; }
  nav.toc, .modebar-container { display:none !important; }
  header.top { background:#fff; color:#000; padding:0 0 6px; border-bottom:2px solid #000; }
  header.top p, header.top .meta { color:#333; }
  main { max-width:none; padding:0; }
  section { border:none; padding:0; margin:0 0 10px; break-before:auto; }
  section#evidence, section#forecast, section#protocol, section#ledger, section#sensitivity,
  section#outcomes { break-before: page; }
  .plot, table, .card { break-inside: avoid; }
  details { display:block; } details > * { display:block; }
  a { color:#000; text-decoration:none; }
}
"""

LOADER = """
(function () {
  var config = {responsive: true, displaylogo: false, scrollZoom: false,
                modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]};
  var nodes = document.querySelectorAll("div.plot[data-figure]");
  window.alliedPlots = {total: nodes.length, drawn: 0, failed: []};
  nodes.forEach(function (div) {
    var spec = document.getElementById(div.getAttribute("data-figure"));
    try {
      var fig = JSON.parse(spec.textContent);
      Plotly.newPlot(div, fig.data, fig.layout, config).then(function () { window.alliedPlots.drawn += 1; });
    } catch (err) {
      window.alliedPlots.failed.push(div.id + ": " + err);
      div.textContent = "figure could not be drawn: " + err;
    }
  });
  window.addEventListener("beforeprint", function () {
    nodes.forEach(function (div) { if (div.data) { Plotly.Plots.resize(div); } });
  });
})();
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Allied $version">
<title>$title — Allied report</title>
<style>$css</style>
<script>$plotlyjs</script>
</head>
<body>
<header class="top">
<h1>$title</h1>
$subtitle
<p class="meta">$meta</p>
</header>
<nav class="toc">$nav</nav>
<main>
$body
</main>
<footer>Allied $version — a self-contained report: no network access is needed to view or print it.</footer>
$figures
<script>$loader</script>
</body>
</html>
""")
