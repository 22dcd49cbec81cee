"""A throwaway PostgreSQL server for the tests and benchmarks: a fresh cluster
in a temporary folder, listening on 127.0.0.1 on a free port (and on a unix
socket in that folder), stopped and deleted at the end.

initdb refuses to run as root, which is how CI runs: then the cluster
belongs to `nobody` and the server runs as that user. Connections over TCP
need a password (scram-sha-256), as at a facility; the unix socket trusts
its local superuser, which makes roles and databases."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROLE, PASSWORD = "csx_writer", "s3cret-for-tests"
INSTALL = "apt-get install -y postgresql (or let .ci/run do it)"


def postgres_bindir() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian keeps them in /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise RuntimeError(f"PostgreSQL's initdb is not installed: {INSTALL}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self, settings: dict | None = None):
        self.bindir = postgres_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="csx-pg-"))
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("nobody")
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.data, self.port = self.root / "data", _free_port()
        self._numbers = itertools.count(1)
        self._as_owner(["initdb", "-D", self.data, "-U", "postgres", "--auth-local=trust",
                        "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"])
        options = {"listen_addresses": "127.0.0.1", "port": self.port, "unix_socket_directories": self.root,
                   "max_connections": 100, **(settings or {})}
        flags = " ".join(f"-c {key}={value}" for key, value in options.items())
        self._as_owner(["pg_ctl", "-D", self.data, "-l", self.root / "server.log", "-o", flags, "-w", "start"])
        self.admin(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")

    def _as_owner(self, command: list):
        command = [str(self.bindir / command[0]), *map(str, command[1:])]
        user = self.user.pw_uid if self.user else None
        group = self.user.pw_gid if self.user else None
        done = subprocess.run(command, cwd=self.root, user=user, group=group, capture_output=True, text=True)
        if done.returncode:
            log = self.root / "server.log"
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()} "
                               f"{log.read_text() if log.exists() else ''}")

    def admin(self, sql: str, dbname: str = "postgres"):
        import psycopg

        with psycopg.connect(host=str(self.root), port=self.port, user="postgres", dbname=dbname,
                             autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else None

    def new_database(self) -> str:
        """A fresh, empty database owned by the test role: its URL without the password."""
        name = f"csx_{next(self._numbers)}"
        self.admin(f"CREATE DATABASE {name} OWNER {ROLE}")
        return self.url(name)

    def url(self, dbname: str, password: bool = False) -> str:
        secret = f":{PASSWORD}" if password else ""
        return f"postgresql://{ROLE}{secret}@127.0.0.1:{self.port}/{dbname}"

    def stop(self):
        try:
            # immediate: no shutdown checkpoint, the cluster is deleted next
            self._as_owner(["pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
