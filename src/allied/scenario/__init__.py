"""Scenarios: the data model, loaders and writers, located validation errors, built-in scenarios."""

from allied.errors import Problem, ScenarioError
from allied.scenario.load import builtin_names, detect, load
from allied.scenario.model import Actor, Evidence, Issue, Scenario, Source, Stance
from allied.scenario.uncertain import Uncertain

__all__ = [
    "Actor",
    "Evidence",
    "Issue",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Source",
    "Stance",
    "Uncertain",
    "builtin_names",
    "detect",
    "load",
]
