"""Python API of the protocol engine: compare protocols, batch-solve parameter samples, simulate.

* :func:`compare` — every requested protocol on a scenario's ``protocol:`` section: outcome table
  (a DataFrame), equilibrium path per stage, rankings per actor, South Korea's engagement choice and
  the allied protocol choice (US, Seoul, or a weighted compromise); ``.to_json()`` gives DESIGN §5.
* :func:`solve_batch` — the kernel over ``B`` parameter draws (for sweeps): ``dict`` of ``[B]`` arrays.
* :func:`protocol_inputs` — the section's uncertain parameters as ``(protocol.<path>, Uncertain)``.
* :func:`simulate` — Monte Carlo over types and mixed actions: one row per simulated negotiation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from allied.errors import ModelError
from allied.protocols import _aot
from allied.protocols import layout as K
from allied.protocols.inputs import as_section as _section
from allied.protocols.inputs import protocol_inputs as protocol_inputs  # re-exported: part of this API
from allied.protocols.layout import SELECTIONS
from allied.protocols.presets import Protocol, resolve
from allied.scenario.sections.protocol import PARAM_BY_PATH, PARAMETERS, ProtocolSection, iter_values
from allied.scenario.uncertain import Uncertain, point

if TYPE_CHECKING:  # the tables are pandas; a batch solve (sweeps) needs none, so pandas loads on first use
    import pandas as pd

ACTORS: tuple[str, ...] = ("USA", "ROK", "PRK-sincere", "PRK-stalling")
VALUE_COLUMN: dict[str, str] = {"USA": "V_USA", "ROK": "V_ROK", "PRK-sincere": "V_PRK_sincere",
                                "PRK-stalling": "V_PRK_stalling"}
#: Seoul's engagement menu: (name, uses s_uncond, uses s_cond); ties go to the earlier (cheaper) entry
ENGAGEMENT_MENU: tuple[tuple[str, bool, bool], ...] = (
    ("none", False, False), ("conditional", False, True), ("unconditional", True, False), ("both", True, True))
TOL_REL = 1e-10  # fallback regret tolerance (relative); exact equilibria (stage.NOISE_REL) always come first
ILLUSTRATIVE = ("Default weights are illustrative (korea-2019): they express the article's qualitative "
                "claims, not measurements. Sweep their ranges before reading anything into the numbers.")


def point_vector(section: ProtocolSection | None = None) -> np.ndarray:
    """Deterministic parameter vector (kernel order) from a section's point values."""
    sec = _section(section)
    return np.array([point(v) for _, v in iter_values(sec)], dtype=np.float64)


def params_matrix(params: Mapping[str, Any], section: ProtocolSection | None = None) -> np.ndarray:
    """``[B, NPAR]`` from ``{name: [B] array or scalar}`` (names ``alpha.S`` or ``protocol.alpha.S``);
    parameters not given take the section's point values. Values outside their bounds raise."""
    base = point_vector(section)
    cols: dict[int, np.ndarray] = {}
    size = 1
    for key, val in params.items():
        name = key.removeprefix("protocol.")
        if name not in PARAM_BY_PATH:
            raise ModelError(f"'{key}' is not a protocol parameter; use one of "
                             f"{', '.join(p.path for p in PARAMETERS)}")
        arr = np.atleast_1d(np.asarray(val, dtype=np.float64))
        doc = PARAM_BY_PATH[name]
        if arr.size and (np.nanmin(arr) < doc.lo_bound or np.nanmax(arr) > doc.hi_bound or np.isnan(arr).any()):
            raise ModelError(f"protocol parameter '{key}': values must lie in [{doc.lo_bound:g}, "
                             f"{doc.hi_bound:g}]; clip the sampled range to the parameter's bounds")
        cols[K.PARAM_NAMES.index(name)] = arr
        if arr.size != 1:
            if size not in (1, arr.size):
                raise ModelError(f"protocol parameter '{key}': {arr.size} values where others have {size}; "
                                 "give every parameter the same number of samples")
            size = arr.size
    out = np.tile(base, (size, 1))
    for i, arr in cols.items():
        out[:, i] = arr
    return out


