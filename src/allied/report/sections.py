"""The report's sections, each a function ``(Results, Page) -> html``; a missing engine gives a box, never an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from allied.report import figures as F
from allied.report import prep as P
from allied.report import prep_engines as E
from allied.report.html import Page, esc, evidence_cell, table, unavailable, warning
from allied.report.style import actor_colour, model_colour, pretty
from allied.scenario.uncertain import Uncertain, point

if TYPE_CHECKING:
    from allied.report.build import Results

NAV = (("glance", "At a glance"), ("evidence", "Evidence"), ("forecast", "Forecasts"), ("protocol", "Protocols"),
       ("ledger", "Ledger"), ("sensitivity", "Sensitivity"), ("outcomes", "Outcomes"), ("track", "Track record"),
       ("method", "Method & sources"))


def _guard(title: str, fn: Callable[[], str]) -> str:
    """Render a sub-part; a bug in the report's own drawing code also ends in a box, not a failed report."""
    try:
        return fn()
    except Exception as exc:
        return unavailable(title, f"could not be drawn ({type(exc).__name__}: {exc})")


def safe(sid: str, fn: Callable[[Results, Page], str], res: Results, page: Page) -> str:
    """A whole section; should its drawing code fail, the section still appears, with the reason in a box."""
    n = len(page.figures)
    try:
        return fn(res, page)
    except Exception as exc:
        del page.figures[n:]  # drop figures of the failed section: their divs are not in the page
        title = dict(NAV).get(sid, sid)
        return (f'<section id="{esc(sid)}"><h2>{esc(title)}</h2>'
                f"{unavailable(title, f'could not be drawn ({type(exc).__name__}: {exc})')}</section>")


def _label_cell(issue: Any) -> Callable[[Any, pd.Series], str]:
    return lambda v, row: esc(P.nearest_label(issue, v))


# --- at a glance ---------------------------------------------------------------------------------
def glance(res: Results, page: Page) -> str:
    sc = res.sc
    cards = [_guard("The dispute", lambda: _dispute_card(res)), _guard("Protocol ranking", lambda: _ranking_card(res)),
             _guard("Ledger", lambda: _ledger_card(res))]
    key = _guard("Key forecasts", lambda: _key_table(res))
    fig = _guard("Positions figure", lambda: page.figure(
        F.positions_fig(sc, P.positions_frame(sc, res.runs), P.allies(sc)), "forecast",
        "actors' positions and model forecasts on every issue"))
    return (f'<section id="glance"><h2>At a glance</h2><div class="grid3">{"".join(cards)}</div>'
            f'<div class="grid2"><div><h3>Key forecasts (final round, issue units)</h3>{key}</div>'
            f"<div><h3>Where each actor stands, where each model says it settles</h3>{fig}</div></div></section>")


def _dispute_card(res: Results) -> str:
    sc = res.sc
    split = P.widest_split(sc)
    if split is None:
        return '<div class="card"><h3>The dispute</h3><p class="small">No issue has two allies\' stances.</p></div>'
    iss = split["issue"]
    boxes = []
    for cls, actor, st, pos in zip(("a", "b"), split["actors"], split["stances"], split["positions"], strict=True):
        ev = st.evidence
        q = f'<div class="quote">{esc(ev.quote)}</div>' if ev and ev.quote else \
            f'<div class="small"><span class="badge est">estimate</span> {esc(ev.note if ev else "")}</div>'
        boxes.append(f'<div class="{cls}"><b>{esc(actor)}</b>: {P.fmt(pos)} — '
                     f"<b>{esc(P.nearest_label(iss, pos) or '')}</b>{q}</div>")
    finals = {m: r.final(iss.id) for m, r in res.runs.items() if iss.id in r.input.issues}
    fc = " · ".join(f'<span style="color:{model_colour(m, k)}">■</span> {esc(m)} <b>{P.fmt(v, 3)}</b>'
                    for k, (m, v) in enumerate(finals.items()))
    lo, hi = P.end_labels(iss)
    return (f'<div class="card"><h3>The dispute: {esc(pretty(iss.id))}</h3>'
            f'<div class="small">{esc(iss.name)} — scale {iss.lo:g} = {esc(lo)} … {iss.hi:g} = {esc(hi)}</div>'
            f'<div class="vs">{"".join(boxes)}</div>'
            f"{_mini_scale(iss, dict(zip(split['actors'], split['positions'], strict=True)), finals)}"
            f'<p class="small"><b>Forecasts:</b> {fc or "no model ran"}</p></div>')


