"""The one serialiser behind every result's ``to_json()``: plain JSON data, never NaN or infinity.

Every engine result (forecast, protocol, ledger, sweep, sensitivity) builds its DESIGN §5 object from its
own fields and passes it through :func:`jsonable`, so numpy scalars and arrays, pandas frames and series,
pydantic models, dates and paths all come out as JSON types, and a non-finite number comes out as ``null``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import numpy as np


def jsonable(v: Any) -> Any:
    """``v`` as plain JSON data: dict, list, str, int, finite float, bool or None."""
    if v is None or isinstance(v, bool | str | int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, np.generic):
        return jsonable(v.item())
    if isinstance(v, np.ndarray):
        return [jsonable(x) for x in v.tolist()]
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | frozenset):
        return [jsonable(x) for x in v]
    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    if isinstance(v, PurePath):
        return str(v)
    kind = type(v).__name__
    if kind == "DataFrame" and hasattr(v, "to_dict"):
        return [jsonable(r) for r in v.to_dict(orient="records")]
    if kind == "Series" and hasattr(v, "items"):
        return {str(k): jsonable(x) for k, x in v.items()}
    if hasattr(v, "model_dump"):
        return jsonable(v.model_dump())
    if kind in ("NAType", "NaTType"):  # pandas' missing values
        return None
    return str(v)


#: a spreadsheet reads a cell that starts with one of these as a formula (``=cmd|…``, ``+SUM(…)``,
#: ``@HYPERLINK(…)``, and ``-`` too), or strips a leading tab or carriage return before doing so
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A text cell for a CSV or xlsx file that no spreadsheet runs as a formula: text starting with one of
    :data:`FORMULA_START` gets a leading apostrophe (OWASP's advice for CSV injection). Numbers are never
    passed here, so ``-3`` stays a number."""
    return "'" + text if text.startswith(FORMULA_START) else text


def spreadsheet_frame(df: Any) -> Any:
    """A copy of a pandas DataFrame with every text cell passed through :func:`spreadsheet_text`."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype.kind not in "biufcmM":  # text, whatever pandas calls it (object, string, category)
            out[col] = out[col].astype(object).map(lambda v: spreadsheet_text(v) if isinstance(v, str) else v)
    return out
