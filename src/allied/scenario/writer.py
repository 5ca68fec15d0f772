"""Write a scenario back out: plain data, Allied YAML, KTAB's SMP CSV."""

from __future__ import annotations

from typing import Any

from allied.scenario.model import Scenario
from allied.scenario.yamlio import dump_yaml


def _tidy(v: Any) -> Any:
    """Whole floats as ints and dict keys as plain scalars, for readable YAML/JSON."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    if isinstance(v, dict):
        return {_tidy(k): _tidy(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_tidy(x) for x in v]
    return v


def to_data(sc: Scenario, json_safe: bool = True) -> dict[str, Any]:
    """The normalised scenario as plain data (what ``allied show --format json`` prints); with
    ``json_safe=False`` dates stay dates (YAML writes them unquoted, so they read back as dates)."""
    data = sc.model_dump(mode="python", by_alias=True, exclude_none=True)
    for key in ("alliance", "protocol", "drafts"):
        if key in data and not data[key]:
            del data[key]
    for section, key in (("actors", "aliases"), ("issues", "keywords")):  # optional lists: only when given
        for entry in data.get(section, []):
            if not entry.get(key):
                entry.pop(key, None)
    if not json_safe:
        return _tidy(data)  # type: ignore[no-any-return]
    for key in ("as_of",):
        if key in data and not isinstance(data[key], str):
            data[key] = data[key].isoformat()
    for section in ("sources", "outcomes"):
        for entry in data.get(section, []):
            if "date" in entry and not isinstance(entry["date"], str):
                entry["date"] = entry["date"].isoformat()
    return _tidy(data)  # type: ignore[no-any-return]


def to_yaml(sc: Scenario) -> str:
    return dump_yaml(to_data(sc, json_safe=False))


def to_ktab_csv(sc: Scenario) -> str:
    """KTAB's SMP CSV (one dimension per issue, positions rescaled to 0–100, saliences scaled so each
    actor's total is at most 100), so analysts can cross-check a scenario in KTAB itself."""
    from allied.scenario.readers import ktab

    return ktab.scenario_to_csv(sc)  # type: ignore[attr-defined,no-any-return]
