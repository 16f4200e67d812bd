"""A throw-away PostgreSQL server of its own, for runs that stop and start the database.

The shared PostgreSQL (TEST_DATABASE_URL, 127.0.0.1:5432) serves other tests at the same
time, so it is never restarted. :class:`Cluster` makes a new one instead with the server's
own ``initdb`` and ``pg_ctl`` (``/usr/lib/postgresql/*/bin`` or ``PG_BIN``) in a temporary
directory, on a free port, trust authentication on 127.0.0.1 only, and removes it at the
end. ``initdb`` refuses to run as root: as root the cluster belongs to the ``postgres`` user
and its commands run through ``runuser``.

    with Cluster() as cluster:   # initdb + start
        url = cluster.url        # postgresql+asyncpg://postgres@127.0.0.1:<port>/postgres
        cluster.stop()           # "-m immediate": like a crash, connections cut
        cluster.start()          # same port, same data
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.ports import reserve_port


def binaries() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``, or None when there is none."""
    given = os.environ.get("PG_BIN")
    found = [given] if given else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in found:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


class Cluster:
    """One PostgreSQL server in a temporary directory (see the module's docstring)."""

    def __init__(self) -> None:
        folder = binaries()
        if folder is None:
            raise RuntimeError("no initdb/pg_ctl: install PostgreSQL's server or set PG_BIN")
        self.bin = folder
        self.root = Path(tempfile.mkdtemp(prefix="samenspraak-pg-"))
        self.data = self.root / "data"
        with reserve_port() as reserved:
            self.port = reserved.port
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: the cluster is the postgres user's
            self._as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str) -> None:
        subprocess.run(
            [*self._as, *argv], check=True, capture_output=True, cwd=self.root, timeout=120
        )

    def create(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server: ``immediate`` cuts every connection at once, as a crash does."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Cluster:
        try:
            self.create()
            self.start()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()
