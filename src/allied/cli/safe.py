"""User text made safe for the terminal: Rich markup escaped, control characters removed.

Names, titles, notes and paths come from files; printed raw, ``[/b]`` would crash Rich's markup parser,
``[bold red]x[/]`` would style the text and ``\\x1b[2J`` would clear the screen. Every piece of user text
(and every message that may quote it) goes through :func:`safe` before it reaches a console.
"""

from __future__ import annotations

import re

from rich.markup import escape

#: C0 and C1 control characters except tab and newline, and DEL
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    """``text`` without control characters (tab and newline kept)."""
    return _CONTROL.sub("", text)


def safe(value: object) -> str:
    """``str(value)`` with control characters removed and Rich markup escaped."""
    return escape(strip_control(str(value)))
