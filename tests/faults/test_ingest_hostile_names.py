"""Issue 23 item 10: hostile names and a full disk are one line each, never a traceback.

An international host name, fullwidth dots, a 240-character URL path and a 255-character file
name are imported (or refused) with one line; IPv6 spellings of loopback and private IPv4
addresses are refused like the addresses they carry; with the audit trail on a full disk,
`basis kb add` and `basis report` say so in one line and change nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import fetch
from bot.corpus.fetch import check_address, fetch_url
from bot.errors import FetchError
from bot.records.audit import AUDIT_FILE
from bot.settings import Settings
from tests.helpers import LocalServer, Request, Response, run_basis

pytestmark = pytest.mark.faults

RULE = b"The Entity List names parties that need a license for every item subject to the EAR.\n"
FULL = Path("/dev/full")


def _rule(request: Request) -> Response:
    return Response(200, RULE, {"Content-Type": "text/plain"})


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch):
    """A page at 127.0.0.1 that every host name resolves to (the address check is not under test)."""
    monkeypatch.setattr(fetch, "check_address", lambda host: "127.0.0.1")
    with LocalServer(_rule) as server:
        yield server


@pytest.mark.parametrize(
    ("host", "on_the_wire"),
    [("bücher.example", "xn--bcher-kva.example"), ("example．org", "example.org")],
)
def test_an_international_host_is_fetched_by_its_ascii_name(served, host: str, on_the_wire: str) -> None:
    fetched = fetch_url(f"http://{host}:{served.port}/rule", max_bytes=10_000, timeout=5)
    assert fetched.data == RULE
    assert {k.lower(): v for k, v in served.requests[0].headers.items()}["host"].startswith(on_the_wire)


def test_a_host_that_is_not_a_name_is_one_line() -> None:
    with pytest.raises(FetchError, match="is not a valid host name"):
        fetch_url("http://" + "ü" * 70 + ".example/", max_bytes=10_000, timeout=5)


def test_a_240_character_url_path_is_saved_under_a_short_name(served) -> None:
    fetched = fetch_url(served.url("/" + "a" * 240), max_bytes=10_000, timeout=5)
    assert len(fetched.filename) <= 90


@pytest.mark.parametrize(
    "address",
    [
        "::127.0.0.1",
        "::ffff:127.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b::a00:1",
        "2002:7f00:1::",
        "2002:c0a8:101::1",
    ],
)
def test_ipv6_spellings_of_private_ipv4_are_refused(address: str) -> None:
    with pytest.raises(FetchError, match="Refused"):
        check_address(address)


def test_a_public_nat64_address_is_allowed() -> None:
    assert check_address("64:ff9b::808:808") == "64:ff9b::808:808"


def test_a_255_character_file_name_is_added(
    settings: Settings, built, fake_model, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    upload = tmp_path / ("r" * 252 + ".md")
    upload.write_bytes(b"# Entity rule\n\n" + RULE)
    _env(monkeypatch, settings)
    assert run_basis(["kb", "add", str(upload)], monkeypatch) == 0
    saved = list((settings.knowledge_dir / "imported").iterdir())
    assert [len(p.name) for p in saved] == [123]


def test_a_front_matter_id_too_long_for_a_file_name_is_refused_in_one_line(
    settings: Settings, built, fake_model, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    upload = tmp_path / "rule.md"
    upload.write_text(
        "---\nid: " + "x" * 300 + "\ntitle: T\nsource_type: explainer\ncitation: C\nurl: https://e.org\n"
        "as_of: 2026-01-01\ntopics: [a]\nsummary_zh: 说明\nsources:\n  - {title: S, url: 'https://e.org', "
        "date: 2026-01-01}\n---\nBody.\n",
        encoding="utf-8",
    )
    _env(monkeypatch, settings)
    assert run_basis(["kb", "add", str(upload)], monkeypatch) == 1
    err = capsys.readouterr().err
    assert "id: is 300 characters long; the limit is 120" in err and "Traceback" not in err


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("command", [["kb", "add", "RULE"], ["report"]])
def test_a_full_data_disk_is_one_line(
    command: list[str],
    settings: Settings,
    built,
    fake_model,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys,
) -> None:
    upload = tmp_path / "rule.md"
    upload.write_bytes(b"# Entity rule\n\n" + RULE)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / AUDIT_FILE).symlink_to(FULL)
    _env(monkeypatch, settings)
    argv = [str(upload) if arg == "RULE" else arg for arg in command]
    assert run_basis(argv, monkeypatch) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("Error: Could not write the audit trail")
    assert "No space left on device" in err
    assert not (settings.knowledge_dir / "imported").exists()


def _env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    for name, value in (
        ("BASIS_KNOWLEDGE_DIR", settings.knowledge_dir),
        ("BASIS_INDEX_DIR", settings.index_dir),
        ("BASIS_DATA_DIR", settings.data_dir),
    ):
        monkeypatch.setenv(name, str(value))
