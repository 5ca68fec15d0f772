"""``allied draft``: evidence candidates from source texts for a skeleton scenario, and ``accept``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from allied.errors import ScenarioError, fail
from allied.scenario.sources.readers import SourceText, read_source


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "-", text).strip("-")[:60] or "source"


def _relative(path: Path, out: Path | None) -> str:
    base = (out.parent if out is not None else Path.cwd()).resolve()
    try:
        return os.path.relpath(path.resolve(), base)
    except ValueError:  # another drive (Windows)
        return str(path.resolve())


def attach_sources(data: dict[str, Any], paths: list[Path], skeleton_file: Path | None,
                   out: Path | None) -> list[tuple[str, SourceText]]:
    """Read each source file and make sure the scenario data lists it under ``sources:`` (by path)."""
    entries: list[dict[str, Any]] = data.setdefault("sources", [])
    base = skeleton_file.resolve().parent if skeleton_file is not None else None
    known: dict[Path, dict[str, Any]] = {}
    for e in entries:
        if isinstance(e, dict) and e.get("path") and base is not None:
            known[(base / str(e["path"])).resolve()] = e
    ids = {str(e.get("id")) for e in entries if isinstance(e, dict)}
    read: list[tuple[str, SourceText]] = []
    for k, p in enumerate(paths):
        if not p.is_file():
            raise fail(str(p), "(source)", "no such source file" if not p.exists() else "not a file",
                       "give the path of a .txt, .md, .html or .pdf file")
        text = read_source(p, label=str(p))
        entry = known.get(p.resolve())
        if entry is None:
            sid = _slug(p.stem)
            n = 2
            while sid in ids:
                sid, n = f"{_slug(p.stem)}-{n}", n + 1
            ids.add(sid)
            entry = {"id": sid, "title": p.name, "path": _relative(p, out), "sha256": text.sha256}
            entries.append(entry)
        elif not entry.get("sha256"):
            entry["sha256"] = text.sha256
        if any(str(entry["id"]) == s for s, _ in read):
            raise fail(str(p), f"(source {k + 1})", "this file is given twice", "name each source once")
        read.append((str(entry["id"]), text))
    return read


def draft(skeleton: str | Path, sources: list[str | Path], out: Path | None = None,
          top: int = 3) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The draft scenario (the skeleton, its sources and a fresh ``drafts:`` section) and the draft entries."""
    from allied.drafting.mentions import ActorMatcher
    from allied.drafting.rank import rank
    from allied.drafting.text import sentences
    from allied.scenario.load import load_data
    from allied.scenario.validate import from_data

    if top < 1:
        raise fail("--top", "--top", f"--top must be 1 or more (got {top})", "give how many candidates per pair")
    data, lines, name = load_data(skeleton)
    if not isinstance(data, dict):
        raise fail(name, "(top)", "a skeleton is an Allied YAML scenario", "give a YAML file with actors and issues")
    data = dict(data)
    data.pop("drafts", None)
    skel_path = Path(skeleton) if Path(skeleton).is_file() else None
    texts = attach_sources(data, [Path(s) for s in sources], skel_path, out)
    sc = from_data(data, lines, name, skeleton=True)
    later = set(after_as_of(sc.sources, sc.as_of))
    texts = [(sid, t) for sid, t in texts if sid not in later]  # no evidence from after the scenario's date
    matcher = ActorMatcher(sc.actors, [t.text for _, t in texts])
    sents = [(sid, sentences(t.text, t.paragraph, keep=matcher.names_any)) for sid, t in texts]
    entries: list[dict[str, Any]] = []
    rank_in_pair: dict[tuple[str, str], int] = {}
    for c in rank(sc, sents, top, matcher):
        r = rank_in_pair[(c.actor, c.issue)] = rank_in_pair.get((c.actor, c.issue), 0) + 1
        e: dict[str, Any] = {"id": f"{c.actor}.{c.issue}.{r}", "actor": c.actor, "issue": c.issue, "rank": r,
                             "quote": c.sentence.text, "source": c.source, "offset": c.sentence.start,
                             "paragraph": c.sentence.paragraph, "score": c.score,
                             "quantities": [_quantity(f) for f in c.quantities]}
        if c.side:
            e["side"] = c.side
        entries.append(e)
    data["drafts"] = entries
    return data, entries


