"""The one way Basis reads YAML: the glossary, front matter, `sources.yaml`, synced files.

YAML's anchors and aliases let 1 KB expand into gigabytes (a "billion laughs" bomb: each alias
repeats an anchored list that itself repeats another); a glossary like that drove `kb check` to
21.9 GB. No file Basis reads needs them, so they are refused before anything is built, as is
nesting deeper than `MAX_DEPTH`; the check reads the parser's events, which never recurse or
expand. Every caller gets `yaml.YAMLError` with the line, and reports it as its own problem.
"""

from __future__ import annotations

from typing import Any

import frontmatter
import yaml

MAX_DEPTH = 16


def load_yaml(text: str) -> Any:
    """Parse `text` as plain YAML data; `yaml.YAMLError` for an anchor, alias, deep nesting or bad syntax."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.YAMLError(f"anchors and aliases (& and *) are not allowed (line {line})")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep at line {line}")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.safe_load(text)


class _Handler(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler with `load_yaml` in place of its unguarded loader."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(fm)


def load_front_matter(text: str) -> frontmatter.Post:
    """A Markdown file's front matter (through `load_yaml`) and body."""
    return frontmatter.loads(text, handler=_Handler())
