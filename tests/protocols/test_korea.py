"""korea-2019 acceptance behaviours (issue 6), with the section's default (illustrative) weights.

Each check compares protocols or parameter settings against each other — directions, not our own
numbers — so each can fail if the mechanism it names is missing from the model."""

from __future__ import annotations

import pytest

from allied.protocols import compare
from allied.scenario.sections.protocol import ProtocolSection


@pytest.fixture(scope="module")
def base():  # type: ignore[no-untyped-def]
    return compare()


def test_us_ranks_big_deal_first_and_seoul_something_else(base) -> None:  # type: ignore[no-untyped-def]
    # the article's split: "the US appears to have hardened its position, demanding a 'big deal'" while
    # "South Korea's approach ... has been of a step-by-step method" with "some easing of sanctions"
    assert base.rankings["USA"][0] == "big-deal"
    assert base.rankings["ROK"][0] != "big-deal"
    assert base.chosen == "big-deal"  # the US chooses by default


def test_the_split_emerges_from_the_weights() -> None:
    # not forced: give Seoul the US's weights (and tension cost) and it ranks the big deal first too
    same = {"A_K": 1.0, "B_K": 0.3, "G_K": 0.5, "tension.K": 0.1}
    res = compare(overrides=same)
    assert res.rankings["ROK"][0] == "big-deal" == res.rankings["USA"][0]


def test_simultaneous_step_by_step_more_exploitable_than_big_deal(base) -> None:  # type: ignore[no-untyped-def]
    t = base.table
    assert t.loc["step-by-step", "us_exploitation_stalling"] > t.loc["big-deal", "us_exploitation_stalling"]
    assert t.loc["step-by-step", "us_exploitation"] > t.loc["big-deal", "us_exploitation"]
    # the stalling type pockets the first tranche: exploitation is about P(T) = 1 - mu0
    assert t.loc["step-by-step", "us_exploitation"] == pytest.approx(1 - 0.4, abs=0.05)
    assert t.loc["step-by-step", "V_PRK_stalling"] > t.loc["big-deal", "V_PRK_stalling"]


def test_divergence_raises_stalling_value_under_step_by_step() -> None:
    vals = [compare(protocols=["step-by-step"], overrides={"divergence": d}).table.loc[
        "step-by-step", "V_PRK_stalling"] for d in (0.0, 0.4, 1.0)]
    assert vals[0] < vals[1] < vals[2]


def test_conditional_side_payments_make_the_stalling_type_complete() -> None:
    before = compare(protocols=["big-deal", "step-by-step"]).table
    after = compare(protocols=["big-deal", "step-by-step"], overrides={"s_cond": 0.3}).table
    for name in ("big-deal", "step-by-step"):
        assert before.loc[name, "p_full_stalling"] == 0.0
        assert after.loc[name, "p_full_stalling"] == 1.0
    # and Seoul, free to choose its engagement, chooses to pay them
    sec = ProtocolSection(engagement="choose", s_cond=0.3)
    chosen = compare(sec, ["big-deal"]).table.loc["big-deal"]
    assert chosen["engagement"] == "conditional"
    assert chosen["p_full_stalling"] == 1.0


def test_unconditional_transfers_with_leak_hurt_us_under_starting_small_not_big_deal() -> None:
    names = ["big-deal", "starting-small"]
    base = compare(protocols=names).table
    leak = compare(protocols=names, overrides={"s_uncond": 0.5, "leak": 1.0}).table
    neutral = compare(protocols=names, overrides={"s_uncond": 0.5, "leak": 0.0}).table
    assert leak.loc["starting-small", "V_USA"] < base.loc["starting-small", "V_USA"] - 1e-6
    assert leak.loc["big-deal", "V_USA"] >= base.loc["big-deal", "V_USA"] - 1e-12
    # without leakage unconditional transfers are incentive-neutral
    assert neutral.loc["starting-small", "V_USA"] == pytest.approx(base.loc["starting-small", "V_USA"], abs=1e-12)


def test_every_default_result_is_an_exact_equilibrium(base) -> None:  # type: ignore[no-untyped-def]
    assert (base.table["max_regret"] <= 1e-9).all()
    assert (base.table["grid_error"] <= 1e-9).all()
