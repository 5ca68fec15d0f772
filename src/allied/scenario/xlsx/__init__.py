"""Scenario workbooks (.xlsx): ``allied export FILE --to xlsx`` writes one, and every command that reads a
scenario reads one (format detected from the content), with problems located as ``case.xlsx!stances!D14``.
The layout is derived from the scenario model (:mod:`allied.scenario.xlsx.layout`)."""

from allied.scenario.xlsx.read import is_workbook, load_xlsx, read_xlsx
from allied.scenario.xlsx.write import to_xlsx_bytes, write_xlsx

__all__ = ["is_workbook", "load_xlsx", "read_xlsx", "to_xlsx_bytes", "write_xlsx"]
