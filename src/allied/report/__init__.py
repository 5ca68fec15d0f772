"""The analyst's report: one self-contained HTML file (plotly.js inlined, no network) and paper figures.

>>> import allied
>>> from allied.report import write_report
>>> write_report(allied.load("korea-2019"), "report.html")   # doctest: +SKIP
"""

from allied.report.build import DEFAULT_SAMPLES, Results, build_report, collect, write_report

__all__ = ["DEFAULT_SAMPLES", "Results", "build_report", "collect", "write_report"]
