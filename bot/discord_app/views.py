"""The buttons under an answer: "Show passages" and 👍 / 👎, and the short choice 👎 opens.

They are dynamic items: the answer id lives in the button's custom id and the state lives in
the feedback store, so the buttons keep working after a restart and nothing is held in memory
per message. 👎 replies with four reason buttons (wrong, didn't answer, outdated, other); the one
pressed is stored with the vote. Replies speak the answer's language.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import discord

from bot.discord_app.error_handler import reply_error
from bot.discord_app.feedback import FeedbackStore
from bot.discord_app.render import paginate, passage_embeds
from bot.discord_app.replies import NO_MENTIONS, send_pages, send_text
from bot.discord_app.strings import asker_lang, text
from bot.records_service import REASONS


def _store(interaction: discord.Interaction) -> FeedbackStore:
    return interaction.client.feedback  # type: ignore[attr-defined]


class PassagesButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"basis:passages:(?P<answer_id>[\w-]+)"
):
    """Shows the cited passages to whoever presses it, ephemerally."""

    def __init__(self, answer_id: str, lang: str = "en") -> None:
        super().__init__(
            discord.ui.Button(
                label=text("show_passages", lang),
                emoji="📄",
                style=discord.ButtonStyle.secondary,
                custom_id=f"basis:passages:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> PassagesButton:
        return cls(match["answer_id"])

    async def callback(self, interaction: discord.Interaction) -> Any:
        try:
            found = await asyncio.to_thread(_store(interaction).passages, self.answer_id)
            if found is None:
                await send_text(interaction, text("stale", asker_lang(interaction)), ephemeral=True)
                return
            lang, passages = found
            await send_pages(interaction, paginate(passage_embeds(passages, lang)), ephemeral=True)
        except Exception as exc:  # every failure becomes a reply
            await reply_error(interaction, exc)


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"basis:vote:(?P<vote>up|down):(?P<answer_id>[\w-]+)",
):
    """Stores one 👍 or 👎 per user and answer (a second press changes the vote)."""

    def __init__(self, answer_id: str, up: bool) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"basis:vote:{'up' if up else 'down'}:{answer_id}",
            )
        )
        self.answer_id = answer_id
        self.up = up

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["answer_id"], match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction) -> Any:
        try:
            store = _store(interaction)
            recorded = await asyncio.to_thread(store.vote, self.answer_id, interaction.user.id, self.up)
            lang = await _answer_lang(interaction, self.answer_id)
            if not recorded:
                await send_text(interaction, text("stale", lang), ephemeral=True)
            elif self.up:
                await send_text(interaction, text("thanks_up", lang), ephemeral=True)
            else:
                await interaction.response.send_message(
                    text("thanks_down", lang),
                    ephemeral=True,
                    view=reason_view(self.answer_id, lang),
                    allowed_mentions=NO_MENTIONS,
                )
        except Exception as exc:  # every failure becomes a reply
            await reply_error(interaction, exc)


class ReasonButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"basis:reason:(?P<reason>[a-z]+):(?P<answer_id>[\w-]+)",
):
    """One answer to "what was wrong?" after a 👎, stored with that vote."""

    def __init__(self, answer_id: str, reason: str, lang: str = "en") -> None:
        super().__init__(
            discord.ui.Button(
                label=text(f"reason_{reason}", lang),
                style=discord.ButtonStyle.secondary,
                custom_id=f"basis:reason:{reason}:{answer_id}",
            )
        )
        self.answer_id = answer_id
        self.reason = reason

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> ReasonButton:
        return cls(match["answer_id"], match["reason"])

    async def callback(self, interaction: discord.Interaction) -> Any:
        try:
            if self.reason not in REASONS:
                raise ValueError(f"unknown reason {self.reason!r}")
            store = _store(interaction)
            stored = await asyncio.to_thread(store.reason, self.answer_id, interaction.user.id, self.reason)
            lang = await _answer_lang(interaction, self.answer_id)
            await send_text(interaction, text("thanks_reason" if stored else "no_vote", lang), ephemeral=True)
        except Exception as exc:  # every failure becomes a reply
            await reply_error(interaction, exc)


async def _answer_lang(interaction: discord.Interaction, answer_id: str) -> str:
    """The language the answer was given in (it is the asker's), else the presser's client's."""
    found = await asyncio.to_thread(_store(interaction).passages, answer_id)
    return found[0] if found is not None else asker_lang(interaction)


def reason_view(answer_id: str, lang: str) -> discord.ui.View:
    """The short choice a 👎 opens."""
    view = discord.ui.View(timeout=None)
    for reason in REASONS:
        view.add_item(ReasonButton(answer_id, reason, lang))
    return view


def answer_view(answer_id: str, lang: str, has_passages: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if has_passages:
        view.add_item(PassagesButton(answer_id, lang))
    view.add_item(VoteButton(answer_id, up=True))
    view.add_item(VoteButton(answer_id, up=False))
    return view
