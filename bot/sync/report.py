"""What a sync did, per source: new, changed (with a short diff), removed, unchanged, failed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LISTED = 20  # names per line before "and N more" (the JSON report has them all)


@dataclass(frozen=True)
class Change:
    key: str
    changed_on: str
    diff: str

    def __str__(self) -> str:
        detail = f"; {self.diff}" if self.diff else ""
        return f"{self.key} (official text of {self.changed_on}{detail})"


@dataclass
class SourceReport:
    name: str
    new: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: str = ""
    skipped: str = ""
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.failed:
            return [f"{self.name}: failed: {self.failed} (nothing of it changed)"]
        if self.skipped:
            return [f"{self.name}: {self.skipped}"]
        head = (
            f"{self.name}: {len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged"
        )
        lines = [head]
        if self.new:
            lines.append(f"  new: {_listed(self.new)}")
        lines += [f"  changed: {c}" for c in self.changed[:LISTED]]
        if len(self.changed) > LISTED:
            lines.append(f"  … and {len(self.changed) - LISTED} more changed")
        if self.removed:
            lines.append(f"  removed: {_listed(self.removed)}")
        lines += [f"  {note}" for note in self.notes[:LISTED]]
        return lines


def _listed(names: list[str]) -> str:
    more = f" and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return ", ".join(names[:LISTED]) + more


@dataclass
class SyncReport:
    sources: list[SourceReport]
    dry_run: bool = False
    build: str = ""

    @property
    def failed(self) -> bool:
        return any(s.failed for s in self.sources)

    @property
    def touched(self) -> bool:
        return any(s.new or s.changed or s.removed for s in self.sources)

    def lines(self) -> list[str]:
        lines = [line for s in self.sources for line in s.lines()]
        if self.dry_run:
            lines.append("Dry run: nothing was written and the index was not rebuilt.")
        elif self.build:
            lines.append(f"Index: {self.build}")
        elif not self.touched:
            lines.append("Index: nothing changed, not rebuilt.")
        return lines

    def text(self) -> str:
        return "\n".join(self.lines())

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "failed": self.failed,
            "build": self.build,
            "sources": [asdict(s) for s in self.sources],
        }
