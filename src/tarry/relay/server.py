"""Running a relay: choose the database from its URL, migrate, serve with uvicorn.

`sqlite:///path/relay.db` (or a plain path) for one small machine; `postgresql://...` for many
pairs and several relay processes. TLS is the deployer's: put Caddy or nginx in front
(docs/relay.md).
"""

from __future__ import annotations

from pathlib import Path

from tarry.base.errors import InvalidInput
from tarry.relay.storage import RelayStorage


def open_storage(url: str) -> RelayStorage:
    """The storage a database URL names."""
    if url.startswith(("postgresql://", "postgres://")):
        from tarry.relay.postgres import PostgresStorage

        return PostgresStorage(url)
    if url.startswith("sqlite:///"):
        url = url.removeprefix("sqlite://")
    elif "://" in url:
        raise InvalidInput(
            f"Unknown database URL {url.split('://')[0]}://...",
            field="url",
            expected="sqlite:///PATH/relay.db or postgresql://USER@HOST/DB",
            example="sqlite:///relay.db",
        )
    from tarry.relay.sqlite import SqliteStorage

    return SqliteStorage(Path(url).expanduser())


def serve(
    db: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8740,
    forwarded_allow_ips: str | None = None,
    requests_per_s: float = 20.0,
) -> None:
    import uvicorn

    from tarry.relay.app import create_relay_app
    from tarry.relay.service import RelayConfig

    storage = open_storage(db)
    storage.migrate()
    hint = db if storage.engine == "postgresql" else None
    app = create_relay_app(RelayConfig(storage, requests_per_s=requests_per_s, hint_dsn=hint))
    print(f"tarry relay ({storage.engine}) listening on http://{host}:{port}", flush=True)
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=forwarded_allow_ips is not None,
            forwarded_allow_ips=forwarded_allow_ips,
            timeout_keep_alive=75,
        )
    finally:
        storage.close()
