"""Allied: turn a geopolitical negotiation into something an analyst can compute, question and stress-test.

Python API (see ``allied.api``)::

    import allied
    sc = allied.load("korea-2019")
    sc.to_frame()                       # stances with evidence
    allied.forecast(sc, models=["all"])  # every forecast model side by side
"""

from allied.api import forecast, forecast_json, forecast_runs, load
from allied.scenario import Scenario, ScenarioError

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "__version__", "forecast", "forecast_json", "forecast_runs", "load"]