def _mini_scale(iss: Any, allies: dict[str, float], finals: dict[str, float]) -> str:
    """A one-line scale in HTML: the two allies as labelled dots, each model's forecast as a coloured tick."""
    def left(v: float) -> str:
        return f"{min(max(float(P.share(iss, v)), 0.0), 100.0):.1f}%"

    marks = [f'<span class="tick" style="left:{left(v)};background:{model_colour(m, k)}" '
             f'title="{esc(m)}: {P.fmt(v)}"></span>' for k, (m, v) in enumerate(finals.items()) if np.isfinite(v)]
    marks += [f'<span class="dot" style="left:{left(v)};background:{actor_colour(a, k)}" title="{esc(a)}: '
              f'{P.fmt(v)}"></span><span class="dotlabel" style="left:{left(v)}">{esc(a)}</span>'
              for k, (a, v) in enumerate(allies.items())]
    lo, hi = P.end_labels(iss)
    return (f'<div class="miniscale" role="img" aria-label="positions and forecasts on {esc(iss.id)}">'
            f'<div class="track"></div>{"".join(marks)}</div>'
            f'<div class="miniends"><span>{esc(lo)}</span><span>{esc(hi)}</span></div>')


def _ranking_card(res: Results) -> str:
    head = '<div class="card"><h3>Which negotiating protocol each ally prefers</h3>'
    if not res.protocol.ok:
        return head + unavailable("Protocol engine", res.protocol.error or "") + "</div>"
    all_ranks = E.rankings(res.protocol.value)
    allies = [a for a in P.allies(res.sc) if a in all_ranks] or list(all_ranks)[:2]
    ranks = {a: all_ranks[a] for a in allies}
    frame = E.protocol_frame(res.protocol.value)
    lists = []
    for who, order in ranks.items():
        items = "".join(f"<li>{esc(p)}</li>" for p in order)
        lists.append(f'<div><b>{esc(who)}</b><ol class="rank">{items}</ol></div>')
    first = {w: o[0] for w, o in ranks.items() if o}
    split = len(set(first.values())) > 1
    verdict = ("The allies split: " + "; ".join(f"{esc(w)} ranks <b>{esc(p)}</b> first" for w, p in first.items())
               if split else "The allies agree on <b>" + esc(next(iter(first.values()), "—")) + "</b>")
    extra = []
    if not frame.empty:
        f = frame.set_index("protocol")
        if "p_full" in f:
            best = f["p_full"].idxmax()
            extra.append(f"highest chance of a full deal: <b>{esc(best)}</b> ({f.loc[best, 'p_full']:.0%})")
        if "us_exploitation" in f:
            worst = f["us_exploitation"].idxmax()
            extra.append(f"most exploitable by a stalling North Korea: <b>{esc(worst)}</b> "
                         f"({f.loc[worst, 'us_exploitation']:.0%})")
    if all_ranks.get("PRK-stalling"):
        extra.append(f"a stalling North Korea prefers <b>{esc(all_ranks['PRK-stalling'][0])}</b>")
    robust = _split_robustness(res, first)
    if robust:
        extra.append(robust)
    chosen = res.protocol.value.get("chosen") or {}
    if isinstance(chosen, dict) and chosen.get("protocol"):
        extra.append(f"chosen by {esc(chosen.get('by', '?'))}: <b>{esc(chosen['protocol'])}</b>")
    notes = "".join(f"<li>{x}</li>" for x in extra)
    return (head + f'<p class="big">{verdict}</p><div class="vs">{"".join(lists)}</div>'
            f'<ul class="small" style="padding-left:18px;margin:4px 0">{notes}</ul>'
            '<p class="small">Illustrative weights, not measurements (see Protocols).</p></div>')


def _split_robustness(res: Results, first: dict[str, str]) -> str:
    """How often, over the protocol sweep, each ally keeps its first choice and the allies stay split."""
    if not res.protocol_sweep.ok or len(first) < 2:
        return ""
    choices = E.first_choices(res.protocol_sweep.value, list(first))
    if choices.empty or not set(first) <= set(choices.columns):
        return ""
    n = len(choices)
    a, b = list(first)[:2]
    same = ((choices[a] == first[a]) & (choices[b] == first[b])).mean()
    split = (choices[a] != choices[b]).mean()
    return (f"over {n} sampled weight sets: the allies disagree in <b>{split:.0%}</b>; this exact split "
            f"({esc(a)} {esc(first[a])}, {esc(b)} {esc(first[b])}) holds in <b>{same:.0%}</b>")


