"""The API client: bounded backoff honouring Retry-After, one-line failures, no foreign hosts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.sync.http import ApiClient, SourceFailure
from tests.helpers import LocalServer, Request, Response, serve


def _client(server: LocalServer, waits: list[float], retries: int = 2) -> ApiClient:
    return ApiClient(server.url("/api"), timeout=2.0, retries=retries, max_wait=5.0, sleep=waits.append)


def _failure(call: Callable[[], object]) -> str:
    with pytest.raises(SourceFailure) as caught:
        call()
    return str(caught.value)


def test_retries_a_429_then_succeeds_waiting_what_retry_after_asks() -> None:
    answers = [Response(429, b"", {"Retry-After": "2"}), Response(503), Response.json({"ok": True})]
    waits: list[float] = []
    with serve(lambda r: answers.pop(0)) as server, _client(server, waits) as client:
        assert client.get_json("thing.json") == {"ok": True}
    assert waits == [2.0, 2.0]  # Retry-After, then the backoff for the second attempt


def test_retry_after_is_capped_and_attempts_are_bounded() -> None:
    waits: list[float] = []
    with serve(lambda r: Response(429, b"", {"Retry-After": "86400"})) as server, _client(server, waits) as c:
        assert _failure(lambda: c.get_json("thing.json")) == "HTTP 429 from /api/thing.json after 3 attempts"
    assert waits == [5.0, 5.0]


def test_other_4xx_fail_at_once_with_the_api_message() -> None:
    waits: list[float] = []
    body = {"status": 400, "errors": {"conditions": {"agencies": ["x is not a valid agency"]}}}
    with serve(lambda r: Response.json(body, 400)) as server, _client(server, waits) as c:
        message = _failure(lambda: c.get_json("docs.json"))
    assert message == "HTTP 400 from /api/docs.json: conditions: agencies: x is not a valid agency"
    assert waits == []


def test_a_body_that_is_not_json_is_malformed() -> None:
    with serve(lambda r: Response(200, b"<html>")) as server, _client(server, []) as c:
        assert _failure(lambda: c.get_json("x.json")) == "malformed body from /api/x.json: not JSON"


def test_an_unreachable_host_is_a_network_failure() -> None:
    waits: list[float] = []
    with ApiClient("http://127.0.0.1:9", timeout=1.0, retries=1, max_wait=5.0, sleep=waits.append) as c:
        message = _failure(lambda: c.get("x"))
    assert message.startswith("network: cannot reach 127.0.0.1") and message.endswith("after 2 attempts")
    assert waits == [1.0]


def test_urls_given_by_the_api_are_followed_only_on_its_own_host() -> None:
    seen: list[Request] = []
    with serve(lambda r: seen.append(r) or Response(200, b"text")) as server, _client(server, []) as c:
        assert c.get_text(server.url("/api/next?page=2")) == "text"
        assert "pointed to example.org" in _failure(lambda: c.get_text("https://example.org/api/next"))
    assert [r.path for r in seen] == ["/api/next?page=2"]


def test_extra_headers_are_sent_and_keys_stay_out_of_the_url() -> None:
    seen: list[Request] = []
    keyed = {"X-Api-Key": "k"}
    with (
        serve(lambda r: seen.append(r) or Response.json({})) as server,
        ApiClient(server.url("/"), timeout=2, retries=0, max_wait=1, headers=keyed) as c,
    ):
        c.get_json("v3/bill/119/hr/1", {"format": "json"})
    assert seen[0].headers["X-Api-Key"] == "k" and seen[0].path == "/v3/bill/119/hr/1?format=json"
