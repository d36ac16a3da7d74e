"""Real servers for the `services` tests, started by the test on a free 127.0.0.1 port."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import redis

from tests.timing import PATIENCE

REDIS_BINARY = "redis-server"
REDIS_MISSING = "redis-server is not installed (Debian package redis-server; `make test` installs it)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server without persistence; it can be killed and restarted on its port."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which(REDIS_BINARY)
        assert binary, REDIS_MISSING
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert self.process.poll() is None, "redis-server exited at start-up"
                assert time.monotonic() < deadline, f"redis-server did not answer within {PATIENCE:g} s"
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGRES_MISSING = (
    "PostgreSQL's server binaries are not installed (Debian package postgresql; `make test` installs it)"
)
POSTGRES_USER = "postgres"  # initdb and postgres refuse to run as root; as root we run them as this user


def postgres_bin() -> Path | None:
    """The folder with `initdb` and `postgres`: Debian's newest version, else the PATH."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("postgres") else None


def _server_user() -> dict[str, str]:
    """`subprocess` arguments that drop root to the `postgres` user (nothing when not root)."""
    return {"user": POSTGRES_USER, "group": POSTGRES_USER} if os.geteuid() == 0 else {}


_TEMPLATE: list[Path] = []  # the session's freshly initialised cluster, made on first use


def _template_cluster(bin: Path) -> Path:
    """An initdb'd, never started data folder for every `PostgresServer` of this session to copy."""
    if not _TEMPLATE:
        workdir = Path(tempfile.mkdtemp(prefix="basis-pg-template-"))
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        if os.geteuid() == 0:
            shutil.chown(workdir, POSTGRES_USER, POSTGRES_USER)
        data = workdir / "data"
        subprocess.run(
            [str(bin / "initdb"), "-D", str(data), "-U", POSTGRES_USER, "-A", "trust", "-E", "UTF8"],
            check=True,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **_server_user(),
        )
        _TEMPLATE.append(data)
    return _TEMPLATE[0]


class PostgresServer:
    """A throwaway PostgreSQL cluster (fsync off) listening only on 127.0.0.1 on a free port, with
    its unix socket in its own folder; it can be killed with SIGKILL and restarted on that port
    and data folder. As root the folder is a fresh one under the system temp dir, owned by
    `postgres` (the test's own tmp_path is not reachable by that user)."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        assert self.bin, POSTGRES_MISSING
        self.workdir = Path(tempfile.mkdtemp(prefix="basis-pg-"))
        self.data = self.workdir / "data"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        if os.geteuid() == 0:
            shutil.chown(self.workdir, POSTGRES_USER, POSTGRES_USER)
        # A copy of one cluster made once per test session: 0.2 s instead of initdb's 2 s each time.
        # `cp -a` keeps the owner (`postgres` as root) and the 0700 mode the server insists on.
        subprocess.run(["cp", "-a", str(_template_cluster(self.bin)), str(self.data)], check=True)

    @property
    def url(self) -> str:
        return f"postgresql://{POSTGRES_USER}@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        args = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        args += ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.workdir}"]
        args += ["-c", "fsync=off", "-c", "full_page_writes=off"]
        self.process = subprocess.Popen(
            args, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **_server_user()
        )
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                psycopg.connect(self.url, connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                assert self.process.poll() is None, "postgres exited at start-up"
                assert time.monotonic() < deadline, f"postgres did not answer within {PATIENCE:g} s"
                time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the server and its backends, as a crash would; the next start recovers."""
        if self.process is None or self.process.poll() is not None:
            return
        tree = [psutil.Process(self.process.pid)]
        tree += tree[0].children(recursive=True)
        for process in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        psutil.wait_procs(tree, timeout=10)
        self.process.wait()

    def stop(self) -> None:
        """A fast, clean shutdown (SIGINT)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.kill()
        self.start()

    def remove(self) -> None:
        """Stop and delete: a clean shutdown takes milliseconds, SIGKILL's clean-up of backends a second."""
        try:
            self.stop()
        except subprocess.TimeoutExpired:
            self.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


ROOT = Path(__file__).resolve().parents[1]
HOLD_LOCK = """
import sys, time
from bot.records.shared import AdvisoryWriterLock
from bot.records.store import Store
with AdvisoryWriterLock(Store.postgres(sys.argv[1])).held():
    print("held", flush=True)
    time.sleep(120)
"""


@contextlib.contextmanager
def writer_lock_held_elsewhere(url: str) -> Iterator[subprocess.Popen[str]]:
    """A separate process holding the PostgreSQL writer lock until the block ends (it is then
    killed, as a crash would end it, so the server frees the lock when it notices)."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, url],
        env={"PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        yield child
    finally:
        child.kill()
        child.wait()
