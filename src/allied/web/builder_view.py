"""Plain data for the builder page, derived from the scenario model's fields (so fields added to the model
later get their inputs without template changes): one table per list section, the actor × issue grid of
stances, and an evidence editor beside every entry that carries evidence."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from allied.scenario import Scenario
from allied.scenario.editing import get
from allied.scenario.sections.alliance import AllianceItem
from allied.scenario.xlsx.layout import _flat_args, fields, wants_text


def _tables() -> list[tuple[str, list[str], type[BaseModel], tuple[str, ...]]]:
    from allied.scenario.model import Actor, Issue, Outcome, Source

    return [("Actors", ["actors"], Actor, ("id",)), ("Issues", ["issues"], Issue, ("id",)),
            ("Sources", ["sources"], Source, ("id",)), ("Outcomes", ["outcomes"], Outcome, ("id",)),
            ("Alliance items", ["alliance", "items"], AllianceItem, ("item", "year"))]


def parts(v: Any) -> dict[str, Any]:
    """The point/low/high/sd boxes of a figure."""
    if isinstance(v, dict):
        return {"point": v.get("mode", v.get("mean")), "low": v.get("low"), "high": v.get("high"), "sd": v.get("sd")}
    return {"point": v, "low": None, "high": None, "sd": None}


def js(v: Any) -> str:
    return json.dumps(v, default=str, ensure_ascii=False)


def cell(path: list[Any], kind: str, v: Any, required: bool) -> dict[str, Any]:
    """One input group: its path, kind, saved value and what the boxes show."""
    c: dict[str, Any] = {"path": js(path), "kind": kind, "saved": js(v), "required": required}
    if kind == "value":
        c["parts"] = parts(v)
    elif kind == "pair":
        c["parts"] = {"low": v[0] if isinstance(v, list) else None, "high": v[1] if isinstance(v, list) else None}
    elif kind == "flow":
        from allied.scenario.xlsx.write import flow

        c["text"] = "" if v is None or v == {} or v == [] else flow(v)
    else:
        c["text"] = "" if v is None else str(v)
    return c


def columns(model: type[BaseModel]) -> list[tuple[str, str, bool]]:
    out = []
    for key, kind, _, _ in fields(model):
        if kind in ("evidence", "rows", "model"):
            continue
        f = next(f for n, f in model.model_fields.items() if (f.alias or n) == key)
        if kind == "scalar" and not wants_text(f.annotation) and {int, float} & set(_flat_args(f.annotation)):
            kind = "num"
        out.append((key, kind, f.is_required()))
    return out


def evidence(entry_path: list[Any], ev: Any, quotes: Any = None) -> dict[str, Any]:
    from allied.web.views import quote_check

    ev = ev if isinstance(ev, dict) else {}
    return {"path": js([*entry_path, "evidence"]), "saved": js(ev or None), "dom": ev_dom(entry_path),
            "check": quote_check(quotes, ev.get("source"), ev.get("quote")),
            "source": ev.get("source") or "", "quote": ev.get("quote") or "", "note": ev.get("note") or "",
            "marks": ev.get("edited_after_quote") or {}}


def builder_context(data: dict[str, Any], sc: Scenario, quotes: Any = None) -> dict[str, Any]:
    top = [cell([k], kind, data.get(k), k in ("id", "title"))
           | {"name": k} for k, kind, _, _ in fields(Scenario) if kind in ("scalar",) and k != "allied"]
    tables = []
    for title, section, model, keys in _tables():
        cols = columns(model)
        has_ev = any(kind == "evidence" for _, kind, _, _ in fields(model))
        rows = []
        for e in get(data, section, []) or []:
            sel = {k: e.get(k) for k in keys if k in e}
            p = [*section, sel]
            rows.append({"selector": js(sel), "label": "/".join(str(v) for v in sel.values()),
                         "cells": [cell([*p, k], kind, e.get(k), req)
                                   | {"name": k, "rename": section[0] if keys == ("id",) and k == "id" else None}
                                   for k, kind, req in cols],
                         "evidence": evidence(p, e.get("evidence"), quotes) if has_ev else None})
        add = [(k, kind) for k, kind, req in cols if req or k in ("from", "to")]
        tables.append({"title": title, "section": section[0] if section[0] != "alliance" else "alliance",
                       "id": "tbl-" + "-".join(section), "cols": cols, "rows": rows, "add": add,
                       "evidence": has_ev, "renames": keys == ("id",)})
    stance_cols = [(k, kind, req) for k, kind, req in columns(type(sc.stances[0]) if sc.stances else _stance())
                   if k not in ("actor", "issue")]
    grid = []
    for a in data.get("actors", []):
        row = []
        for i in data.get("issues", []):
            st = next((s for s in data.get("stances", []) if s.get("actor") == a["id"] and s.get("issue") == i["id"]),
                      None)
            p = ["stances", {"actor": a["id"], "issue": i["id"]}]
            if st is None:
                row.append({"actor": a["id"], "issue": i["id"], "stance": None})
                continue
            row.append({"actor": a["id"], "issue": i["id"], "stance": True, "selector": js(p[1]),
                        "cells": [cell([*p, k], kind, st.get(k), req) | {"name": k} for k, kind, req in stance_cols],
                        "evidence": evidence(p, st.get("evidence"), quotes)})
        grid.append({"actor": a["id"], "cells": row})
    return {"top": top, "tables": tables, "grid": grid, "issues": data.get("issues", []),
            "sources": [s["id"] for s in data.get("sources", [])], "data": data, "sc": sc}


def _stance() -> type[BaseModel]:
    from allied.scenario.model import Stance

    return Stance


def ev_dom(entry_path: list[Any]) -> str:
    """The DOM id of an entry's evidence box (stable for the entry's path)."""
    return "ev-" + hashlib.sha1(json.dumps(entry_path, sort_keys=True).encode()).hexdigest()[:12]
