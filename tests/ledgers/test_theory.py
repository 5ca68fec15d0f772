"""Olson–Zeckhauser Nash provision, Samuelson check, joint products, comparative statics.

Expected values are derived by hand from the first-order conditions (docstrings show the algebra) or solved
independently (scipy brentq / fsolve on the equilibrium conditions), never copied from our output.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from allied.ledgers.theory import (
    best_response_public,
    comparative_statics,
    nash_joint_product,
    nash_public_good,
)

# a synthetic 12-ally alliance with strongly unequal incomes: one rich patron, eleven small allies
UNEQUAL = np.array([1000.0, 40, 35, 30, 28, 25, 20, 18, 15, 12, 10, 8])


def test_unequal_incomes_only_richest_contributes():
    a = 0.3
    eq = nash_public_good(UNEQUAL, a)
    q = eq.q[0]
    # the richest alone: q1 = a*Y1 = 300; every other ally's best response a*Y_i - (1-a)*300 < 0
    assert q[0] == pytest.approx(a * 1000.0)
    assert np.all(q[1:] == 0.0)
    assert eq.contributors[0].tolist() == [True] + [False] * 11
    assert eq.converged.all()


def test_equal_incomes_all_contribute_symmetric_closed_form():
    # symmetric Nash: q = aY - (1-a)(n-1)q  =>  q = aY / (1 + (1-a)(n-1))
    n, Y, a = 12, 100.0, 0.3
    eq = nash_public_good(np.full(n, Y), a)
    assert np.allclose(eq.q, a * Y / (1 + (1 - a) * (n - 1)), rtol=1e-9)
    assert eq.contributors.all()


def test_samuelson_sum_exceeds_one():
    # at an interior Nash point each contributor's MRS is exactly 1, so the sum is the number of
    # contributors plus the non-contributors' MRS: > 1 means under-provision
    eq = nash_public_good(UNEQUAL, 0.3)
    Q = 300.0
    expected = 1.0 + sum(0.3 * y / (0.7 * Q) for y in UNEQUAL[1:])
    assert eq.samuelson()[0] == pytest.approx(expected)
    assert eq.samuelson()[0] > 1
    eq2 = nash_public_good(np.full(12, 100.0), 0.3)
    assert eq2.samuelson()[0] == pytest.approx(12.0)


def test_nash_matches_aggregate_root_bergstrom_blume_varian():
    # independent solution: Q solves Q = sum_i max(0, Y_i - (1-a_i)/a_i * Q)  (from a x_i = (1-a) Q)
    rng = np.random.default_rng(3)
    Y = rng.lognormal(3, 1, 12)
    a = rng.uniform(0.1, 0.5, 12)
    eq = nash_public_good(Y, a)
    Q = optimize.brentq(lambda Q: Q - np.maximum(0, Y - (1 - a) / a * Q).sum(), 1e-9, Y.sum())
    assert eq.total[0] == pytest.approx(Q, rel=1e-8)
    # and it is a fixed point of the closed-form best responses
    q = eq.q[0]
    assert np.allclose(best_response_public(Y, a, q.sum() - q), q, atol=1e-8)


def test_joint_products_every_ally_contributes():
    eq = nash_joint_product(UNEQUAL, a=0.3, c=0.1)
    assert eq.contributors.all()
    assert np.all(eq.q > 0)
    # richer allies still give more in absolute terms
    assert eq.q[0, 0] > eq.q[0, 1:].max()


def test_joint_product_best_response_matches_quadratic_root():
    # FOC c/q + a/(q+R) = (1-a-c)/(Y-q) multiplied out: -q^2 + q((a+c)Y - (1-a)R) + cRY = 0
    eq = nash_joint_product(UNEQUAL, a=0.25, c=0.15)
    q = eq.q[0]
    R = q.sum() - q
    a, c, Y = 0.25, 0.15, UNEQUAL
    b = (a + c) * Y - (1 - a) * R
    root = 0.5 * (b + np.sqrt(b * b + 4 * c * R * Y))
    assert np.allclose(q, root, rtol=1e-7)


def test_joint_product_equilibrium_solves_focs_fsolve():
    Y = np.array([50.0, 30, 20, 10])
    a, c = 0.3, 0.2

    def foc(q):
        Q = q.sum()
        return c / q + a / Q - (1 - a - c) / (Y - q)

    ref = optimize.fsolve(foc, Y * 0.1, xtol=1e-13)
    eq = nash_joint_product(Y, a, c)
    assert np.allclose(eq.q[0], ref, rtol=1e-7)


def test_joint_product_with_c_zero_equals_pure_public_good():
    Y = np.array([60.0, 50, 45, 5, 3])
    assert np.allclose(nash_joint_product(Y, 0.3, 0.0).q, nash_public_good(Y, 0.3).q, atol=1e-8)


def test_batch_equals_individual_runs():
    rng = np.random.default_rng(0)
    Y = rng.lognormal(3, 1, (5, 12))
    a = rng.uniform(0.1, 0.4, (5, 12))
    batch = nash_public_good(Y, a).q
    for b in range(5):
        assert np.allclose(batch[b], nash_public_good(Y[b], a[b]).q[0])
    jp = nash_joint_product(Y, a, 0.1).q
    assert np.allclose(jp[2], nash_joint_product(Y[2], a[2], 0.1).q[0])


def test_comparative_statics_in_private_share():
    cs = comparative_statics(UNEQUAL, a=0.3, c_grid=[0.0, 0.1, 0.2, 0.3])
    assert cs["contributors"].tolist() == [1, 12, 12, 12]
    assert np.all(np.diff(cs["total"]) > 0)  # more private benefit, more defence
    assert np.all(np.diff(cs["samuelson"]) < 0)  # and less under-provision of the public part
    with pytest.raises(ValueError):
        comparative_statics(UNEQUAL, a=0.5, c_grid=[0.6])


def test_bad_parameters_refused():
    with pytest.raises(ValueError):
        nash_public_good([10.0, -1.0], 0.3)
    with pytest.raises(ValueError):
        nash_public_good([10.0, 5.0], 1.2)
    with pytest.raises(ValueError):
        nash_joint_product([10.0, 5.0], 0.6, 0.5)


def test_many_equal_allies_reach_the_fixed_point():
    # 200 equal allies with a = 0.01: best-response sweeps crawl (contraction factor near 1); the solver
    # must still return the symmetric closed form and confirm it as a best-response fixed point
    n, Y, a = 200, 100.0, 0.01
    eq = nash_public_good(np.full(n, Y), a)
    assert eq.converged.all()
    assert np.allclose(eq.q, a * Y / (1 + (1 - a) * (n - 1)), rtol=1e-9)


def test_aggregate_finish_equals_best_response_sweeps():
    rng = np.random.default_rng(5)
    Y = rng.lognormal(3, 1, (50, 20))
    a = rng.uniform(0.05, 0.5, (50, 20))
    swept = nash_public_good(Y, a)
    finished = nash_public_good(Y, a, max_iter=1)  # forces the aggregate route for every sample
    assert swept.converged.all() and finished.converged.all()
    assert np.allclose(swept.q, finished.q, atol=1e-8)
