"""Launching the web app: loopback by default, a fresh token per launch, handed over once."""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import signal
import socket
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path

from tarry.base import home as homes
from tarry.base.errors import InvalidInput
from tarry.base.home import Home
from tarry.web.security import Guard

URL_FILE = "serve-url"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def password_checker(path: Path | None, host: str) -> Callable[[str], bool] | None:
    """A non-loopback bind needs an explicit password (read from a file, never argv)."""
    if is_loopback(host):
        return None
    if path is None:
        raise InvalidInput(
            f"Refusing to listen on {host}: tarry binds to 127.0.0.1 unless you set a password.",
            "Add --password-file FILE (a file holding the password), or leave --host out.",
        )
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < 12:
        raise InvalidInput(f"The password in {path} is too short.", "Use at least 12 characters.")
    return lambda given: hmac.compare_digest(given.encode(), secret.encode())


def free_port(host: str, port: int) -> int:
    """The requested port if free (0 picks one); a clear error when it is taken."""
    with bound(host, port) as probe:
        return int(probe.getsockname()[1])


def bound(host: str, port: int) -> socket.socket:
    """A socket bound to the port (0 picks one); a clear error when it is taken."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise InvalidInput(
            f"Port {port} on {host} is in use ({exc.strerror}).",
            "Choose another with --port N, or --port 0 for any free port.",
        ) from exc
    return sock


@contextlib.contextmanager
def url_file(home: Path, url: str) -> Iterator[Path]:
    """The launch URL in a 0600 file for scripts; removed when the server stops."""
    homes.ensure(home)
    path = home / URL_FILE
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(url + "\n", encoding="utf-8")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # only when empty: an import may still hold a file
            (home / "uploads").rmdir()


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(
    home: Home,
    *,
    host: str = "127.0.0.1",
    port: int = 8731,
    open_browser: bool = True,
    password_file: Path | None = None,
    key: bytes | None = None,
) -> None:
    import uvicorn

    from tarry.together.syncer import Syncer
    from tarry.web.app import Config, create_app, open_store

    check = password_checker(password_file, host)
    # Listening before the address is printed: a browser or script that opens it at once
    # waits in the queue instead of being refused while uvicorn starts.
    sock = bound(host, port)
    sock.listen(128)
    port = int(sock.getsockname()[1])
    guard = Guard.for_port(host, port, password_check=check)
    config = Config(home=home, guard=guard, key=key)
    app = create_app(config)
    syncer = Syncer(lambda: open_store(config)).start()  # idle unless paired
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/?token={guard.token}"
    # uvicorn stops on SIGTERM, then raises it again: stopping by exception lets the URL file
    # (which holds the token) be removed, as Ctrl+C does.
    signal.signal(signal.SIGTERM, _stop)
    with url_file(home.path, url) as path:
        print(f"tarry is running at {url}\n(also in {path}; press Ctrl+C to stop)", flush=True)
        if open_browser:
            webbrowser.open(url)
        try:
            server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
            server.run(sockets=[sock])
        finally:
            syncer.stop()
            sock.close()
