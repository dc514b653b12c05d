"""Sign-off signatures: an HMAC-SHA256 over a stage's answers, so that a change made to a
signed-off stage behind the workbench's back is detected."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from ..paths import data_dir

SECRET_ENV = "AUDIT_WORKBENCH_SECRET"


def _key() -> bytes:
    """The key from $AUDIT_WORKBENCH_SECRET, else a random key kept in data/signing.key."""
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode("utf-8")
    path = data_dir() / "signing.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return Path(path).read_text(encoding="ascii").strip().encode("ascii")


def canonical(payload) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def sign(payload) -> str:
    return hmac.new(_key(), canonical(payload), hashlib.sha256).hexdigest()


def verify(payload, signature: str) -> bool:
    return hmac.compare_digest(sign(payload), signature)