def _ledger_card(res: Results) -> str:
    head = '<div class="card"><h3>Alliance ledger: the transactional view</h3>'
    items = _alliance_items(res.sc)
    if items.empty:
        return head + '<p class="small">The scenario has no alliance section.</p></div>'
    if not res.ledger.ok:
        rows = "".join(f"<li>{esc(it['from'])}→{esc(it['to'])} {esc(pretty(str(it['item'])))}: "
                       f"<b>{esc(P.fmt(it['value']))} {esc(it['unit'])}</b></li>" for _, it in items.iterrows())
        return (head + unavailable("Ledger engine", res.ledger.error or "") +
                f'<p class="small">Items as given:</p><ul class="small">{rows}</ul></div>')
    lj = res.ledger.value
    patron = lj.get("patron") or P.allies(res.sc)[0]
    tot = E.ledger_totals(lj)
    mat = E.totals_matrix(tot[tot["viewpoint"] == patron], show_missing=False) if not tot.empty else tot
    if not mat.empty:
        mat = mat[[c for c in mat.columns if c != "viewpoint"]]
    others = [m for m in lj.get("members", []) if m != patron]
    lines = E.ledger_lines(lj)
    facts = []
    if not lines.empty and "additive" in lines:
        nonadd = lines[(~lines["additive"].fillna(True).astype(bool)) & (lines.get("viewpoint") == patron)]
        facts = [f"{pretty(str(r['item']))} ({r['year']}): {P.fmt(r['value'])} {r['unit']}"
                 for _, r in nonadd.iterrows()]
    per_soldier = [f"{P.fmt(r.get('hns_per_soldier'))} {r.get('per_soldier_unit', '')} ({r.get('year')})"
                   for r in ((lj.get("burden") or {}).get("from_items") or [])]
    contested = sorted({str(r["item"]) for _, r in lines.iterrows()
                        if isinstance(r.get("contested"), str) and r.get("contested")}) if not lines.empty else []
    out = [head, f'<p class="small">Totals per lens from <b>{esc(patron)}</b>\'s side (benefit +, cost −; '
                 f"– = no figure); {esc(', '.join(others))}'s ledger is its mirror image.</p>",
           table(mat, render={"lens": lambda v, r: f"<b>{esc(v)}</b>"}) if not mat.empty else ""]
    if facts:
        out.append(f'<p class="small"><b>Not summed (terms, ranks, rates):</b> {esc("; ".join(facts))}</p>')
    if per_soldier:
        out.append(f'<p class="small"><b>Host-nation support per hosted soldier:</b> {esc("; ".join(per_soldier))}</p>')
    if contested:
        out.append('<p class="small"><span class="badge contested">contested</span> '
                   f"{esc(', '.join(pretty(c) for c in contested))}: see the ledger's notes</p>")
    warns = E.ledger_warnings(lj)
    if warns:
        out.append(f'<p class="small">{esc(warns[0])}</p>')
    return "".join(out) + "</div>"


def _alliance_items(sc: Any) -> pd.DataFrame:
    al = sc.alliance
    items = getattr(al, "items", None) if al is not None else None
    rows = []
    for it in items or []:
        ev = it.evidence
        rows.append({"item": it.item, "from": it.from_, "to": it.to, "year": it.year,
                     "value": point(it.value) if it.value is not None else None,
                     "range": P.range_text(it.value) if isinstance(it.value, Uncertain) else "", "unit": it.unit,
                     "contested": it.contested or "", "quote": ev.quote if ev else None,
                     "source": ev.source if ev else None, "note": ev.note if ev else None})
    return pd.DataFrame(rows)


def _key_table(res: Results) -> str:
    sc, runs = res.sc, res.runs
    if not runs:
        return unavailable("Forecasts", "no forecast model ran")
    fin = P.final_frame(sc, runs).reset_index()
    head = res.headline_model
    fin["reads"] = [P.nearest_label(sc.issue(i), v) for i, v in zip(fin["issue"], fin[head], strict=True)]
    num = lambda v, r: esc(P.fmt(v, 3))  # noqa: E731

    def issue_cell(v: Any, r: pd.Series) -> str:
        iss = sc.issue(v)
        unit = f"{iss.lo:g}–{iss.hi:g} {iss.units or ''}".strip()
        return f"<b>{esc(pretty(v))}</b><br><span class='src'>{esc(unit)}</span>"

    cols = {"issue": "issue", **{m: m for m in runs}, "reads": f"{head} reads as"}
    return table(fin, cols, render={"issue": issue_cell, **{m: num for m in runs}}, numeric=list(runs))


