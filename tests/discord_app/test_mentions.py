"""End to end: `@Basis <question>` opens a thread; follow-ups there use the first question."""

from __future__ import annotations

import pytest

from bot.answering_service import Answering
from bot.models import Answer
from tests.discord_app.emulator import DiscordEmulator

pytestmark = pytest.mark.e2e


@pytest.fixture
def contexts(monkeypatch) -> list[tuple[str, str | None]]:
    """Every (question, context) the bot asked the service."""
    seen: list[tuple[str, str | None]] = []
    real_answer = Answering.answer

    def spy(self: Answering, question: str, *, context: str | None = None) -> Answer:
        seen.append((question, context))
        return real_answer(self, question, context=context)

    monkeypatch.setattr(Answering, "answer", spy)
    return seen


async def test_mention_thread_and_follow_up(emulator: DiscordEmulator, run_bot, contexts):
    await run_bot()
    ada = emulator.make_user("ada")
    asked = await emulator.user_message("What is a deemed export?", user=ada, mention=True)
    thread_id = int(asked["id"])  # a thread started from a message shares its id
    (answer,) = await emulator.channel_messages(thread_id)
    assert emulator.channels[thread_id]["name"] == "What is a deemed export?"
    assert "[1]" in answer["embeds"][0]["description"]
    assert answer["allowed_mentions"] == {"parse": []}
    assert answer["components"]  # the buttons

    await emulator.user_message("Does it need a licence?", user=ada, channel_id=thread_id)
    await emulator.channel_messages(thread_id, count=2)
    assert contexts == [
        ("What is a deemed export?", None),
        ("Does it need a licence?", "What is a deemed export?"),
    ]
    assert not posted_in(emulator, emulator.channel_id)


async def test_mention_inside_a_thread_answers_in_place(emulator: DiscordEmulator, run_bot, contexts):
    await run_bot()
    ada = emulator.make_user("ada")
    asked = await emulator.user_message("What is a release?", user=ada, mention=True)
    thread_id = int(asked["id"])
    await emulator.channel_messages(thread_id)
    await emulator.user_message("And a deemed export?", user=ada, channel_id=thread_id, mention=True)
    await emulator.channel_messages(thread_id, count=2)
    assert contexts[-1] == ("And a deemed export?", "What is a release?")
    assert len([c for c in emulator.calls if c.route.endswith("/threads")]) == 1


async def test_plain_messages_and_own_messages_are_ignored(emulator: DiscordEmulator, run_bot, contexts):
    await run_bot()
    await emulator.user_message("just chatting", user=emulator.make_user("ada"))
    asked = await emulator.user_message("What is a release?", user=emulator.make_user("bo"), mention=True)
    await emulator.channel_messages(int(asked["id"]))  # the bot's own MESSAGE_CREATE comes back too
    assert [q for q, _ in contexts] == ["What is a release?"]


async def test_mention_rate_limit_replies_in_place(emulator: DiscordEmulator, run_bot):
    await run_bot(rate_limit_count=1)
    ada = emulator.make_user("ada")
    first = await emulator.user_message("What is a release?", user=ada, mention=True)
    await emulator.channel_messages(int(first["id"]))
    await emulator.user_message("What is an export?", user=ada, mention=True)
    (reply,) = await emulator.channel_messages(emulator.channel_id)
    assert "Please wait" in reply["content"] and reply["allowed_mentions"] == {"parse": []}


async def test_answers_in_place_where_threads_are_not_allowed(emulator: DiscordEmulator, run_bot, contexts):
    await run_bot()
    emulator.fail_next("POST", "/channels/{channel_id}/messages/{message_id}/threads", status=403)
    await emulator.user_message("What is a release?", user=emulator.make_user("ada"), mention=True)
    (answer,) = await emulator.channel_messages(emulator.channel_id)
    assert "[1]" in answer["embeds"][0]["description"]


def posted_in(emulator: DiscordEmulator, channel_id: int) -> list[dict]:
    """Messages the bot posted directly in `channel_id` (answers belong in threads)."""
    return [
        c
        for c in emulator.calls
        if c.route == "/channels/{channel_id}/messages" and c.params["channel_id"] == str(channel_id)
    ]
