"""A throwaway PostgreSQL cluster for tests: Debian's server binaries, initdb as an unprivileged
user (tests may run as root), a free port on 127.0.0.1, removed at the end. Skips cleanly only
where the binaries are absent (.ci/run installs them)."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tarry.web.server import free_port


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    port: int
    bin: Path

    def dsn(self, db: str = "postgres") -> str:
        return f"postgresql://tarry@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        import psycopg

        name = "t_" + secrets.token_hex(6)
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.dsn(name)


def _as_user(args: list[str]) -> list[str]:
    """Run as nobody when we are root: initdb and postgres refuse to run as root."""
    if os.geteuid() != 0:
        return args
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *args]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    bin_dir = binaries()
    if bin_dir is None:
        pytest.skip("needs Debian's postgresql package (.ci/run installs it)")
    root = Path(tempfile.mkdtemp(prefix="tarry-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "nobody", "nogroup")
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    run = {"check": True, "capture_output": True, "env": env, "cwd": root}
    subprocess.run(
        _as_user(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "tarry", "--auth=trust", "-E", "UTF8"]
        ),
        **run,
    )  # type: ignore[call-overload]
    port = free_port("127.0.0.1", 0)
    options = f"-p {port} -h 127.0.0.1 -k '' -c fsync=off -c synchronous_commit=off"
    subprocess.run(
        _as_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        ),
        **run,
    )  # type: ignore[call-overload]
    try:
        yield Cluster(port, bin_dir)
    finally:
        subprocess.run(
            _as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            env=env,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)
