"""Retrieval and answer metrics over a JSON Lines question set (see shared/eval/README.md)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import BasisError
from bot.models import Answer
from bot.ranking.labelled import load_rows, part
from bot.retrieval.search import SearchResult
from bot.text import detect_language

QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    return re.sub(r"\s+", " ", text).strip().casefold()


def load_questions(path: Path) -> list[dict[str, Any]]:
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise BasisError(f"Cannot read the question set {path}: {exc}") from exc
    for row in rows:
        if "question" not in row or "id" not in row:
            raise BasisError(f"{path}: every line needs at least an id and a question.")
    return rows


def heldout_rows(corpus: str) -> list[dict[str, Any]]:
    """The held-out 30 % of the training questions of `corpus` (never fitted on)."""
    return [row for row in load_rows(corpus) if part(row) == "heldout"]


def first_hit(result: SearchResult, evidence: list[str]) -> int | None:
    wanted = [normalise(e) for e in evidence]
    for passage in result.passages:
        text = normalise(passage.chunk.text)
        if any(w in text for w in wanted):
            return passage.rank
    return None


def holds_key_fact(answer: Answer, facts: list[str]) -> bool:
    """The answer's own text states one of the key facts; an abstention never counts."""
    text = normalise(answer.text)
    return not answer.abstained and any(normalise(f) in text for f in facts)


def faithful_sentences(answer: Answer) -> tuple[int, int]:
    """(verified, total) answer quotes found verbatim in the passage they cite."""
    total = verified = 0
    for citation in answer.citations:
        total += 1
        verified += normalise(citation.quote) in normalise(citation.passage.chunk.text)
    return verified, total


def repeats_a_citation(answer: Answer) -> bool:
    """Whether the same document and pinpoint stand under two numbers (issue 20 wants none)."""
    keys = [(c.passage.document.id, c.pinpoint) for c in answer.citations]
    return len(keys) != len(set(keys))


def lead_is_chinese(answer: Answer) -> bool:
    """Whether a Chinese reader meets Chinese first: the text before the first citation mark reads
    as Chinese (an English quote under a one-line Chinese framing does not)."""
    lead = answer.text.split("[", 1)[0]
    return detect_language(lead) == "zh"


def passages_in_source(answer: Answer) -> tuple[int, int]:
    total = verified = 0
    for citation in answer.citations:
        total += 1
        verified += normalise(citation.passage.chunk.text) in normalise(citation.passage.document.text)
    return verified, total


@dataclass
class Bucket:
    questions: int = 0
    retrieval_rows: int = 0
    hits: int = 0
    reciprocal: float = 0.0
    warning_rows: int = 0
    warning_right: int = 0
    abstain_rows: int = 0
    abstain_right: int = 0
    answer_rows: int = 0
    false_abstentions: int = 0
    fact_rows: int = 0
    fact_hits: int = 0
    quotes: int = 0
    quotes_verified: int = 0
    passages: int = 0
    passages_verified: int = 0
    answered: int = 0
    repeated: int = 0
    zh_answered: int = 0
    zh_leads: int = 0

    def as_dict(self) -> dict[str, Any]:
        def ratio(a: float, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "questions": self.questions,
            "recall_at_k": ratio(self.hits, self.retrieval_rows),
            "mrr": ratio(self.reciprocal, self.retrieval_rows),
            "warning_accuracy": ratio(self.warning_right, self.warning_rows),
            "abstention_accuracy": ratio(self.abstain_right, self.abstain_rows),
            "false_abstention_rate": ratio(self.false_abstentions, self.answer_rows),
            "answer_has_key_fact": ratio(self.fact_hits, self.fact_rows),
            "citation_faithfulness": ratio(self.quotes_verified, self.quotes),
            "passages_in_source": ratio(self.passages_verified, self.passages),
            "repeated_citations": ratio(self.repeated, self.answered),
            "chinese_lead": ratio(self.zh_leads, self.zh_answered),
        }


@dataclass
class Report:
    buckets: dict[str, Bucket] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, lang: str, row: dict[str, Any], result: SearchResult, answer: Answer | None) -> None:
        out: dict[str, Any] = {"id": row["id"], "lang": lang}
        for bucket in (self.buckets.setdefault("all", Bucket()), self.buckets.setdefault(lang, Bucket())):
            bucket.questions += 1
            evidence = row.get("evidence_any") or []
            if evidence:
                rank = first_hit(result, evidence)
                bucket.retrieval_rows += 1
                bucket.hits += rank is not None
                bucket.reciprocal += 1 / rank if rank else 0.0
                out["rank"] = rank
            if answer is None:
                continue
            expect_warning = row.get("expect_warning")
            warned = any(w.code == "legal_basis_not_public" for w in answer.warnings)
            if expect_warning is not None:
                bucket.warning_rows += 1
                bucket.warning_right += warned == expect_warning
            if row.get("expect_abstain"):
                bucket.abstain_rows += 1
                bucket.abstain_right += answer.abstained
            elif not row.get("abstain_optional"):
                # Every answerable question counts, whether or not its set spells out
                # `expect_abstain: false`: a false decline is an error on every set.
                bucket.answer_rows += 1
                bucket.false_abstentions += answer.abstained
            facts = row.get("answer_any") or []
            if facts:
                bucket.fact_rows += 1
                bucket.fact_hits += holds_key_fact(answer, facts)
                out["key_fact"] = holds_key_fact(answer, facts)
            verified, total = faithful_sentences(answer)
            bucket.quotes += total
            bucket.quotes_verified += verified
            verified, total = passages_in_source(answer)
            bucket.passages += total
            bucket.passages_verified += verified
            if not answer.abstained:
                bucket.answered += 1
                bucket.repeated += repeats_a_citation(answer)
                if lang == "zh":
                    bucket.zh_answered += 1
                    bucket.zh_leads += lead_is_chinese(answer)
            out.update(warned=warned, abstained=answer.abstained)
        self.rows.append(out)

    def as_dict(self) -> dict[str, Any]:
        return {"metrics": {k: b.as_dict() for k, b in self.buckets.items()}, "rows": self.rows}


TABLE_COLUMNS = (
    ("Recall@k", "recall_at_k"),
    ("MRR", "mrr"),
    ("key fact", "answer_has_key_fact"),
    ("warning", "warning_accuracy"),
    ("declined", "abstention_accuracy"),
    ("false declines", "false_abstention_rate"),
    ("faithful", "citation_faithfulness"),
    ("repeated cites", "repeated_citations"),
    ("zh lead", "chinese_lead"),
)


def eval_table(results: dict[str, dict[str, Any]]) -> str:
    """One Markdown table: a row per set and language (en, zh), a column per metric."""
    header = "| set | lang | n | " + " | ".join(name for name, _ in TABLE_COLUMNS) + " |"
    lines = [header, "|" + "---|" * (3 + len(TABLE_COLUMNS))]
    for name, data in results.items():
        for lang in ("en", "zh"):
            metrics = data["metrics"].get(lang)
            if not metrics:
                continue
            cells = ["—" if metrics[key] is None else f"{metrics[key]:.2f}" for _, key in TABLE_COLUMNS]
            lines.append(f"| {name} | {lang} | {metrics['questions']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
