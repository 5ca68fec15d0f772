"""Alliance ledger and burden sharing: the transactional cost-benefit view from each member's side, burden
measures, exploitation tests and the economic theory of alliances (see ``docs/ledger.md``)."""

from allied.ledger.api import LedgerResult, alliance_of, ledger, load_panel
from allied.ledger.batch import LedgerPlan, plan, sample_totals
from allied.ledger.exploitation import MIN_MEMBERS, ExploitationWarning, exploitation_tests
from allied.ledger.lines import LedgerTables, build_ledger
from allied.ledger.loaders import merge_panel, read_panel_csv, read_sipri, read_world_bank, to_panel
from allied.ledger.measures import burden_measures
from allied.ledger.money import convert
from allied.ledger.theory import comparative_statics, nash_joint_product, nash_public_good

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
    "sample_totals",
    "to_panel",
]

from allied._callable import make_callable

make_callable(__name__)  # `allied.ledger(...)` is the API function allied.api.ledger
