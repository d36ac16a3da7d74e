"""Issue 11 item 13: `/kb remove` autocomplete shows nothing to members who are not moderators."""

from __future__ import annotations

import pytest

from tests.discord_app.emulator import MANAGE_GUILD, DiscordEmulator

pytestmark = [pytest.mark.faults, pytest.mark.e2e]


async def test_kb_remove_autocomplete_offers_nothing_to_non_moderators(emulator: DiscordEmulator, run_bot):
    await run_bot()
    eve = emulator.make_user("eve")
    assert await emulator.autocomplete("kb remove", "doc_id", user=eve, doc_id="") == []
    assert await emulator.autocomplete("kb remove", "doc_id", user=eve, doc_id="deem") == []


async def test_kb_remove_autocomplete_still_serves_moderators(emulator: DiscordEmulator, run_bot):
    await run_bot()
    owner = emulator.make_user("owner")
    by_permission = await emulator.autocomplete(
        "kb remove", "doc_id", user=owner, permissions=MANAGE_GUILD, doc_id="deem"
    )
    by_role = await emulator.autocomplete(
        "kb remove", "doc_id", user=emulator.make_user("mod"), roles=(emulator.moderator_role_id,), doc_id=""
    )
    assert [c["value"] for c in by_permission] == ["deemed-export"]
    assert {c["value"] for c in by_role} >= {"deemed-export", "directive-legal-basis"}
