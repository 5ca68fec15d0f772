"""Shared hand-derived cases for the protocol tests."""

from __future__ import annotations

# the two-stage oracle's parameters; its hand derivation is written up in test_oracles.py
TWO_STAGE = dict(
    mu0=0.5, delta=0.5, alpha={"S": 0, "T": 2}, beta=1, gamma={"S": 1, "T": 0}, A_U=3, B_U=1.5, G_U=0, A_K=0,
    B_K=0, G_K=0, rho=0.5, sigma=0.25, xi=0, divergence=0, tension={"N": 0.5, "U": 0, "K": 0}, s_uncond=0,
    s_cond=0, kappa_K=0, leak=0, protocols={"two": [[0.5, 0.8, "N-first"], [0.5, 0.2, "N-first"]]},
)
