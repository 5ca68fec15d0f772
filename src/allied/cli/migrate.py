"""``allied migrate``: bring a scenario file up to the current format version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from allied.cli import UsageError, console, guarded


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate_file)


@guarded
def migrate_file(
    file: Annotated[Path, typer.Argument(help="an Allied YAML scenario file")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="write here (default: FILE itself, keeping FILE.bak)")] = None,
) -> None:
    """Upgrade a scenario file to the format version this Allied writes (loading does it in memory anyway).

    Example: allied migrate old-case.yaml -o new-case.yaml
    """
    from allied.scenario.load import load_data
    from allied.scenario.migrate import CURRENT, migrate, version_of
    from allied.scenario.validate import from_data
    from allied.scenario.writer import to_yaml

    if not file.is_file():
        raise UsageError(f"{file}: no such file; give the path of an Allied YAML scenario")
    data, lines, name = load_data(file)
    before = version_of(data, name)
    upgraded, _ = migrate(data, name)
    sc = from_data(upgraded, lines, name)  # the result must validate before anything is written
    target = output or file
    if before == CURRENT and output is None:
        console.print(f"{file}: already at format version {CURRENT}; nothing to do", highlight=False, soft_wrap=True)
        return
    try:
        if output is None:
            file.with_name(file.name + ".bak").write_bytes(file.read_bytes())
        target.write_text(to_yaml(sc), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}; choose a writable path") from None
    console.print(f"{file}: format version {before} -> {CURRENT}, written to {target}", highlight=False, soft_wrap=True)