def _run(pars: np.ndarray, proto: Protocol, grid: int, selection: str) -> tuple[np.ndarray, np.ndarray]:
    dd, dr, order = proto.arrays()
    return _aot.solve_many(np.ascontiguousarray(pars), dd, dr, order, int(grid), SELECTIONS[selection], TOL_REL)


def solve_batch(params: Mapping[str, Any], protocol: str | Protocol, *, section: ProtocolSection | None = None,
                grid: int | None = None, selection: str | None = None) -> dict[str, np.ndarray]:
    """Solve one protocol for ``B`` parameter draws: ``{output name: [B] array}`` (names: ``OUT_NAMES``).

    South Korea's engagement is taken as given (``s_uncond``, ``s_cond``) in a batch."""
    sec = _section(section)
    proto = resolve(sec, [protocol])[0]
    outs, _ = _run(params_matrix(params, sec), proto, grid or sec.grid, selection or sec.selection)
    return {name: outs[:, i].copy() for i, name in enumerate(K.OUT_NAMES)}


@dataclass
class Comparison:
    """Result of :func:`compare`."""

    table: pd.DataFrame  # one row per protocol, columns OUT_NAMES + engagement
    stages: pd.DataFrame  # one row per protocol and stage on the equilibrium path
    rankings: dict[str, list[str]]
    chosen: str
    chooser: str
    selection: str
    protocols: dict[str, Protocol] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    parameters: dict[str, float] = field(default_factory=dict)  # point values used (engagement before choice)

    def beliefs(self, name: str) -> list[float]:
        s = self.stages[self.stages["protocol"] == name]["belief"].to_numpy()
        return [float(x) for x in s if np.isfinite(x)]

    def frame(self) -> pd.DataFrame:
        """Tidy DataFrame, one row per protocol: ``protocol``, the outcome probabilities, each player's value
        (``V_USA``, ``V_ROK``, ``V_PRK_sincere``, ``V_PRK_stalling``), ``engagement`` and ``max_regret``."""
        return self.table.reset_index()

    def to_json(self) -> dict[str, Any]:
        """The DESIGN §5 object (plus detail: per-stage path, engagement, choice, notes)."""
        protos: dict[str, Any] = {}
        for name, row in self.table.iterrows():
            st = self.stages[self.stages["protocol"] == name]
            detail = [{k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                       for k, v in r.items() if k != "protocol"} for r in st.to_dict("records")]
            protos[str(name)] = {
                "p_full": float(row["p_full"]),
                "p_full_by_type": {"sincere": float(row["p_full_sincere"]),
                                   "stalling": float(row["p_full_stalling"])},
                "denuclearisation": float(row["denuclearisation"]),
                "relief": float(row["relief"]),
                "us_exploitation": float(row["us_exploitation"]),
                "nk_exploitation": float(row["nk_exploitation"]),
                "stages": float(row["stages"]),
                "values": {a: float(row[VALUE_COLUMN[a]]) for a in ACTORS},
                "max_regret": float(row["max_regret"]),
                "beliefs": self.beliefs(str(name)),
                "grid_error": float(row["grid_error"]),
                "relief_pocketed": float(row["relief_pocketed"]),
                "engagement": {"policy": row["engagement"], "s_uncond": float(row["s_uncond_applied"]),
                               "s_cond": float(row["s_cond_applied"])},
                "path": detail,
            }
        return {"family": "denuclearisation", "protocols": protos, "rankings": self.rankings,
                "chosen": {"by": self.chooser, "protocol": self.chosen}, "selection": self.selection,
                "parameters": self.parameters, "notes": self.notes}


def _engagement_rows(vec: np.ndarray, sec: ProtocolSection) -> list[tuple[str, np.ndarray]]:
    if sec.engagement == "fixed":
        return [("fixed", vec)]
    rows = []
    for name, use_u, use_c in ENGAGEMENT_MENU:
        v = vec.copy()
        v[K.P_SU] = vec[K.P_SU] if use_u else 0.0
        v[K.P_SC] = vec[K.P_SC] if use_c else 0.0
        rows.append((name, v))
    return rows


