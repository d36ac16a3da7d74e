"""Chinese names and descriptions of the slash commands, for Chinese Discord clients.

discord.py passes every command, option and choice name and description through the tree's
`Translator` when it syncs; `BasisTranslator` answers for the Chinese locales from `ZH` (keyed
by the English text, so the cogs' `locale_str(...)` strings need no separate ids), Simplified for
zh-CN and converted to Traditional for zh-TW. Names follow Discord's rules (lowercase, no spaces).
"""

from __future__ import annotations

from functools import cache

import discord
from discord import app_commands

ZH: dict[str, str] = {
    # /ask
    "ask": "提问",
    "Ask an export-control question; the answer cites its sources.": "提一个出口管制问题；回答会注明来源。",
    "question": "问题",
    "Your question, in English or Chinese.": "你的问题，中文或英文均可。",
    "private": "仅自己可见",
    "Show the answer only to you (default: the whole channel sees it).": (
        "只让你自己看到回答（默认全频道可见）。"
    ),
    # /define
    "define": "术语",
    "Define an export-control term, with its Chinese rendering and citation.": (
        "解释一个出口管制术语，附中文译名和出处。"
    ),
    "term": "术语",
    "An export-control term, in English or Chinese.": "出口管制术语，中文或英文均可。",
    # /kb (moderators)
    "kb": "知识库",
    "Moderators: manage the knowledge base.": "管理员：管理知识库。",
    "add": "添加",
    "Add a document (attachment or URL) and rebuild the index.": "添加文档（附件或网址）并重建索引。",
    "file": "文件",
    "A .md, .txt, .html or .pdf document.": ".md、.txt、.html 或 .pdf 文档。",
    "url": "网址",
    "Or a public http(s) URL to import.": "或要导入的公开 http(s) 网址。",
    "remove": "删除",
    "Remove a document and rebuild the index.": "删除一个文档并重建索引。",
    "doc_id": "文档编号",
    "The document id, as shown by /kb list.": "文档编号，见 /kb list。",
    "accept": "放行",
    "Show a quarantined document's flagged sentences; with confirm, serve it anyway.": (
        "显示被隔离文档中被标记的句子；加上 confirm 则仍然启用它。"
    ),
    "The quarantined document's id.": "被隔离文档的编号。",
    "confirm": "确认",
    "True once you have read the flagged sentences: the document is then served.": (
        "读完被标记的句子后设为 True：文档随即启用。"
    ),
    "reload": "重新载入",
    "Re-scan the knowledge directory and rebuild the index.": "重新扫描知识库目录并重建索引。",
    "sync": "同步",
    "Fetch the tracked official sources and re-index what changed.": (
        "获取跟踪的官方来源，并为有变化的内容重建索引。"
    ),
    "list": "列表",
    "List the documents in the knowledge base.": "列出知识库中的文档。",
    "status": "状态",
    "Documents, chunks, last build, model and as-of date of the knowledge base; errors by kind.": (
        "知识库的文档数、片段数、上次构建、模型和数据截止日期；按类别统计的错误。"
    ),
    "report": "报告",
    "What was asked and not answered, 👎 answers, stale documents; the full report as HTML.": (
        "未能回答的问题、被点 👎 的回答和过时文档；完整报告为 HTML。"
    ),
    "days": "天数",
    "How many days to look back (default BASIS_REPORT_DAYS).": "回看多少天（默认 BASIS_REPORT_DAYS）。",
}
CHINESE = (discord.Locale.chinese, discord.Locale.taiwan_chinese)


@cache
def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def chinese(english: str, locale: discord.Locale) -> str | None:
    """The Chinese for a command string in a Chinese locale (Traditional for zh-TW), else None."""
    found = ZH.get(english)
    if found is None or locale not in CHINESE:
        return None
    return _traditional(found) if locale is discord.Locale.taiwan_chinese else found


class BasisTranslator(app_commands.Translator):
    """Chinese localizations of every slash command string that `ZH` knows."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext,
    ) -> str | None:
        return chinese(string.message, locale)
