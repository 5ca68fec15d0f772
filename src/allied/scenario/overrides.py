"""``--set PATH=VALUE`` overrides on plain scenario data (DESIGN §5).

Paths name list entries by id, so they survive reordering: ``actors.USA.capability``,
``issues.sanctions_relief.status_quo``, ``stances.USA.sanctions_relief.position`` (a stance is named by its
actor and issue), ``protocol.divergence``, ``alliance.items.hns_2019.value``. VALUE is read as a YAML
scalar or flow mapping, so ``30``, ``{low: 20, high: 40}`` and ``"text"`` all work.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from allied.errors import Problem, ScenarioError

#: list sections whose entries are keyed by two fields rather than one id
_PAIR_KEYS = {"stances": ("actor", "issue")}
_ID_KEYS = ("id", "item", "name")


def parse_assignment(text: str, file: str) -> tuple[list[str], Any]:
    if "=" not in text:
        raise ScenarioError([Problem(file, f"--set {text}", "an override needs the form PATH=VALUE",
                                     "write e.g. --set stances.USA.sanctions_relief.position=30")])
    path, raw = text.split("=", 1)
    parts = [p for p in path.strip().split(".") if p]
    if not parts:
        raise ScenarioError([Problem(file, f"--set {text}", "empty path", "name the value to change")])
    if not raw.strip():
        return parts, None
    from allied.scenario.yamlio import load_yaml  # here, not above: a load without --set needs no YAML library

    try:  # the scenario reader's own YAML rules: alias budget, 1e5 as a number, no tags
        value, _ = load_yaml(raw, f"--set {text}")
    except ScenarioError as exc:
        inner = exc.problems[0] if exc.problems else None
        if inner is not None and inner.kind in ("out_of_range", "too_big", "too_deep", "yaml_alias"):
            raise ScenarioError([Problem(file, f"--set {text}", inner.message, inner.fix, kind=inner.kind)]) from None
        raise ScenarioError([Problem(file, f"--set {text}", f"cannot read the value '{raw}'",
                                     "give a number, text, or a range like {low: 1, high: 2}",
                                     kind="override")]) from None
    return parts, value


def _find(items: list[Any], section: str, parts: list[str], where: str, file: str) -> tuple[Any, int]:
    """Entry of a list named by the next path part(s); returns (entry, parts consumed)."""
    if section in _PAIR_KEYS and len(parts) >= 2:
        ka, kb = _PAIR_KEYS[section]
        for it in items:
            if isinstance(it, dict) and str(it.get(ka)) == parts[0] and str(it.get(kb)) == parts[1]:
                return it, 2
        raise ScenarioError([Problem(file, where, f"no stance of actor '{parts[0]}' on issue '{parts[1]}'",
                                     "name an existing actor and issue: stances.ACTOR.ISSUE.FIELD")])
    if parts[0].isdigit() and int(parts[0]) < len(items):
        return items[int(parts[0])], 1
    for it in items:
        if isinstance(it, dict) and any(str(it.get(k)) == parts[0] for k in _ID_KEYS):
            return it, 1
    ids = [str(next((it[k] for k in _ID_KEYS if k in it), "?")) for it in items if isinstance(it, dict)]
    raise ScenarioError([Problem(file, where, f"no entry '{parts[0]}' in {section}",
                                 f"use one of: {', '.join(ids) or '(none)'}")])


def _protocol_default(key: str) -> Any:
    """The default of a nested protocol parameter (so ``protocol.alpha.T=1.2`` keeps ``alpha.S``)."""
    from allied.scenario.sections.protocol import default_mapping

    value = default_mapping().get(key)
    return copy.deepcopy(value) if isinstance(value, dict) else {}


def apply_overrides(data: dict[str, Any], assignments: Iterable[str], file: str) -> dict[str, Any]:
    """A copy of ``data`` with every assignment applied (missing sections such as ``protocol`` are created)."""
    out = copy.deepcopy(data)
    for text in assignments:
        parts, value = parse_assignment(text, file)
        where = f"--set {text}"
        node: Any = out
        section = parts[0]
        i = 0
        while i < len(parts) - 1:
            key = parts[i]
            if isinstance(node, dict):
                if key not in node:
                    if i == 0 and key in ("protocol", "alliance"):
                        node[key] = {}
                    elif section == "protocol" and i == 1:
                        node[key] = _protocol_default(key)  # e.g. alpha: {S, T} when setting alpha.T
                    else:
                        raise ScenarioError([Problem(file, where, f"'{key}' is not in the scenario",
                                                     f"use one of: {', '.join(map(str, node)) or '(none)'}")])
                node = node[key]
                i += 1
            elif isinstance(node, list):
                node, used = _find(node, parts[i - 1] if i else section, parts[i:], where, file)
                i += used
            else:
                raise ScenarioError([Problem(file, where, f"'{key}' cannot be set inside a plain value",
                                             "shorten the path")])
        last = parts[-1]
        if isinstance(node, list):
            raise ScenarioError([Problem(file, where, "the path ends at a list entry, not a field",
                                         "add the field name, e.g. ...position")])
        if not isinstance(node, dict):
            raise ScenarioError([Problem(file, where, "the path goes through a plain value", "shorten the path")])
        node[last] = value
    return out
