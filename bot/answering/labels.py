"""Every user-facing phrase of an answer, in English and Chinese.

Quoted source sentences are never translated (they are the evidence); only
our own words around them follow the asker's language.
"""

from __future__ import annotations

from bot.models import Answer, Citation

SOURCE_LABELS = {
    "statute": ("law", "法律"),
    "regulation": ("regulation", "法规"),
    "rule": ("rule", "规则（联邦公报）"),
    "guidance": ("agency guidance", "政府指南"),
    "bill": ("bill — not law", "法案——不是法律"),
    "reporting": ("reporting", "新闻报道"),
    "analysis": ("analysis", "分析"),
    "commentary": ("commentary", "评论"),
    "explainer": ("explainer", "解释文章"),
    "glossary": ("glossary", "术语表"),
}

MESSAGES = {
    "legal_basis_not_public": (
        "The government has not published the legal basis for this action. No Federal Register "
        "notice or official text of the order is public, so what follows comes from reporting and "
        "analysis of it, not from the text of a law.",
        "美国政府没有公布这一行动的法律依据：既没有联邦公报通知，也没有公开的命令原文。"
        "以下内容来自新闻报道和分析，而不是法律条文本身。",
    ),
    "not_law": (
        "{titles} {verb}, not law: {it} would change nothing unless Congress passes "
        "{them} and the President signs.",
        "{titles} 是法案，不是法律：除非国会通过并经总统签署，否则不产生法律效力。",
    ),
    # Statuses, described against today's date (bot/answering/timeline.py).
    "period_present_until": (
        "{subject} has been {state} since {start} and is set to end {until}{source}",
        "{subject}自 {start} 起{state}，定于 {until} 结束{source}",
    ),
    "period_present": (
        "{subject} has been {state} since {start}{source}",
        "{subject}自 {start} 起{state}{source}",
    ),
    "period_past": (
        "{subject} was {state} from {start} until {until}{source}",
        "{subject}曾于 {start} 至 {until} {state}{source}",
    ),
    "period_event": ("{subject} was {state} on {start}{source}", "{subject}已于 {start} {state}{source}"),
    "period_future": (
        "{subject} is set to be {state} from {start}{source}",
        "{subject}定于 {start} 起{state}{source}",
    ),
    # The same, for a status recorded in a document whose title cannot be a sentence's subject.
    "period_present_until_label": (
        "Status recorded in “{subject}”: {state} since {start}, set to end {until}{source}",
        "“{subject}”记录的状态：自 {start} 起{state}，定于 {until} 结束{source}",
    ),
    "period_present_label": (
        "Status recorded in “{subject}”: {state} since {start}{source}",
        "“{subject}”记录的状态：自 {start} 起{state}{source}",
    ),
    "period_past_label": (
        "Status recorded in “{subject}”: {state} from {start} until {until}{source}",
        "“{subject}”记录的状态：{start} 至 {until} {state}{source}",
    ),
    "period_event_label": (
        "Status recorded in “{subject}”: {state} on {start}{source}",
        "“{subject}”记录的状态：已于 {start} {state}{source}",
    ),
    "period_future_label": (
        "Status recorded in “{subject}”: to be {state} from {start}{source}",
        "“{subject}”记录的状态：定于 {start} 起{state}{source}",
    ),
    "scheduled": (
        "{source} provides for it to be {state}{again} from {start} unless {condition}",
        "{source}规定自 {start} 起{again}{state}，除非{condition}",
    ),
    "again": (" again", "恢复"),
    "same_source": ("that rule", "该规则"),
    "unless_extended": ("the suspension is extended", "暂停期被延长"),
    "unless_changed": ("that is changed", "另有变更"),
    "no_record": (
        "the knowledge base, as of {as_of}, records no {change} — check {place}",
        "本知识库截至 {as_of} 没有记录{change}——请在{place}核实",
    ),
    "no_record_undated": (
        "the knowledge base records no {change} — check {place}",
        "本知识库没有记录{change}——请在{place}核实",
    ),
    "change_extension": ("extension", "延长暂停的规定"),
    "change_later": ("later change", "之后的变化"),
    "official_sources": ("the official sources", "官方来源"),
    "bill_action": (
        "{citation}: latest recorded action on {date}{data}.",
        "{citation}：最近记录的行动在 {date}{data}。",
    ),
    "bill_lapsed": (
        "{citation} lapsed when the {congress} Congress ended on {end}; its latest recorded action was on "
        "{date}{data}.",
        "{citation}已随第 {congress} 届国会于 {end} 结束而失效；最近记录的行动在 {date}{data}。",
    ),
    "bill_data": (" (data as of {as_of})", "（数据截至 {as_of}）"),
    "as_of_notice": (
        "The cited sources are current as of {newest} at the latest (today is {today}).",
        "所引来源最新截至 {newest}（今天是 {today}）。",
    ),
    "stale_notice": (
        "That is {days} days ago: check {places} for anything later.",
        "距今已有 {days} 天：请到{places}查看之后的变化。",
    ),
    "cited_as_of": ("as of {date}", "截至 {date}"),
    "reporting_only": (
        "Every source for this answer is reporting or commentary, not an official text.",
        "本回答的所有来源都是新闻报道或评论，而不是官方文本。",
    ),
    "abstain": (
        "My knowledge base does not cover this question, so I will not guess.",
        "我的知识库没有涵盖这个问题，所以我不作猜测。",
    ),
    "decline_request": (
        "That is not something I do: I answer questions about export controls, with the sources.",
        "这不是我能做的事：我只回答关于出口管制的问题，并给出来源。",
    ),
    "decline_uncovered": (
        "My knowledge base has nothing on {names}, so I will not guess.",
        "我的知识库里没有关于 {names} 的资料，所以我不作猜测。",
    ),
    "covers": (
        "It covers US export controls — the EAR, ECRA, IEEPA, BIS rules and lists, bills in Congress — "
        "and the 2026 directive to Anthropic. Try /define for a term.",
        "它涵盖美国出口管制（EAR、ECRA、IEEPA、BIS 的规则和清单、国会法案）以及 2026 年对 Anthropic 的指令。"
        "可以用 /define 查询术语。",
    ),
    "abstain_hint": (
        "Closest glossary terms: {terms}. Try /define, or ask a moderator to add a source.",
        "最接近的术语：{terms}。可以试试 /define，或请管理员添加资料来源。",
    ),
    "abstain_hint_none": (
        "Try /define for a term, or ask a moderator to add a source.",
        "可以用 /define 查询术语，或请管理员添加资料来源。",
    ),
    "footer": (
        "Not legal advice — read the cited sources before relying on this.",
        "这不是法律意见——请先阅读所引来源再作判断。",
    ),
    "summary_zh": ("", "中文摘要"),
    "question_empty": ("Please ask a question — the message was empty.", "请提出一个问题——消息是空的。"),
    "question_too_long": (
        "That question is {chars} characters long; please keep it under {limit} and ask one thing at a time.",
        "这个问题有 {chars} 个字符；请控制在 {limit} 个以内，一次只问一件事。",
    ),
    # Before an official text that stays in English for a Chinese reader (bot/answering/lead.py).
    "framing": ("The English text of {source}:", "以下为{source}的英文原文："),
    "framing_terms": (
        "The English text of {source}, on {terms}:",
        "以下为{source}的英文原文，涉及“{terms}”：",
    ),
    # After a Chinese translation, the exact English it translates (bot/answering/lead.py).
    "original": ("Original: “{quote}”", "原文：“{quote}”"),
    "sources": ("Sources", "来源"),
}

