"""The buttons under an answer: "Show passages" and 👍 / 👎.

They are dynamic items: the answer id lives in the button's custom id and the state lives in
the feedback store, so the buttons keep working after a restart and nothing is held in memory
per message.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import discord

from bot.discord_app.error_handler import reply_error
from bot.discord_app.feedback import FeedbackStore
from bot.discord_app.render import paginate, passage_embeds
from bot.discord_app.replies import send_pages, send_text

STALE = "That answer is too old to look up now; please ask the question again."
THANKS = {True: "Thanks — glad it helped. 👍", False: "Thanks — noted, we'll look into it. 👎"}
LABELS = {"en": "Show passages", "zh": "显示原文段落"}


def _store(interaction: discord.Interaction) -> FeedbackStore:
    return interaction.client.feedback  # type: ignore[attr-defined]


class PassagesButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"basis:passages:(?P<answer_id>[\w-]+)"
):
    """Shows the cited passages to whoever presses it, ephemerally."""

    def __init__(self, answer_id: str, lang: str = "en") -> None:
        super().__init__(
            discord.ui.Button(
                label=LABELS.get(lang, LABELS["en"]),
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
                await send_text(interaction, STALE, ephemeral=True)
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
            await send_text(interaction, THANKS[self.up] if recorded else STALE, ephemeral=True)
        except Exception as exc:  # every failure becomes a reply
            await reply_error(interaction, exc)


def answer_view(answer_id: str, lang: str, has_passages: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if has_passages:
        view.add_item(PassagesButton(answer_id, lang))
    view.add_item(VoteButton(answer_id, up=True))
    view.add_item(VoteButton(answer_id, up=False))
    return view
