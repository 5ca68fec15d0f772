"""The scenario's ``alliance:`` section: members, patron, yearly ledger items and an optional ally-year panel.

Read by the ledger engine (:mod:`allied.ledgers`). An item is one flow or fact between two members in one
year — ``{item, from, to, year, value, unit, evidence: {source, quote, note}}`` — optionally with its
``currency`` and an explicit ``exchange_rate``, the ``kind`` of fact, the ``lens`` it belongs to
(cash, economic, strategic, transactional), and a ``contested`` note. ``from`` bears the cost, ``to``
receives the benefit. ``value`` may be a number, an uncertain range, or ``null`` (known to exist but
not known: listed as missing, never counted as zero).

Exchange rates are *units of the item's currency per one unit of the reporting currency* (default US$),
e.g. ``1100`` for KRW per US$. Nothing is converted without a rate given in the file.

Unknown keys are errors. ``AllianceSection()`` with no arguments is a valid, empty section.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from allied.scenario.fields import Evidence, MaybeValue, Strict
from allied.scenario.uncertain import Uncertain

LENSES: tuple[str, ...] = ("cash", "economic", "strategic", "transactional")
Lens = Literal["cash", "economic", "strategic", "transactional"]

Kind = Literal[
    "host_nation_support",  # cash paid by the host towards stationing the patron's forces
    "host_nation_support_in_kind",  # land, facilities, services
    "stationing_cost",  # the patron's cost of stationing forces in the host
    "troops",  # foreign troops hosted
    "arms_purchases",  # purchases of the patron's arms
    "arms_rank",  # the host's rank among buyers of the patron's arms
    "trade_balance",  # bilateral trade balance (a deficit counted as a cost: transactional lens only)
    "tariff_threat",  # a threatened tariff rate
    "agreement_term",  # length of a cost-sharing agreement
    "defence_spending",
    "theatre_spending",  # the patron's theatre-allocated spending (an explicit assumption)
    "peacekeeping",
    "aid",
    "other",
]

#: lens each kind falls under unless the item says otherwise
DEFAULT_LENS: dict[str, str] = {
    "host_nation_support": "cash",
    "host_nation_support_in_kind": "economic",
    "stationing_cost": "cash",
    "troops": "strategic",
    "arms_purchases": "economic",
    "arms_rank": "economic",
    "trade_balance": "transactional",
    "tariff_threat": "economic",
    "agreement_term": "cash",
    "defence_spending": "strategic",
    "theatre_spending": "strategic",
    "peacekeeping": "strategic",
    "aid": "economic",
    "other": "economic",
}

# keyword → kind, for items written without a ``kind`` (first match wins)
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("in_kind", "host_nation_support_in_kind"),
    ("in-kind", "host_nation_support_in_kind"),
    ("stationing_cost", "stationing_cost"),
    ("term", "agreement_term"),
    ("host", "host_nation_support"),
    ("hns", "host_nation_support"),
    ("cost_sharing", "host_nation_support"),
    ("cost-sharing", "host_nation_support"),
    ("contribution", "host_nation_support"),
    ("sma", "host_nation_support"),
    ("troop", "troops"),
    ("tariff", "tariff_threat"),
    ("deficit", "trade_balance"),
    ("trade", "trade_balance"),
    ("rank", "arms_rank"),
    ("buyer", "arms_rank"),
    ("arms", "arms_purchases"),
    ("theatre", "theatre_spending"),
    ("defence", "defence_spending"),
    ("defense", "defence_spending"),
    ("peacekeeping", "peacekeeping"),
    ("aid", "aid"),
)

_NON_ADDITIVE_UNITS = ("%", "percent", "per cent", "rank", "year", "years")

# --- money units ---------------------------------------------------------------------------------
_CURRENCY_WORDS: dict[str, str] = {
    "us$": "USD", "usd": "USD", "$": "USD", "dollar": "USD", "dollars": "USD",
    "krw": "KRW", "won": "KRW", "₩": "KRW",
    "eur": "EUR", "€": "EUR", "euro": "EUR", "euros": "EUR",
    "jpy": "JPY", "yen": "JPY", "¥": "JPY",
    "gbp": "GBP", "£": "GBP", "cny": "CNY", "rmb": "CNY", "yuan": "CNY",
    "chf": "CHF", "aud": "AUD", "cad": "CAD", "inr": "INR", "rub": "RUB", "twd": "TWD",
}
_SCALE_WORDS: dict[str, float] = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "m.": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}


def parse_money_unit(unit: str) -> tuple[str, float] | None:
    """``"US$ million"`` → ``("USD", 1e6)``; ``"KRW trillion"`` → ``("KRW", 1e12)``; non-money → None."""
    text = unit.strip().lower()
    spaced = re.sub(r"(us\$|\$|€|£|¥|₩)", r" \1 ", text)
    tokens = [t for t in re.split(r"[\s,()/]+", spaced) if t]
    currency = None
    scale = 1.0
    for tok in tokens:
        if currency is None and tok in _CURRENCY_WORDS:
            currency = _CURRENCY_WORDS[tok]
        elif tok in _SCALE_WORDS:
            scale = _SCALE_WORDS[tok]
    return (currency, scale) if currency else None


Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]


#: kept as a name for the ledger's own code; the same evidence type as the rest of the scenario
LedgerEvidence = Evidence


class AllianceItem(Strict):
    """One ledger fact: ``value`` (in ``unit``) given by ``from`` to ``to`` in ``year``."""

    item: str = Field(min_length=1)
    from_: Code = Field(alias="from")
    to: Code
    year: int = Field(ge=1800, le=2200)
    value: MaybeValue
    unit: str = Field(min_length=1)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    exchange_rate: MaybeValue = Field(
        default=None, description="units of this item's currency per one unit of the reporting currency")
    kind: Kind | None = None
    lens: Lens | None = None
    additive: bool | None = None
    contested: str | None = None
    evidence: LedgerEvidence | None = None

    @model_validator(mode="after")
    def _check(self) -> AllianceItem:
        if self.from_ == self.to:
            raise ValueError(f"'from' and 'to' are both {self.to!r}; an item is a flow between two members")
        money = parse_money_unit(self.unit)
        if self.currency and money and money[0] != self.currency:
            raise ValueError(f"currency {self.currency!r} disagrees with the unit {self.unit!r}")
        if isinstance(self.exchange_rate, float) and self.exchange_rate <= 0:
            raise ValueError(f"exchange_rate must be > 0, got {self.exchange_rate}")
        if isinstance(self.exchange_rate, Uncertain) and self.exchange_rate.bounds()[0] <= 0:
            raise ValueError("an uncertain exchange_rate must stay > 0 (raise 'low' or use a smaller sd)")
        return self

    @property
    def resolved_kind(self) -> str:
        """The item's ``kind``, else one guessed from its name (``other`` when nothing matches)."""
        if self.kind:
            return self.kind
        name = self.item.lower()
        return next((k for word, k in _KIND_WORDS if word in name), "other")

    @property
    def resolved_lens(self) -> str:
        return self.lens or DEFAULT_LENS[self.resolved_kind]

    @property
    def money(self) -> tuple[str, float] | None:
        """(currency, scale) when the item is money; the explicit ``currency`` wins over the unit's."""
        parsed = parse_money_unit(self.unit)
        if self.currency:
            return (self.currency, parsed[1] if parsed else 1.0)
        return parsed

    @property
    def is_additive(self) -> bool:
        """Whether values of this item may be summed (flows and counts yes; rates, ranks, terms no)."""
        if self.additive is not None:
            return self.additive
        if self.resolved_kind in ("tariff_threat", "agreement_term", "arms_rank"):
            return False
        if self.money is not None:
            return True
        unit = self.unit.strip().lower()
        words = set(re.split(r"[\s,()/]+", unit.replace("%", " % ")))
        return not (words & set(_NON_ADDITIVE_UNITS) or "per cent" in unit)


