"""Start-up time of batch processes.

jsonschema (imported by nbformat, papermill and Altair) imports rfc3987_syntax, which compiles
about 39 Lark grammars at import, 2–3 s on this machine, for the `iri` string format alone
(python-jsonschema/jsonschema#1428). No schema a batch process validates against (nbformat's,
Vega-Lite's) uses that format, and jsonschema skips a format whose library is missing. A batch
process therefore marks the library as missing before anything imports jsonschema.
"""
from __future__ import annotations

import sys


def skip_iri_grammars() -> None:
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" raises ImportError