# --- evidence ------------------------------------------------------------------------------------
def evidence(res: Results, page: Page) -> str:
    sc = res.sc
    srcs = P.source_titles(sc)
    actors = P.actors_frame(sc)
    issues = P.issues_frame(sc)
    stances = P.stances_frame(sc)
    n_q = int((~stances["estimate"]).sum())
    ev = lambda v, r: evidence_cell(r.get("quote"), r.get("source"), r.get("note"), srcs, r.get("range", ""),  # noqa: E731
                                    res.quote_check(r.get("source"), r.get("quote")),
                                    r.get("edited", ""))
    out = [f'<section id="evidence"><h2>Evidence: the scenario as given</h2>'
           f'<p class="lead">{len(sc.actors)} actors, {len(sc.issues)} issues, {len(sc.stances)} stances — '
           f"{n_q} backed by a verbatim quote from the source, {len(stances) - n_q} analyst estimates with a "
           f"range and a note.</p>",
           "<h3>Actors</h3>",
           table(actors.assign(ev=""), {"id": "id", "name": "name", "capability": "capability", "range": "range",
                                        "ev": "evidence"}, render={"ev": ev}),
           "<h3>Issues and their scales</h3>",
           table(issues.assign(ev=""), {"id": "id", "name": "name", "low": "low", "high": "high", "units": "units",
                                        "labels": "scale labels", "status_quo": "status quo", "ev": "evidence"},
                 render={"ev": ev, "id": lambda v, r: f"<b>{esc(v)}</b>"}),
           "<h3>Stances, issue by issue</h3>"]
    for iss in sc.issues:
        sub = stances[stances.issue == iss.id].copy()
        if sub.empty:
            continue
        sub["range"] = sub["position_range"]
        sub["reads"] = [P.nearest_label(iss, v) for v in sub["position"]]
        sub["ev"] = ""
        out.append(f"<h4>{esc(iss.name)} <span class='small'>({esc(iss.id)}, {iss.lo:g}–{iss.hi:g}"
                   f"{' ' + esc(iss.units) if iss.units else ''})</span></h4>")
        out.append(table(sub, {"actor": "actor", "position": "position", "position_range": "position range",
                               "reads": "reads as", "salience": "salience", "salience_range": "salience range",
                               "capability": "capability", "ev": "evidence"}, render={"ev": ev}))
    items = _alliance_items(sc)
    if not items.empty:
        items["ev"] = ""
        out.append("<h3>Alliance items</h3>")
        out.append(table(items, {"year": "year", "item": "item", "from": "from", "to": "to", "value": "value",
                                 "range": "range", "unit": "unit", "ev": "evidence", "contested": "contested"},
                         render={"ev": ev}, numeric=["year"]))
    out.append("</section>")
    return "".join(out)


# --- forecast ------------------------------------------------------------------------------------
def forecast(res: Results, page: Page) -> str:
    sc, runs = res.sc, res.runs
    out = ['<section id="forecast"><h2>Forecasts: every model side by side</h2>'
           '<p class="lead">Each model reads the same stances. Final forecasts are in the issue\'s own units; '
           "the trajectories show every actor's position round by round with the model's statistic dashed.</p>"]
    for m, part in res.forecasts.items():
        if not part.ok:
            out.append(unavailable("Forecast engine" if m == "forecast" else f"Model {m}", part.error or ""))
    if not runs:
        return "".join([*out, unavailable("Forecasts", "no forecast model ran"), "</section>"])
    out.append("<h3>Final forecasts</h3>")
    out.append(_guard("Final forecast table", lambda: _final_table(res)))
    out.append(_guard("Forecast comparison", lambda: page.figure(
        F.forecast_comparison_fig(sc, P.positions_frame(sc, runs)), "forecast", "forecast comparison per issue")))
    notes = [(m, n) for m, r in runs.items() for n in r.output.notes]
    if notes:
        out.append("<details><summary>Model notes</summary><ul class='small'>" +
                   "".join(f"<li><b>{esc(m)}</b>: {esc(n)}</li>" for m, n in notes) + "</ul></details>")
    out.append("<h3>Positions by round</h3>")
    for iss in sc.issues:
        out.append(_guard(f"Trajectories of {iss.id}", lambda iss=iss: page.figure(  # type: ignore[misc]
            F.trajectories_fig(P.trajectory_frame(runs, iss.id), iss), "forecast", f"trajectories {iss.id}")))
    out.append("<h3>SMP: outcome probabilities</h3>")
    out.append(_guard("SMP probabilities", lambda: _smp(res, page)))
    out.append("<h3>Exchange model: realised trades</h3>")
    out.append(_guard("Exchanges", lambda: _exchanges(res, page)))
    out.append("</section>")
    return "".join(out)


