"""A Workbench call on the wire (issue 27 §2): the method's arguments and its result as JSON,
typed by the method's own annotations (pydantic: the records' dataclasses, dates, enums), and
a table (a pandas DataFrame) as Arrow IPC, in base64. The client and the service read the same
annotations, so a record arrives as the record it was."""
from __future__ import annotations

import base64
import inspect
import types
import typing
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import (
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    PydanticSchemaGenerationError,
    PydanticUserError,
    TypeAdapter,
    ValidationError,
)

from ..errors import WorkbenchError
from ..store.repository import Workbench

TABLE = "arrow"  # the key of a table's Arrow bytes


def _names() -> dict[str, Any]:
    """Names the annotations use that their modules import only for type checking."""
    from ..imports.applicants import ApplicantData
    from ..imports.registry import Imported
    from ..imports.surveys import SurveyImport
    from ..imports.work_orders import WorkOrderImport
    return {"ApplicantData": ApplicantData, "Imported": Imported, "SurveyImport": SurveyImport,
            "WorkOrderImport": WorkOrderImport}


# Methods that make no sense across the wire: another actor, a snapshot held open, and the
# imports of a file parsed on the caller's side (a file travels to `import_file` as its bytes).
LOCAL_ONLY = frozenset({"acting_as", "reading", "import_survey", "import_work_orders", "import_people"})


@cache
def methods() -> frozenset[str]:
    """The Workbench methods a caller may call over the wire: its public ones but LOCAL_ONLY."""
    return frozenset(name for name, f in inspect.getmembers(Workbench, inspect.isfunction)
                     if not name.startswith("_") and name not in LOCAL_ONLY)


@cache
def signature(method: str) -> tuple[inspect.Signature, dict[str, Any]]:
    function = getattr(Workbench, method)
    module = inspect.getmodule(function)
    hints = typing.get_type_hints(function, globalns={**vars(module), **_names()})
    return inspect.signature(function), hints


def _dump_table(frame: pd.DataFrame) -> dict:
    import pyarrow as pa
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(frame)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return {TABLE: base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")}


def _load_table(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    import pyarrow as pa
    return pa.ipc.open_stream(base64.b64decode(data[TABLE])).read_all().to_pandas()


Table = Annotated[pd.DataFrame, PlainValidator(_load_table), PlainSerializer(_dump_table)]


def _with_tables(hint: Any) -> Any:
    """The hint with every DataFrame in it (a result's `tuple[pd.DataFrame, str | None]`) as Table."""
    if hint is pd.DataFrame:
        return Table
    arguments = typing.get_args(hint)
    if not arguments or typing.get_origin(hint) is Annotated:
        return hint
    tabled = tuple(_with_tables(a) for a in arguments)
    if tabled == arguments:
        return hint
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tabled]
    return origin[tabled]


# Bytes (an evidence file's content) as base64: JSON has no bytes, and a PDF is not UTF-8.
BYTES = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")


@cache
def _adapter(hint) -> TypeAdapter:
    hint = _with_tables(hint)
    for config in (BYTES, None, ConfigDict(arbitrary_types_allowed=True)):
        try:  # a record (a dataclass) brings its own configuration; a type pydantic does not know needs leave
            return TypeAdapter(hint, config=config)
        except (PydanticUserError, PydanticSchemaGenerationError):
            continue
    raise TypeError(f"{hint} cannot travel over the wire")


def dump(value: Any, hint: Any = Any) -> Any:
    """A value as JSON data."""
    if isinstance(value, pd.DataFrame):  # whatever the hint says (Any)
        return _dump_table(value)
    return _adapter(hint).dump_python(value, mode="json")


def load(data: Any, hint: Any = Any) -> Any:
    """JSON data as the value its annotation says."""
    if hint is pd.DataFrame or (isinstance(data, dict) and set(data) == {TABLE}):
        return _load_table(data)
    return _adapter(hint).validate_python(data)


def dump_call(method: str, args: tuple, kwargs: dict) -> dict:
    """The arguments of a call, by parameter name."""
    parameters, hints = signature(method)
    bound = parameters.bind(None, *args, **kwargs)  # None: the Workbench itself
    arguments = list(bound.arguments.items())[1:]
    # A file here (evidence, a document) is sent as its content: the service cannot read this side's paths.
    arguments = [(name, value.read_bytes() if isinstance(value, Path) else value) for name, value in arguments]
    return {name: dump(value, _argument_hint(hints, name)) for name, value in arguments}


def _argument_hint(hints: dict, name: str) -> Any:
    """A parameter's type on the wire: a path never, so that no caller names a file on the
    service's side (its signing key …) for the service to read: `Path | bytes` is `bytes`."""
    hint = hints.get(name, Any)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and Path in typing.get_args(hint):
        return typing.Union[tuple(a for a in typing.get_args(hint) if a is not Path)]
    return hint


def load_call(method: str, arguments: dict) -> dict:
    parameters, hints = signature(method)
    unknown = set(arguments) - set(parameters.parameters)
    if unknown:
        raise WorkbenchError(f"未知参数：{', '.join(sorted(unknown))}", f"Unknown arguments: {', '.join(sorted(unknown))}",
                             code="service.arguments")
    loaded = {}
    for name, value in arguments.items():
        try:
            loaded[name] = load(value, _argument_hint(hints, name))
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise WorkbenchError(f"参数 {name} 的值无效：{problem}", f"Argument {name} is not valid: {problem}",
                                 code="service.arguments") from None
    return loaded


def return_hint(method: str) -> Any:
    return signature(method)[1].get("return", Any)
