"""URL import that cannot be turned against the host it runs on.

Every hop of a redirect chain is resolved and refused when any address is
loopback, private, link-local, multicast, reserved or a cloud metadata
address; bodies are capped in size and the whole fetch in time.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

import httpx

from bot.errors import FetchError

MAX_REDIRECTS = 5
CONTENT_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
}
METADATA_HOSTS = {"metadata.google.internal", "metadata"}


@dataclass(frozen=True)
class Fetched:
    url: str
    filename: str
    data: bytes


def check_address(host: str) -> None:
    """Refuse hosts that resolve to anything but public unicast addresses."""
    if host.lower() in METADATA_HOSTS:
        raise FetchError(f"Refused {host}: cloud metadata addresses cannot be imported.")
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise FetchError(f"Could not resolve {host}.") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise FetchError(
                f"Refused {host}: it resolves to {address}, a private, loopback, link-local "
                "or reserved address."
            )


def fetch_url(url: str, max_bytes: int, timeout: float, client: httpx.Client | None = None) -> Fetched:
    deadline = time.monotonic() + timeout
    own = client is None
    client = client or httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise FetchError(f"Only http(s) URLs can be imported, not {url!r}.")
            check_address(parsed.hostname)
            with client.stream("GET", url, timeout=max(0.1, deadline - time.monotonic())) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("location", ""))
                    continue
                if response.status_code != 200:
                    raise FetchError(f"{url} answered HTTP {response.status_code}.")
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                suffix = CONTENT_TYPES.get(kind)
                if suffix is None:
                    raise FetchError(
                        f"{url} is {kind or 'of unknown type'}; only HTML, text, Markdown and PDF "
                        "can be imported."
                    )
                body = bytearray()
                for piece in response.iter_bytes():
                    body.extend(piece)
                    if len(body) > max_bytes:
                        raise FetchError(f"{url} is larger than the {max_bytes:,}-byte limit.")
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url} took longer than {timeout:.0f} s.")
                stem = (parsed.hostname + parsed.path).strip("/").replace("/", "-") or parsed.hostname
                return Fetched(url, f"{stem.removesuffix(suffix)}{suffix}", bytes(body))
        raise FetchError(f"{url} redirected more than {MAX_REDIRECTS} times.")
    except httpx.TimeoutException as exc:
        raise FetchError(f"{url} took longer than {timeout:.0f} s.") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"Could not fetch {url}: {exc.__class__.__name__}.") from exc
    finally:
        if own:
            client.close()
