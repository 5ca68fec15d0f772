"""Helpers for the adversarial suite (issue 20): each test reproduces one probe finding and pins its fix.

``cli`` runs the ``allied`` command in this process (fast); ``bounded`` runs it as a child process and
reports its wall time and peak memory, for the cases whose defect was time or memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float = 0.0  # wall time, start-up included (noisy on a shared machine)
    peak_mb: float = 0.0
    cpu: float = 0.0  # CPU seconds of the child, start-up included: what the limits are checked on

    def within(self, seconds: float = 5.0, mb: float = 500.0) -> bool:
        """Within the acceptance limits of issue 20 (5 s, 500 MB): CPU time, and wall time with slack for a
        loaded machine."""
        return self.cpu < seconds and self.seconds < 4 * seconds and self.peak_mb < mb

    @property
    def text(self) -> str:
        return self.out + self.err

    @property
    def flat(self) -> str:
        """Standard error with Rich's line wrapping undone (one space between words)."""
        return " ".join(self.err.split())


def cli(*args: str, input: str | None = None) -> Outcome:
    """Run ``allied ARGS`` in this process."""
    from allied.cli import app

    r = CliRunner().invoke(app, list(args), input=input)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Outcome(r.exit_code, r.stdout, r.stderr)


def bounded(*args: str, timeout: float = 20.0, env: dict[str, str] | None = None) -> Outcome:
    """Run ``allied ARGS`` as a child; measure wall time and peak resident memory (MB)."""
    # VmHWM is the peak of this process's own address space; ru_maxrss would carry the parent's (pytest's)
    # size across fork+exec on Linux and so measure the test runner, not the command
    code = ("import atexit, resource, sys\n"
            "def _report():\n"
            "    u = resource.getrusage(resource.RUSAGE_SELF)\n"
            "    hwm = u.ru_maxrss\n"
            "    try:\n"
            "        hwm = next(int(ln.split()[1]) for ln in open('/proc/self/status') if ln.startswith('VmHWM'))\n"
            "    except (OSError, StopIteration):\n"
            "        pass\n"
            "    sys.stderr.write(f'\\n@peak {hwm} {u.ru_utime + u.ru_stime}\\n')\n"
            "atexit.register(_report)\n"
            "from allied.cli import main\nsys.argv[0] = 'allied'\nmain()\n")
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={**os.environ, **(env or {})}, text=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        pytest.fail(f"allied {' '.join(args)} still running after {timeout} s")
    seconds = time.perf_counter() - t0
    head, _, tail = err.rpartition("\n@peak ")
    fields = tail.split() if tail.strip() else ["0", "0"]
    peak = int(fields[0]) / 1024  # the child's own peak resident memory, MB
    return Outcome(p.returncode, out, head if tail.strip() else err, seconds, peak, float(fields[1]))


#: a small valid scenario to mutate: two actors, one issue
BASE = """allied: 1
id: base
title: Base case
description: Two actors, one issue.
sources:
  - {id: src, title: Notes}
actors:
  - {id: A, name: Alpha, capability: 10}
  - {id: B, name: Beta, capability: 20}
issues:
  - {id: x, name: Tax, scale: [0, 100]}
stances:
  - {actor: A, issue: x, position: 20, salience: 50, evidence: {note: guess}}
  - {actor: B, issue: x, position: 80, salience: 60, evidence: {note: guess}}
"""