def _final_table(res: Results) -> str:
    sc, runs = res.sc, res.runs
    fin = P.final_frame(sc, runs).reset_index()
    fin["status quo"] = [point(sc.issue(i).status_quo) for i in fin["issue"]]
    fin["units"] = [sc.issue(i).units or "" for i in fin["issue"]]
    for m in runs:
        fin[f"{m}_l"] = [P.nearest_label(sc.issue(i), v) for i, v in zip(fin["issue"], fin[m], strict=True)]
    cols: dict[str, str] = {"issue": "issue", "units": "units", "status quo": "status quo"}
    for m in runs:
        cols[m] = m
    head = res.headline_model
    if head:
        cols[f"{head}_l"] = f"reads as ({head})"
    return table(fin, cols, render={"issue": lambda v, r: f"<b>{esc(pretty(v))}</b>"})


def _smp(res: Results, page: Page) -> str:
    part = res.forecasts.get("smp")
    if part is None:
        return unavailable("SMP", "the smp model is not registered yet")
    if not part.ok:
        return unavailable("SMP", part.error or "")
    probs = P.smp_probabilities(part.value)
    if probs.empty:
        return unavailable("SMP outcome probabilities", "the smp run carries no per-turn probabilities in its extras")
    return page.figure(F.smp_probabilities_fig(probs, list(part.value.input.issues)), "forecast",
                       "SMP outcome probabilities by turn")


def _exchanges(res: Results, page: Page) -> str:
    part = res.forecasts.get("exchange")
    if part is None:
        return unavailable("Exchange model", "the exchange model is not registered yet")
    if not part.ok:
        return unavailable("Exchange model", part.error or "")
    ex = P.exchanges_frame(part.value)
    if ex.empty:
        return '<p class="small">The exchange model realised no exchanges on this scenario.</p>'
    trades = P.trades_frame(ex)
    fig = page.figure(F.exchanges_fig(trades), "forecast", "exchange model trades") if "pair" in trades else ""
    cols = {"round": "round", "pair": "actors", "move_i": "first move", "move_j": "in return", "gain": "gain"}
    biggest = trades.sort_values("gain", ascending=False).head(15) if "gain" in trades else trades.head(15)
    return (fig + f"<h4>The 15 largest trades (of {len(trades)})</h4>{table(biggest, cols, numeric=['round'])}"
            f"<details><summary>Every realised exchange</summary>{table(trades, cols, numeric=['round'])}</details>")


