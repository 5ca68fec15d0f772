"""Scenario workbooks (.xlsx): ``allied export FILE --to xlsx`` writes one, and every command that reads a
scenario reads one (format detected from the content), with problems located as ``case.xlsx!stances!D14``.
The layout is derived from the scenario model (:mod:`allied.scenario.xlsx.layout`)."""

from typing import Any

from allied.scenario.xlsx.read import is_workbook, load_xlsx, read_xlsx

__all__ = ["is_workbook", "load_xlsx", "read_xlsx", "to_xlsx_bytes", "write_xlsx"]


def __getattr__(name: str) -> Any:
    """The writer needs openpyxl (about 0.25 s to import): loaded when asked for, so reading a YAML scenario,
    which checks whether the file is a workbook, does not pay for it (tests/test_startup.py)."""
    if name in ("to_xlsx_bytes", "write_xlsx"):
        from allied.scenario.xlsx import write

        return getattr(write, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
