"""The uncertain inputs of a scenario, named by path, and how a sweep draws them.

Every uncertain figure becomes one named :class:`Input`: actor and stance figures
(``stances.USA.sanctions_relief.position``), ledger item values and exchange rates
(``alliance.items.hns_2019.value``) and protocol parameters (``protocol.rho``). An :class:`InputSpace` lists
them in a fixed order and maps uniforms ``u[B, K]`` to values through each input's inverse CDF
(:meth:`Uncertain.ppf`), so one uniform design drives any distribution: Monte Carlo sweeps, SALib's
Sobol and Morris designs alike.

Seeding (DESIGN §6): sample ``i`` of a sweep with seed ``s`` draws its ``K`` uniforms from its own stream
``numpy.random.default_rng([s, i])``. The same sample therefore gets the same values whatever the engine,
worker count or chunk size; a stochastic model continues that same stream after the ``K`` uniforms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allied.scenario.model import Scenario
from allied.scenario.uncertain import Uncertain


@dataclass(frozen=True)
class Input:
    """One uncertain scenario figure."""

    name: str  # scenario path, e.g. stances.USA.sanctions_relief.position
    dist: Uncertain
    clip: tuple[float, float] | None = None

    @property
    def group(self) -> str:
        """The section it belongs to: ``actors``, ``stances``, ``alliance`` or ``protocol``."""
        return self.name.split(".", 1)[0].split("[", 1)[0]

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at ``u``: :meth:`Uncertain.ppf` in closed form (no per-call scipy overhead)."""
        return self.dist.ppf(np.asarray(u, dtype=float), self.clip)

    def bounds(self) -> tuple[float, float]:
        return self.dist.bounds(self.clip)


@dataclass
class Draw:
    """``n`` samples of an input space: uniforms, values by name, and (sweeps only) each sample's stream."""

    names: list[str]
    u: np.ndarray  # [n, K]
    values: dict[str, np.ndarray]  # name -> [n]
    rngs: list[np.random.Generator] | None = None
    sample_ids: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.u.shape[0])

    def column(self, name: str) -> np.ndarray:
        """The uniforms of one input."""
        return self.u[:, self.names.index(name)]


@dataclass
class InputSpace:
    """The uncertain inputs of a scenario, in a fixed order."""

    inputs: list[Input] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.inputs]

    def __len__(self) -> int:
        return len(self.inputs)

    def subset(self, keep: Iterable[str]) -> InputSpace:
        wanted = set(keep)
        return InputSpace([i for i in self.inputs if i.name in wanted])

    def map(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """Uniforms ``u[B, K]`` -> values by input name (loop over inputs, vectorised over samples)."""
        u = _as_design(u, len(self.inputs))
        return {inp.name: inp.ppf(u[:, k]) for k, inp in enumerate(self.inputs)}

    def draw_uniform(self, u: np.ndarray) -> Draw:
        """A :class:`Draw` from a given uniform design (SALib samplers)."""
        u = _as_design(u, len(self.inputs))
        return Draw(self.names, u, self.map(u))

    def sample(self, seed: int, start: int, stop: int, keep_streams: bool = False) -> Draw:
        """Samples ``start .. stop-1`` of a sweep: sample ``i`` from ``default_rng([seed, i])``."""
        k = len(self.inputs)
        n = max(0, stop - start)
        u = np.empty((n, k))
        rngs: list[np.random.Generator] = []
        for j, i in enumerate(range(start, stop)):  # one stream per sample; numbers don't depend on chunking
            rng = np.random.default_rng([seed, i])
            u[j] = rng.random(k)
            if keep_streams:
                rngs.append(rng)
        d = self.draw_uniform(u)
        d.rngs = rngs if keep_streams else None
        d.sample_ids = np.arange(start, stop, dtype=np.int64)
        return d

    def problem(self) -> dict[str, Any]:
        """SALib problem over the uniform quantiles of every input (mapped by :meth:`map`)."""
        return {"num_vars": len(self.inputs), "names": self.names, "bounds": [[0.0, 1.0]] * len(self.inputs)}

    def describe(self) -> list[dict[str, Any]]:
        """One row per input: name, distribution, bounds and point value (for ``run.json`` and docs)."""
        return [{"name": i.name, "kind": i.dist.kind, "point": i.dist.point(), "bounds": list(i.bounds())}
                for i in self.inputs]


def _as_design(u: np.ndarray, k: int) -> np.ndarray:
    u = np.asarray(u, dtype=float)
    if u.ndim != 2 or u.shape[1] != k:
        raise ValueError(f"expected uniforms of shape [n, {k}], got {u.shape}")
    return u


def scenario_inputs(sc: Scenario) -> InputSpace:
    """Every uncertain figure of ``sc``: actors and stances, then ``alliance:``, then ``protocol:``."""
    from allied.scenario.arrays import stance_inputs

    out = [Input(path, dist, clip) for path, (dist, clip) in stance_inputs(sc).items()]
    out += ledger_inputs(sc)
    out += protocol_inputs(sc)
    return InputSpace(out)


def ledger_inputs(sc: Scenario) -> list[Input]:
    """Uncertain item values and exchange rates of the ``alliance:`` section, named by their ``--set`` path."""
    section = sc.alliance
    if section is None or isinstance(section, Mapping):
        return []
    from allied.ledgers.batch import plan

    return [Input(ledger_path(section, name), dist, None) for name, dist in plan(section).inputs]


def ledger_path(section: Any, name: str) -> str:
    """The ``--set`` path of a ledger input: ``alliance.items[3].value`` -> ``alliance.items.hns_2019.value``
    (by the item's id when it is unique, else by its index), ``alliance.exchange_rates[0].rate`` ->
    ``alliance.exchange_rates.0.rate``."""
    m = re.fullmatch(r"alliance\.(\w+)\[(\d+)\]\.(\w+)", name)
    if m is None:
        return name
    part, idx, field_ = m.group(1), int(m.group(2)), m.group(3)
    key = str(idx)
    if part == "items":
        ids = [it.item for it in section.items]
        if idx < len(ids) and ids.count(ids[idx]) == 1 and not ids[idx].isdigit():
            key = ids[idx]
    return f"alliance.{part}.{key}.{field_}"


def protocol_inputs(sc: Scenario) -> list[Input]:
    """Uncertain ``protocol:`` parameters (``protocol.<name>``), clipped to each parameter's domain."""
    from allied.sweeps import protocol_adapter

    return [Input(name, dist, clip) for name, dist, clip in protocol_adapter.uncertain_parameters(sc)]