# --- protocol ------------------------------------------------------------------------------------
def protocol(res: Results, page: Page) -> str:
    out = ['<section id="protocol"><h2>Negotiating protocols: big deal, small deals, step by step</h2>'
           '<p class="lead">The article\'s central dispute as a game of incomplete information: North Korea is '
           "sincere or stalling; each protocol schedules denuclearisation and relief in tranches. Values are "
           "ex-ante expected payoffs under illustrative weights, not measurements.</p>"]
    if not res.protocol.ok:
        return "".join([*out, unavailable("Protocol engine", res.protocol.error or ""), "</section>"])
    pj = res.protocol.value
    if pj.get("family") == "cost-sharing":
        out[0] = ('<section id="protocol"><h2>Negotiating protocols: how the cost-sharing talks are run</h2>'
                  '<p class="lead">Agreement after agreement over the contribution: each protocol is a schedule '
                  "of terms (one multi-year deal, yearly stopgaps, a deal indexed to the client's defence "
                  "budget). Values are each side's discounted surplus over its walk-away point.</p>")
    frame = E.protocol_frame(pj)
    out.append("<h3>Comparison</h3>")
    cols = {"protocol": "protocol", **{k: v for k, v in E.PROTOCOL_METRICS.items() if k in frame},
            **{c: c for c in frame.columns if c.startswith("V ")}}
    out.append(table(frame, cols, render={"protocol": lambda v, r: f"<b style='white-space:nowrap'>{esc(v)}</b>"}))
    out.append(_guard("Protocol figure", lambda: page.figure(F.protocol_values_fig(frame), "protocol",
                                                              "protocol comparison")))
    beliefs = E.beliefs_frame(pj)
    if not beliefs.empty:
        out.append(_guard("Belief paths", lambda: page.figure(F.beliefs_fig(beliefs), "protocol", "belief paths")))
    else:
        out.append(unavailable("Belief paths", "the protocol engine reported no beliefs"))
    ranks = E.rankings(pj)
    if ranks:
        out.append("<h3>Each ally's ranking (best first)</h3>")
        depth = max(len(v) for v in ranks.values())
        rk = pd.DataFrame({w: v + [""] * (depth - len(v)) for w, v in ranks.items()})
        rk.insert(0, "rank", range(1, depth + 1))
        out.append(table(rk, numeric=["rank"]))
    path = E.path_frame(pj)
    if not path.empty:
        cols = {"protocol": "protocol", "stage": "stage", "order": "who moves first", "dd": "denuclearisation",
                "dr": "relief", "belief": "P(sincere)", "p": "US delivers", "q_sincere": "sincere complies",
                "q_stalling": "stalling complies"}
        out.append("<details><summary>Equilibrium path of each protocol, stage by stage</summary>" +
                   table(path, cols, numeric=["stage"]) + "</details>")
    params = pj.get("parameter_table")
    if params:
        out.append("<details><summary>Parameters (illustrative weights with their ranges and reasoning)</summary>"
                   + table(pd.DataFrame(params)) + "</details>")
    for key in ("notes", "selection", "caveats"):
        if pj.get(key):
            val = pj[key]
            text = val if isinstance(val, str) else "; ".join(map(str, val))
            out.append(f"<p class='small'><b>{esc(key)}:</b> {esc(text)}</p>")
    out.append("</section>")
    return "".join(out)


# --- ledger --------------------------------------------------------------------------------------
def ledger(res: Results, page: Page) -> str:
    out = ['<section id="ledger"><h2>Alliance ledger: costs and benefits from each side</h2>'
           '<p class="lead">Each item is a cost on the giver\'s ledger and a benefit on the receiver\'s, under a '
           "cash, economic or strategic lens; a bilateral trade deficit counts only under the transactional lens "
           "and is marked contested. Missing figures are listed, never counted as zero.</p>"]
    if not res.ledger.ok:
        return "".join([*out, unavailable("Ledger engine", res.ledger.error or ""), "</section>"])
    lj = res.ledger.value
    sources = P.source_titles(res.sc)
    lines = E.ledger_lines(lj)
    ev = lambda v, r: evidence_cell(r.get("quote"), r.get("source"), r.get("note"), sources,  # noqa: E731
                                    check=res.quote_check(r.get("source"), r.get("quote")))
    con = lambda v, r: (f'<span class="badge contested">contested</span> <span class="small">{esc(v)}</span>'  # noqa: E731
                        if isinstance(v, str) and v else "")
    money = E.money_lines(lines)
    tot = E.ledger_totals(lj)
    out.append('<div class="grid2"><div>')
    if not tot.empty:
        out.append("<h3>Totals by lens, from each side</h3>" + table(
            E.totals_matrix(tot), render={"lens": lambda v, r: f"<b>{esc(v)}</b>"}))
    out.append("</div><div>")
    if not money.empty:
        out.append(_guard("Ledger figure", lambda: page.figure(F.ledger_fig(money), "ledger", "alliance ledger")))
    out.append("</div></div>")
    if not lines.empty and "viewpoint" in lines:
        both = E.both_sides(lines).assign(ev="")
        sides = {c: f"{c[5:]}'s side" for c in both.columns if c.startswith("side ")}
        side = lambda v, r: (f'<b style="color:{"#b3261e" if v == "cost" else "#1d6b45"}">{esc(v)}</b>'  # noqa: E731
                             if isinstance(v, str) else "–")
        out.append("<h3>Every item, from both sides</h3>")
        cols = {"year": "year", "lens": "lens", "item": "item", "value": "value", "unit": "unit", **sides,
                "ev": "evidence", "contested": "contested"}
        out.append(table(both, cols, render={"ev": ev, "contested": con, **{c: side for c in sides}},
                         numeric=["year"]))
    elif not lines.empty:
        out.append(table(lines))
    missing = lj.get("missing")
    if missing:
        out.append("<details><summary>Missing items (listed, never counted as zero)</summary>" +
                   table(pd.DataFrame(missing), numeric=["year"]) + "</details>")
    out.append(_guard("Burden measures", lambda: _burden(lj)))
    out.append(_guard("Exploitation tests", lambda: _exploitation(lj)))
    for w in E.ledger_warnings(lj):
        out.append(warning(w))
    out.append("</section>")
    return "".join(out)


