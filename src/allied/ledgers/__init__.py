"""Alliance ledger and burden sharing: the transactional cost-benefit view from each member's side, burden
measures, exploitation tests and the economic theory of alliances (see ``docs/ledger.md``).

The public names below load their module on first use (PEP 562 ``__getattr__``): a sweep that only needs
the batched totals (:mod:`allied.ledgers.batch`) does not pay for scipy, numba and pandas, which the
exploitation tests, the theory and the tables use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from allied._lazy import lazy_names

if TYPE_CHECKING:
    from allied.ledgers.api import LedgerResult, alliance_of, ledger, load_panel
    from allied.ledgers.batch import LedgerPlan, plan, sample_totals
    from allied.ledgers.exploitation import MIN_MEMBERS, ExploitationWarning, exploitation_tests
    from allied.ledgers.lines import LedgerTables, build_ledger
    from allied.ledgers.loaders import merge_panel, read_panel_csv, read_sipri, read_world_bank, to_panel
    from allied.ledgers.measures import burden_measures
    from allied.ledgers.money import convert
    from allied.ledgers.theory import comparative_statics, nash_joint_product, nash_public_good
    from allied.scenario.model import Scenario

#: public name -> the submodule that defines it
_WHERE = {
    "LedgerResult": "api", "alliance_of": "api", "ledger": "api", "load_panel": "api",
    "LedgerPlan": "batch", "plan": "batch", "sample_totals": "batch",
    "MIN_MEMBERS": "exploitation", "ExploitationWarning": "exploitation", "exploitation_tests": "exploitation",
    "LedgerTables": "lines", "build_ledger": "lines",
    "merge_panel": "loaders", "read_panel_csv": "loaders", "read_sipri": "loaders", "read_world_bank": "loaders",
    "to_panel": "loaders",
    "burden_measures": "measures",
    "convert": "money",
    "comparative_statics": "theory", "nash_joint_product": "theory", "nash_public_good": "theory",
}


__getattr__, __dir__ = lazy_names(__name__, globals(), _WHERE)


def run(scenario: Scenario, year: int | None = None, base_dir: str | Path | None = None) -> LedgerResult:
    """The alliance ledger of ``scenario`` (all years, or one); ``base_dir`` is where a relative
    ``alliance.panel`` file lies (the scenario file's folder)."""
    from allied.ledgers.api import ledger

    return ledger(scenario, year, base_dir=base_dir)


__all__ = [
    "MIN_MEMBERS",
    "ExploitationWarning",
    "LedgerPlan",
    "LedgerResult",
    "LedgerTables",
    "alliance_of",
    "build_ledger",
    "burden_measures",
    "comparative_statics",
    "convert",
    "exploitation_tests",
    "ledger",
    "load_panel",
    "merge_panel",
    "nash_joint_product",
    "nash_public_good",
    "plan",
    "read_panel_csv",
    "read_sipri",
    "read_world_bank",
    "run",
    "sample_totals",
    "to_panel",
]
