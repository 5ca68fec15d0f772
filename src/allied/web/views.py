"""Plain data for the templates, built from a scenario (no engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from allied.scenario import Scenario
from allied.scenario.uncertain import Uncertain
from allied.web.store import Store


def safe_stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "-", text).strip("-.") or "scenario"


def show_value(v: Any) -> str:
    """A figure as the analyst wrote it: ``40`` or ``25 – 35 – 45`` or ``50 ± 10``."""
    if v is None:
        return "–"
    if isinstance(v, Uncertain):
        if v.mean is not None:
            return f"{v.mean:g} ± {v.sd:g}"
        if v.mode is not None:
            return f"{v.low:g} – {v.mode:g} – {v.high:g}"
        return f"{v.low:g} – {v.high:g}"
    return f"{float(v):g}"


def index_context(store: Store) -> dict[str, Any]:
    listed = store.listing()
    folder = str(store.folder)
    home = str(Path.home())
    if folder.startswith(home + "/"):
        folder = "~" + folder[len(home):]
    return {"builtins": [x for x in listed if x.entry.builtin],
            "user": [x for x in listed if not x.entry.builtin], "folder": folder}


def quote_check(quotes: Any, source: Any, quote: Any) -> dict[str, Any] | None:
    """One quote's verification (status, paragraph, difference, passage) for the templates."""
    if quotes is None or not isinstance(quote, str):
        return None
    hit = next((q for q in quotes.quotes if q.source == source and q.quote == quote), None)
    if hit is None or hit.status == "no_file":
        return None
    labels = {"verified": "verified", "misquoted": "misquoted", "not_found": "not found in source",
              "not_at_hand": "source not at hand"}
    return {"status": hit.status, "label": labels.get(hit.status, hit.status), "paragraph": hit.paragraph,
            "difference": hit.difference, "source_words": hit.source_words, "passage": quotes.passage(hit, 240)}


def evidence(sc: Scenario, quotes: Any = None) -> dict[str, Any]:
    """Actors, issues and stances grouped by issue, each figure with its evidence (and, with ``quotes``,
    each quote's verification against its source), plus the scenario's drafts."""
    sources = {s.id: s for s in sc.sources}

    def ev(e: Any) -> dict[str, Any] | None:
        if e is None:
            return None
        src = sources.get(e.source) if e.source else None
        marks = e.edited_after_quote or {}
        return {"source": e.source, "source_title": src.title if src else e.source, "quote": e.quote,
                "note": e.note, "estimate": not e.quote, "check": quote_check(quotes, e.source, e.quote),
                "edited": "; ".join(f"{f} was {show_value(v)} when quoted" for f, v in marks.items())}

    actors = [{"id": a.id, "name": a.name, "capability": show_value(a.capability),
               "uncertain": isinstance(a.capability, Uncertain), "description": a.description,
               "evidence": ev(a.evidence)} for a in sc.actors]
    issues = []
    for i in sc.issues:
        stances = [{"actor": s.actor, "position": show_value(s.position), "salience": show_value(s.salience),
                    "capability": show_value(s.capability) if s.capability is not None else "",
                    "uncertain": any(isinstance(v, Uncertain) for v in (s.position, s.salience, s.capability)),
                    "evidence": ev(s.evidence)} for s in sc.stances if s.issue == i.id]
        issues.append({"id": i.id, "name": i.name, "scale": f"{i.lo:g} – {i.hi:g}", "units": i.units or "",
                       "labels": [(f"{k:g}", v) for k, v in sorted(i.labels.items())],
                       "status_quo": show_value(i.status_quo), "description": i.description,
                       "evidence": ev(i.evidence), "stances": stances})
    n_quotes = sum(1 for s in sc.stances if s.evidence and s.evidence.quote)
    have = {(s.actor, s.issue) for s in sc.stances}
    drafts = [{**d.model_dump(exclude_none=True), "has_stance": (d.actor, d.issue) in have} for d in sc.drafts]
    return {"actors": actors, "issues": issues, "sources": sc.sources, "quotes": n_quotes,
            "outcomes": sc.outcomes, "drafts": drafts,
            "checked": quotes.counts() if quotes is not None else {}}


def _field(v: Any) -> dict[str, Any]:
    if isinstance(v, Uncertain):
        normal = v.mean is not None
        return {"point": v.point(), "low": None if normal else v.low, "high": None if normal else v.high,
                "sd": v.sd, "kind": v.kind}
    return {"point": float(v), "low": None, "high": None, "sd": None, "kind": "number"}


def stance_rows(sc: Scenario) -> list[dict[str, Any]]:
    """What the stance editor shows per stance: point value and range of position and salience."""
    rows = []
    for st in sc.stances:
        iss = sc.issue(st.issue)
        rows.append({"actor": st.actor, "issue": st.issue, "issue_name": iss.name, "lo": iss.lo, "hi": iss.hi,
                     "units": iss.units or "", "position": _field(st.position), "salience": _field(st.salience),
                     "dom": dom_id(st.actor, st.issue)})
    return rows


def dom_id(actor: str, issue: str) -> str:
    """An HTML id for a stance's row (ids may hold dots, which CSS selectors dislike)."""
    return "st-" + re.sub(r"[^A-Za-z0-9_\-]", "_", f"{actor}--{issue}")


def stance_groups(sc: Scenario) -> list[dict[str, Any]]:
    """The editor's rows grouped by issue, in the scenario's order of issues."""
    rows = stance_rows(sc)
    return [{"issue": i.id, "name": i.name, "lo": i.lo, "hi": i.hi, "units": i.units or "",
             "rows": [r for r in rows if r["issue"] == i.id]} for i in sc.issues]


def set_paths(sc: Scenario, tab: str) -> list[str]:
    """Suggestions for the "change a value" form: the ``--set`` paths of the figures this tab is about."""
    if tab == "protocol":
        try:
            from allied.protocols import parameter_table
            from allied.scenario.sections import CostSharingSection

            if isinstance(sc.protocol, CostSharingSection):
                from allied.protocols.cost_sharing import PARAM_NAMES

                return [f"protocol.{p}" for p in PARAM_NAMES]
            return [f"protocol.{p}" for p in parameter_table(sc.protocol).index]
        except Exception:
            return []
    if tab == "ledger":
        items = sc.alliance.items if sc.alliance is not None else []
        return [f"alliance.items.{it.item}.value" for it in items]
    paths = [f"actors.{a.id}.capability" for a in sc.actors]
    paths += [f"issues.{i.id}.status_quo" for i in sc.issues]
    for s in sc.stances:
        paths += [f"stances.{s.actor}.{s.issue}.{f}" for f in ("position", "salience", "capability")]
    return paths