def _burden(lj: dict[str, Any]) -> str:
    burden = lj.get("burden")
    if not burden:
        return unavailable("Burden measures", "the ledger reported none")
    out = ["<h3>Burden measures</h3>"]
    if isinstance(burden, list):
        return out[0] + table(pd.DataFrame(burden))
    items = burden.get("from_items")
    if items:
        df = pd.DataFrame(items)
        out.append(table(df, {"year": "year", "member": "payer", "hns": "host-nation support", "unit": "unit",
                              "troops_hosted": "troops hosted", "hns_per_soldier": "per soldier",
                              "per_soldier_unit": "unit"}, numeric=["year"]))
    panel = burden.get("panel")
    if panel:
        out.append("<h4>Ally-year panel measures</h4>" + table(pd.DataFrame(panel)))
    elif "warning" not in burden:
        out.append("<p class='small'>No ally-year panel in the scenario.</p>")
    for note in burden.get("notes") or []:
        out.append(f"<p class='small'>{esc(note)}</p>")
    return "".join(out)


def _exploitation(lj: dict[str, Any]) -> str:
    """The rank tests per year, the latest year's answer in one sentence, and each ally's burden rank."""
    by_year = (lj.get("tests") or {}).get("by_year")
    if not by_year:
        return ""
    rows = []
    for year, t in sorted(by_year.items()):
        for name in ("spearman", "kendall", "partial_spearman", "wilcoxon"):
            r = t.get(name) or {}
            rows.append({"year": year, "test": name, "n": t.get("n"), "statistic": r.get("statistic"),
                         "p-value": r.get("pvalue"), "note": r.get("warning", "")})
    last = max(by_year, key=int)
    sp = by_year[last].get("spearman") or {}
    out = ["<h3>Do the larger allies carry the burden? (Olson–Zeckhauser exploitation tests)</h3>"]
    if "statistic" in sp:
        verdict = "do" if sp["pvalue"] < 0.05 else "do not"
        sentence = (f"In {last}, larger allies {verdict} carry significantly higher defence burdens: Spearman "
                    f"&rho; = {sp['statistic']:.2f} between GDP and defence/GDP (one-sided p = {sp['pvalue']:.2f}, "
                    f"n = {by_year[last]['n']}).")
        panel = pd.DataFrame((lj.get("burden") or {}).get("panel") or [])
        if not panel.empty and {"member", "year", "defence_gdp"} <= set(panel.columns):
            yr = panel[(panel["year"].astype(int) == int(last)) & panel["defence_gdp"].notna()]
            yr = yr.sort_values("defence_gdp", ascending=False).reset_index(drop=True)
            if "ROK" in set(yr["member"]):
                k = int(yr.index[yr["member"] == "ROK"][0]) + 1
                share = float(yr.loc[k - 1, "defence_gdp"]) * 100
                sentence += f" South Korea ranks {k} of {len(yr)} in defence burden ({share:.2f} % of GDP)."
            ranks = yr.assign(rank=range(1, len(yr) + 1), burden=(yr["defence_gdp"] * 100).round(2))
            out.append(f'<p class="lead">{sentence}</p>')
            out.append(table(pd.DataFrame(rows), numeric=["year", "n"]))
            out.append(f"<details><summary>Defence burden rank, {esc(str(last))}</summary>" +
                       table(ranks[["rank", "member", "burden"]], {"rank": "rank", "member": "ally",
                                                                   "burden": "defence, % of GDP"}) +
                       "</details>")
            return "".join(out)
        out.append(f'<p class="lead">{sentence}</p>')
    out.append(table(pd.DataFrame(rows), numeric=["year", "n"]))
    return "".join(out)


