"""``allied draft SOURCE... --skeleton FILE -o draft.yaml`` and ``allied draft accept DRAFT_ID [FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from allied.cli import UsageError, check_format, console, err_console, guarded, print_json
from allied.cli.safe import safe


def register(app: typer.Typer) -> None:
    app.command("draft")(draft)


@guarded
def draft(
    sources: Annotated[list[str], typer.Argument(
        help="source texts (.txt, .md, .html, .pdf); or: accept DRAFT_ID [FILE]", show_default=False)],
    skeleton: Annotated[str | None, typer.Option(
        "--skeleton", "-s", help="scenario with actors (and their aliases) and issues (and keywords)")] = None,
    out: Annotated[Path | None, typer.Option("--output", "--out", "-o",
                                             help="write the draft scenario here (YAML)")] = None,
    top: Annotated[int, typer.Option("--top", "-k", help="candidates per actor and issue")] = 3,
    format: Annotated[str, typer.Option("--format", "-f", help="yaml or json (the draft entries)")] = "yaml",
    position: Annotated[float | None, typer.Option("--position", help="accept: your position for a new stance")] = None,
    salience: Annotated[float | None, typer.Option("--salience", help="accept: your salience for a new stance")] = None,
) -> None:
    """Draft evidence candidates: for each actor and issue of the skeleton, the sentences of the sources that
    may state the actor's stance, ranked, with the quantities they contain. Engines ignore the drafts.

    Example: allied draft article.txt report.pdf --skeleton case.yaml -o draft.yaml --top 3

    Then promote one: allied draft accept USA.cost_sharing.1 draft.yaml
    (a stance that does not exist yet also needs your --position and --salience: Allied never invents them).
    """
    if sources and sources[0] == "accept" and skeleton is None:
        _accept(sources[1:], position, salience)
        return
    from allied.drafting.draft import after_as_of
    from allied.drafting.draft import draft as make_draft
    from allied.scenario.yamlio import dump_yaml

    check_format(format, ("yaml", "json"))
    if skeleton is None:
        raise UsageError("--skeleton FILE is required: a scenario with the actors and issues to draft for "
                         "(see docs/sources.md)")
    if top < 1:
        raise UsageError(f"--top must be 1 or more (got {top})")
    data, entries = make_draft(skeleton, [Path(s) for s in sources], out, top)
    later = after_as_of([e for e in data.get("sources", []) if isinstance(e, dict)], data.get("as_of"))
    if later:
        err_console.print(f"note: no candidates from {', '.join(later)}: dated after the scenario's as_of "
                          f"({data.get('as_of')}), so not known at the time", highlight=False)
    if format == "json":
        print_json({"drafts": entries})
    if out is not None:
        try:
            out.write_text(dump_yaml(data), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror}; choose a writable path") from None
        if format != "json":
            pairs = len({(e["actor"], e["issue"]) for e in entries})
            flagged = sum(1 for e in entries for q in e["quantities"] if q.get("flag"))
            console.print(f"wrote {safe(out)}: {len(entries)} candidates for {pairs} actor–issue pairs"
                          + (f"; {flagged} malformed number{'s' * (flagged != 1)} flagged" if flagged else "")
                          + f". Review them, then: allied draft accept ID {safe(out)}", highlight=False)
    elif format != "json":
        typer.echo(dump_yaml(data), nl=False)


def _accept(args: list[str], position: float | None, salience: float | None) -> None:
    from allied.drafting.draft import accept

    if not args or len(args) > 2:
        raise UsageError("usage: allied draft accept DRAFT_ID [FILE] (FILE defaults to draft.yaml)")
    file = Path(args[1] if len(args) == 2 else "draft.yaml")
    if not file.is_file():
        raise UsageError(f"no draft file {file}: name the file allied draft wrote (-o)")
    console.print(accept(file, args[0], position, salience), highlight=False)
