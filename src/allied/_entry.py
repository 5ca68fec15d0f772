"""The ``allied`` script's entry point: process settings (:mod:`allied._process`) first, then the CLI.

It lives outside :mod:`allied.cli` so that the settings apply while the CLI itself is imported: importing a
submodule of ``allied.cli`` would run that package first.
"""

from __future__ import annotations

from allied._process import prepare_process


def main() -> None:
    """Entry point of the ``allied`` script."""
    prepare_process()
    from allied.cli import main as cli_main

    cli_main()
