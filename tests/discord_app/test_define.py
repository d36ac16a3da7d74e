"""End to end: /define with glossary autocomplete, the Chinese term beside the English one."""

from __future__ import annotations

import pytest

from tests.discord_app.emulator import EPHEMERAL, DiscordEmulator

pytestmark = pytest.mark.e2e


async def test_autocomplete_offers_fuzzy_bilingual_choices(emulator: DiscordEmulator, run_bot):
    await run_bot()
    ada = emulator.make_user("ada")
    choices = await emulator.autocomplete("define", "term", user=ada, term="deemd exp")
    assert choices[0] == {"name": "deemed export · 视同出口", "value": "deemed export"}
    everything = await emulator.autocomplete("define", "term", user=ada, term="")
    assert 0 < len(everything) <= 25


async def test_define_shows_both_languages_and_citation(emulator: DiscordEmulator, run_bot):
    await run_bot()
    sent = await emulator.slash("define", user=emulator.make_user("ada"), term="视同出口")
    reply = (await emulator.callback(sent)).body
    (embed,) = reply["data"]["embeds"]
    assert embed["title"] == "deemed export (视同出口)"
    assert "在美国境内" in embed["description"] and "15 CFR 734.13(a)(2)" in embed["description"]
    assert not reply["data"].get("flags", 0) & EPHEMERAL


async def test_unknown_term_is_answered_privately(emulator: DiscordEmulator, run_bot):
    await run_bot()
    sent = await emulator.slash("define", user=emulator.make_user("ada"), term="zzzzqqq")
    reply = (await emulator.callback(sent)).body
    assert reply["data"]["flags"] & EPHEMERAL and "no entry" in reply["data"]["content"]
