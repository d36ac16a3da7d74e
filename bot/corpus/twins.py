"""Reading `knowledge/zh/<document-id>.yaml`: the reviewed Chinese twins of a document's sentences.

A twin is aligned with its English sentence by `twin_key` (a hash of the sentence), so a
reworded sentence loses its twin instead of keeping a stale translation. The file repeats the
English (`en`) so a reviewer reads both side by side; a key that no longer matches its `en` is
an error, and a twin whose `zh` is still empty is not a twin yet (it counts as missing).

The files are plain data written by people, read like every YAML file by `bot.corpus.yaml_text`:
anchors and aliases are refused outright (they let a small file expand into a huge one and hide
what a twin says), and the shape is checked by pydantic so every problem names its file and
sentence.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.corpus.yaml_text import load_yaml
from bot.models import Problem, twin_key

FOLDER = "zh"  # knowledge/zh/: twins, never documents
MAX_DEPTH = 4  # mapping → sentences list → sentence mapping
KEY_PATTERN = r"^[0-9a-f]{12}$"


class TwinSentence(BaseModel):
    """One English sentence and its Chinese twin (empty while it is being translated)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY_PATTERN)
    en: str
    zh: str = ""


class TwinFile(BaseModel):
    """The twins of one document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document: str = Field(min_length=1)
    sentences: list[TwinSentence] = Field(default_factory=list)

    def twins(self) -> tuple[tuple[str, str], ...]:
        """(key, zh) of every translated sentence, as `Document.twins` holds them."""
        return tuple((s.key, s.zh.strip()) for s in self.sentences if s.zh.strip())


def parse_twins(data: bytes, name: str) -> tuple[TwinFile | None, list[Problem]]:
    """The twin file in `data` and its problems (`name` is the file as reported); None when it
    cannot be used at all."""
    try:
        raw = load_yaml(data.decode("utf-8"), max_depth=MAX_DEPTH, aliases=False)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, [Problem(name, "yaml", f"malformed: {exc}".splitlines()[0])]
    try:
        parsed = TwinFile.model_validate(raw)
    except ValidationError as exc:
        return None, [
            Problem(name, ".".join(str(part) for part in error["loc"]) or "file", error["msg"])
            for error in exc.errors()
        ]
    problems: list[Problem] = []
    expected = Path(name).stem
    if parsed.document != expected:
        problems.append(
            Problem(name, "document", f"{parsed.document!r} does not match the file name {expected!r}")
        )
    seen: set[str] = set()
    for n, sentence in enumerate(parsed.sentences):
        where = f"sentences[{n}]"
        if sentence.key in seen:
            problems.append(Problem(name, where, f"key {sentence.key} appears twice"))
        seen.add(sentence.key)
        if twin_key(sentence.en) != sentence.key:
            problems.append(
                Problem(
                    name,
                    where,
                    f"key {sentence.key} is not the key of its en sentence ({twin_key(sentence.en)})",
                )
            )
    return parsed, problems


def read_twins(knowledge_dir: Path) -> tuple[dict[str, TwinFile], list[Problem]]:
    """Every usable twin file of `knowledge_dir/zh/`, by document id, and the problems of all.

    A file with any error is left out whole: one wrong key could otherwise pair a sentence
    with the translation of another."""
    folder = knowledge_dir / FOLDER
    files: dict[str, TwinFile] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return files, problems
    for path in sorted(folder.glob("*.yaml")):
        name = str(path.relative_to(knowledge_dir))
        parsed, found = parse_twins(path.read_bytes(), name)
        problems.extend(found)
        if parsed is not None and not any(p.severity == "error" for p in found):
            files[parsed.document] = parsed
    return files, problems