class ExchangeRate(Strict):
    """Units of ``currency`` per one unit of the reporting currency in ``year``."""

    id: Code | None = Field(default=None, description="name for --set paths, e.g. krw_2019")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    year: int = Field(ge=1800, le=2200)
    rate: MaybeValue
    evidence: LedgerEvidence | None = None

    @model_validator(mode="after")
    def _positive(self) -> ExchangeRate:
        if self.rate is None:
            raise ValueError("an exchange rate needs a value")
        low = self.rate.bounds()[0] if isinstance(self.rate, Uncertain) else self.rate
        if low <= 0:
            raise ValueError("an exchange rate must be > 0")
        return self


class PanelRow(Strict):
    """One ally-year of panel data (money in the section's ``panel_unit``)."""

    member: Code
    year: int = Field(ge=1800, le=2200)
    gdp: MaybeValue = None
    defence: MaybeValue = None
    population: MaybeValue = None
    exposure: MaybeValue = None
    hns_cash: MaybeValue = None
    hns_in_kind: MaybeValue = None
    troops_hosted: MaybeValue = None
    arms_purchases: MaybeValue = None
    trade_balance: MaybeValue = None
    peacekeeping: MaybeValue = None
    aid: MaybeValue = None
    stationing_cost: MaybeValue = None
    theatre_spending: MaybeValue = None
    evidence: dict[str, Evidence | list[Evidence]] = Field(
        default_factory=dict, description="where each figure comes from, keyed by the figure's field (gdp, defence, …)")

    @model_validator(mode="after")
    def _evidence_keys(self) -> PanelRow:
        numeric = [f for f in type(self).model_fields if f not in ("member", "year", "evidence")]
        for key in self.evidence:
            if key not in numeric:
                raise ValueError(f"evidence for {key!r}: not a figure of the row; use one of {', '.join(numeric)}")
        return self

    def evidence_list(self) -> list[tuple[str, Evidence]]:
        """(field, evidence) pairs, a field with several sources once per source."""
        out: list[tuple[str, Evidence]] = []
        for key, ev in self.evidence.items():
            out += [(key, e) for e in (ev if isinstance(ev, list) else [ev])]
        return out


