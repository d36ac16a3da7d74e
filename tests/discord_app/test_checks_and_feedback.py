"""The question cooldown, the moderator check and the feedback store, without Discord."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import discord

from bot.discord_app.checks import is_moderator, question_cooldown, rate_refusal
from bot.discord_app.feedback import FeedbackStore
from bot.discord_app.render import ShownPassage
from bot.records.store import FILE_NAME


def test_question_cooldown_is_per_user_and_keeps_the_refusal_message():
    cooldown = question_cooldown(2, 60)
    assert rate_refusal(cooldown, 1, now=1000.0) is None
    assert rate_refusal(cooldown, 1, now=1010.0) is None
    refusal = rate_refusal(cooldown, 1, now=1030.0)
    assert refusal == "You have asked 2 questions in the last 60 seconds. Please wait 30 s and ask again."
    assert rate_refusal(cooldown, 2, now=1030.0) is None  # other users are not affected
    assert rate_refusal(cooldown, 1, now=1061.0) is None  # the window has passed
    assert rate_refusal(cooldown, 1, now=1062.0) is None
    assert "wait 59 s" in rate_refusal(cooldown, 1, now=1062.0)


def test_moderator_by_permission_or_role():
    member = SimpleNamespace(roles=[SimpleNamespace(id=7)])
    plain = discord.Permissions(send_messages=True)
    assert is_moderator(member, discord.Permissions(manage_guild=True), [])
    assert is_moderator(member, discord.Permissions(administrator=True), [])
    assert is_moderator(member, plain, [7])
    assert not is_moderator(member, plain, [8])
    assert not is_moderator(SimpleNamespace(), plain, [7])  # a user without roles (e.g. in DMs)


def test_feedback_store_round_trip(tmp_path: Path):
    store = FeedbackStore.open(tmp_path)
    passages = [ShownPassage(1, "[1] 15 CFR 734.13", "regulation", "A release is an export.")]
    store.remember("a1", "What is a release?", "en", passages)
    assert store.passages("a1") == ("en", passages)
    assert store.passages("missing") is None
    assert store.vote("a1", 42, up=True) and store.vote("a1", 42, up=False)
    assert not store.vote("missing", 42, up=True)
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        rows = db.execute("SELECT answer_id, user_hash, vote, question FROM feedback").fetchall()
    assert rows == [("a1", store.user_hash(42), -1, "What is a release?")]  # the vote changed
    assert store.user_hash(42) != hashlib.sha256(b"42").hexdigest()  # salted
    assert FeedbackStore.open(tmp_path).user_hash(42) == store.user_hash(42)  # salt is kept
