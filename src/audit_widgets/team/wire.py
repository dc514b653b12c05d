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
from typing import Annotated, Any

import pandas as pd
from pydantic import PlainSerializer, PlainValidator, TypeAdapter

from ..errors import WorkbenchError
from ..store.repository import Workbench

TABLE = "arrow"  # the key of a table's Arrow bytes


def _names() -> dict[str, Any]:
    """Names the annotations use that their modules import only for type checking."""
    from ..imports.applicants import ApplicantData
    from ..imports.surveys import SurveyImport
    from ..imports.work_orders import WorkOrderImport
    return {"ApplicantData": ApplicantData, "SurveyImport": SurveyImport, "WorkOrderImport": WorkOrderImport}


# Methods that make no sense across the wire: another actor, a snapshot held open, and the
# imports, which read their files on the caller's side (they will come as uploads).
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


@cache
def _adapter(hint) -> TypeAdapter:
    hint = _with_tables(hint)
    try:
        return TypeAdapter(hint)
    except Exception:  # a type pydantic does not know by itself (a path …)
        return TypeAdapter(hint, config={"arbitrary_types_allowed": True})


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
    return {name: dump(value, hints.get(name, Any)) for name, value in list(bound.arguments.items())[1:]}


def load_call(method: str, arguments: dict) -> dict:
    parameters, hints = signature(method)
    unknown = set(arguments) - set(parameters.parameters)
    if unknown:
        raise WorkbenchError(f"未知参数：{', '.join(sorted(unknown))}", f"Unknown arguments: {', '.join(sorted(unknown))}",
                             code="service.arguments")
    return {name: load(value, hints.get(name, Any)) for name, value in arguments.items()}


def return_hint(method: str) -> Any:
    return signature(method)[1].get("return", Any)
