"""URL import faults: DNS rebinding (issue 11, item 2) and a server that trickles its headers (item 3)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.corpus import fetch
from bot.corpus.fetch import fetch_url
from bot.errors import FetchError
from tests.helpers import Response, serve

pytestmark = pytest.mark.faults

PUBLIC = "93.184.216.34"
REAL_GETADDRINFO = socket.getaddrinfo
REAL_CREATE_CONNECTION = socket.create_connection


def test_a_rebinding_resolver_never_gets_loopback_content(monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolver answers a public address first and 127.0.0.1 after: only the first is ever used."""
    lookups: list[str] = []
    connected: list[str] = []

    def rebinding(host: object, port: object, *args: object, **kwargs: object) -> list[tuple]:
        if host != "rebind.test":
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        lookups.append(host)
        address = PUBLIC if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 0))]

    def connect(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        connected.append(address[0])
        if address[0] == PUBLIC:  # the public host is unreachable from the test machine
            raise ConnectionRefusedError(111, "Connection refused")
        return REAL_CREATE_CONNECTION(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "create_connection", connect)
    secret = Response(200, b"loopback secret", {"Content-Type": "text/plain"})
    with serve(lambda request: secret) as server:
        with pytest.raises(FetchError, match="Could not fetch"):
            fetch_url(f"http://rebind.test:{server.port}/secret", max_bytes=10_000, timeout=5)
        assert server.requests == []
    assert lookups == ["rebind.test"]
    assert connected == [PUBLIC]


def test_every_redirect_hop_is_resolved_and_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A redirect to the same host still gets a fresh check, which now refuses it."""
    answers = iter(["127.0.0.1"])

    def check(host: str) -> str:
        address = next(answers, None)
        if address is None:
            raise FetchError(f"Refused {host}: it resolves to 127.0.0.1")
        return address

    monkeypatch.setattr(fetch, "check_address", check)

    def handler(request: object) -> Response:
        if getattr(request, "path", "") == "/start":
            return Response(302, b"", {"Location": "/secret"})
        return Response(200, b"secret", {"Content-Type": "text/plain"})

    with serve(handler) as server:
        with pytest.raises(FetchError, match="Refused"):
            fetch_url(server.url("/start"), max_bytes=10_000, timeout=5)
        assert [r.path for r in server.requests] == ["/start"]


@contextmanager
def trickling_server(lines: int, every: float) -> Iterator[int]:
    """A real HTTP server that sends a status line, then one header line every `every` seconds."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def run() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                    for n in range(lines):
                        if stop.wait(every):
                            return
                        conn.sendall(f"X-Slow-{n}: {n}\r\n".encode())
                    conn.sendall(b"Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
                except OSError:
                    continue

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_one_deadline_covers_connect_headers_and_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """Headers arriving one line a second must not hold a 1.5 s import for the 60 s they take.

    Real time is the point: the bound (15 s) is ten times the deadline, for a loaded machine, and
    a quarter of the 60 s the server would hold a fetch that had no overall deadline.
    """
    monkeypatch.setattr(fetch, "check_address", lambda host: host)
    with trickling_server(lines=60, every=1.0) as port:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"took longer than 1\.5 s"):
            fetch_url(f"http://127.0.0.1:{port}/slow", max_bytes=10_000, timeout=1.5)
        elapsed = time.monotonic() - started
    assert elapsed < 15.0, f"the fetch was held {elapsed:.1f} s against a 1.5 s deadline"


def test_the_deadline_also_covers_a_trickled_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1 s deadline against a reply held 60 s (released when the test ends); 10 s of margin for load."""
    monkeypatch.setattr(fetch, "check_address", lambda host: host)
    slow = Response(200, b"late body", {"Content-Type": "text/plain"}, delay=60)
    with serve(lambda request: slow) as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match="took longer than"):
            fetch_url(server.url("/late"), max_bytes=10_000, timeout=1.0)
        assert time.monotonic() - started < 10.0
