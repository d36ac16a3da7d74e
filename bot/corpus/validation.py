"""pydantic building blocks for the knowledge files, and its errors as `Problem` lines.

The front matter and the glossary are validated by pydantic models (`schema.py`,
`glossary_file.py`), so the rules are the types. A moderator still reads one line per
problem, `file: field: what is wrong`, with the field as written in the YAML
(`sources[1].date`) and the value that was given; this module turns
`ValidationError.errors()` into those lines and finds the keys no model declares
(warnings, since an unknown key is ignored rather than refused).
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Annotated, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails

from bot.models import Problem

DATE_EXAMPLE = "2026-06-12"
DATETIME_EXAMPLE = "2026-12-01T06:00:00+00:00"
UNKNOWN = "unknown field (ignored)"
MISSING = "missing (required)"
M = TypeVar("M", bound="FileModel")


class FileModel(BaseModel):
    """A mapping read from a knowledge file: frozen, unknown keys ignored (and warned about)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def parse_date(value: object) -> date | None:
    """A YAML date, a date-time's day or ISO `YYYY-MM-DD` text; None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _day(value: object) -> date:
    # pydantic's own date parsing would read a bare number as a Unix timestamp.
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"must be a date like {DATE_EXAMPLE}, got {value!r}")
    return parsed


def _optional_day(value: object) -> date | None:
    return None if value is None else _day(value)


def _date_time(value: object) -> str | None:
    """An ISO date-time kept as text (`fetched_at`), normalised by `datetime.isoformat`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    try:
        return datetime.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f"must be a date-time like {DATETIME_EXAMPLE}, got {value!r}") from None


def _http(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"must start with http:// or https://, got {value!r}")
    return value


def _one_or_many(value: object) -> object:
    """A single string where a list of them is expected is read as a list of one."""
    return [value] if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(strip_whitespace=True)]
RequiredText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
HttpUrl = Annotated[RequiredText, AfterValidator(_http)]
Day = Annotated[date, BeforeValidator(_day)]
OptionalDay = Annotated[date | None, BeforeValidator(_optional_day)]
DateTimeText = Annotated[str | None, BeforeValidator(_date_time)]
TextList = Annotated[list[str], BeforeValidator(_one_or_many)]


def field_path(loc: Sequence[int | str]) -> str:
    """pydantic's location as written in YAML: `("sources", 1, "date")` → `sources[1].date`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _expected(error: ErrorDetails) -> str:
    """The choices of a Literal, from pydantic's `'a', 'b' or 'c'`."""
    return ", ".join(re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", ""))))


def message(error: ErrorDetails, model: type[BaseModel] | None = None) -> str:
    """What is wrong, in the words `basis kb check` has always used, with the value given.

    With the model validated against, a missing or wrong mapping also says which keys it takes.
    """
    kind, given = error["type"], error["input"]
    expected = _mapping_keys(model, error["loc"]) if model else ""
    if kind == "missing" or (given is None and (kind.endswith("_type") or kind == "literal_error")):
        return f"{MISSING}: {expected}" if expected else MISSING
    got = type(given).__name__
    if kind == "string_type":
        return f"must be text, got {got}"
    if kind == "string_too_short":
        return "is empty"
    if kind == "literal_error":
        return f"must be one of {_expected(error)}, got {given!r}"
    if kind in ("list_type", "tuple_type"):
        return f"must be {expected or 'a list'}, got {got}"
    if kind == "too_short":
        return "must be a non-empty list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be {expected or 'a mapping'}, got {got}"
    if kind == "bool_type":
        return f"must be true or false, got {given!r}"
    return error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _mapping_keys(model: type[BaseModel], loc: Sequence[int | str]) -> str:
    """`a mapping with state, date, …` (or `a list of mappings with …`) when `loc` names a
    model, or a list of them, inside `model`; "" for a plain field."""
    target, many = model, False
    for part in loc:
        if isinstance(part, int):
            many = False
            continue
        info = {i.alias or name: i for name, i in target.model_fields.items()}.get(part)
        inner = next(_models_in(info.annotation), None) if info else None
        if inner is None:
            return ""
        target, many = inner, get_origin(info.annotation) is list
    keys = ", ".join(i.alias or name for name, i in target.model_fields.items())
    return f"a list of mappings with {keys}" if many else f"a mapping with {keys}"


def problems_from(
    error: ValidationError, file: str, where: str = "", model: type[BaseModel] | None = None
) -> list[Problem]:
    """One error `Problem` per pydantic error; `where` prefixes the field (a glossary entry)."""
    problems = []
    for detail in error.errors():
        path = field_path(detail["loc"])
        field = f"{where}: {path}" if where and path else (where or path or "file")
        problems.append(Problem(file, field, message(detail, model)))
    return problems


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    """The models an annotation holds: `Status | None`, `list[SourceRef]`, `Annotated[…]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = get_origin(annotation)
    if origin in (Annotated, Union, types.UnionType, list, tuple):
        for arg in get_args(annotation):
            yield from _models_in(arg)


def unknown_fields(model: type[BaseModel], data: object, path: str = "") -> list[str]:
    """Paths of the keys in `data` that `model` (and the models inside it) does not declare."""
    if not isinstance(data, Mapping):
        return []
    names = {info.alias or name: info for name, info in model.model_fields.items()}
    found = []
    for key, value in data.items():
        here = f"{path}.{key}" if path else str(key)
        info = names.get(key)
        if info is None:
            found.append(here)
            continue
        for inner in _models_in(info.annotation):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    found.extend(unknown_fields(inner, item, f"{here}[{i}]"))
            else:
                found.extend(unknown_fields(inner, value, here))
    return found


def unknown_field_warnings(model: type[BaseModel], data: object, file: str, where: str = "") -> list[Problem]:
    """A warning for every key no model declares (it is ignored, not refused)."""
    return [
        Problem(file, f"{where}: {path}" if where else path, UNKNOWN, "warning")
        for path in unknown_fields(model, data)
    ]


def validated(model: type[M], data: object, file: str, where: str = "") -> tuple[M | None, list[Problem]]:
    """The model, or None with a problem per error; warnings for unknown keys either way."""
    warnings = unknown_field_warnings(model, data, file, where)
    try:
        return model.model_validate(data), warnings
    except ValidationError as exc:
        return None, warnings + problems_from(exc, file, where, model)