def compare(section: ProtocolSection | Mapping[str, Any] | None = None,
            protocols: Iterable[str | Protocol] | None = None, *,
            overrides: Mapping[str, float] | None = None) -> Comparison:
    """Solve and compare protocols at the section's point values (``overrides``: ``{path: value}``)."""
    sec = _section(section)
    protos = resolve(sec, list(protocols) if protocols is not None else None)
    vec = params_matrix(dict(overrides or {}), sec)[0]
    rows: list[dict[str, Any]] = []
    stage_rows: list[dict[str, Any]] = []
    for proto in protos:
        options = _engagement_rows(vec, sec)
        pars = np.stack([v for _, v in options])
        outs, paths = _run(pars, proto, sec.grid, sec.selection)
        pick = int(np.argmax(outs[:, K.O_VK] - 1e-12 * np.arange(len(options))))
        row: dict[str, Any] = {"protocol": proto.name}
        row.update({n: float(outs[pick, i]) for i, n in enumerate(K.OUT_NAMES)})
        row["engagement"] = options[pick][0]
        row["s_uncond_applied"] = float(options[pick][1][K.P_SU])
        row["s_cond_applied"] = float(options[pick][1][K.P_SC])
        row["n_stages"] = len(proto.stages)
        rows.append(row)
        path = paths[pick]
        for k, (dd, dr, order) in enumerate(proto.stages):
            stage_rows.append({"protocol": proto.name, "stage": k + 1, "dd": dd, "dr": dr, "order": order,
                               **{n: float(path[k, i]) for i, n in enumerate(K.PATH_NAMES)}})
        stage_rows.append({"protocol": proto.name, "stage": len(proto.stages) + 1, "dd": 0.0, "dr": 0.0,
                           "order": "after deal", "belief": float(path[-1, 0]),
                           **{n: float("nan") for n in K.PATH_NAMES[1:]}})
    import pandas as pd

    table = pd.DataFrame(rows).set_index("protocol")
    stages = pd.DataFrame(stage_rows)
    rankings = {a: _rank(table, VALUE_COLUMN[a]) for a in ACTORS}
    chosen = _choose(table, sec)
    notes = [ILLUSTRATIVE,
             f"Equilibrium selection '{sec.selection}': among exact equilibria of each stage, the highest "
             "probability that talks continue, then the highest US value (see docs/protocols.md)."]
    params = {name: float(x) for name, x in zip(K.PARAM_NAMES, vec, strict=True)}
    return Comparison(table, stages, rankings, chosen, sec.chooser, sec.selection,
                      {p.name: p for p in protos}, notes, params)


def _rank(table: pd.DataFrame, col: str) -> list[str]:
    vals = table[col].to_numpy()
    order = sorted(range(len(vals)), key=lambda i: (-round(float(vals[i]), 12), i))
    return [str(table.index[i]) for i in order]


def _choose(table: pd.DataFrame, sec: ProtocolSection) -> str:
    if sec.chooser == "USA":
        return _rank(table, "V_USA")[0]
    if sec.chooser == "ROK":
        return _rank(table, "V_ROK")[0]
    score = sec.w_U * table["V_USA"] + (1 - sec.w_U) * table["V_ROK"]
    return str(score.idxmax())


