"""The ``cost-sharing`` protocol family: a patron and a client bargain, agreement after agreement, over the
client's yearly contribution (``docs/protocols.md``, section *Cost-sharing*).

Model (exact, batched over ``B`` parameter draws). Over a horizon of ``H`` years the parties negotiate at
the start of each agreement's term (``term`` years; the protocol is the schedule of terms and whether the
level is flat or indexed to the client's defence budget). In year ``t`` the patron would rather cut troops
than accept less than ``rP_t = rP (1 + gP)^t``; the client would rather let the agreement lapse (delay,
or fail to ratify) than pay more than ``rC_t = rC (1 + gC)^t``. An agreement at level ``x`` gives the
covered years the levels ``x f_t`` (``f_t = 1`` flat, ``(1 + gC)^(t - t0)`` indexed) and the surpluses
``U_P = sum_t w_t (x f_t - rP_t)`` and ``U_C = sum_t w_t (rC_t - x f_t)`` (``w_t`` the discount weights).

* **Split** (Binmore, Rubinstein & Wolinsky 1986; Nash 1950): the limit of alternating offers with the
  lapse at the deadline as the impasse point ``d_i = -lapse_i`` and walking away (0) as the outside
  option: the asymmetric Nash split with power ``a``, ``U_P = a S + a lapse_C - (1 - a) lapse_P`` clipped
  to ``[0, S]``. The side a lapse hurts more concedes more.
* **Self-enforcement**: either side may walk away at the start of any covered year; the level must leave
  both a non-negative continuation value from every year on. Those bounds form an interval for ``x``; the
  constrained Nash solution is the split clipped to it (the Nash product is log-concave in ``x``). When
  the interval is empty (or the zone is) there is no agreement: the deadline passes, both pay one lapse
  period, and the covered years go to outside options (troop cuts, no contribution).
* **Costs**: every negotiation costs each side ``talks``; each agreement costs the client ``ratification``.

The equilibrium is exact; ``max_regret`` is recomputed from the path as the largest gain any side has
from walking away at the start of any year (0 up to rounding for an equilibrium path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allied.scenario.sections.cost_sharing import BOUNDS, CostProtocol, CostSharingSection, iter_values
from allied.scenario.uncertain import Uncertain, point

PARAM_NAMES: tuple[str, ...] = tuple(BOUNDS)
OUT_NAMES: tuple[str, ...] = ("p_full", "p_deal", "contribution", "negotiations", "V_patron", "V_client",
                              "max_regret")


def point_vector(sec: CostSharingSection) -> np.ndarray:
    return np.array([point(v) for _, v in iter_values(sec)], dtype=np.float64)


def inputs(sec: CostSharingSection) -> list[tuple[str, Uncertain, tuple[float, float]]]:
    """Uncertain figures as ``(protocol.<path>, range, bounds)``."""
    return [(f"protocol.{p}", v, BOUNDS[p]) for p, v in iter_values(sec) if isinstance(v, Uncertain)]


def params_matrix(values: dict[str, Any], sec: CostSharingSection) -> np.ndarray:
    """``[B, P]`` from sampled ``{protocol.<path>: [B]}`` (others at point values)."""
    base = point_vector(sec)
    size = max([np.size(v) for v in values.values()] + [1])
    out = np.tile(base, (size, 1))
    for key, v in values.items():
        name = key.removeprefix("protocol.")
        if name not in BOUNDS:
            raise KeyError(f"'{key}' is not a cost-sharing parameter; use one of {', '.join(PARAM_NAMES)}")
        out[:, PARAM_NAMES.index(name)] = np.broadcast_to(np.asarray(v, dtype=float), (size,))
    return out


def solve_many(pars: np.ndarray, proto: CostProtocol, horizon: int, detail: bool = False
               ) -> tuple[dict[str, np.ndarray], list[dict[str, Any]]]:
    """Solve one protocol for ``B`` parameter rows: ``({output: [B]}, path of sample 0 when detail)``."""
    p = {n: pars[:, i] for i, n in enumerate(PARAM_NAMES)}
    b = pars.shape[0]
    beta = p["discount"]
    a = p["power"]
    years = np.arange(horizon)
    r_p = p["reservation.patron"][:, None] * (1 + p["growth.patron"][:, None]) ** years  # [B, H]
    r_c = p["reservation.client"][:, None] * (1 + p["growth.client"][:, None]) ** years
    v_p = np.zeros(b)
    v_c = np.zeros(b)
    paid = np.zeros(b)
    deals = np.zeros(b)
    regret = np.zeros(b)
    starts = list(range(0, horizon, proto.term))
    path: list[dict[str, Any]] = []
    for t0 in starts:
        cover = years[t0:min(t0 + proto.term, horizon)]
        k = cover - t0
        w = beta[:, None] ** k  # [B, n] discount weights within the term
        f = (1 + p["growth.client"][:, None]) ** k if proto.index == "budget" else np.ones((b, len(k)))
        rp, rc = r_p[:, cover], r_c[:, cover]
        # continuation bounds from every covered year s: x >= tail(w rP)/tail(w f), x <= tail(w rC)/tail(w f)
        tail = lambda m: np.cumsum(m[:, ::-1], axis=1)[:, ::-1]  # noqa: E731
        wf = tail(w * f)
        lo = np.max(tail(w * rp) / wf, axis=1)
        hi = np.min(tail(w * rc) / wf, axis=1)
        big_f, big_rp, big_rc = wf[:, 0], np.sum(w * rp, axis=1), np.sum(w * rc, axis=1)
        s = big_rc - big_rp
        u_p = np.clip(a * s + a * p["lapse.client"] - (1 - a) * p["lapse.patron"], 0.0, np.maximum(s, 0.0))
        x = np.clip((u_p + big_rp) / big_f, lo, hi)
        agree = (s >= 0) & (lo <= hi)
        gain_p = np.where(agree, x * big_f - big_rp, -p["lapse.patron"])
        gain_c = np.where(agree, big_rc - x * big_f, -p["lapse.client"])
        disc = beta ** t0
        v_p += disc * (gain_p - p["talks.patron"])
        v_c += disc * (gain_c - p["talks.client"] - np.where(agree, p["ratification"], 0.0))
        levels = np.where(agree[:, None], x[:, None] * f, 0.0)
        paid += np.sum(levels, axis=1)
        deals += agree
        # regret: the best gain from walking away at the start of a covered year, on the agreed path
        cont_p = tail(w * (levels - rp)) / w
        cont_c = tail(w * (rc - levels)) / w
        worst = np.maximum(np.max(-cont_p, axis=1), np.max(-cont_c, axis=1))
        regret = np.maximum(regret, np.where(agree, np.maximum(worst, 0.0), 0.0))
        if detail:
            path.append({"year": int(t0), "years": len(cover), "agreed": bool(agree[0]),
                         "level": float(x[0]) if agree[0] else None,
                         "levels": [float(v) for v in levels[0]],
                         "zone": [float(lo[0]), float(hi[0])],
                         "value_patron": float(gain_p[0]), "value_client": float(gain_c[0])})
    n = len(starts)
    out = {"p_full": (deals == n).astype(float), "p_deal": deals / n, "contribution": paid / horizon,
           "negotiations": np.full(b, float(n)), "V_patron": v_p, "V_client": v_c, "max_regret": regret}
    return out, path


@dataclass
class CostSharingComparison:
    """Every named protocol solved at the section's point values."""

    table: Any  # DataFrame, one row per protocol
    stages: Any  # DataFrame, one row per protocol and negotiation
    rankings: dict[str, list[str]]
    chosen: str
    chooser: str
    selection: str = "constrained asymmetric Nash (Binmore-Rubinstein-Wolinsky limit), walk-away at any year"
    family: str = "cost-sharing"
    notes: list[str] = field(default_factory=list)
    parameters: dict[str, float] = field(default_factory=dict)
    players: tuple[str, str] = ("USA", "ROK")
    paths: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def frame(self) -> Any:
        """One row per protocol: p_full, p_deal, contribution, negotiations, V_<patron>, V_<client>,
        max_regret, dominated_by."""
        return self.table.reset_index()

    def beliefs(self, name: str) -> list[float]:  # the denuclearisation family's belief paths; none here
        return []

    def to_json(self) -> dict[str, Any]:
        pat, cli = self.players
        protos: dict[str, Any] = {}
        for name, row in self.table.iterrows():
            protos[str(name)] = {
                "p_full": float(row["p_full"]), "p_deal": float(row["p_deal"]),
                "contribution": float(row["contribution"]), "negotiations": int(row["negotiations"]),
                "term": int(row["term"]), "index": str(row["index"]),
                "values": {pat: float(row[f"V_{pat}"]), cli: float(row[f"V_{cli}"])},
                "max_regret": float(row["max_regret"]), "dominated_by": list(row["dominated_by"]),
                "path": self.paths.get(str(name), []),
            }
        return {"family": self.family, "protocols": protos, "rankings": self.rankings,
                "chosen": {"by": self.chooser, "protocol": self.chosen}, "selection": self.selection,
                "parameters": self.parameters, "notes": self.notes}


