"""How scenario data map onto a workbook, derived from the pydantic model itself (so fields added to the model
later travel to and from the workbook without changes here).

Each field of a model is one of a few *kinds*:

* ``value``: a number or an uncertain range. Columns ``f`` (the number, the mode or the mean),
  ``f.low``, ``f.high`` and ``f.sd``: ``{low, high}`` leaves ``f`` blank, ``{low, mode, high}`` fills all
  three, ``{mean, sd}`` fills ``f`` and ``f.sd`` (and ``f.low``/``f.high`` when the normal is clipped).
* ``pair``: two numbers such as an issue's ``scale``: columns ``f.low`` and ``f.high``.
* ``scalar``: text, a number, a yes/no, a date or one of fixed words: one cell.
* ``model``: a nested mapping (an ``alliance:`` section, a ``protocol:`` pair): dotted columns ``f.sub``.
* ``evidence``: an entry's ``evidence``: rows of the ``evidence`` sheet, keyed by sheet and entry (other
  evidence fields, such as a stance's ``reservation_evidence``, are dotted columns of the entry's sheet).
* ``rows``: a list of mappings (actors, stances, ``alliance.items``, …): a sheet of its own.
* ``flow``: anything else (lists of ids, label mappings): one cell of YAML flow text, e.g. ``[USA, ROK]``
  or ``{0: none, 100: all}``.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from allied.scenario.fields import Evidence
from allied.scenario.uncertain import Uncertain

#: the parts of a range besides its point column, in column order
VALUE_PARTS = ("low", "high", "sd")
#: sheet names for row sections whose path is not already a plain name
SHEET_NAMES = {"alliance.items": "alliance"}
#: sheets the workbook always has, in this order (others follow in the model's order)
SHEET_ORDER = ("scenario", "actors", "issues", "stances", "evidence", "sources", "outcomes", "alliance")
#: candidate key columns of rows without an ``id``, tried in order; ``#N`` (row N of the section) is the last
KEY_SCHEMES: tuple[tuple[str, ...], ...] = (("id",), ("actor", "issue"), ("item",), ("item", "year"),
                                            ("member", "year"), ("currency", "year"))
_SCALARS = (str, int, float, bool, dt.date, dt.datetime)


def _flat_args(ann: Any) -> list[Any]:
    origin = get_origin(ann)
    if origin is Annotated:
        return _flat_args(get_args(ann)[0])
    if origin is Union or origin is types.UnionType:
        return [a for x in get_args(ann) for a in _flat_args(x)]
    return [ann]


def kind(ann: Any) -> tuple[str, Any]:
    """(kind, nested model or None) of a field annotation."""
    args = [a for a in _flat_args(ann) if a is not type(None)]
    if Uncertain in args:
        return "value", None
    models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
    if models:
        m = models[0]
        return ("evidence", m) if issubclass(m, Evidence) else ("model", m)
    for arg in args:  # a list of mappings (also beside another form, e.g. ``panel: str | list[PanelRow]``)
        if get_origin(arg) is list:
            inner = [a for a in _flat_args(get_args(arg)[0]) if a is not type(None)]
            if len(inner) == 1 and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
                return "rows", inner[0]
    if len(args) == 1 and get_origin(args[0]) is tuple:
        parts = get_args(args[0])
        if len(parts) == 2 and all(set(_flat_args(p)) <= {int, float} for p in parts):
            return "pair", None
    if args and all(a in _SCALARS or get_origin(a) is Literal for a in args):
        return "scalar", None
    return "flow", None


def choose(ann: Any, keys: Iterable[str]) -> type[BaseModel]:
    """The model of a union of models (e.g. the ``protocol:`` families) whose fields hold all ``keys``."""
    models = [a for a in _flat_args(ann) if isinstance(a, type) and issubclass(a, BaseModel)]
    keys = set(keys)
    for m in models:
        names = {f.alias or n for n, f in m.model_fields.items()}
        if keys <= names:
            return m
    return models[0]


def fields(model: type[BaseModel]) -> list[tuple[str, str, Any, Any]]:
    """(data key, kind, nested model, annotation) of every field, in the model's order."""
    out = []
    for name, f in model.model_fields.items():
        k, sub = kind(f.annotation)
        key = f.alias or name
        if k == "evidence" and key != "evidence":  # e.g. a stance's reservation_evidence: dotted columns
            k = "model"
        out.append((key, k, sub, f.annotation))
    return out


def wants_text(ann: Any) -> bool:
    """Whether a scalar field takes text only (a number typed in its cell is read as text)."""
    args = [a for a in _flat_args(ann) if a is not type(None)]
    return str in args and not ({int, float, bool} & set(args))


def wants_date(ann: Any) -> bool:
    return dt.date in _flat_args(ann)


def sheet_name(path: str) -> str:
    name = SHEET_NAMES.get(path, path)
    return name[:31]


def entry_key(entry: dict[str, Any], scheme: tuple[str, ...]) -> str | None:
    vals = [entry.get(k) for k in scheme]
    if any(v is None or isinstance(v, dict | list) for v in vals):
        return None
    return "/".join(str(v) for v in vals)


def key_scheme(entries: list[dict[str, Any]], keys: set[str]) -> tuple[str, ...] | None:
    """The first scheme among :data:`KEY_SCHEMES` whose columns the model has and whose keys are unique."""
    for scheme in KEY_SCHEMES:
        if not set(scheme) <= keys:
            continue
        got = [entry_key(e, scheme) for e in entries]
        if None not in got and len(set(got)) == len(got):
            return scheme
    return None
