"""Arguments and options that several commands share, declared once as typed ``Annotated`` aliases.

A command names the alias as a parameter's type and gives the default in its own signature, e.g.
``set_: SetOpt = None``. The help texts are what ``allied CMD --help`` prints: two commands whose texts
differ keep two aliases here (or their own declaration), so that sharing a declaration never rewords
a command's help. This module imports typer only: ``import allied.cli`` must stay cheap
(``tests/test_startup.py``).
"""

from __future__ import annotations

from typing import Annotated

import typer

#: the scenario a command reads (forecast, record, report, plot, validate, show, export, sweep, sensitivity)
FileArg = Annotated[str, typer.Argument(help="scenario file (YAML or CSV) or built-in name, e.g. korea-2019")]
#: the same, in the shorter words of ``allied ledger`` and ``allied protocol``
ShortFileArg = Annotated[str, typer.Argument(help="scenario file or built-in name, e.g. korea-2019")]

#: ``--set`` of the commands that forecast or compute (forecast, record, ledger, sweep, sensitivity)
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="override a scenario value PATH=VALUE")]
#: ``--set`` of the commands that read or write the scenario itself (validate, show, export, report, plot)
SetValueOpt = Annotated[list[str] | None, typer.Option("--set", help="override a value: PATH=VALUE (repeatable)")]

#: models to run, by name or 'all' (forecast, record, score, backtest)
ModelsOpt = Annotated[list[str] | None, typer.Option("--model", "-m", help="model name (repeatable) or 'all'")]
#: issues to forecast (forecast, sensitivity)
IssuesOpt = Annotated[list[str] | None, typer.Option("--issue", "-i", help="only these issues (repeatable)")]

#: ``--format`` of the commands that also write CSV (forecast, journal, score, backtest)
FormatCsvOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]
#: ``--format`` of the commands that write a table or JSON (ledger, protocol, sweep, sensitivity, runs)
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json")]
