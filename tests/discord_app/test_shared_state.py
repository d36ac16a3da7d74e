"""The Discord front end with BASIS_DATABASE_URL: the question log, remembered answers and votes
of an emulated /ask land in PostgreSQL, and nothing in `data/`."""

from __future__ import annotations

import asyncio
import time

import psycopg
import pytest

from tests.discord_app.emulator import DiscordEmulator
from tests.discord_app.test_ask import DEEMED, custom_ids
from tests.services import PostgresServer
from tests.timing import PATIENCE

pytestmark = [pytest.mark.e2e, pytest.mark.services]


async def _rows(url: str, sql: str, expected: int) -> list[tuple]:
    """The rows of `sql` once there are `expected` of them (the spool writes in the background)."""
    deadline = time.monotonic() + PATIENCE
    while True:
        async with await psycopg.AsyncConnection.connect(url) as db:
            rows = await (await db.execute(sql)).fetchall()
        if len(rows) == expected:
            return rows
        assert time.monotonic() < deadline, rows
        await asyncio.sleep(0.1)


async def test_ask_and_vote_are_stored_in_postgres(
    emulator: DiscordEmulator, run_bot, postgres_server: PostgresServer
) -> None:
    url = postgres_server.url
    settings = await run_bot(database_url=url)
    ada = emulator.make_user("ada")
    sent = await emulator.slash("ask", user=ada, question=DEEMED)
    (followup,) = await emulator.followups(sent)
    passages_id, up_id, _down_id = custom_ids(followup.response)

    shown = await emulator.click(followup.response, passages_id, user=ada)
    assert "> " in (await emulator.callback(shown)).body["data"]["embeds"][0]["description"]
    voted = await emulator.click(followup.response, up_id, user=ada)
    assert "Thanks" in (await emulator.callback(voted)).body["data"]["content"]

    ((answer_id, user_hash, vote, question),) = await _rows(
        url, "SELECT answer_id, user_hash, vote, question FROM feedback", 1
    )
    assert up_id.endswith(answer_id) and vote == 1 and question == DEEMED
    assert ada["id"] not in user_hash and len(user_hash) == 64
    ((logged, origin),) = await _rows(url, "SELECT answer_id, origin FROM questions", 1)
    assert (logged, origin) == (answer_id, "discord")
    assert not settings.data_dir.exists()  # nothing in data/
