"""End to end: BASIS_DISCORD_MODE (the intents asked for and what is answered), forum posts
answered in their thread, and the BASIS_CHANNELS allow-list."""

from __future__ import annotations

import pytest

from bot.discord_app.modes import FORUM_NEEDS_FULL
from bot.errors import ConfigError
from bot.models import Answer
from bot.service import Basis
from tests.discord_app.emulator import (
    EPHEMERAL,
    GUILD_MESSAGES_INTENT,
    MESSAGE_CONTENT_INTENT,
    DiscordEmulator,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """Every question the bot asked the service."""
    seen: list[str] = []
    real_answer = Basis.answer

    def spy(self: Basis, question: str, *, context: str | None = None) -> Answer:
        seen.append(question)
        return real_answer(self, question, context=context)

    monkeypatch.setattr(Basis, "answer", spy)
    return seen


def identified_intents(emulator: DiscordEmulator) -> int:
    (identify,) = emulator.gateway_ops(2)
    return identify["d"]["intents"]


async def test_mention_mode_needs_no_message_content_and_answers_mentions(
    emulator: DiscordEmulator, run_bot, asked
):
    await run_bot(discord_mode="mention")
    intents = identified_intents(emulator)
    assert not intents & MESSAGE_CONTENT_INTENT and intents & GUILD_MESSAGES_INTENT
    ada = emulator.make_user("ada")
    await emulator.user_message("just chatting about a deemed export", user=ada)
    mention = await emulator.user_message("What is a deemed export?", user=ada, mention=True)
    thread_id = int(mention["id"])
    (answer,) = await emulator.channel_messages(thread_id)
    assert "[1]" in answer["embeds"][0]["description"]

    # A follow-up without a mention arrives empty (no Message Content): it is not answered,
    # while a mention in the thread still is.
    await emulator.user_message("Does it need a licence?", user=ada, channel_id=thread_id)
    await emulator.user_message("What is a release?", user=ada, channel_id=thread_id, mention=True)
    await emulator.channel_messages(thread_id, count=2)
    assert asked == ["What is a deemed export?", "What is a release?"]


async def test_slash_mode_answers_ask_but_not_mentions(emulator: DiscordEmulator, run_bot, asked):
    await run_bot(discord_mode="slash")
    assert not identified_intents(emulator) & (MESSAGE_CONTENT_INTENT | GUILD_MESSAGES_INTENT)
    ada = emulator.make_user("ada")
    await emulator.user_message("What is a release?", user=ada, mention=True)
    sent = await emulator.slash("ask", user=ada, question="What is a deemed export?")
    (followup,) = await emulator.followups(sent)
    assert "734.13" in followup.body["embeds"][-1]["description"]
    assert asked == ["What is a deemed export?"]
    assert not [c for c in emulator.calls if c.route.startswith("/channels/")]


async def test_full_mode_answers_each_new_forum_post_in_its_thread(emulator: DiscordEmulator, run_bot, asked):
    forum_id = await emulator.add_channel(forum=True)
    await run_bot(forum_channels=[forum_id])
    ada = emulator.make_user("ada")
    post = await emulator.forum_post(forum_id, "Deemed exports", "What is a deemed export?", user=ada)
    (answer,) = await emulator.channel_messages(post)
    assert "734.13" in answer["embeds"][-1]["description"]
    assert answer["allowed_mentions"] == {"parse": []}
    assert asked == ["Deemed exports What is a deemed export?"]  # the post's title, then its text
    assert not [c for c in emulator.calls if c.route.endswith("/threads")]  # answered in the post


async def test_posts_in_other_forums_are_not_answered(emulator: DiscordEmulator, run_bot, asked):
    watched, other = await emulator.add_channel(forum=True), await emulator.add_channel(forum=True)
    await run_bot(forum_channels=[watched])
    ada = emulator.make_user("ada")
    await emulator.forum_post(other, "Releases", "What is a release?", user=ada)
    post = await emulator.forum_post(watched, "Deemed exports", "What is a deemed export?", user=ada)
    await emulator.channel_messages(post)
    assert asked == ["Deemed exports What is a deemed export?"]


@pytest.mark.parametrize("mode", ["mention", "slash"])
async def test_forum_channels_outside_full_mode_are_refused_at_start(
    emulator: DiscordEmulator, run_bot, mode: str
):
    with pytest.raises(ConfigError) as refused:
        await run_bot(discord_mode=mode, forum_channels=[1])
    assert str(refused.value) == FORUM_NEEDS_FULL.format(mode=mode)
    assert "\n" not in str(refused.value)
    assert not emulator.gateway_ops(2)  # refused before connecting


async def test_outside_the_answer_channels_slash_gets_an_ephemeral_pointer(
    emulator: DiscordEmulator, run_bot, asked
):
    elsewhere = await emulator.add_channel()
    await run_bot(channels=[emulator.channel_id])
    ada = emulator.make_user("ada")
    sent = await emulator.slash("ask", user=ada, channel_id=elsewhere, question="What is a release?")
    call = await emulator.callback(sent)
    assert call.body["type"] == 4 and call.body["data"]["flags"] & EPHEMERAL
    assert call.body["data"]["content"] == f"Basis answers only in <#{emulator.channel_id}>."

    await emulator.user_message("What is a release?", user=ada, channel_id=elsewhere, mention=True)
    inside = await emulator.slash("ask", user=ada, question="What is a deemed export?")
    await emulator.followups(inside)
    mention = await emulator.user_message("What is a release?", user=ada, mention=True)
    await emulator.channel_messages(int(mention["id"]))  # in its thread, under an answer channel
    assert asked == ["What is a deemed export?", "What is a release?"]
    assert not [c for c in emulator.calls if c.params.get("channel_id") == str(elsewhere)]
