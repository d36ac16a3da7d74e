"""One HTTP client for the three APIs: bounded bodies, one deadline per request, bounded backoff
on 429 and 5xx, one-line failures.

Every body is streamed and refused past `max_bytes`, and one deadline (the URL import's,
`bot.corpus.fetch.Deadline`) covers connecting, the headers and the whole body of a request, so
an endless or trickled body ends as that source's failure in bounded time and memory. A redirect
is not followed and not success. A 429 or 5xx is retried at most `retries` times, waiting what
`Retry-After` asks (capped at `max_wait`) or else 1, 2, 4 … seconds; after that, or on any other
status, a network error or a body that is not what was asked for, `SourceFailure` carries one
readable line.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx

from bot.corpus.fetch import Deadline

RETRIED = frozenset({429, 500, 502, 503, 504})
MAX_BYTES = 20_000_000  # the default cap on one response body
USER_AGENT = "Basis-sync/0.1 (+https://github.com/; export-control knowledge base)"


class SourceFailure(Exception):
    """A source could not be read; the message is the report's one line for it."""


class ApiClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        retries: int,
        max_wait: float,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.base = httpx.URL(base_url.rstrip("/") + "/")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep
        self._http = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path_or_url: str) -> httpx.URL:
        """An API path joined to the base, or an absolute URL the API gave, if on the same host."""
        url = httpx.URL(path_or_url)
        if not url.is_absolute_url:
            return self.base.join(path_or_url.lstrip("/"))
        if (url.scheme, url.host, url.port) != (self.base.scheme, self.base.host, self.base.port):
            raise SourceFailure(f"the API pointed to {url.host}, not {self.base.host}; not followed")
        return url

    def get_json(self, path: str, params: Any = None) -> Any:
        response = self.get(path, params)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SourceFailure(f"malformed body from {_where(response)}: not JSON") from None
        except RecursionError:  # json recurses once per nesting level: 100k `[` would end the sync
            raise SourceFailure(f"malformed body from {_where(response)}: JSON nested too deeply") from None

    def get_text(self, path: str, params: Any = None) -> str:
        return self.get(path, params).text

    def get(self, path: str, params: Any = None) -> httpx.Response:
        try:
            url = self.url(path)
        except httpx.InvalidURL as exc:  # a path from the API with a newline, a space, a bad host …
            raise SourceFailure(f"the API gave a path that is not a URL ({exc})") from None
        for attempt in range(self.retries + 1):
            try:
                response = self._fetch(url, params)
            except (httpx.TimeoutException, httpcore.TimeoutException):
                failure = f"network: {url.host} did not answer within {self.timeout:g} s"
            except httpx.TransportError as exc:
                failure = f"network: cannot reach {url.host} ({type(exc).__name__})"
            else:
                if response.status_code < 300:
                    return response
                if 300 <= response.status_code < 400:
                    raise SourceFailure(
                        f"HTTP {response.status_code} from {_where(response)}: a redirect, not followed"
                    )
                if response.status_code not in RETRIED:
                    raise SourceFailure(
                        f"HTTP {response.status_code} from {_where(response)}{_reason(response)}"
                    )
                failure = f"HTTP {response.status_code} from {_where(response)}"
                if attempt < self.retries:
                    self.sleep(self._wait(response, attempt))
                    continue
                raise SourceFailure(f"{failure} after {attempt + 1} attempts")
            if attempt < self.retries:
                self.sleep(min(2.0**attempt, self.max_wait))
        raise SourceFailure(f"{failure} after {self.retries + 1} attempts")

    def _fetch(self, url: httpx.URL, params: Any) -> httpx.Response:
        """One request, its body read within one deadline and at most `max_bytes` long."""
        deadline = Deadline(self.timeout)
        with self._http.stream("GET", url, params=params, timeout=deadline.left(None)) as streamed:
            body = bytearray()
            for piece in streamed.iter_bytes():
                body.extend(piece)
                if len(body) > self.max_bytes:
                    raise SourceFailure(
                        f"{streamed.request.url.path}: the body is larger than the {self.max_bytes:,}-byte "
                        "limit; not read further"
                    )
                deadline.left(None)
        return httpx.Response(
            streamed.status_code, headers=streamed.headers, content=bytes(body), request=streamed.request
        )

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        return min(_retry_after(response.headers.get("Retry-After")) or 2.0**attempt, self.max_wait)


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _where(response: httpx.Response) -> str:
    return response.request.url.path


def _reason(response: httpx.Response) -> str:
    """The API's own error message, when it gives one in JSON (first 200 characters)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    text = _messages(body)
    return f": {text[:200]}" if text else ""


def _messages(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(filter(None, (_messages(v) for v in value)))
    if isinstance(value, dict):
        for key in ("errors", "error", "message", "detail"):
            if key in value:
                return _messages(value[key])
        return "; ".join(f"{k}: {_messages(v)}" for k, v in value.items() if _messages(v))
    return ""
