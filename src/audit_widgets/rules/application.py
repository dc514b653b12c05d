"""The application review: which required documents are still missing."""
from __future__ import annotations

from collections.abc import Container

from ..scheme import Scheme


def missing_documents(scheme: Scheme, submitted: Container[str]) -> list[str]:
    """The required application_documents ids with no file submitted."""
    return [d.id for d in scheme.application_documents if d.required and d.id not in submitted]
