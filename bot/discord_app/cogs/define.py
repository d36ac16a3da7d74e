"""`/define term` from the bilingual glossary, with fuzzy autocomplete."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.discord_app.checks import answer_channels_only
from bot.discord_app.host import BasisHost
from bot.discord_app.render import definition_embeds, paginate
from bot.discord_app.replies import send_pages, send_text
from bot.discord_app.strings import asker_lang, text

MAX_CHOICES = 10  # Discord allows 25; ten ranked by match quality are easier to scan
MAX_CHOICE_CHARS = 100


class DefineCog(commands.Cog):
    def __init__(self, bot: BasisHost) -> None:
        self.bot = bot

    @app_commands.command(
        name=locale_str("define"),
        description=locale_str("Define an export-control term, with its Chinese rendering and citation."),
    )
    @answer_channels_only
    @app_commands.describe(term=locale_str("An export-control term, in English or Chinese."))
    @app_commands.rename(term=locale_str("term"))
    async def define(self, interaction: discord.Interaction, term: str) -> None:
        """Define an export-control term, with its Chinese rendering and citation."""
        result = await asyncio.to_thread(self.bot.answering.define, term)
        if result.entry is None:
            lang = asker_lang(interaction, term)
            joiner = "、" if lang == "zh" else ", "
            terms = joiner.join(result.suggestions)
            hint = text("define_hint", lang, terms=terms) if result.suggestions else ""
            missing = text("define_missing", lang, term=term)
            await send_text(interaction, f"{missing}{hint}", ephemeral=True)
            return
        await send_pages(
            interaction, paginate(definition_embeds(result.entry, result.status)), ephemeral=False
        )

    @define.autocomplete("term")
    async def complete_term(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Glossary terms matching what was typed so far, each with its Chinese rendering."""
        terms = await asyncio.to_thread(self.bot.answering.complete_terms, current, MAX_CHOICES)
        return [
            app_commands.Choice(name=self._label(t)[:MAX_CHOICE_CHARS], value=t[:MAX_CHOICE_CHARS])
            for t in terms[:MAX_CHOICES]
        ]

    def _label(self, term: str) -> str:
        entry = self.bot.answering.glossary.get(term)
        return f"{term} · {entry.zh[0]}" if entry and entry.zh else term


async def setup(bot: BasisHost) -> None:
    """Loaded by `BasisBot.setup_hook` as a discord.py extension."""
    await bot.add_cog(DefineCog(bot))
