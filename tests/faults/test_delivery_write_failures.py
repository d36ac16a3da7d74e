"""Issue 23 item 1: a failed log or feedback write never loses the answer.

The data directory's database fails every write, as on a full disk or with SQLite's `database is
locked` after its busy timeout. Discord `/ask` and the mention path still deliver the answer
(with its buttons), the CLI prints it before recording, and each failed write is one warning.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy.exc
from typer.testing import CliRunner

import bot.records.store
from bot.cli import app
from bot.settings import Settings
from tests.discord_app.emulator import DiscordEmulator
from tests.fakes import HashEmbedder
from tests.timing import PATIENCE

pytestmark = pytest.mark.faults

DEEMED = "What is a deemed export of technology to a foreign person?"
FAILURES = {
    "disk full": sqlite3.OperationalError("database or disk is full"),
    "locked": sqlite3.OperationalError("database is locked"),
}


@pytest.fixture(params=sorted(FAILURES))
def failing_writes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """From now on every database access in the data directory fails with the parametrised error."""
    error = FAILURES[request.param]

    def start() -> None:
        @contextmanager
        def broken(self: object, *, exclusive: bool = False) -> Iterator[object]:
            raise sqlalchemy.exc.OperationalError("INSERT", {}, error)
            yield  # a generator, as the real connect is

        monkeypatch.setattr(bot.records.store.Store, "connect", broken)

    request.node.break_writes = start
    yield str(error)


async def _warnings(caplog: pytest.LogCaptureFixture, count: int) -> list[str]:
    """The "… failed; the answer was delivered" warnings, once `count` of them arrived (the
    question is logged after the answer is sent, so the last one may come a moment later)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while True:
        found = [
            r.getMessage()
            for r in caplog.records
            if r.levelno == logging.WARNING and "the answer was delivered" in r.getMessage()
        ]
        if len(found) >= count or loop.time() > deadline:
            return found
        await asyncio.sleep(0.05)


async def test_slash_ask_delivers_the_answer_when_recording_fails(
    emulator: DiscordEmulator, run_bot, failing_writes: str, request, caplog
) -> None:
    await run_bot()
    request.node.break_writes()  # after start-up opened the feedback store
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question=DEEMED)
    (followup,) = await emulator.followups(sent)
    answer, sources = followup.body["embeds"]
    assert answer["title"] == "Answer" and "734.13" in sources["description"]
    assert followup.response["components"]  # the buttons are still there
    warned = await _warnings(caplog, 2)
    assert len(warned) == 2 and all(failing_writes in w for w in warned)  # passages, question log
    assert warned[1].startswith("logging the question failed")


async def test_a_mention_is_answered_when_recording_fails(
    emulator: DiscordEmulator, run_bot, failing_writes: str, request, caplog
) -> None:
    await run_bot()
    request.node.break_writes()
    asked = await emulator.user_message(DEEMED, user=emulator.make_user("ada"), mention=True)
    (answer,) = await emulator.channel_messages(int(asked["id"]))
    assert "[1]" in answer["embeds"][0]["description"]
    assert len(await _warnings(caplog, 2)) == 2


def test_cli_ask_prints_the_answer_before_a_failed_log_write(
    fake_model: HashEmbedder,
    settings: Settings,
    built: object,
    failing_writes: str,
    request: pytest.FixtureRequest,
) -> None:
    request.node.break_writes()
    env = {"BASIS_QUESTION_LOG_CLI": "true", "BASIS_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(
        app, ["ask", DEEMED, "--index", str(settings.index_dir), "--json"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0
    assert '"citations"' in result.stdout and "734.13" in result.stdout
    (warning,) = result.stderr.splitlines()
    assert warning == f"warning: the question log was not written (OperationalError: {failing_writes})"
