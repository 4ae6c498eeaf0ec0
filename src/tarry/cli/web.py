"""`tarry serve`: the local web app."""

from __future__ import annotations

from pathlib import Path

import typer

from tarry.cli.common import open_store, state


def serve(
    port: int = typer.Option(8731, "--port", help="Port to listen on (0: any free port)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to bind. Anything but loopback needs a password."
    ),
    password_file: Path = typer.Option(
        None, "--password-file", help="File holding the password required off loopback."
    ),
) -> None:
    """Run the web app on this machine (loopback only, a fresh token per launch)."""
    from tarry.web.server import serve as run_server

    with open_store() as store:  # create, upgrade and unlock once, before any request
        key = store.key
    run_server(
        state.home,
        host=host,
        port=port,
        open_browser=not no_browser,
        password_file=password_file,
        key=key,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
