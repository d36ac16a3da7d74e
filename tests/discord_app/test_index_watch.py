"""End to end: an index rebuilt behind the running bot's back is answered from after one poll."""

from __future__ import annotations

import asyncio

import pytest

from bot.indexing.build import build_index
from bot.service import chunker_config
from tests.discord_app.conftest import WIDGET_BILL
from tests.discord_app.emulator import DiscordEmulator
from tests.fakes import HashEmbedder
from tests.timing import PATIENCE

pytestmark = pytest.mark.e2e

WIDGET_QUESTION = "What would the Quantum Widget Licensing Act require for a quantum widget?"
WIDGET_CITATION = "[H.R. 9999](<https://example.org/hr9999>) — Quantum Widget Licensing Act"
POLL = 0.2


async def _documents(emulator: DiscordEmulator) -> int:
    mod = emulator.make_user("mod")
    sent = await emulator.slash("kb status", user=mod, roles=(emulator.moderator_role_id,))
    (embed,) = (await emulator.callback(sent)).body["data"]["embeds"]
    return int({f["name"]: f["value"] for f in embed["fields"]}["Documents"])


async def _ask(emulator: DiscordEmulator, name: str) -> str:
    asked = await emulator.slash("ask", user=emulator.make_user(name), question=WIDGET_QUESTION)
    (answer,) = await emulator.followups(asked)
    return "\n".join(e.get("description", "") for e in answer.body["embeds"])


async def test_a_build_published_by_another_process_is_answered_from(emulator: DiscordEmulator, run_bot):
    settings = await run_bot(index_poll_seconds=POLL)
    before = await _documents(emulator)
    assert WIDGET_CITATION not in await _ask(emulator, "ada")

    # Another process (here: this test, off the bot's loop) adds a document and publishes a build.
    (settings.knowledge_dir / "quantum-widget-act.md").write_text(WIDGET_BILL, "utf-8")
    knowledge, index, config = settings.knowledge_dir, settings.index_dir, chunker_config(settings)
    await asyncio.to_thread(build_index, knowledge, index, HashEmbedder(), config, settings.ann_threshold)

    deadline = asyncio.get_running_loop().time() + PATIENCE  # a few polls, unless it never happens
    while (documents := await _documents(emulator)) == before:
        assert asyncio.get_running_loop().time() < deadline, "the new index was not swapped in"
        await asyncio.sleep(POLL / 4)
    assert documents == before + 1
    assert WIDGET_CITATION in await _ask(emulator, "bea")
