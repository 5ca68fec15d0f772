"""Start-up path: the CLI imports no heavy library, and the demo commands compile nothing after ``make install``.

Checks, not timings (timings live in benchmarks/): each runs a fresh interpreter, as a user's command does.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numba", "pandas", "scipy", "plotly", "duckdb", "pyarrow", "SALib")


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_importing_the_cli_pulls_in_no_heavy_library() -> None:
    code = ("import sys, json; import allied.cli; "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    assert json.loads(_run(code)) == []


def demo_commands() -> list[list[str]]:
    """The ``allied`` commands of the Makefile's ``demo`` target, as argument lists."""
    text = (ROOT / "Makefile").read_text()
    body = text.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    cmds = [shlex.split(m.group(1)) for m in re.finditer(r"\$\(BIN\)/allied\s+(.+)", body)]
    assert cmds, "no allied command found in the demo target"
    return cmds


def test_demo_commands_compile_nothing() -> None:
    """numba fires a ``numba:compile`` event for each compilation, not when it loads a cached one: after
    ``make install`` (which builds the exchange kernels ahead of time and warms the caches) the demo must
    not fire any. The listener is installed before the commands run; they run in this one process."""
    code = f"""
import json, sys
from numba.core import event
count = [0]
class L(event.Listener):
    def on_start(self, ev): count[0] += 1
    def on_end(self, ev): pass
event.register("numba:compile", L())
from allied.cli import app
for args in {demo_commands()!r}:
    try:
        app(args, standalone_mode=False)
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)
print(json.dumps(count[0]))
"""
    assert json.loads(_run(code)) == 0


def test_a_forecast_of_a_yaml_scenario_imports_no_heavy_library() -> None:
    """Reading a scenario checks whether the file is a workbook; that must not load the workbook writer
    (openpyxl, PIL), nor does a forecast need pandas, scipy or the sweep stack."""
    code = ("import sys, json, contextlib, io\nfrom allied.cli import app\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        app(['forecast', 'korea-2019', '--model', 'mean'], standalone_mode=False)\n"
            "    except SystemExit as exc:\n        assert not exc.code\n"
            f"print(json.dumps(sorted(m for m in {(*HEAVY, 'openpyxl', 'PIL')!r} if m in sys.modules)))")
    assert json.loads(_run(code)) == []


def test_the_script_enters_before_the_cli_is_imported() -> None:
    """The ``allied`` script's entry point must not live inside ``allied.cli`` (importing it would import the
    whole CLI before the process settings apply), and it must reach the CLI's own ``main``."""
    import tomllib

    script = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["allied"]
    module, func = script.split(":")
    assert not module.startswith("allied.cli"), script
    code = (f"import sys, json; import {module} as m; before = 'allied.cli' in sys.modules; "
            f"assert callable(m.{func}); print(json.dumps(before))")
    assert json.loads(_run(code)) is False


def test_process_settings_keep_the_users_choice_and_restore_the_collector() -> None:
    """One BLAS thread unless the user chose a number; the collector is off during start-up and back on
    (with start-up's objects frozen) once a command runs, also after a failing command."""
    code = """
import gc, json, os, sys
os.environ["OPENBLAS_NUM_THREADS"] = "3"
os.environ.pop("MKL_NUM_THREADS", None)
from allied._process import prepare_process
prepare_process()
paused = not gc.isenabled()
from allied.cli import main
sys.argv = ["allied", "forecast", "no-such-scenario"]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps([os.environ["OPENBLAS_NUM_THREADS"], os.environ["MKL_NUM_THREADS"], paused, gc.isenabled(),
                  gc.get_freeze_count() > 0, code]))
"""
    assert json.loads(_run(code)) == ["3", "1", True, True, True, 2]


def test_calling_the_app_leaves_the_callers_collector_alone() -> None:
    """A program (a notebook, these tests) that calls ``app`` directly keeps its collector unfrozen."""
    code = """
import contextlib, gc, io, json
from allied.cli import app
with contextlib.redirect_stdout(io.StringIO()):
    app(["forecast", "korea-2019", "--model", "mean", "--format", "json"], standalone_mode=False)
print(json.dumps([gc.isenabled(), gc.get_freeze_count()]))
"""
    assert json.loads(_run(code)) == [True, 0]


def test_a_forecast_of_a_table_imports_no_yaml_library() -> None:
    """A KTAB CSV (like the issue-19 30-actor case) is read without the YAML library (≈ 10 ms of start-up):
    validation locates its problems through :mod:`allied.scenario.paths`, and the YAML reader, ``--set`` and
    ``--param`` load it only when they have YAML to read. Table and JSON output; the first run fills the case
    library's cache (computing it reads the built-in YAML scenarios), as any earlier forecast has for a user."""
    forecast = ("import sys, json, contextlib, io\nfrom allied.cli import app\n"
                "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
                "    for fmt in ('table', 'json'):\n"
                "        app(['forecast', 'tests/data/dummyData_3Dim.csv', '--model', 'smp', '--format', fmt],\n"
                "            standalone_mode=False)\n"
                "print(json.dumps(sorted(m for m in sys.modules if m == 'yaml' or m.startswith('yaml.'))))")
    _run(forecast)
    assert json.loads(_run(forecast)) == []


def test_the_script_builds_only_the_command_it_runs() -> None:
    """typer builds a click command for each registered command before parsing (≈ 15 ms for all of them):
    the script's ``main`` runs a named command through ``app_for``, so one is built, and ``--help`` builds
    them all (tests/test_cli_one_command.py holds that both print the same)."""
    code = """
import contextlib, io, json, sys
import typer.main
built = []
build = typer.main.get_command_from_info
def counted(*args, **kwargs):
    built.append(1)
    return build(*args, **kwargs)
typer.main.get_command_from_info = counted
from allied.cli import main
counts = []
for argv in (["forecast", "korea-2019", "--model", "mean", "--format", "json"], ["--help"]):
    built.clear()
    sys.argv = ["allied", *argv]
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            main()
        except SystemExit:
            pass
    counts.append(len(built))
print(json.dumps(counts))
"""
    one, every = json.loads(_run(code))
    assert one == 1 and every >= 10
