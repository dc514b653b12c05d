"""Typed records (domain.py) from ORM rows, by field name: never by position."""
from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

R = TypeVar("R")


def from_row(record: type[R], row: object, **given: Any) -> R:
    """The record whose every field is the row's column of the same name, unless `given` (a
    conversion such as a tuple, or a value the row does not hold). A field that is neither is
    an error, so a field added to a record cannot silently take another's value or a default."""
    values = {}
    for field in fields(record):  # type: ignore[arg-type]
        if field.name in given:
            values[field.name] = given.pop(field.name)
        elif hasattr(row, field.name):
            values[field.name] = getattr(row, field.name)
        else:
            raise TypeError(f"{record.__name__}.{field.name}: no column {field.name!r} on {type(row).__name__}")
    if given:
        raise TypeError(f"{record.__name__} has no field {', '.join(given)}")
    return record(**values)
