"""Every fixed phrase the Discord front end says on its own (not the answer's, which live in
`bot.answering.labels`), in English and Chinese, chosen by the asker's language.

The asker's language is the language of what they typed when it holds Chinese, else their
Discord client's language (`interaction.locale`), else English.
"""

from __future__ import annotations

import discord

from bot.text import detect_language

STRINGS: dict[str, tuple[str, str]] = {
    "thanks_up": ("Thanks — glad it helped. 👍", "谢谢——很高兴对你有帮助。👍"),
    "thanks_down": (
        "Thanks — noted, we'll look into it. 👎 What was wrong with the answer?",
        "谢谢——已记录，我们会检查。👎 这个回答哪里有问题？",
    ),
    "thanks_reason": ("Thanks — your reason is stored with the vote.", "谢谢——你的原因已和投票一起记录。"),
    "no_vote": ("Press 👎 on the answer first.", "请先在回答下点 👎。"),
    "stale": (
        "That answer is too old to look up now; please ask the question again.",
        "这个回答太久了，现在无法查到；请重新提问。",
    ),
    "show_passages": ("Show passages", "显示原文段落"),
    "reason_wrong": ("Wrong", "内容有误"),
    "reason_unanswered": ("Didn't answer", "没有回答问题"),
    "reason_outdated": ("Outdated", "信息过时"),
    "reason_other": ("Other", "其他"),
    "define_missing": ("The glossary has no entry for “{term}”.", "术语表里没有“{term}”这个词条。"),
    "define_hint": (" Did you mean: {terms}?", "你是不是要找：{terms}？"),
    "apology": (
        "Sorry — something went wrong on our side. It has been logged; please try again later.",
        "抱歉——我们这边出了问题，已记录下来；请稍后再试。",
    ),
    "outside_channels": ("Basis answers only in {places}.", "Basis 只在 {places} 回答。"),
    "check_failed": ("You can't use this command here.", "你不能在这里使用这个命令。"),
    "rate_limited": (
        "You have asked {count} questions in the last {seconds} seconds. Please wait {wait} s and ask again.",
        "你在最近 {seconds} 秒内已提了 {count} 个问题。请等待 {wait} 秒后再问。",
    ),
}


def text(key: str, lang: str = "en", **values: str) -> str:
    """The phrase `key` in `lang` (English unless "zh"), filled with `values`."""
    english, chinese = STRINGS[key]
    return (chinese if lang == "zh" else english).format(**values)


def locale_lang(locale: discord.Locale | str | None) -> str:
    """ "zh" for a Chinese Discord client (zh-CN, zh-TW), else "en"."""
    value = locale.value if isinstance(locale, discord.Locale) else (locale or "")
    return "zh" if value.lower().startswith("zh") else "en"


def asker_lang(interaction: discord.Interaction | None, typed: str = "") -> str:
    """The asker's language: Chinese when what they typed is, else their client's language."""
    if typed and detect_language(typed) == "zh":
        return "zh"
    return locale_lang(interaction.locale if interaction is not None else None)
