"""Layout and constants of the certified exchange kernel's state (see :mod:`allied.models.exchange._certified`).

Kept apart from the kernel so that the driver (:mod:`allied.models.exchange._hybrid`) can read the state
without importing numba when the kernel was built ahead of time.
"""

from __future__ import annotations

U = 1.1102230246251565e-16  # unit roundoff of float64
FAC = 2.0
SLACK = 1e-20
TINY = 1e-10
#: a full move P + round(A - P) lands within 1e-25 of A in 28-digit decimals when |A|, |P| <= 100 (two
#: roundings, each at most half a unit of the 28th digit of a number below 100); it is exactly A = 0
#: (0 - P is exact) and never above A = 100 (100 + 0.5e-26 rounds to 100)
FULL_ERR = 1e-25

# int columns of ci
(A0, A1, S0, S1, KIND, HAS0, HAS1, VALID, ACTIVE, PEND, TB, EXACT, PS0, PS1, NDEF, OEXACT, TOUCHED, CAP, OCAP, OVER,
 OOVER) = range(21)
NI = 21
# float columns of cf (side k at col + k)
POS, EPOS, Y, EY, MV, EMV, HSUM, EHSUM, HMIN, HMAX = 0, 2, 4, 6, 8, 10, 12, 14, 16, 18
GAIN, EGAIN, GLO, UPDD, EUPDD, OG, OEG, OGLO = 20, 21, 22, 23, 25, 27, 28, 29
NF = 30
# global state gs
G_PHASE, G_N, G_NREAL, G_LO, G_HI, G_NT, G_NNEED, G_NREC = range(8)
NG = 8
PH_SELECT, PH_CLASSIFY, PH_END = 0, 1, 2
# questions for the Python side (need[k] = kind, a, b)
Q_CALC, Q_OLD, Q_LEFT, Q_ORDER, Q_BAIL = 1, 2, 3, 4, 5
#: float and int fields per realised-exchange record (same layout as the plain kernel's)
NREC = 13
NIREC = 7
