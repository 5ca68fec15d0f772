"""The protocol kernel's array layout and codes, without the kernel.

Constants only (the scenario layer's parameter table and plain integers), so that the Python API, the
presets and a sweep can name parameters, outputs, move orders and selection rules without importing numba.
:mod:`allied.protocols.kernel` and :mod:`allied.protocols.stage` compile these values into their code; their
numba cache entries are keyed on this file too (:func:`allied._jit.njit`).
"""

from __future__ import annotations

from allied.scenario.sections.protocol import PARAMETERS

# move orders within a stage (see allied.protocols.stage)
N_FIRST, U_FIRST, SIMULTANEOUS = 0, 1, 2
ORDERS: dict[str, int] = {"N-first": N_FIRST, "U-first": U_FIRST, "simultaneous": SIMULTANEOUS}

# equilibrium selection rules
SEL_TALKS, SEL_US, SEL_STALL = 0, 1, 2
SELECTIONS: dict[str, int] = {"talks": SEL_TALKS, "us": SEL_US, "stall": SEL_STALL}

# parameter vector layout: the protocol section's parameter table, in its order (one source of truth; the
# scenario layer holds it because `allied validate` checks bounds without running the engine)
PARAM_NAMES: tuple[str, ...] = tuple(p.path for p in PARAMETERS)
(P_MU0, P_DELTA, P_ALPHA_S, P_ALPHA_T, P_BETA, P_GAMMA_S, P_GAMMA_T, P_AU, P_BU, P_GU, P_AK, P_BK, P_GK,
 P_RHO, P_SIGMA, P_XI, P_DIV, P_TAU_N, P_TAU_U, P_TAU_K, P_SU, P_SC, P_KAPPA, P_LEAK) = range(24)
_EXPECTED = ("mu0", "delta", "alpha.S", "alpha.T", "beta", "gamma.S", "gamma.T", "A_U", "B_U", "G_U", "A_K", "B_K",
             "G_K", "rho", "sigma", "xi", "divergence", "tension.N", "tension.U", "tension.K", "s_uncond", "s_cond",
             "kappa_K", "leak")
if PARAM_NAMES != _EXPECTED:  # the compiled indices above must follow the table; fail loudly, never misread
    raise ImportError(f"protocol kernel: the section's parameter table changed order or names ({PARAM_NAMES}); "
                      "update the P_* indices in allied/protocols/layout.py to match")
NPAR = len(PARAM_NAMES)

# scalar outputs per sample
OUT_NAMES: tuple[str, ...] = (
    "p_full", "p_full_sincere", "p_full_stalling", "denuclearisation", "relief", "us_exploitation",
    "us_exploitation_stalling", "relief_pocketed", "nk_exploitation", "stages", "V_USA", "V_ROK",
    "V_PRK_sincere", "V_PRK_stalling", "max_regret", "grid_error", "p_first_stage",
    "V_USA_sincere", "V_USA_stalling", "V_ROK_sincere", "V_ROK_stalling", "keep_sincere", "keep_stalling",
)
(O_PFULL, O_PFULL_S, O_PFULL_T, O_DENUC, O_RELIEF, O_USX, O_USX_T, O_POCKET, O_NKX, O_STAGES, O_VU, O_VK,
 O_VNS, O_VNT, O_REG, O_GRID, O_P1, O_VUS, O_VUT, O_VKS, O_VKT, O_KEEP_S, O_KEEP_T) = range(23)
NOUT = len(OUT_NAMES)
# per-stage path arrays: belief entering the stage, p, qS, qT, US reply to a refusal (N-first),
# each type's reply to withholding (US-first)
PATH_NAMES: tuple[str, ...] = ("belief", "p", "q_sincere", "q_stalling", "reply_us", "reply_sincere",
                               "reply_stalling")
NPATH = len(PATH_NAMES)