def simulate(section: ProtocolSection | Mapping[str, Any] | None = None, protocol: str | Protocol = "big-deal",
             n: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """Monte Carlo over N's type and every mixed action on the equilibrium path (fixed engagement).

    One row per negotiation: ``type``, ``stages_completed``, ``end`` (deal, post-deal renege, N refused,
    US withheld, both refused), ``d_final``, ``r_final`` (after rebuilding and snapback),
    ``us_exploited``, ``nk_exploited``."""
    sec = _section(section)
    proto = resolve(sec, [protocol])[0]
    vec = point_vector(sec)
    outs, paths = _run(vec[None, :], proto, sec.grid, sec.selection)
    path = paths[0]
    rng = np.random.default_rng(seed)
    sincere = rng.random(n) < vec[K.P_MU0]
    dd, dr, order = proto.arrays()
    rho = vec[K.P_RHO]
    sig = min(max(vec[K.P_SIGMA] * (1 - vec[K.P_XI] * vec[K.P_DIV]), 0.0), 1.0)
    alive = np.ones(n, dtype=bool)
    done = np.zeros(n, dtype=np.int64)
    d = np.zeros(n)
    r = np.zeros(n)
    end = np.full(n, "", dtype=object)
    usx = np.zeros(n, dtype=bool)
    nkx = np.zeros(n, dtype=bool)
    for k in range(len(dd)):
        if not np.isfinite(path[k, 1]):
            break
        p, qs, qt, ru, a_s, a_t = path[k, 1:7]
        q = np.where(sincere, qs, qt)
        a = np.where(sincere, a_s, a_t)
        u_move = rng.random(n)
        n_move = rng.random(n)
        if order[k] == 0:  # N-first: the US replies to what it sees
            n_acts = n_move < q
            u_acts = np.where(n_acts, u_move < p, ru > 0.5)
        elif order[k] == 1:  # US-first: N replies
            u_acts = u_move < p
            n_acts = np.where(u_acts, n_move < q, a > 0.5)
        else:
            u_acts = u_move < p
            n_acts = n_move < q
        for mask, label in ((n_acts & ~u_acts, "US withheld"), (~n_acts & u_acts, "N refused"),
                            (~n_acts & ~u_acts, "both refused")):
            m = alive & mask
            dk = d[m] + (dd[k] if label == "US withheld" else 0.0)
            rk = r[m] + (dr[k] if label == "N refused" else 0.0)
            held = rk > 0
            if label != "US withheld":
                usx[m] = held & ((label == "N refused") | (order[k] != 1))
                if order[k] == 1 and label == "both refused":
                    end[m] = "US withheld"
                else:
                    end[m] = label
            else:
                nkx[m] = True
                end[m] = label
            d[m] = (1 - rho) * dk
            r[m] = (1 - sig) * rk
            alive[m] = False
        go = alive & n_acts & u_acts
        d[go] += dd[k]
        r[go] += dr[k]
        done[go] += 1
    full = alive & (done == len(dd))
    keep = np.where(sincere, outs[0, K.O_KEEP_S], outs[0, K.O_KEEP_T]) > 0.5
    end[full & keep] = "deal"
    ren = full & ~keep
    end[ren] = "post-deal renege"
    usx[ren] = r[ren] > 0
    d[ren] *= 1 - rho
    r[ren] *= 1 - sig
    import pandas as pd

    return pd.DataFrame({"type": np.where(sincere, "sincere", "stalling"), "stages_completed": done,
                         "end": end.astype(str), "d_final": d, "r_final": r, "us_exploited": usx,
                         "nk_exploited": nkx})


def parameter_table(section: ProtocolSection | None = None) -> pd.DataFrame:
    """Each parameter: value in this section (point), range, meaning and reasoning for the default."""
    sec = _section(section)
    rows = []
    for (path, v), doc in zip(iter_values(sec), PARAMETERS, strict=True):
        lo, hi = v.bounds() if isinstance(v, Uncertain) else (float(v), float(v))
        rows.append({"parameter": path, "value": point(v), "low": lo, "high": hi, "meaning": doc.meaning,
                     "reasoning": doc.reasoning})
    import pandas as pd

    return pd.DataFrame(rows).set_index("parameter")


def solve(section: ProtocolSection | Mapping[str, Any] | None = None,
          protocol: str | Protocol | Sequence[Sequence[float | str]] = "big-deal") -> dict[str, Any]:
    """One protocol's results as a plain dict (the JSON entry of :meth:`Comparison.to_json`)."""
    sec = _section(section)
    if not isinstance(protocol, str | Protocol):
        from allied.protocols.presets import from_stages

        protocol = from_stages("custom", protocol)
    res = compare(sec, [protocol])
    name = protocol if isinstance(protocol, str) else protocol.name
    out: dict[str, Any] = res.to_json()["protocols"][name]
    return out
