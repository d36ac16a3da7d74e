"""URL import: refuses loopback, private, link-local and metadata addresses, on every redirect hop."""

from __future__ import annotations

import ipaddress
import re
import socket

import pytest

from bot.corpus import fetch
from bot.corpus.fetch import check_address, fetch_url
from bot.errors import FetchError
from tests.helpers import Request, Response, serve

REAL_CHECK = fetch.check_address


def _resolver(table: dict[str, list[str]]):
    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list[tuple]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
            for a in table[host]
        ]

    return getaddrinfo


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.5",
        "172.16.4.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(FetchError, match="Refused"):
        check_address(address)


@pytest.mark.parametrize("host", ["metadata.google.internal", "METADATA", "metadata"])
def test_metadata_names_are_refused_without_resolving(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("metadata names must be refused before any lookup")

    monkeypatch.setattr(fetch.socket, "getaddrinfo", fail)
    with pytest.raises(FetchError, match="cloud metadata"):
        check_address(host)


def test_hostnames_are_judged_by_every_address_they_resolve_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        fetch.socket,
        "getaddrinfo",
        _resolver(
            {
                "public.example": ["93.184.216.34", "2606:2800:220:1::1"],
                "internal.example": ["10.1.2.3"],
                "rebind.example": ["93.184.216.34", "127.0.0.1"],
                "imds.example": ["169.254.169.254"],
            }
        ),
    )
    assert check_address("public.example") == "93.184.216.34"  # public unicast only: accepted
    for host in ("internal.example", "rebind.example", "imds.example"):
        with pytest.raises(FetchError, match=f"Refused {re.escape(host)}"):
            check_address(host)
    with pytest.raises(FetchError, match=r"Could not resolve nowhere\.example"):
        check_address("nowhere.example")


def test_localhost_is_refused_before_any_request_is_made() -> None:
    with serve(lambda request: Response(200, b"secret", {"Content-Type": "text/plain"})) as server:
        for url in (server.url("/secret"), f"http://localhost:{server.port}/secret"):
            with pytest.raises(FetchError, match="Refused"):
                fetch_url(url, max_bytes=10_000, timeout=5)
        assert server.requests == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x.txt", "gopher://x", "http:///nohost"]
)
def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError, match="Only http"):
        fetch_url(url, max_bytes=1000, timeout=5)


