"""Reading `knowledge/glossary.yaml`: parsed, checked and offered as one indexable document.

The glossary file is loaded beside the other knowledge files, so its parsing
and validation live with them in `corpus/`; `bot/glossary.py` builds lookup,
fuzzy matching and autocomplete on top of the entries read here. Each entry is
checked by a pydantic model (`EntryFields`, with the front matter's timeline);
the rules across entries (duplicates, related terms) are checked after.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml
from pydantic import Field, model_validator

from bot.corpus.references import parse_refs
from bot.corpus.schema import TimelineFields
from bot.corpus.validation import FileModel, RequiredText, Text, TextList, validated
from bot.corpus.yaml_text import load_yaml
from bot.errors import DocumentError
from bot.models import Document, LegalBasis, OfficialRef, Problem, Timeline

FILE_NAME = "glossary.yaml"
DOC_ID = "glossary"


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    aliases: tuple[str, ...]
    zh: tuple[str, ...]
    definition: str
    citation: str
    related: tuple[str, ...]
    definition_zh: str = ""
    timeline: Timeline | None = None  # optional `status_timeline`, as in a document's front matter
    # Chinese words that should find this entry (a misspelling in common use, a name for
    # one of its English aliases) but are not renderings of the term: matched, never shown.
    search_aliases_zh: tuple[str, ...] = ()
    # `not_public` marks an action whose legal basis the government has not published (the 2026
    # directive): an answer that talks about it, or about what its entries name, carries the warning.
    legal_basis: LegalBasis | None = None
    refs: tuple[OfficialRef, ...] = ()  # the official references `citation` names, read at load

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases, *self.zh, *self.search_aliases_zh)

    @property
    def chinese_names(self) -> tuple[str, ...]:
        """Every Chinese word that finds this entry: its renderings, then its search aliases."""
        return (*self.zh, *self.search_aliases_zh)

    def shown(self) -> dict[str, object]:
        """The entry as shown to people (define --json): everything but the search aliases and
        the references read from its citation."""
        fields = asdict(self)
        del fields["search_aliases_zh"], fields["refs"]
        return fields

    def heading(self) -> str:
        return f"{self.term} ({' / '.join(self.zh)})" if self.zh else self.term


class EntryFields(FileModel):
    """One entry as written in the file; `zh` and `search_aliases_zh` may be a single string."""

    term: RequiredText
    aliases: list[str]
    zh: TextList
    definition: RequiredText
    citation: RequiredText
    related: list[str]
    definition_zh: Text | None = None
    status_timeline: TimelineFields | None = None
    search_aliases_zh: TextList = Field(default_factory=list)
    legal_basis: LegalBasis | None = None

    @model_validator(mode="after")
    def _renderings_are_not_search_aliases(self) -> EntryFields:
        both = sorted(set(self.zh) & set(self.search_aliases_zh))
        if both:
            raise ValueError(f"{both[0]!r} is both a rendering (zh) and a search alias")
        return self

    def entry(self) -> GlossaryEntry:
        return GlossaryEntry(
            term=self.term,
            aliases=tuple(self.aliases),
            zh=tuple(self.zh),
            definition=self.definition,
            citation=self.citation,
            related=tuple(self.related),
            definition_zh=self.definition_zh or "",
            timeline=self.status_timeline.timeline() if self.status_timeline else None,
            search_aliases_zh=tuple(self.search_aliases_zh),
            legal_basis=self.legal_basis,
            refs=parse_refs(self.citation),
        )


REQUIRED_KEYS = tuple(name for name, info in EntryFields.model_fields.items() if info.is_required())


@dataclass(frozen=True)
class GlossaryFile:
    """The entries of one glossary file and the sha256 of its bytes."""

    entries: tuple[GlossaryEntry, ...] = ()
    sha256: str = ""

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


def read_glossary(knowledge_dir: Path) -> GlossaryFile:
    """The glossary of a knowledge directory (empty when it has none); DocumentError on any error."""
    path = knowledge_dir / FILE_NAME
    if not path.is_file():
        return GlossaryFile()
    data = path.read_bytes()
    entries, problems = parse_glossary(data, FILE_NAME)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DocumentError("\n".join(str(p) for p in errors), tuple(errors))
    return GlossaryFile(tuple(entries), hashlib.sha256(data).hexdigest())


def parse_glossary(data: bytes, name: str) -> tuple[list[GlossaryEntry], list[Problem]]:
    """Parse and check the glossary; every problem is reported as `file: field: reason`."""
    try:
        raw = load_yaml(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [], [Problem(name, "yaml", f"malformed: {exc}".splitlines()[0])]
    if not isinstance(raw, list):
        return [], [Problem(name, "yaml", "must be a list of entries")]
    entries: list[GlossaryEntry] = []
    problems: list[Problem] = []
    for i, item in enumerate(raw):
        term = item.get("term", "?") if isinstance(item, dict) else None
        fields, found = validated(EntryFields, item, name, f"entry {i + 1}" + (f" ({term})" if term else ""))
        problems.extend(found)
        if fields is not None:
            entries.append(fields.entry())
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
