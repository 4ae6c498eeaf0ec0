"""`tarry relay`: run the relay that carries paired devices' ciphertext (see docs/relay.md)."""

from __future__ import annotations

import time

import typer

from tarry.cli.common import console, print_json

relay_app = typer.Typer(
    help="Run a relay for paired devices (stores ciphertext only).", no_args_is_help=True
)
DB = typer.Option(
    "sqlite:///relay.db", "--db", metavar="URL", help="sqlite:///PATH or postgresql://USER@HOST/DB."
)


@relay_app.command("serve")
def serve(
    db: str = DB,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8740, "--port", help="Port to listen on."),
    forwarded_allow_ips: str = typer.Option(
        None,
        "--forwarded-allow-ips",
        help="Trust X-Forwarded-For from these proxies (Caddy, nginx).",
    ),
    rate: float = typer.Option(20.0, "--rate", help="Requests per second allowed per device."),
) -> None:
    """Serve the relay (migrating its database first); TLS belongs to a proxy in front."""
    from tarry.relay.server import serve as run

    run(db, host=host, port=port, forwarded_allow_ips=forwarded_allow_ips, requests_per_s=rate)


@relay_app.command("migrate")
def migrate(db: str = DB) -> None:
    """Create or upgrade the relay's database."""
    from tarry.relay.server import open_storage

    storage = open_storage(db)
    try:
        done = storage.migrate()
    finally:
        storage.close()
    console.print(f"Applied: {', '.join(done)}." if done else "Up to date.")


@relay_app.command("sweep")
def sweep(db: str = DB) -> None:
    """Delete what is past its time: messages after 30 days, expired codes and nonces."""
    from tarry.relay import protocol
    from tarry.relay.server import open_storage

    storage = open_storage(db)
    try:
        print_json(storage.sweep(time.time(), protocol.RETENTION_S))
    finally:
        storage.close()


@relay_app.command("stats")
def stats(db: str = DB) -> None:
    """How many pairs, waiting messages, open codes (counts only: there is nothing else)."""
    from tarry.relay.server import open_storage

    storage = open_storage(db)
    try:
        print_json(storage.stats())
    finally:
        storage.close()


def register(app: typer.Typer) -> None:
    app.add_typer(relay_app, name="relay")