STATES = {
    "in_force": ("in force", "生效"),
    "suspended": ("suspended", "暂停实施"),
    "rescinded": ("rescinded", "被撤销"),
    "superseded": ("superseded", "被取代"),
    "proposed": ("proposed", "处于提案阶段"),
}


def terms_line(terms: tuple[tuple[str, str], ...], lang: str) -> str:
    """For a Chinese reader: each glossary term in the (English) quotes with its Chinese name."""
    if lang != "zh" or not terms:
        return ""
    return "术语对照：" + "；".join(f"{en}（{zh}）" for en, zh in terms)


def summary_lines(answer: Answer) -> dict[int, str]:
    """For a Chinese reader: citation number → its document's Chinese summary, once per document."""
    if answer.lang != "zh":
        return {}
    lines: dict[int, str] = {}
    seen: set[str] = set()
    for citation in answer.citations:
        doc = citation.passage.document
        if doc.summary_zh and doc.id not in seen:
            seen.add(doc.id)
            lines[citation.n] = f"{MESSAGES['summary_zh'][1]}：{doc.summary_zh}"
    return lines


def citation_dates(citation: Citation, lang: str = "en") -> list[str]:
    """A citation's publication date and, when it differs, the date its text is current as of
    (an explainer's as-of date, a bill's data date); nothing for an undated source."""
    published = citation.passage.document.published
    dates = [published.isoformat()] if published else []
    if citation.as_of and citation.as_of != published:
        dates.append(message("cited_as_of", lang, date=citation.as_of.isoformat()))
    return dates


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def source_label(source_type: str, lang: str = "en") -> str:
    return _pick(SOURCE_LABELS.get(source_type, (source_type, source_type)), lang)


def message(key: str, lang: str = "en", **values: str) -> str:
    return _pick(MESSAGES[key], lang).format(**values)


def state_label(state: str, lang: str = "en") -> str:
    return _pick(STATES.get(state, (state, state)), lang)
