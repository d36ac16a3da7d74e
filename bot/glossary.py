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
from bot.text import simplified

FUZZY_CUTOFF = 60  # rapidfuzz WRatio below which a name is no match at all


def _match_quality(text: str, name: str) -> float:
    """How well a folded name matches folded typed text: 5 equal, 4 begins with it, 3 has a word
    beginning with it, 2 contains it, 0 none (fuzzy matches then score below 1)."""
    if name == text:
        return 5.0
    if name.startswith(text):
        return 4.0
    if any(word.startswith(text) for word in name.split()):
        return 3.0
    return 2.0 if text in name else 0.0


@dataclass(frozen=True)
class DefineResult:
    entry: GlossaryEntry | None
    suggestions: tuple[str, ...] = ()
    status: tuple[str, ...] = ()  # the entry's status on today's date, English then Chinese


def _fold(text: str) -> str:
    """A name as lookups compare it: NFKC, case-folded, hyphens as spaces, Traditional Chinese
    as Simplified (實體清單 finds 实体清单)."""
    return " ".join(simplified(unicodedata.normalize("NFKC", text)).casefold().replace("-", " ").split())


@dataclass
class Glossary:
    entries: tuple[GlossaryEntry, ...] = ()
    sha256: str = ""
    _names: dict[str, GlossaryEntry] = field(default_factory=dict, repr=False)
    # The entries of actions whose legal basis is not public (`legal_basis: not_public`), with the
    # entries each lists as related that name no official text of their own (the letters, models
    # and exemptions that make up the action). A related term whose citation names a regulation,
    # statute or rule (the is-informed letter: 15 CFR 744.21(b), ...) has a public legal basis:
    # explaining it is not explaining the action.
    not_public_action: frozenset[GlossaryEntry] = field(default=frozenset(), init=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for name in entry.names:
                self._names.setdefault(_fold(name), entry)
        marked = [e for e in self.entries if e.legal_basis == "not_public"]
        related = (self.get(name) for e in marked for name in e.related)
        self.not_public_action = frozenset([*marked, *(e for e in related if e is not None and not e.refs)])

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
        """Terms for autocomplete, best match first, each term once: a name equal to the text,
        then names it begins, names with a word it begins, names containing it, then fuzzy
        matches by similarity; ties keep the glossary's order."""
        folded = _fold(text)
        if not folded:
            return [e.term for e in self.entries[:limit]]
        order = {e.term: i for i, e in enumerate(self.entries)}
        best: dict[str, float] = {}
        for name, entry in self._names.items():
            quality = _match_quality(folded, name)
            if quality > best.get(entry.term, 0.0):
                best[entry.term] = quality
        fuzzy = process.extract(folded, list(self._names), scorer=fuzz.WRatio, limit=limit * 3)
        for name, score, _ in fuzzy:
            term = self._names[name].term
            if score >= FUZZY_CUTOFF and term not in best:
                best[term] = score / 100
        ranked = sorted(best, key=lambda term: (-best[term], order[term]))
        return ranked[:limit]

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
