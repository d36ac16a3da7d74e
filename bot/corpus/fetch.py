"""URL import that cannot be turned against the host it runs on.

Every hop of a redirect chain is resolved once, refused when any address is
loopback, private, link-local, multicast, reserved or a cloud metadata
address — also when written as an IPv6 address that carries one of those IPv4
addresses inside it (`::127.0.0.1`, `::ffff:10.0.0.1`, NAT64 `64:ff9b::/96`,
6to4 `2002::/16`, Teredo); only hosts the moderators listed (BASIS_URL_ALLOW_HOSTS) may resolve
to a private range, never to metadata, link-local or loopback. The connection goes to exactly the
address that was checked (a
second lookup could answer differently: DNS rebinding). One deadline covers
connecting, the headers and the body together, so a server trickling bytes
cannot hold the import; bodies are capped in size.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote, urljoin, urlparse, urlsplit, urlunsplit

import httpcore

from bot.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
URL_LIKE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//|[^\s\\/]+$)")
CONTENT_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
}
METADATA_HOSTS = {"metadata.google.internal", "metadata"}
MAX_STEM_CHARS = 80  # of the saved file's name, taken from the host and path
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
URL_SAFE = "/%:@!$&'()*+,;=-._~?#[]"
METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# What an allow-listed host may resolve to besides public addresses: RFC 1918, shared address
# space (RFC 6598) and IPv6 unique local addresses.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)
USER_AGENT = b"Basis knowledge-base import"


@dataclass(frozen=True)
class Fetched:
    url: str
    filename: str
    data: bytes


def url_scheme(source: str) -> str | None:
    """The scheme of `source` when it is written as a URL (`ftp://…`, `mailto:x`), else None (a path)."""
    match = URL_LIKE.match(source)
    if match is None or (len(match.group(1)) == 1 and match.group(2) != "//"):
        return None
    return match.group(1).lower()


def check_scheme(url: str) -> None:
    """Refuse anything but http(s), naming the schemes that are accepted."""
    parsed = urlparse(url)
    if parsed.scheme.lower() not in SCHEMES or not parsed.hostname:
        raise FetchError(
            f"Only {' and '.join(f'{s}://' for s in SCHEMES)} URLs can be imported, not {url!r}."
        )


def ascii_url(url: str) -> str:
    """`url` as it goes on the wire: an international host name in IDNA (`bücher.example` →
    `xn--bcher-kva.example`; fullwidth dots are dots) and the rest percent-encoded; FetchError
    when the host cannot be written that way."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        raise FetchError(f"{host!r} is not a valid host name.") from None
    try:
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        raise FetchError(f"{url!r} has an invalid port.") from None
    user = parts.netloc.rpartition("@")[0]
    netloc = (f"{user}@" if user else "") + (f"[{ascii_host}]" if ":" in ascii_host else ascii_host) + port
    path, query = (quote(part, safe=URL_SAFE) for part in (parts.path, parts.query))
    return urlunsplit((parts.scheme, quote(netloc, safe=URL_SAFE), path, query, ""))


def embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches through a transition mechanism, which a check
    of the IPv6 address alone would miss."""
    if address.version == 4:
        return []
    assert isinstance(address, ipaddress.IPv6Address)
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    found += list(address.teredo or ())
    if any(address in net for net in NAT64) or (address in IPV4_COMPATIBLE and int(address) > 1):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def address_allowed(address: IPAddress, host: str, allow_hosts: Collection[str] = ()) -> bool:
    """Whether a URL import of `host` may connect to `address`, one of its resolved addresses.

    Public unicast always. A host the moderators listed (BASIS_URL_ALLOW_HOSTS, e.g. their
    intranet wiki) may also resolve to a private range written plainly, but never to a cloud
    metadata or link-local address (the metadata service lives there, whoever names the host)
    nor to loopback (the bot's own machine). An IPv6 address that carries an IPv4 address
    (`embedded_ipv4`) is allowed only when it and every address it reaches are public: such
    forms are how a check is dodged, never how an intranet host is reached.
    """
    embedded = embedded_ipv4(address)
    reached = (address, *embedded)
    if any(a in METADATA_ADDRESSES or a.is_link_local or a.is_loopback or a.is_multicast for a in reached):
        return False
    if all(a.is_global for a in reached):
        return True
    listed = host.lower().rstrip(".") in allow_hosts
    return listed and not embedded and any(address in network for network in PRIVATE_NETWORKS)


def check_address(host: str, allow_hosts: Collection[str] = ()) -> str:
    """Resolve `host` once; refuse it unless every address is allowed (`address_allowed`), and
    return one to connect to."""
    if host.lower() in METADATA_HOSTS:
        raise FetchError(f"Refused {host}: cloud metadata addresses cannot be imported.")
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"Could not resolve {host}.") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not address_allowed(address, host, allow_hosts):
            reached = [a for a in embedded_ipv4(address) if a != address]
            via = f" (which reaches {', '.join(map(str, reached))})" if reached else ""
            raise FetchError(
                f"Refused {host}: it resolves to {address}{via}, a private, loopback, link-local "
                "or reserved address (private addresses only for hosts in BASIS_URL_ALLOW_HOSTS)."
            )
    if not addresses:
        raise FetchError(f"Could not resolve {host}.")
    return str(addresses[0])


class Deadline:
    """Seconds left before one fixed moment; every network operation gets at most that long."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self, timeout: float | None) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout(f"deadline of {self.seconds} s passed")
        return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.left(timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the address `check` approved for the host, never to a fresh lookup of it.

    TLS still verifies the certificate against the host name: httpcore passes the
    origin's name, not the address, as the server name.
    """

    def __init__(self, deadline: Deadline, check: Callable[[str], str]) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline
        self._check = check

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        address = self._check(host)
        stream = self._inner.connect_tcp(
            address, port, self._deadline.left(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("URL import never uses Unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, self._deadline.left(seconds)))


def fetch_url(url: str, max_bytes: int, timeout: float, allow_hosts: Collection[str] = ()) -> Fetched:
    """GET `url` (following at most MAX_REDIRECTS redirects) within `timeout` seconds in all;
    hosts in `allow_hosts` may resolve to private addresses (see `address_allowed`)."""
    deadline = Deadline(timeout)
    check = partial(check_address, allow_hosts=frozenset(allow_hosts)) if allow_hosts else check_address
    try:
        for _ in range(MAX_REDIRECTS + 1):
            check_scheme(url)
            url = ascii_url(url)
            # A new pool per hop: no connection is reused, so every hop is resolved and checked.
            backend = _PinnedBackend(deadline, check)
            with httpcore.ConnectionPool(network_backend=backend, retries=0) as pool:
                fetched, location = _get(pool, url, max_bytes, deadline)
            if fetched is not None:
                return fetched
            url = urljoin(url, location)
        raise FetchError(f"{url} redirected more than {MAX_REDIRECTS} times.")
    except httpcore.TimeoutException as exc:
        raise FetchError(f"{url} took longer than {timeout:g} s.") from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol, ssl.SSLError) as exc:
        raise FetchError(f"Could not fetch {url}: {exc.__class__.__name__}.") from exc


def _get(
    pool: httpcore.ConnectionPool, url: str, max_bytes: int, deadline: Deadline
) -> tuple[Fetched | None, str]:
    """One hop: the document, or (None, the redirect target)."""
    timeouts = {key: deadline.left(None) for key in ("connect", "read", "write", "pool")}
    headers = [
        (b"User-Agent", USER_AGENT),
        (b"Accept", b"text/html, text/plain, text/markdown, application/pdf"),
    ]
    with pool.stream("GET", url, headers=headers, extensions={"timeout": timeouts}) as response:
        fields = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in response.headers}
        if response.status in (301, 302, 303, 307, 308) and "location" in fields:
            return None, fields["location"]
        if response.status != 200:
            raise FetchError(f"{url} answered HTTP {response.status}.")
        kind = fields.get("content-type", "").split(";")[0].strip().lower()
        suffix = CONTENT_TYPES.get(kind)
        if suffix is None:
            raise FetchError(
                f"{url} is {kind or 'of unknown type'}; only HTML, text, Markdown and PDF can be imported."
            )
        body = bytearray()
        for piece in response.iter_stream():
            body.extend(piece)
            if len(body) > max_bytes:
                raise FetchError(f"{url} is larger than the {max_bytes:,}-byte limit.")
            deadline.left(None)
    parsed = urlparse(url)
    host = parsed.hostname or "page"
    stem = (host + parsed.path).strip("/").replace("/", "-")[:MAX_STEM_CHARS] or host
    return Fetched(url, f"{stem.removesuffix(suffix)}{suffix}", bytes(body)), ""
