"""Who may do what, checked when a command runs: moderators for /kb, a per-user question budget.

Hiding /kb in Discord's UI (default permissions) is only a convenience; these checks are what
actually refuse a request.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.strings import text
from bot.settings import Settings


class NotModerator(app_commands.CheckFailure):
    """Raised for /kb by someone without Manage Server or a moderator role."""

    def __init__(self) -> None:
        super().__init__(
            "Only moderators can change the knowledge base: you need Manage Server "
            "or one of the roles in BASIS_MODERATOR_ROLE_IDS."
        )


class OutsideAnswerChannels(app_commands.CheckFailure):
    """Raised for /ask and /define outside BASIS_CHANNELS; the reply names where Basis answers."""

    def __init__(self, channel_ids: Iterable[int]) -> None:
        self.places = ", ".join(f"<#{channel_id}>" for channel_id in sorted(channel_ids))
        super().__init__(self.message())

    def message(self, lang: str = "en") -> str:
        """The refusal in the asker's language, naming the channels as Discord links."""
        return text("outside_channels", lang, places=self.places)


def answer_channels(settings: Settings) -> frozenset[int]:
    """Where Basis answers: BASIS_CHANNELS and the forum channels it watches; empty means everywhere."""
    if not settings.channels:
        return frozenset()
    return frozenset(settings.channels) | frozenset(settings.forum_channels)


def answers_in(allowed: frozenset[int], channel: object) -> bool:
    """Whether Basis answers in `channel`: every channel when `allowed` is empty, else a listed
    channel or a thread (or forum post) of one."""
    if not allowed:
        return True
    ids = {getattr(channel, "id", None), getattr(channel, "parent_id", None)}
    return not allowed.isdisjoint(ids)


def require_answer_channel(interaction: discord.Interaction) -> bool:
    """The channel allow-list check of /ask and /define; OutsideAnswerChannels if not allowed."""
    allowed = answer_channels(interaction.client.settings)  # type: ignore[attr-defined]
    channel = interaction.channel or discord.Object(id=interaction.channel_id or 0)
    if answers_in(allowed, channel):
        return True
    raise OutsideAnswerChannels(allowed)


answer_channels_only = app_commands.check(require_answer_channel)


def is_moderator(user: discord.abc.User, permissions: discord.Permissions, role_ids: Iterable[int]) -> bool:
    """Manage Server (or Administrator) in this channel, or a configured moderator role."""
    if permissions.manage_guild or permissions.administrator:
        return True
    roles = {role.id for role in getattr(user, "roles", ())}
    return not roles.isdisjoint(role_ids)


def require_moderator(interaction: discord.Interaction) -> bool:
    """The /kb permission check, shared by its commands and their autocompletes; NotModerator if not."""
    role_ids = interaction.client.settings.moderator_role_ids  # type: ignore[attr-defined]
    if is_moderator(interaction.user, interaction.permissions, role_ids):
        return True
    raise NotModerator()


# For autocomplete callbacks: discord.py runs the checks attached to them (not the group's
# interaction_check) before suggesting anything, so a non-moderator gets no choices.
moderators_only = app_commands.check(require_moderator)


def question_cooldown(count: int, seconds: float) -> commands.CooldownMapping[int]:
    """discord.py's per-key cooldown mapping, keyed by user id: `count` questions per `seconds`."""
    return commands.CooldownMapping.from_cooldown(count, seconds, _user_key)


def _user_key(user_id: int) -> int:
    return user_id


def rate_refusal(
    cooldown: commands.CooldownMapping[int], user_id: int, now: float | None = None, lang: str = "en"
) -> str | None:
    """A polite refusal when `user_id` is over the budget; None means go ahead (and the question counts)."""
    bucket = cooldown.get_bucket(user_id, now)
    wait = bucket.update_rate_limit(now) if bucket else None
    if wait is None:
        return None
    return refusal_message(bucket.rate, bucket.per, wait, lang)


def refusal_message(count: int, seconds: float, wait: float, lang: str = "en") -> str:
    """The one wording of a rate-limit refusal, whichever limiter counted the questions, in the
    asker's language."""
    return text("rate_limited", lang, count=str(count), seconds=f"{seconds:g}", wait=str(math.ceil(wait)))
