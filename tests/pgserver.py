"""A throwaway PostgreSQL server for tests: Debian's `postgresql` package (`make postgres` installs it),
`initdb` into a fresh temporary directory, `pg_ctl start` on a free local port, stopped and deleted at the end.

initdb and postgres refuse to run as root (CI runs as root): then the server runs as the unprivileged
`postgres` user the Debian package creates (or `budgetwh-pg`, created with useradd when neither exists),
through `runuser`. Authentication is `trust` on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "budgetwh"  # the database superuser initdb creates (-U), the role the tests connect as
DBNAME = "budgetwh"


class ServerUnavailable(RuntimeError):
    """The server could not be started; the message says why and what to install."""


def bin_dir() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise ServerUnavailable(
        "no PostgreSQL server binaries (initdb): run `make postgres` (apt-get install postgresql) first"
    )


def _os_user() -> str | None:
    """The unprivileged account the server runs as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "budgetwh-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "budgetwh-pg"],
        check=True,
        capture_output=True,
    )
    return "budgetwh-pg"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], os_user: str | None) -> subprocess.CompletedProcess:
    if os_user:
        cmd = ["runuser", "-u", os_user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server with an empty database `budgetwh`; yields its postgresql:// URL."""
    binaries = bin_dir()
    os_user = _os_user()
    root = Path(tempfile.mkdtemp(prefix="budgetwh-pg-"))
    if os_user:
        shutil.chown(root, user=os_user)
    data, port = root / "data", _free_port()
    started = False
    try:
        init = _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            os_user,
        )
        if init.returncode:
            raise ServerUnavailable(f"initdb failed: {init.stderr.strip()[-800:]}")
        # a test server: nothing needs to survive a crash, so no fsync
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        start = _run(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            os_user,
        )
        if start.returncode:
            log = (
                (root / "server.log").read_text(errors="replace")[-800:]
                if (root / "server.log").exists()
                else ""
            )
            raise ServerUnavailable(f"pg_ctl start failed: {start.stderr.strip()[-400:]} {log}")
        started = True
        create = subprocess.run(
            [str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", USER, DBNAME],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if create.returncode:
            raise ServerUnavailable(f"createdb failed: {create.stderr.strip()}")
        yield f"postgresql://{USER}@127.0.0.1:{port}/{DBNAME}"
    finally:
        if started:
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], os_user)
        shutil.rmtree(root, ignore_errors=True)
