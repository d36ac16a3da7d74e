"""End to end: questions asked in Discord reach the question log; `/kb report` for moderators."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from bot.records.store import FILE_NAME
from tests.discord_app.emulator import EPHEMERAL, DiscordEmulator
from tests.timing import PATIENCE

pytestmark = pytest.mark.e2e

DEEMED = "What is a deemed export of technology to a foreign person?"
POEM = "Write a poem about <b>pizza</b> **now**"


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


def logged(settings) -> list[tuple]:
    with sqlite3.connect(settings.data_dir / FILE_NAME) as db:
        return db.execute(
            "SELECT origin, guild_id, question, declined, decline_kind FROM questions"
        ).fetchall()


async def logged_once(settings, count: int) -> list[tuple]:
    """The question log once it holds `count` rows: a question is logged just after its answer
    is sent, so the last row may land a moment after the reply."""
    deadline = asyncio.get_running_loop().time() + PATIENCE
    while len(rows := logged(settings)) < count and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    return rows


async def test_questions_are_logged_and_the_report_is_attached(emulator: DiscordEmulator, run_bot):
    settings = await run_bot()
    ada = emulator.make_user("ada")
    asked = await emulator.slash("ask", user=ada, question=DEEMED)
    (answer,) = await emulator.followups(asked)
    down = custom_ids(answer.response)[-1]
    voted = await emulator.click(answer.response, down, user=ada)
    await emulator.callback(voted)
    declined = await emulator.slash("ask", user=ada, question=POEM)
    await emulator.followups(declined)
    await emulator.user_message("What is a release?", user=ada, mention=True)
    await emulator.wait_for(lambda c: c.route == "/channels/{channel_id}/messages" and c.status == 200)
    assert await logged_once(settings, 3) == [
        ("discord", emulator.guild_id, DEEMED, 0, ""),
        ("discord", emulator.guild_id, POEM, 1, "request"),
        ("discord", emulator.guild_id, "What is a release?", 0, ""),
    ]

    mod = emulator.make_user("mod")
    sent = await emulator.slash("kb report", user=mod, roles=(emulator.moderator_role_id,), days=7)
    assert (await emulator.callback(sent)).body["data"]["flags"] & EPHEMERAL
    (reply,) = await emulator.followups(sent)
    assert reply.response["flags"] & EPHEMERAL
    (embed,) = reply.body["embeds"]
    assert embed["title"] == "Coverage report — last 7 days"
    assert embed["description"].startswith("3 questions: 2 answered, 1 declined (33%). 👍 0 · 👎 1.")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Top 5 gaps"] == r"**1×** Write a poem about <b>pizza</b> \*\*now\*\*"
    assert fields["👎 1"].startswith("**1×** What is a deemed export")
    assert fields["Stale documents: 0"] == "None."
    ((filename, data),) = reply.files.values()
    assert filename.startswith("basis-report-") and filename.endswith(".html")
    html = data.decode()
    assert "&lt;b&gt;pizza&lt;/b&gt;" in html and "<b>pizza</b>" not in html
    assert "<svg" in html and 'id="gaps"' in html

    (entry,) = [json.loads(line) for line in (settings.data_dir / "audit.jsonl").open()]
    assert (entry["action"], entry["target"], entry["actor"]) == (
        "report",
        "last 7 days",
        f"mod (discord:{mod['id']})",
    )
    assert entry["outcome"] == "3 questions, 1 gaps, 1 👎"
    raw = (settings.data_dir / FILE_NAME).read_bytes()
    assert ada["id"].encode() not in raw and ada["id"] not in html


async def test_report_is_for_moderators_only(emulator: DiscordEmulator, run_bot):
    settings = await run_bot()
    sent = await emulator.slash("kb report", user=emulator.make_user("eve"))
    reply = (await emulator.callback(sent)).body
    assert reply["data"]["flags"] & EPHEMERAL
    assert reply["data"]["content"].startswith("Only moderators")
    (entry,) = [json.loads(line) for line in (settings.data_dir / "audit.jsonl").open()]
    assert entry["action"] == "report" and entry["outcome"].startswith("refused: Only moderators")


@pytest.mark.parametrize("where", ["everywhere", "this guild"])
async def test_question_logging_can_be_turned_off(emulator: DiscordEmulator, run_bot, where):
    off = (
        {"question_log": False} if where == "everywhere" else {"question_log_off_guilds": [emulator.guild_id]}
    )
    settings = await run_bot(**off)
    asked = await emulator.slash("ask", user=emulator.make_user("ada"), question=DEEMED)
    await emulator.followups(asked)
    assert logged(settings) == []
