"""Sending to Discord: always with no allowed mentions, in as many messages as needed."""

from __future__ import annotations

from collections.abc import Sequence

import discord

NO_MENTIONS = discord.AllowedMentions.none()


async def send_pages(
    interaction: discord.Interaction,
    pages: Sequence[list[discord.Embed]],
    *,
    ephemeral: bool,
    view: discord.ui.View | None = None,
) -> None:
    """Answer the interaction (or follow up if it was deferred); `view` goes on the last page."""
    for i, embeds in enumerate(pages):
        extra = {"view": view} if view is not None and i == len(pages) - 1 else {}
        if interaction.response.is_done():
            await interaction.followup.send(
                embeds=embeds, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, **extra
            )
        else:
            await interaction.response.send_message(
                embeds=embeds, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, **extra
            )


async def send_text(interaction: discord.Interaction, text: str, *, ephemeral: bool) -> None:
    """A short text reply, as the response or as a follow-up when already deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
