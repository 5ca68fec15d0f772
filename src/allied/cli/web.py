"""``allied serve``: the local web app (binds 127.0.0.1 unless ``--host`` is given explicitly)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from allied.cli import UsageError, err_console, guarded
from allied.cli.safe import safe

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def _warm_up() -> None:
    """Run every model once on the built-in scenario so the first page does not wait for compilation."""
    try:
        from allied.scenario import builtin_names, load
        from allied.web import builder, engines

        for name in builtin_names()[:1]:
            engines.forecasts(load(name))
            builder.preview_forecasts(load(name))  # the builder's preview (exchange in float arithmetic)
    except Exception:  # a warm-up failure shows again, with its message, on the page itself
        pass


def _check_free(host: str, port: int) -> None:
    """Refuse early, with a clear message, when the address is taken or cannot be bound."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UsageError(f"--host {host}: cannot resolve this address ({exc})") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another server "
                             f"running there? choose another port with --port") from None


@guarded
def serve(
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 8765,
    history: Annotated[int | None, typer.Option(
        "--history", min=1,
        help="versions of each edited file kept for undo and diff (default 20, or $ALLIED_HISTORY)")] = None,
    scenarios: Annotated[Path | None, typer.Option(
        "--scenarios", help="folder of your scenarios (default $ALLIED_HOME/scenarios or ~/.allied/scenarios)")] = None,
    host: Annotated[str | None, typer.Option(
        "--host", help="address to bind; default 127.0.0.1 (this computer only). Any other address lets "
                       "other machines reach the app: give it only on a network you trust")] = None,
    source_dir: Annotated[list[Path] | None, typer.Option(
        "--source-dir", help="folder with the scenarios' source files, to check quotes (repeatable)")] = None,
) -> None:
    """Start the web app on http://127.0.0.1:8765: explore and edit scenarios, rerun every engine."""
    import uvicorn

    from allied.web import create_app
    from allied.web.store import default_folder

    if not 1 <= port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535 (got {port})")
    if scenarios is None:
        from allied.sweeps.store import allied_home

        home = allied_home()
        if home.exists() and not home.is_dir():
            raise UsageError(f"ALLIED_HOME={home} is a file, not a folder; point ALLIED_HOME at a folder (it holds "
                             "your scenarios and runs) or give --scenarios DIR")
    folder = scenarios if scenarios is not None else default_folder()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--scenarios {folder} is a file, not a folder")
    bind = host if host is not None else "127.0.0.1"
    allowed: list[str] = list(LOOPBACK)
    if host is not None and host not in LOOPBACK:
        err_console.print(f"[bold yellow]warning:[/] binding to {safe(host)}: other machines that can reach this "
                          "address can read and change your scenarios and start sweeps. There is no login.",
                          highlight=False)
        allowed = ["*"] if host in ("0.0.0.0", "::") else [*allowed, host]
    _check_free(bind, port)
    app = create_app(folder, allowed_hosts=allowed, source_dirs=source_dir or [], history=history)
    shown = safe(f"[{bind}]" if ":" in bind else bind)
    err_console.print(f"Allied web app on http://{shown}:{port}  (scenarios folder: {safe(app.state.store.folder)}; "
                      "Ctrl+C stops it)", highlight=False)
    threading.Thread(target=_warm_up, name="allied-warm-up", daemon=True).start()
    uvicorn.run(app, host=bind, port=port, log_level="warning", server_header=False)
