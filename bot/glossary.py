"""The bilingual glossary: definitions for /define, autocomplete, and query translation.

`knowledge/glossary.yaml` is the single source (read and checked by
`corpus/glossary_file.py`). Lookups accept English terms,
aliases and Chinese renderings, fuzzily, and always offer "did you mean"
suggestions, so one function feeds the CLI, Discord autocomplete and the
Chinese query expander.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.corpus.glossary_file import GlossaryEntry, read_glossary


@dataclass(frozen=True)
class DefineResult:
    entry: GlossaryEntry | None
    suggestions: tuple[str, ...] = ()
    status: tuple[str, ...] = ()  # the entry's status on today's date, English then Chinese


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
        """The knowledge directory's glossary, empty when it has none; DocumentError on any error."""
        file = read_glossary(knowledge_dir)
        return cls(file.entries, file.sha256)

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
        """Every Chinese word that names an entry (renderings and search aliases), longest first,
        for translating questions."""
        pairs = {zh: e for e in self.entries for zh in e.chinese_names}
        return dict(sorted(pairs.items(), key=lambda kv: -len(kv[0])))