class BenefitWeights(Strict):
    """User weights of GDP, population and exposure shares in an ally's benefit share."""

    gdp: float = Field(default=1.0, ge=0)
    population: float = Field(default=1.0, ge=0)
    exposure: float = Field(default=1.0, ge=0)

    @model_validator(mode="after")
    def _some(self) -> BenefitWeights:
        if self.gdp + self.population + self.exposure <= 0:
            raise ValueError("at least one benefit weight must be > 0")
        return self


class AllianceSection(Strict):
    """The ``alliance:`` section. A bare list is read as ``{items: [...]}``."""

    members: list[Code] = Field(default_factory=list)
    patron: Code | None = None
    reporting_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    reporting_unit: str = "US$ million"
    exchange_rates: list[ExchangeRate] = Field(default_factory=list)
    items: list[AllianceItem] = Field(default_factory=list)
    panel: str | list[PanelRow] | None = Field(
        default=None, description="path to an ally-year CSV (relative to the scenario file) or inline rows")
    panel_unit: str = "US$ million"
    benefit_weights: BenefitWeights = Field(default_factory=BenefitWeights)
    expected: list[Kind] | None = Field(
        default=None, description="kinds every member-year should report; absent ones are listed as missing")
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _list_form(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"items": data}
        return data

    @model_validator(mode="after")
    def _check(self) -> AllianceSection:
        money = parse_money_unit(self.reporting_unit)
        if money is None or money[0] != self.reporting_currency:
            raise ValueError(
                f"reporting_unit {self.reporting_unit!r} must be money in {self.reporting_currency}")
        if self.members:
            known = set(self.members)
            if len(known) != len(self.members):
                raise ValueError("members are listed twice; list each once")
            if self.patron and self.patron not in known:
                raise ValueError(f"patron {self.patron!r} is not among members {self.members}")
            for n, it in enumerate(self.items):
                for who in (it.from_, it.to):
                    if who not in known:
                        raise ValueError(
                            f"items[{n}] ({it.item}) names {who!r}, not among members {self.members}")
        names = [it.item for it in self.items]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two items are named {name!r}; give every item its own name (e.g. hns_2019)")
        seen: set[tuple[str, int]] = set()
        for r in self.exchange_rates:
            if (r.currency, r.year) in seen:
                raise ValueError(f"two exchange rates for {r.currency} in {r.year}; keep one")
            seen.add((r.currency, r.year))
        return self

    @property
    def all_members(self) -> list[str]:
        """Declared members, else those named by items (in order of appearance)."""
        if self.members:
            return list(self.members)
        out: list[str] = []
        for it in self.items:
            for who in (it.from_, it.to):
                if who not in out:
                    out.append(who)
        if self.patron and self.patron not in out:
            out.insert(0, self.patron)
        return out

    @property
    def years(self) -> list[int]:
        return sorted({it.year for it in self.items})

    def rate(self, currency: str, year: int) -> float | Uncertain | None:
        """The section-level rate for ``currency`` in ``year`` (None when not given)."""
        return next((r.rate for r in self.exchange_rates if r.currency == currency and r.year == year), None)