@pytest.fixture
def first_hop_allowed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Let the test reach its own server on 127.0.0.1 once; every later hop gets the real check."""
    checked: list[str] = []

    def check(host: str) -> str:
        checked.append(host)
        if len(checked) == 1 and host == "127.0.0.1":
            return host
        return REAL_CHECK(host)

    monkeypatch.setattr(fetch, "check_address", check)
    return checked


@pytest.mark.parametrize(
    ("location", "refused_host"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal"),
        ("http://10.0.0.7/admin", "10.0.0.7"),
        ("http://[::1]:9/", "::1"),
        ("LOCAL", "localhost"),
        ("/secret", "127.0.0.1"),
    ],
)
def test_redirect_to_a_forbidden_address_is_refused(
    first_hop_allowed: list[str], location: str, refused_host: str
) -> None:
    def handler(request: Request) -> Response:
        if request.path == "/start":
            target = f"http://localhost:{server.port}/secret" if location == "LOCAL" else location
            return Response(302, b"", {"Location": target})
        return Response(200, b"internal secret", {"Content-Type": "text/plain"})

    with serve(handler) as server:
        with pytest.raises(FetchError, match="Refused"):
            fetch_url(server.url("/start"), max_bytes=10_000, timeout=5)
        assert [r.path for r in server.requests] == ["/start"]
    assert first_hop_allowed == ["127.0.0.1", refused_host]


def test_allowed_fetch_returns_body_and_file_name(first_hop_allowed: list[str]) -> None:
    body = b"Deemed export notes.\nA release is an export.\n"
    with serve(lambda request: Response(200, body, {"Content-Type": "text/plain; charset=utf-8"})) as server:
        fetched = fetch_url(server.url("/notes/deemed"), max_bytes=1000, timeout=5)
    assert fetched.data == body
    assert fetched.filename == "127.0.0.1-notes-deemed.txt"
    assert fetched.url == server.url("/notes/deemed")


def test_body_over_the_size_limit_is_refused(first_hop_allowed: list[str]) -> None:
    big = Response(200, b"x" * 50_000, {"Content-Type": "text/plain"})
    with (
        serve(lambda request: big) as server,
        pytest.raises(FetchError, match="larger than the 1,000-byte limit"),
    ):
        fetch_url(server.url("/big"), max_bytes=1000, timeout=5)


def test_unsupported_content_type_is_refused(first_hop_allowed: list[str]) -> None:
    binary = Response(200, b"\x7fELF", {"Content-Type": "application/octet-stream"})
    with serve(lambda request: binary) as server, pytest.raises(FetchError, match="application/octet-stream"):
        fetch_url(server.url("/bin"), max_bytes=1000, timeout=5)


def test_http_error_status_is_reported(first_hop_allowed: list[str]) -> None:
    missing = Response(404, b"nope", {"Content-Type": "text/plain"})
    with serve(lambda request: missing) as server, pytest.raises(FetchError, match="answered HTTP 404"):
        fetch_url(server.url("/missing"), max_bytes=1000, timeout=5)


def test_slow_server_times_out(first_hop_allowed: list[str]) -> None:
    late = Response(200, b"late", {"Content-Type": "text/plain"}, delay=5)
    with serve(lambda request: late) as server, pytest.raises(FetchError, match="took longer than"):
        fetch_url(server.url("/slow"), max_bytes=1000, timeout=0.5)


WIKI = frozenset({"wiki.internal"})


@pytest.mark.parametrize("address", ["10.1.2.3", "172.16.0.9", "192.168.1.20", "100.64.0.1", "fd12::7"])
def test_an_allow_listed_host_may_resolve_to_a_private_range(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert fetch.address_allowed(ip, "wiki.internal", WIKI)
    assert fetch.address_allowed(ip, "WIKI.Internal.", WIKI)  # compared as DNS does
    assert not fetch.address_allowed(ip, "other.internal", WIKI)
    assert not fetch.address_allowed(ip, "wiki.internal")  # off by default


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # the cloud metadata service
        "fd00:ec2::254",  # its IPv6 address on AWS
        "169.254.7.7",  # link-local
        "fe80::1",
        "127.0.0.1",  # loopback
        "::1",
        "::127.0.0.1",  # IPv4-compatible loopback
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",  # a private address behind an IPv6 spelling
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a00:1::",  # 6to4 of 10.0.0.1
        "224.0.0.1",  # multicast
        "0.0.0.0",
    ],
)
def test_an_allow_listed_host_still_never_reaches_metadata_link_local_or_loopback(address: str) -> None:
    assert not fetch.address_allowed(ipaddress.ip_address(address), "wiki.internal", WIKI)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "64:ff9b::808:808"])
def test_public_addresses_are_allowed_for_every_host(address: str) -> None:
    assert fetch.address_allowed(ipaddress.ip_address(address), "example.org")


def test_check_address_lets_only_the_listed_host_resolve_privately(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        fetch.socket,
        "getaddrinfo",
        _resolver({"wiki.internal": ["10.1.2.3"], "imds.internal": ["169.254.169.254"]}),
    )
    assert check_address("wiki.internal", WIKI | {"imds.internal"}) == "10.1.2.3"
    with pytest.raises(FetchError, match=r"Refused wiki\.internal: .*BASIS_URL_ALLOW_HOSTS"):
        check_address("wiki.internal")  # off by default
    with pytest.raises(FetchError, match=r"Refused imds\.internal"):
        check_address("imds.internal", WIKI | {"imds.internal"})


def test_a_listed_host_cannot_redirect_to_an_unlisted_private_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The list is by host name, judged on every hop: the wiki's redirect to another private
    address is refused."""
    checked: list[str] = []

    def check(host: str, allow_hosts: frozenset[str] = frozenset()) -> str:
        checked.append(host)
        if host == "127.0.0.1":  # the test's own server stands in for the wiki
            return host
        return REAL_CHECK(host, allow_hosts)

    monkeypatch.setattr(fetch, "check_address", check)

    def handler(request: Request) -> Response:
        return Response(302, b"", {"Location": "http://10.0.0.7/admin"})

    with serve(handler) as server, pytest.raises(FetchError, match=r"Refused 10\.0\.0\.7"):
        fetch_url(server.url("/start"), max_bytes=10_000, timeout=5, allow_hosts=["wiki.internal"])
    assert checked == ["127.0.0.1", "10.0.0.7"]
