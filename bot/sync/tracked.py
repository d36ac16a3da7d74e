"""The tracked-sources file (`knowledge/sources.yaml`): what `basis sync` follows, validated."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.corpus.yaml_text import load_yaml
from bot.errors import SyncError

CURATED_FOLDERS = ("event", "rules", "bills", "imported")
BillType = Literal["hr", "s", "hjres", "sjres", "hres", "sres", "hconres", "sconres"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EcfrPart(_Strict):
    part: int = Field(gt=0)
    sections: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _sections_in_part(self) -> EcfrPart:
        for section in self.sections:
            head, _, tail = section.partition(".")
            if head != str(self.part) or not tail.isdigit():
                raise ValueError(
                    f"section {section!r} is not a section of part {self.part} (like {self.part}.1)"
                )
        return self


class EcfrSource(_Strict):
    title: int = Field(gt=0, le=50)
    parts: list[EcfrPart] = Field(min_length=1)


class FederalRegisterSource(_Strict):
    agencies: list[str] = Field(min_length=1)
    since: date
    slice_days: int = Field(180, ge=1, le=366)
    per_page: int = Field(100, ge=1, le=1000)


class TrackedBill(_Strict):
    congress: int = Field(ge=93)
    type: BillType
    number: int = Field(gt=0)


class CongressSource(_Strict):
    bills: list[TrackedBill] = Field(min_length=1)


class TrackedSources(_Strict):
    output: str = "synced"
    ecfr: EcfrSource | None = None
    federal_register: FederalRegisterSource | None = None
    congress: CongressSource | None = None

    @field_validator("output")
    @classmethod
    def _own_folder(cls, value: str) -> str:
        """Synced copies get a folder of their own: never a curated one, never outside knowledge/."""
        if not value or "/" in value or "\\" in value or value.startswith(".") or value in CURATED_FOLDERS:
            raise ValueError(
                f"must be one folder name inside the knowledge directory, not {value!r} "
                f"(and not one of the curated folders {', '.join(CURATED_FOLDERS)})"
            )
        return value


def load_tracked(path: Path) -> TrackedSources:
    """Read and check the file; SyncError names the file, the field and what is wrong."""
    try:
        raw = load_yaml(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SyncError(f"{path}: not found; `basis sync` needs a tracked-sources file there.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SyncError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise SyncError(f"{path}: must be a mapping with ecfr, federal_register and congress sections.")
    try:
        return TrackedSources.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}" for error in exc.errors()
        )
        raise SyncError(f"{path}: {problems}") from None
