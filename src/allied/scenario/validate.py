"""Turn plain data into a :class:`Scenario`, with every problem located (file, line, field, fix)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from pydantic import ValidationError

from allied.errors import Problem, ScenarioError
from allied.scenario.migrate import migrate
from allied.scenario.model import Scenario
from allied.scenario.paths import Loc, oversize
from allied.scenario.paths import dotted as _dotted
from allied.scenario.uncertain import Uncertain

_FIXES = {
    "missing": "add this field",
    "extra_forbidden": "remove it or correct its spelling (unknown keys are errors)",
    "float_parsing": "write a plain number",
    "float_type": "write a plain number",
    "int_type": "write a whole number",
    "int_parsing": "write a whole number",
    "string_type": "write text (quote it if it looks like a number)",
    "list_type": "write a list ('- item' lines or [a, b])",
    "dict_type": "write a mapping ('key: value' lines)",
    "model_type": "write a mapping ('key: value' lines)",
    "tuple_type": "write a list of two numbers, e.g. [0, 100]",
    "too_short": "give the full list, e.g. scale: [0, 100]",
    "too_long": "give exactly the expected number of items",
    "string_pattern_mismatch": "use letters, digits, '_', '-' or '.' only (no spaces)",
    "string_too_short": "give a non-empty value",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
    "union_tag_invalid": "write 'family: denuclearisation' or 'family: cost-sharing'",
    # kinds raised by Allied's own validators (allied.errors.invalid)
    "not_a_number": "write a plain number without quotes (e.g. 924 or 1e5), or a range such as {low: 10, high: 20}",
    "evidence": "add a verbatim 'quote' with its 'source', or a 'note' saying how the figure was estimated",
    "evidence_source": "name the 'source' the quote comes from (an id under 'sources:')",
    "edited_after_quote": "remove 'edited_after_quote', or add the quote it refers to",
    "range_order": "swap low and high",
    "range_shape": "write the range as {low, high}, {low, mode, high} or {mean, sd}",
    "scale_order": "write the scale as [low, high] with low below high (swap the two numbers)",
    "scale_width": "give the scale two different ends, e.g. [0, 100]",
    "version": "write 'allied: 1' at the top",
    "value_error": "correct the value as the message says",
    "source_kind": "save the source as .txt, .md, .html or .pdf and name that file",
    "sha256": "give the 64 hexadecimal digits `sha256sum FILE` prints, or remove it "
              "(`allied validate FILE --record-hashes` writes it)",
}

#: the largest size of any number in a scenario: beyond it sums and products of figures lose all precision
#: or overflow (capabilities, money and scales in ordinary units stay far below it)
MAX_MAGNITUDE = 1e15

#: documented size limits of one scenario (docs/scenario-format.md): far above any real negotiation, low
#: enough that reading and checking stay within seconds
MAX_ITEMS = {"actors": 1000, "issues": 200, "stances": 20_000}





def _line(lines: dict[Loc, int], loc: Loc) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop pydantic's union-branch markers (e.g. 'float', 'Uncertain', 'function-before[...]')."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (part in {"float", "Uncertain", "str", "int", "date"} or "[" in part
                                      or part.startswith("function-") or part == "tuple[float, float]"):
            continue
        out.append(part)
    return tuple(out)


def _fix_for(err: Any) -> str:
    """The fix for a pydantic error, chosen by its kind (``type``), never by the words of its message."""
    if err.get("type") == "string_pattern_mismatch" and tuple(err.get("loc", ()))[-1:] == ("sha256",):
        return _FIXES["sha256"]
    return _FIXES.get(str(err.get("type", "")), "correct this value")


def scan_values(data: Any, lines: dict[Loc, int], file: str) -> list[Problem]:
    """Numbers that are not finite or too large, and text that is not valid Unicode, anywhere in ``data``
    (every section, before the field types are checked, so a NaN can never slip through a field)."""
    out: list[Problem] = []

    def check(v: Any, loc: Loc) -> None:
        if isinstance(v, bool) or len(out) >= 20:
            return
        where = _dotted(loc) or "(top)"
        if isinstance(v, float) and not math.isfinite(v):
            out.append(Problem(file, where, f"not a finite number ({v})", "write an ordinary number; .nan and .inf "
                               "are not allowed (give a range {low, high} for an unknown value)", _line(lines, loc),
                               kind="not_finite"))
        elif isinstance(v, int | float) and abs(v) > MAX_MAGNITUDE:
            shown = f"{v:.3g}" if isinstance(v, float) else f"a whole number of {len(str(abs(v)))} digits"
            out.append(Problem(file, where, f"number out of range ({shown}; Allied accepts up to {MAX_MAGNITUDE:.0e} "
                               "in size)", "rescale the units (e.g. billions instead of dollars)", _line(lines, loc),
                               kind="out_of_range"))
        elif isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as exc:
                out.append(Problem(file, where, f"invalid text: character {exc.start + 1} is an unpaired surrogate "
                                   f"({v[exc.start]!a}), which no file or screen can show",
                                   "write the character itself, or a \\U escape of a real character",
                                   _line(lines, loc), kind="invalid_text"))
        elif isinstance(v, dict):
            for k, x in v.items():
                check(k, loc)
                check(x, (*loc, k) if isinstance(k, str | int) else loc)
        elif isinstance(v, list):
            for n, x in enumerate(v):
                check(x, (*loc, n))

    check(data, ())
    return out


def from_data(data: Any, lines: dict[Loc, int], file: str, skeleton: bool = False) -> Scenario:
    """Validate plain data (from YAML or a converted table) into a Scenario, or raise ScenarioError.
    A ``skeleton`` (input to ``allied draft``) may leave out stances."""
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        raise ScenarioError([Problem(file, "(top)", f"expected a scenario mapping, found {kind}",
                                     "start the file with 'allied: 1', 'id:', 'title:', 'actors:', 'issues:', "
                                     "'stances:' (see docs/scenario-format.md)", 1)])
    if "allied" not in data:
        raise ScenarioError([Problem(file, "allied", "this is not an Allied scenario: the 'allied: 1' version key is "
                                     "missing", "add 'allied: 1' as the first line", 1)])
    data, _ = migrate(data, file)
    bad = oversize({k: (len(v), lines.get((k,))) for k, v in data.items() if isinstance(v, list)}, MAX_ITEMS, file)
    bad = bad or scan_values(data, lines, file)
    if bad:
        raise ScenarioError(bad)
    if skeleton and "stances" not in data:
        data = {**data, "stances": []}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        seen = set()
        for err in exc.errors():
            loc = _clean_loc(tuple(err["loc"]))
            key = (loc, err["type"])
            if key in seen:
                continue
            seen.add(key)
            msg = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown key '{loc[-1]}'"
            elif err["type"] == "missing":
                msg = f"required field '{loc[-1]}' is missing"
            problems.append(Problem(file, _dotted(loc) or "(top)", msg, _fix_for(err), _line(lines, loc),
                                    kind=str(err["type"])))
        raise ScenarioError(problems) from None
    problems = cross_check(scenario, data, lines, file, skeleton)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _range_of(v: float | Uncertain) -> tuple[float, float]:
    if isinstance(v, Uncertain):
        lo, hi = v.bounds()
        vals = [x for x in (v.low, v.mode, v.high, v.mean) if x is not None]
        return min([*vals, lo]), (max([*vals, hi]) if v.mean is None else max(vals))
    return v, v


def cross_check(sc: Scenario, data: dict[str, Any], lines: dict[Loc, int], file: str,
                skeleton: bool = False) -> list[Problem]:
    """References, duplicates and values against scales: what field types alone cannot check."""
    out: list[Problem] = []

    def add(loc: Loc, msg: str, fix: str) -> None:
        out.append(Problem(file, _dotted(loc), msg, fix, _line(lines, loc)))

    sections: list[tuple[str, list[Any]]] = [("sources", sc.sources), ("actors", sc.actors),
                                             ("issues", sc.issues), ("outcomes", sc.outcomes)]
    for section, items in sections:
        counts = Counter(it.id for it in items)
        for k, it in enumerate(items):
            if counts[it.id] > 1:
                add((section, k, "id"), f"the id '{it.id}' is used more than once in {section}",
                    "give every entry its own id")
                counts[it.id] = 0
    sources = {s.id for s in sc.sources}
    actors = {a.id for a in sc.actors}
    issues = {i.id: i for i in sc.issues}

    def check_evidence(loc: Loc, ev: Any) -> None:
        if ev is not None and ev.source and ev.source not in sources:
            add((*loc, "evidence", "source"), f"unknown source '{ev.source}'",
                f"use one of the ids under 'sources:' ({', '.join(sorted(sources)) or 'none defined'}) "
                "or add it there")

    for k, a in enumerate(sc.actors):
        lo, _ = _range_of(a.capability)
        if lo < 0:
            add(("actors", k, "capability"), f"capability {lo:g} is negative", "capability is clout, 0 or more")
        check_evidence(("actors", k), a.evidence)
    for k, iss in enumerate(sc.issues):
        if iss.status_quo is not None:
            lo, hi = _range_of(iss.status_quo)
            if lo < iss.lo or hi > iss.hi:
                add(("issues", k, "status_quo"), f"status quo outside the scale [{iss.lo:g}, {iss.hi:g}]",
                    "move it inside the scale or widen the scale")
        for lab in iss.labels:
            if not iss.lo <= lab <= iss.hi:
                add(("issues", k, "labels", str(lab)),
                    f"label at {lab:g} lies outside the scale [{iss.lo:g}, {iss.hi:g}]",
                    "label points on the scale only")
        check_evidence(("issues", k), iss.evidence)
    pairs: Counter[tuple[str, str]] = Counter((s.actor, s.issue) for s in sc.stances)
    for k, st in enumerate(sc.stances):
        if st.actor not in actors:
            add(("stances", k, "actor"), f"unknown actor '{st.actor}'",
                f"use one of {', '.join(sorted(actors))} or add the actor under 'actors:'")
        if st.issue not in issues:
            add(("stances", k, "issue"), f"unknown issue '{st.issue}'",
                f"use one of {', '.join(sorted(issues))} or add the issue under 'issues:'")
        else:
            iss = issues[st.issue]
            lo, hi = _range_of(st.position)
            if lo < iss.lo or hi > iss.hi:
                add(("stances", k, "position"),
                    f"position {lo:g}..{hi:g} is off the scale [{iss.lo:g}, {iss.hi:g}] of '{iss.id}'",
                    "give a position on the issue's scale (in its own units)")
            for fld in ("reservation", "demand"):
                v = getattr(st, fld)
                if v is None:
                    continue
                lo, hi = _range_of(v)
                if lo < iss.lo or hi > iss.hi:
                    add(("stances", k, fld),
                        f"{fld} {lo:g}..{hi:g} is off the scale [{iss.lo:g}, {iss.hi:g}] of '{iss.id}'",
                        f"give the {fld} on the issue's scale (in its own units), or widen the scale")
        lo, hi = _range_of(st.salience)
        if lo < 0 or hi > 100:
            add(("stances", k, "salience"), f"salience {lo:g}..{hi:g} is outside 0..100",
                "give salience on 0..100 (multiply 0–1 values by 100)")
        if st.capability is not None and _range_of(st.capability)[0] < 0:
            add(("stances", k, "capability"), "capability is negative", "capability is clout, 0 or more")
        if pairs[(st.actor, st.issue)] > 1:
            add(("stances", k), f"a second stance for actor '{st.actor}' on issue '{st.issue}'",
                "keep one stance per actor and issue")
            pairs[(st.actor, st.issue)] = 0
        check_evidence(("stances", k), st.evidence)
        rev = st.reservation_evidence
        if rev is not None and rev.source and rev.source not in sources:
            add(("stances", k, "reservation_evidence", "source"), f"unknown source '{rev.source}'",
                f"use one of the ids under 'sources:' ({', '.join(sorted(sources)) or 'none defined'})")
        if rev is not None and st.reservation is None:
            add(("stances", k, "reservation_evidence"), "evidence for a reservation point the stance does not give",
                "add 'reservation:' or remove 'reservation_evidence:'")
    if sc.alliance is not None:
        for k, it in enumerate(sc.alliance.items):
            check_evidence(("alliance", "items", k), it.evidence)
        if isinstance(sc.alliance.panel, list):
            for k, row in enumerate(sc.alliance.panel):
                for key, ev in row.evidence_list():
                    if ev.source and ev.source not in sources:
                        add(("alliance", "panel", k, "evidence", key), f"unknown source '{ev.source}'",
                            f"use one of the ids under 'sources:' ({', '.join(sorted(sources)) or 'none'}) "
                            "or add it there")
    for k, oc in enumerate(sc.outcomes):
        if oc.issue is not None and oc.issue not in issues:
            add(("outcomes", k, "issue"), f"unknown issue '{oc.issue}'", "name an issue defined under 'issues:'")
    for k, d in enumerate(sc.drafts):
        if d.actor not in actors:
            add(("drafts", k, "actor"), f"unknown actor '{d.actor}'", "remove the draft or add the actor")
        if d.issue not in issues:
            add(("drafts", k, "issue"), f"unknown issue '{d.issue}'", "remove the draft or add the issue")
        if d.source not in sources:
            add(("drafts", k, "source"), f"unknown source '{d.source}'", "remove the draft or add the source")
    draft_ids = Counter(d.id for d in sc.drafts)
    for k, d in enumerate(sc.drafts):
        if draft_ids[d.id] > 1:
            add(("drafts", k, "id"), f"the draft id '{d.id}' is used more than once", "give every draft its own id")
            draft_ids[d.id] = 0
    for iss_id in issues:
        if skeleton:
            break
        if not any(s.issue == iss_id for s in sc.stances):
            add(("issues", next(k for k, i in enumerate(sc.issues) if i.id == iss_id)),
                f"issue '{iss_id}' has no stances", "add stances for it or remove the issue")
    if not sc.actors:
        add(("actors",), "no actors", "list at least one actor")
    _check_delegation(sc, add)
    for role in ("patron", "client"):  # a cost-sharing protocol names its two sides
        who = getattr(sc.protocol, role, None) if getattr(sc.protocol, "family", "") == "cost-sharing" else None
        sides = actors | set(sc.delegation or {})  # an actor, or a delegation principal
        if who is not None and who not in sides:
            add(("protocol", role), f"unknown actor '{who}'",
                f"name an actor or a delegation principal: {', '.join(sorted(sides))}")
    return out


def _check_delegation(sc: Scenario, add: Any) -> None:
    """``delegation:``: parts are actors, each in one principal, weights positive, principals not actors."""
    actors = {a.id for a in sc.actors}
    owner: dict[str, str] = {}
    for principal, parts in (sc.delegation or {}).items():
        if principal in actors:
            add(("delegation", principal), f"'{principal}' is both an actor and a principal",
                f"a principal stands for its parts: rename the actor (e.g. {principal}_gov) and list it as a part")
        if not parts:
            add(("delegation", principal), f"principal '{principal}' has no parts",
                "list its parts as 'actor: weight' lines, e.g. USA_WH: 0.5")
        for part, w in parts.items():
            loc = ("delegation", principal, part)
            if part not in actors:
                add(loc, f"unknown actor '{part}'", f"use one of {', '.join(sorted(actors))} or add it under 'actors:'")
            if w <= 0:
                add(loc, f"weight {w:g} is not positive", "give each part a weight above 0 (they are normalised)")
            if part in owner:
                add(loc, f"'{part}' is already a part of '{owner[part]}'", "list each actor under one principal")
            owner.setdefault(part, principal)


def analyst_warnings(sc: Scenario, lines: dict[Loc, int], file: str) -> list[Problem]:
    """What is valid but probably not meant: saliences written on a 0–1 scale (every one ≤ 1, which in effect
    zeroes the actors against 0–100 clout), and analyst estimates given as one number though
    docs/scenario-format.md asks for a range, and outcomes outside their issue's scale."""
    out: list[Problem] = []
    highs = [_range_of(st.salience)[1] for st in sc.stances]
    if highs and max(highs) <= 1:
        out.append(Problem(file, "stances", f"every salience is 1 or less (largest {max(highs):g}): saliences are "
                           "on 0..100, so these read as almost no interest at all",
                           "multiply the saliences by 100 if they were written on a 0–1 scale",
                           _line(lines, ("stances",)), kind="salience_scale"))
    single = [k for k, st in enumerate(sc.stances) if st.evidence is not None and not st.evidence.quote
              and not isinstance(st.position, Uncertain) and not isinstance(st.salience, Uncertain)]
    if single:
        k = single[0]
        more = f" (and {len(single) - 1} more)" if len(single) > 1 else ""
        out.append(Problem(file, _dotted(("stances", k)), f"an analyst estimate given as a single number, without "
                           f"a range{more}", "write the estimate as a range, e.g. position: {low: 40, mode: 50, "
                           "high: 60}, so sweeps carry the uncertainty (docs/scenario-format.md)",
                           _line(lines, ("stances", k)), kind="estimate_without_range"))
    scales = {i.id: (i.lo, i.hi) for i in sc.issues}
    for k, o in enumerate(sc.outcomes):
        if o.issue in scales and o.value is not None:
            lo, hi = scales[o.issue]
            if not min(lo, hi) <= o.value <= max(lo, hi):
                out.append(Problem(file, _dotted(("outcomes", k, "value")), f"outcome {o.value:g} lies outside issue "
                                   f"'{o.issue}''s scale {lo:g}..{hi:g}: it is scored, but its error is more than the "
                                   "whole scale", "check the value's units against the issue's scale (or widen the "
                                   "scale if the outcome really fell outside it)",
                                   _line(lines, ("outcomes", k, "value")), kind="outcome_off_scale"))
    return out
