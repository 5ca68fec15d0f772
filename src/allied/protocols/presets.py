"""Protocols: the five presets of ``protocol.md`` and user-defined tranche schedules.

A protocol is a list of stages ``(dd, dr, order)``: the share of denuclearisation and of sanctions
relief in the stage, and who is exposed first (``N-first``, ``U-first``, ``simultaneous``).
Literature: Schelling (1960, ch. 2) on instalments; Watson (1999, 2002) on starting small.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from allied.errors import fail
from allied.protocols.layout import ORDERS
from allied.scenario.sections.protocol import ProtocolSection


@dataclass(frozen=True)
class Protocol:
    """A named tranche schedule."""

    name: str
    stages: tuple[tuple[float, float, str], ...]
    description: str = ""

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        dd = np.array([s[0] for s in self.stages], dtype=np.float64)
        dr = np.array([s[1] for s in self.stages], dtype=np.float64)
        order = np.array([ORDERS[s[2]] for s in self.stages], dtype=np.int64)
        return dd, dr, order


PRESETS: dict[str, Protocol] = {
    "big-deal": Protocol("big-deal", ((1.0, 1.0, "N-first"),),
                         "everything at once; relief only after complete denuclearisation (the US 'big deal')"),
    "small-deal": Protocol("small-deal", ((0.3, 0.6, "simultaneous"),),
                           "Hanoi-type: Yongbyon for the 2016-17 UN sanctions, no roadmap after it"),
    "step-by-step": Protocol("step-by-step", ((0.25, 0.25, "simultaneous"),) * 4,
                             "four equal tranches, action for action (Seoul's approach)"),
    "small-then-big": Protocol("small-then-big", ((0.3, 0.6, "simultaneous"), (0.7, 0.4, "N-first")),
                               "the small deal, then the rest with denuclearisation first"),
    "starting-small": Protocol("starting-small", tuple((x, x, "N-first") for x in (0.1, 0.2, 0.3, 0.4)),
                               "growing tranches, North Korea first, relief matching (Watson)"),
}


def available(section: ProtocolSection) -> dict[str, Protocol]:
    """Presets plus the section's user-defined protocols."""
    out = dict(PRESETS)
    for name, stages in section.protocols.items():
        out[name] = Protocol(name, tuple((s.dd, s.dr, s.order) for s in stages), "user-defined")
    return out


def resolve(section: ProtocolSection, names: Iterable[str | Protocol] | None = None) -> list[Protocol]:
    """The protocols to compare: ``names`` (preset or user names, or Protocol objects), else the
    section's ``compare`` list, else all."""
    avail = available(section)
    if names is None or not list(names):
        names = section.compare or list(avail)
    out: list[Protocol] = []
    for n in names:
        if isinstance(n, Protocol):
            out.append(n)
        elif n in avail:
            out.append(avail[n])
        else:
            raise fail("--protocol", "protocol", f"unknown protocol '{n}'",
                       f"use one of {', '.join(avail)} or define it under protocol.protocols")
    return out


def from_stages(name: str, stages: Sequence[Sequence[float | str]]) -> Protocol:
    """Build a protocol from ``[(dd, dr, order), ...]`` (validated)."""
    from pydantic import ValidationError

    try:
        sec = ProtocolSection(protocols={name: [list(s) for s in stages]})  # type: ignore[dict-item]
    except ValidationError as exc:
        msg = "; ".join(e["msg"] for e in exc.errors())
        raise fail("protocol", f"protocols.{name}", msg,
                   "write each stage as [dd, dr, order], order one of N-first, U-first, simultaneous, "
                   "with dd and dr shares adding up to at most 1") from None
    return available(sec)[name]
