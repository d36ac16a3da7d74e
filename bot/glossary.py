"""The bilingual glossary: definitions for /define, autocomplete, and query translation.

`knowledge/glossary.yaml` is the single source. Lookups accept English terms,
aliases and Chinese renderings, fuzzily, and always offer "did you mean"
suggestions, so one function feeds the CLI, Discord autocomplete and the
Chinese query expander.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.corpus.schema import Problem
from bot.errors import DocumentError
from bot.models import Document

FILE_NAME = "glossary.yaml"
DOC_ID = "glossary"
REQUIRED_KEYS = ("term", "aliases", "zh", "definition", "citation", "related")


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    aliases: tuple[str, ...]
    zh: tuple[str, ...]
    definition: str
    citation: str
    related: tuple[str, ...]
    definition_zh: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases, *self.zh)

    def heading(self) -> str:
        return f"{self.term} ({' / '.join(self.zh)})" if self.zh else self.term


@dataclass(frozen=True)
class DefineResult:
    entry: GlossaryEntry | None
    suggestions: tuple[str, ...] = ()


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("-", " ").split())


@dataclass
class Glossary:
    entries: tuple[GlossaryEntry, ...] = ()
    sha256: str = ""
    _names: dict[str, GlossaryEntry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for name in entry.names:
                self._names.setdefault(_fold(name), entry)

    @classmethod
    def load(cls, knowledge_dir: Path) -> Glossary:
        path = knowledge_dir / FILE_NAME
        if not path.is_file():
            return cls()
        data = path.read_bytes()
        entries, problems = parse_glossary(data, FILE_NAME)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DocumentError("\n".join(str(p) for p in errors), tuple(errors))
        return cls(tuple(entries), hashlib.sha256(data).hexdigest())

    def get(self, name: str) -> GlossaryEntry | None:
        return self._names.get(_fold(name))

    def define(self, text: str, limit: int = 5) -> DefineResult:
        exact = self.get(text)
        if exact:
            return DefineResult(exact, tuple(t for t in exact.related[:limit]))
        suggestions = self.complete(text, limit)
        best = self._best(text)
        return DefineResult(best, tuple(s for s in suggestions if not best or s != best.term))

    def complete(self, text: str, limit: int = 25) -> list[str]:
        """Terms for autocomplete: prefix matches first, then fuzzy ones, each term once."""
        folded = _fold(text)
        if not folded:
            return [e.term for e in self.entries[:limit]]
        hits: list[str] = []
        for name, entry in self._names.items():
            if name.startswith(folded) and entry.term not in hits:
                hits.append(entry.term)
        scored = process.extract(folded, list(self._names), scorer=fuzz.WRatio, limit=limit * 3)
        for name, score, _ in scored:
            term = self._names[name].term
            if score >= 60 and term not in hits:
                hits.append(term)
        return hits[:limit]

    def _best(self, text: str) -> GlossaryEntry | None:
        folded = _fold(text)
        if not folded:
            return None
        match = process.extractOne(folded, list(self._names), scorer=fuzz.ratio, score_cutoff=85)
        return self._names[match[0]] if match else None

    def mentioned(self, text: str) -> list[GlossaryEntry]:
        """Entries named in English text (term or alias, whole words), longest names first."""
        kept = re.sub(r"[^0-9a-z. ]+", " ", _fold(text))
        folded = f" {re.sub(r'[.](?= |$)', ' ', kept)} "
        found: list[GlossaryEntry] = []
        for name in sorted(self._names, key=len, reverse=True):
            if name.isascii() and len(name) > 2 and f" {name} " in folded:
                entry = self._names[name]
                folded = folded.replace(f" {name} ", "  ")
                if entry not in found:
                    found.append(entry)
        return found

    def chinese_terms(self) -> dict[str, GlossaryEntry]:
        """Every Chinese rendering, longest first, for translating questions."""
        pairs = {zh: e for e in self.entries for zh in e.zh}
        return dict(sorted(pairs.items(), key=lambda kv: -len(kv[0])))

    def as_document(self) -> Document | None:
        """The glossary as one indexable document, one `##` section per term."""
        if not self.entries:
            return None
        sections = []
        for e in self.entries:
            aliases = f"Also called: {', '.join(e.aliases)}.\n\n" if e.aliases else ""
            zh = f"中文：{'；'.join(e.zh)}。{e.definition_zh}\n\n" if e.zh else ""
            sections.append(f"## {e.heading()}\n\n{e.definition}\n\n{aliases}{zh}Citation: {e.citation}.\n")
        return Document(
            id=DOC_ID,
            title="Basis glossary of export-control terms",
            text="\n".join(sections),
            path=FILE_NAME,
            sha256=self.sha256,
            source_type="glossary",
            citation="Basis glossary",
            url="",
            lang="en",
            topics=("glossary",),
            summary_zh="",
        )


def parse_glossary(data: bytes, name: str) -> tuple[list[GlossaryEntry], list[Problem]]:
    """Parse and check the glossary; every problem is reported as `file: field: reason`."""
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [], [Problem(name, "yaml", f"malformed: {exc}".splitlines()[0])]
    if not isinstance(raw, list):
        return [], [Problem(name, "yaml", "must be a list of entries")]
    entries: list[GlossaryEntry] = []
    problems: list[Problem] = []
    for i, item in enumerate(raw):
        where = f"entry {i + 1}"
        if not isinstance(item, dict):
            problems.append(Problem(name, where, "must be a mapping"))
            continue
        where = f"{where} ({item.get('term', '?')})"
        missing = [k for k in REQUIRED_KEYS if k not in item]
        if missing:
            problems.append(Problem(name, where, f"missing {', '.join(missing)}"))
            continue
        lists = {k: item[k] for k in ("aliases", "zh", "related")}
        if isinstance(lists["zh"], str):
            lists["zh"] = [lists["zh"]]
        bad = [k for k, v in lists.items() if not isinstance(v, list)]
        if bad:
            problems.append(Problem(name, where, f"{', '.join(bad)} must be lists"))
            continue
        entries.append(
            GlossaryEntry(
                term=str(item["term"]).strip(),
                aliases=tuple(str(a) for a in lists["aliases"]),
                zh=tuple(str(z) for z in lists["zh"]),
                definition=str(item["definition"]).strip(),
                citation=str(item["citation"]).strip(),
                related=tuple(str(r) for r in lists["related"]),
                definition_zh=str(item.get("definition_zh", "")).strip(),
            )
        )
    terms = {e.term for e in entries}
    seen: set[str] = set()
    for e in entries:
        if e.term in seen:
            problems.append(Problem(name, e.term, "duplicate term"))
        seen.add(e.term)
        for r in e.related:
            if r not in terms:
                problems.append(
                    Problem(name, e.term, f"related term {r!r} is not in the glossary", "warning")
                )
    return entries, problems
