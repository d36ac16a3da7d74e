"""Errors become replies, and each is counted by kind for /kb status."""

from __future__ import annotations

from discord import app_commands

from bot.discord_app.checks import NotModerator
from bot.discord_app.error_handler import ErrorCounts, error_kind, user_message
from bot.discord_app.strings import text
from bot.errors import QuestionError

APOLOGY = text("apology", "en")


def _invoke_error(original: Exception) -> app_commands.CommandInvokeError:
    command = app_commands.Command(name="probe", description="probe", callback=_noop)
    return app_commands.CommandInvokeError(command, original)


async def _noop(interaction) -> None:  # pragma: no cover - never called
    """A command body for building CommandInvokeError."""


def test_kinds_separate_what_users_can_fix_from_our_bugs() -> None:
    assert error_kind(QuestionError("too long")) == "refused (QuestionError)"
    assert error_kind(_invoke_error(QuestionError("too long"))) == "refused (QuestionError)"
    assert error_kind(NotModerator()) == "not a moderator"
    assert error_kind(app_commands.CheckFailure()) == "check failed"
    assert error_kind(_invoke_error(KeyError("x"))) == "unexpected (KeyError)"


def test_each_reply_is_counted_most_frequent_first() -> None:
    counts = ErrorCounts()
    assert counts.lines() == []
    assert user_message(QuestionError("Too long."), counts) == "Too long."
    assert user_message(_invoke_error(KeyError("x")), counts) == APOLOGY
    assert user_message(_invoke_error(KeyError("y")), counts) == APOLOGY
    assert counts.lines() == ["unexpected (KeyError): 2", "refused (QuestionError): 1"]


def test_without_counts_nothing_is_counted() -> None:
    assert user_message(QuestionError("Too long.")) == "Too long."


def test_our_words_are_in_the_askers_language_and_still_counted() -> None:
    counts = ErrorCounts()
    assert user_message(_invoke_error(KeyError("x")), counts, "zh") == text("apology", "zh") != APOLOGY
    assert user_message(app_commands.CheckFailure(), counts, "zh") == text("check_failed", "zh")
    assert counts.lines() == ["unexpected (KeyError): 1", "check failed: 1"]