# --- sensitivity ---------------------------------------------------------------------------------
def sensitivity(res: Results, page: Page) -> str:
    sc = res.sc
    out = ['<section id="sensitivity"><h2>Sensitivity: which conclusions survive the uncertainty</h2>'
           f'<p class="lead">Every range in the evidence is sampled ({res.samples} samples, '
           "<code>--samples</code>); the boxes show where each issue may settle, and the Sobol indices which "
           "inputs drive each forecast (total effect ST, first-order S1, with confidence intervals).</p>"]
    if res.sweep.ok:
        df = res.sweep.value
        out.append(_guard("Sweep distributions", lambda: page.figure(F.distribution_fig(sc, df), "sweep",
                                                                     "forecast distributions")))
        for note in df.attrs.get("notes", []):
            out.append(warning(f"left out of the sweep: {note}"))
        summ = E.sweep_summary(df)
        if not summ.empty:
            out.append("<details><summary>Summary table</summary>" + table(summ) + "</details>")
    else:
        out.append(unavailable("Sweep", res.sweep.error or ""))
    out.append("<h3>Protocols under uncertainty</h3>")
    out.append(_guard("Protocol sweep", lambda: _protocol_sweep(res, page)))
    out.append(f"<h3>Sobol indices per issue ({esc(res.sensitivity_model or '—')} model)</h3>")
    if res.sensitivity.ok:
        sj = res.sensitivity.value
        if sj.get("evaluations"):
            out.append(f"<p class='small'>Saltelli design with base sample {esc(sj.get('samples'))}: "
                       f"{esc(P.fmt(sj.get('evaluations')))} model runs over {len(sj.get('inputs') or [])} "
                       "uncertain inputs; wide confidence intervals call for a larger <code>--samples</code>.</p>")
        for iss in sc.issues:
            idx = E.indices_frame(sj, iss.id)
            if idx.empty:
                out.append(unavailable(f"Sobol indices of {iss.id}", "none reported for this issue"))
                continue
            if not (idx["ST"].fillna(0).abs() > 0).any():
                out.append(f"<h4>{esc(pretty(iss.id))}</h4><p class='small'>The forecast does not vary over the "
                           "sampled inputs: there is no variance to decompose.</p>")
                continue
            out.append(_guard(f"Tornado {iss.id}", lambda idx=idx, iss=iss: page.figure(  # type: ignore[misc]
                F.tornado_fig(idx, f"{pretty(iss.id)}: what drives the forecast"), "sensitivity",
                f"tornado {iss.id}")))
    else:
        out.append(unavailable("Sensitivity indices", res.sensitivity.error or ""))
    out.append("</section>")
    return "".join(out)


def _protocol_sweep(res: Results, page: Page) -> str:
    if not res.protocol_sweep.ok:
        return unavailable("Protocol sweep", res.protocol_sweep.error or "")
    df = res.protocol_sweep.value
    players = [p for p in ("USA", "ROK", "PRK-stalling") if f"V_{p.replace('-', '_')}" in df]
    choices = E.first_choices(df, players)
    shares = E.first_choice_shares(choices)
    order = list(dict.fromkeys(df["issue"]))
    fig = page.figure(F.first_choice_fig(shares, order), "sweep", "protocol first choices over the sweep")
    summ = df.groupby("issue", sort=False)[[c for c in ("p_full", "us_exploitation", "nk_exploitation")
                                             if c in df]].agg(["mean", "std"])
    summ.columns = [f"{a} {b}" for a, b in summ.columns]
    return (f"<p class='small'>The protocol game solved for {df['sample'].nunique()} draws of its uncertain "
            "weights (each within its range in the scenario).</p>" + fig +
            "<details><summary>Outcome probabilities over the sweep (mean, sd)</summary>" +
            table(summ.reset_index().rename(columns={"issue": "protocol"})) + "</details>")


# --- outcomes (the section itself is allied.report.track.outcomes) ------------------------------------
def _closest(row: pd.Series, models: list[str]) -> str:
    """The model(s) whose forecast lies nearest a numeric outcome ('' when the outcome has no number)."""
    actual = pd.to_numeric(pd.Series([row.get("actual")]), errors="coerce").iloc[0]
    if not np.isfinite(actual):
        return ""
    dist = {m: abs(float(row[m]) - actual) for m in models if m in row and np.isfinite(row[m])}
    if not dist:
        return ""
    best = min(dist.values())
    return ", ".join(m for m, d in dist.items() if d <= best + 1e-9)


# --- method and citations ------------------------------------------------------------------------
def method(res: Results) -> str:
    from allied.report.citations import citations_html, method_html

    return f'<section id="method"><h2>Method and sources</h2>{method_html(res)}{citations_html(res)}</section>'