def compare(sec: CostSharingSection, protocols: list[str] | None = None) -> CostSharingComparison:
    """Solve the named protocols (default: ``compare``, else all in the section) and rank them per side."""
    import pandas as pd

    names = protocols or sec.compare or list(sec.protocols)
    unknown = [n for n in names if n not in sec.protocols]
    if unknown:
        from allied.errors import fail

        raise fail("--protocol", ", ".join(unknown), "not a protocol of this cost-sharing section",
                   f"use one of {', '.join(sec.protocols)}, or name it under protocol.protocols")
    vec = point_vector(sec)[None, :]
    pat, cli = sec.patron, sec.client
    rows, stage_rows, paths = [], [], {}
    for name in names:
        proto = sec.protocols[name]
        out, path = solve_many(vec, proto, sec.horizon, detail=True)
        rows.append({"protocol": name, "term": proto.term, "index": proto.index,
                     **{k: float(v[0]) for k, v in out.items() if k not in ("V_patron", "V_client")},
                     f"V_{pat}": float(out["V_patron"][0]), f"V_{cli}": float(out["V_client"][0])})
        paths[name] = path
        stage_rows += [{"protocol": name, "stage": k + 1, **{c: v for c, v in st.items() if c != "levels"}}
                       for k, st in enumerate(path)]
    table = pd.DataFrame(rows).set_index("protocol")
    scale = max(1e-300, float(np.nanmax(np.abs(table[[f"V_{pat}", f"V_{cli}"]].to_numpy()))))
    tol = 1e-12 * scale
    table["dominated_by"] = [
        [q for q in table.index if table.loc[q, f"V_{pat}"] > table.loc[n, f"V_{pat}"] + tol
         and table.loc[q, f"V_{cli}"] > table.loc[n, f"V_{cli}"] + tol] for n in table.index]
    rankings = {pat: _rank(table, f"V_{pat}"), cli: _rank(table, f"V_{cli}")}
    if sec.chooser == "patron":
        chosen = rankings[pat][0]
    elif sec.chooser == "client":
        chosen = rankings[cli][0]
    else:
        chosen = str((sec.w_patron * table[f"V_{pat}"] + (1 - sec.w_patron) * table[f"V_{cli}"]).idxmax())
    notes = [f"Values are discounted surplus over each side's walk-away point, in the issue's units, over "
             f"{sec.horizon} years; talks and ratification costs included.",
             "Agreements are the constrained asymmetric Nash split (the limit of alternating offers with the "
             "lapse at the deadline as impasse and walking away as outside option); see docs/protocols.md."]
    params = {n: float(x) for n, x in zip(PARAM_NAMES, vec[0], strict=True)}
    return CostSharingComparison(table, pd.DataFrame(stage_rows), rankings, chosen,
                                 {"patron": pat, "client": cli}.get(sec.chooser, "compromise"),
                                 notes=notes, parameters=params, players=(pat, cli), paths=paths)


def _rank(table: Any, col: str) -> list[str]:
    vals = table[col].to_numpy()
    order = sorted(range(len(vals)), key=lambda i: (-round(float(vals[i]), 12), i))
    return [str(table.index[i]) for i in order]


def solve_batch(values: dict[str, Any], protocol: str, sec: CostSharingSection) -> dict[str, np.ndarray]:
    """One protocol over ``B`` sampled parameter draws: ``{output: [B]}`` (for sweeps)."""
    out, _ = solve_many(params_matrix(values, sec), sec.protocols[protocol], sec.horizon)
    return out
