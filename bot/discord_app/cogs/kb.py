"""`/kb` for moderators: add, remove, accept, list, status, reload, sync, report.

Permission is checked every time a command runs (`interaction_check`) and before any
autocomplete suggestion; Discord's default permissions only hide the group from others. Refused
attempts are audited. Changes run in a worker thread: the service
validates, saves, audits and rebuilds, then swaps the index, so questions keep being answered
from the old index meanwhile. The moderator gets the change summary as a follow-up.
"""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering.labels import source_label
from bot.discord_app.checks import NotModerator, moderators_only, require_moderator
from bot.discord_app.error_handler import ErrorCounts
from bot.discord_app.host import BasisHost
from bot.discord_app.render import SOURCES_COLOUR, block_embeds, paginate
from bot.discord_app.replies import NO_MENTIONS, send_pages, send_text
from bot.discord_app.report_summary import report_file, summary_embed
from bot.discord_app.sync_report import report_pages
from bot.errors import KnowledgeBaseError

MAX_CHOICES = 25
ERRORS_FIELD = "Errors since start"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class KbCog(commands.GroupCog, group_name="kb", group_description="Moderators: manage the knowledge base."):
    def __init__(self, bot: BasisHost) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return require_moderator(interaction)

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """A non-moderator's attempt is audited (who, what, why); the reply is the tree's."""
        if isinstance(error, NotModerator):
            command = interaction.command.name if interaction.command else "kb"
            await asyncio.to_thread(
                self.bot.kb.refused, command, requested(interaction), actor(interaction), str(error)
            )

    def refused(self, interaction: discord.Interaction, reason: str) -> KnowledgeBaseError:
        """Audit a request this cog refuses before the service sees it, and the error to raise."""
        self.bot.kb.refused("add", requested(interaction), actor(interaction), reason)
        return KnowledgeBaseError(reason)

    @app_commands.command(name="add")
    @app_commands.describe(
        file="A .md, .txt, .html or .pdf document.", url="Or a public http(s) URL to import."
    )
    async def add(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        url: str | None = None,
    ) -> None:
        """Add a document (attachment or URL) and rebuild the index."""
        if (file is None) == (url is None):
            raise self.refused(interaction, "Give either a file or a URL (exactly one of them).")
        kb = self.bot.kb
        if file is not None:
            limit = self.bot.settings.max_upload_bytes
            if file.size > limit:
                raise self.refused(
                    interaction, f"{file.filename} is {file.size:,} bytes; the limit is {limit:,} bytes."
                )
            await interaction.response.defer(ephemeral=True, thinking=True)
            data = await file.read()
            change = await asyncio.to_thread(kb.add_file, file.filename, data, actor=actor(interaction))
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
            change = await asyncio.to_thread(kb.add_url, url, actor=actor(interaction))
        await send_text(interaction, change.summary, ephemeral=True)

    @app_commands.command(name="remove")
    @app_commands.describe(doc_id="The document id, as shown by /kb list.")
    async def remove(self, interaction: discord.Interaction, doc_id: str) -> None:
        """Remove a document and rebuild the index."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await asyncio.to_thread(self.bot.kb.remove, doc_id, actor=actor(interaction))
        await send_text(interaction, change.summary, ephemeral=True)

    @remove.autocomplete("doc_id")
    @moderators_only
    async def complete_doc(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Document ids or titles containing what was typed."""
        docs = await asyncio.to_thread(self.bot.kb.list_documents)
        needle = current.casefold()
        hits = [d for d in docs if needle in d.id.casefold() or needle in d.title.casefold()]
        return [
            app_commands.Choice(name=f"{d.id} — {d.title}"[:100], value=d.id[:100])
            for d in hits[:MAX_CHOICES]
        ]

    @app_commands.command(name="accept")
    @app_commands.describe(
        doc_id="The quarantined document's id.",
        confirm="True once you have read the flagged sentences: the document is then served.",
    )
    async def accept(self, interaction: discord.Interaction, doc_id: str, confirm: bool = False) -> None:
        """Show a quarantined document's flagged sentences; with confirm, serve it anyway."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        kb = self.bot.kb
        if confirm:
            change = await asyncio.to_thread(kb.accept, doc_id, actor=actor(interaction))
            for page in report_pages(change.summary):
                await send_text(interaction, page, ephemeral=True)
            return
        held = await asyncio.to_thread(kb.quarantined)
        found = next((h for h in held if h.doc.id == doc_id), None)
        if found is None:
            ids = ", ".join(h.doc.id for h in held) or "none"
            raise KnowledgeBaseError(f"{doc_id!r} is not quarantined (quarantined now: {ids}).")
        lines = [f"{found.doc.path}: {len(found.sentences)} flagged sentence(s), not served:"]
        lines += [f"“{' '.join(s.split())}”" for s in found.sentences]
        lines.append("Run /kb accept again with confirm:True to serve it, or remove its file.")
        for page in report_pages("\n".join(lines)):
            await send_text(interaction, page, ephemeral=True)

    @app_commands.command(name="reload")
    async def reload(self, interaction: discord.Interaction) -> None:
        """Re-scan the knowledge directory and rebuild the index."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await asyncio.to_thread(self.bot.kb.reload, actor=actor(interaction))
        await send_text(interaction, change.summary, ephemeral=True)

    @app_commands.command(name="sync")
    async def sync(self, interaction: discord.Interaction) -> None:
        """Fetch the tracked official sources and re-index what changed."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await asyncio.to_thread(self.bot.kb.sync, actor=actor(interaction))
        for page in report_pages(report.text()):
            await send_text(interaction, page, ephemeral=True)

    @app_commands.command(name="list")
    async def list_documents(self, interaction: discord.Interaction) -> None:
        """List the documents in the knowledge base."""
        docs = await asyncio.to_thread(self.bot.kb.list_documents)
        blocks = [f"`{d.id}` — {d.title} · {source_label(d.source_type)}" for d in docs]
        title = f"Knowledge base: {len(docs)} documents"
        await send_pages(
            interaction, paginate(block_embeds(title, blocks, SOURCES_COLOUR, "en")), ephemeral=True
        )

    @app_commands.command(
        name="status",
        description=(
            "Documents, chunks, last build, model and as-of date of the knowledge base; errors by kind."
        ),
    )
    async def status(self, interaction: discord.Interaction) -> None:
        """Documents, chunks, last build, model and as-of date of the knowledge base, and the errors
        the bot has replied to since it started, by kind."""
        status = await asyncio.to_thread(self.bot.kb.status)
        embed = discord.Embed(title="Knowledge base status", colour=SOURCES_COLOUR)
        embed.add_field(name="Documents", value=str(status.documents))
        embed.add_field(name="Chunks", value=str(status.chunks))
        embed.add_field(name="Last build", value=status.built_at)
        embed.add_field(name="Model", value=status.model)
        embed.add_field(name="Knowledge as of", value=status.as_of or "unknown")
        if status.unaudited:
            embed.add_field(name="Warnings", value="\n".join(status.unaudited)[:1024], inline=False)
        if status.quarantined:
            held = ", ".join(status.quarantined)
            embed.add_field(
                name="Quarantined (not served)",
                value=discord.utils.escape_markdown(f"{held}; review with /kb accept")[:1024],
                inline=False,
            )
        embed.add_field(name=ERRORS_FIELD, value=errors_text(self.bot.errors), inline=False)
        await send_pages(interaction, [[embed]], ephemeral=True)

    @app_commands.command(name="report")
    @app_commands.describe(days="How many days to look back (default BASIS_REPORT_DAYS).")
    async def report(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] | None = None
    ) -> None:
        """What was asked and not answered, 👎 answers, stale documents; the full report as HTML."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await asyncio.to_thread(self.bot.records.report, days, actor=actor(interaction))
        file = await asyncio.to_thread(report_file, report)
        await interaction.followup.send(
            embed=summary_embed(report), file=file, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


def requested(interaction: discord.Interaction) -> str:
    """What a /kb command was asked to act on (its option values), for the audit log."""
    values = (v.filename if isinstance(v, discord.Attachment) else str(v) for _, v in interaction.namespace)
    return " ".join(values)


def errors_text(errors: ErrorCounts) -> str:
    """One `kind: count` line per kind of error, within an embed field's 1,024 characters."""
    return "\n".join(errors.lines())[:1024] or "none"


def actor(interaction: discord.Interaction) -> str:
    """Who made a change, for the audit log: name and stable id."""
    return f"{interaction.user.name} (discord:{interaction.user.id})"


async def setup(bot: BasisHost) -> None:
    """Loaded by `BasisBot.setup_hook` as a discord.py extension."""
    await bot.add_cog(KbCog(bot))