def after_as_of(sources: list[Any], as_of: Any) -> list[str]:
    """Ids of the sources (models or plain entries) dated wholly after ``as_of``: what they say was not known
    then, so drafting proposes no evidence from them (an undated source, or no ``as_of``, is kept)."""
    from allied.scenario.outcomes import date_span

    limit = date_span(as_of)
    if limit is None:
        return []
    out = []
    for src in sources:
        get = src.get if isinstance(src, dict) else lambda k, src=src: getattr(src, k, None)
        span = date_span(get("date"))
        if span is not None and span[0] > limit[1]:
            out.append(str(get("id")))
    return out


def _quantity(f: Any) -> dict[str, Any]:
    out: dict[str, Any] = f.to_json()
    if isinstance(out.get("value"), float) and out["value"].is_integer():
        out["value"] = int(out["value"])
    return out


def accept(file: Path, draft_id: str, position: float | None = None, salience: float | None = None) -> str:
    """Promote draft ``draft_id`` of ``file`` to its stance's evidence (the stance is created only with the
    analyst's own ``position`` and ``salience``); writes the file and returns a one-line summary."""
    from allied.scenario.load import load_data
    from allied.scenario.validate import from_data
    from allied.scenario.yamlio import dump_yaml

    data, lines, name = load_data(file)
    if not isinstance(data, dict):
        raise fail(name, "(top)", "not an Allied scenario", "give the draft file written by allied draft")
    drafts = data.get("drafts") or []
    hit = next((d for d in drafts if isinstance(d, dict) and d.get("id") == draft_id), None)
    if hit is None:
        ids = ", ".join(str(d.get("id")) for d in drafts[:8] if isinstance(d, dict))
        raise fail(name, "drafts", f"no draft with id '{draft_id}'",
                   f"use an id listed under drafts: ({ids}{', …' if len(drafts) > 8 else ''})" if ids
                   else "run allied draft first: this file has no drafts")
    stances = data.setdefault("stances", [])
    stance = next((s for s in stances if isinstance(s, dict) and s.get("actor") == hit["actor"]
                   and s.get("issue") == hit["issue"]), None)
    evidence = {"source": hit["source"], "quote": hit["quote"]}
    if stance is None:
        if position is None or salience is None:
            qs = "; ".join(f"{q.get('text')}" for q in hit.get("quantities") or [])
            side = hit.get("side") or {}
            hint = f" The draft mentions {qs}." if qs else ""
            if side.get("end"):
                where = "the middle of the scale" if side["end"] == "middle" else f"the {side['end']} end"
                hint += f" Its wording points to {where}" + (f" ({side['label']})." if side.get("label") else ".")
            k = drafts.index(hit)
            raise fail(name, f"drafts[{k}]",
                       f"no stance for {hit['actor']} on {hit['issue']} yet, and Allied never invents its numbers."
                       + hint,
                       "give your own figures: allied draft accept ID --position X --salience Y",
                       lines.get(("drafts", k)))
        stance = {"actor": hit["actor"], "issue": hit["issue"], "position": position, "salience": salience,
                  "evidence": evidence}
        stances.append(stance)
    else:
        if position is not None:
            stance["position"] = position
        if salience is not None:
            stance["salience"] = salience
        old = stance["evidence"] if isinstance(stance.get("evidence"), dict) else {}
        stance["evidence"] = {**evidence, **({"note": old["note"]} if old.get("note") else {})}
    data["drafts"] = [d for d in drafts if d is not hit]
    if not data["drafts"]:
        del data["drafts"]
    try:
        from_data(data, lines, name, skeleton=True)
    except ScenarioError:
        raise
    file.write_text(dump_yaml(data), encoding="utf-8")
    return f"{draft_id}: the quote is now the evidence of {hit['actor']} on {hit['issue']} in {file}"
