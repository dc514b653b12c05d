"""Sign-off signatures: an HMAC-SHA256 over a stage's answers, so that a change made to a
signed-off stage behind the workbench's back is detected. The same key makes the short codes
that a person types to check a document (the certificate's verification code)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from functools import lru_cache
from pathlib import Path

from ..errors import WorkbenchError
from ..paths import data_dir
from ..settings import SECRET_ENV, current

KEY_READ_TRIES = 40



def _key() -> bytes:
    """The key from $AUDIT_WORKBENCH_SECRET, else a random key kept in data/signing.key."""
    configured = current().secret
    if configured and configured.get_secret_value():
        return configured.get_secret_value().encode("utf-8")
    return _key_file(data_dir() / "signing.key")


@lru_cache(maxsize=8)
def _key_file(path: Path) -> bytes:
    """The key kept in a file, created on first use; read once per file (every write signs its
    trail entry, and must not read the file for it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # created private and whole, by exactly one process: the others read what it wrote
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as key_file:
            key_file.write(secrets.token_hex(32))
    for _ in range(KEY_READ_TRIES):  # a key being written by another process is empty for an instant
        key = Path(path).read_text(encoding="ascii").strip()
        if key:
            return key.encode("ascii")
        time.sleep(0.05)
    raise WorkbenchError(f"签名密钥文件为空：{path}", f"The signing key file is empty: {path}")


def key_id() -> str:
    """The signing key's id: a fingerprint that names the key without giving it away."""
    return hashlib.sha256(b"audit-workbench key id:" + _key()).hexdigest()[:16]


def key_file() -> Path | None:
    """The file the key is kept in (None when it comes from the environment)."""
    secret = current().secret
    return None if secret and secret.get_secret_value() else data_dir() / "signing.key"


def key_location() -> str:
    """Where the key comes from, for a person who must move it."""
    secret = current().secret
    return f"${SECRET_ENV}" if secret and secret.get_secret_value() else str(data_dir() / "signing.key")


def key_mismatch_message(recorded: str, current: str) -> tuple[str, str]:
    return (f"签名密钥缺失或不符：本库由密钥 {recorded} 签署，当前密钥为 {current}（{key_location()}）。"
            f"请把原机器的 data/signing.key 复制到本机（或设置 {SECRET_ENV}），见 audit-workbench key",
            f"signing key missing or different (id {recorded}; this machine has {current} at {key_location()}): "
            f"copy data/signing.key from the original machine (or set {SECRET_ENV}); see audit-workbench key")


# How a signed record's check reads, for every screen and document that shows it.
SIGNATURE_LABELS = {"valid": "✓ 签名有效 valid",
                    "tampered": "✗ 签署后有改动 changed after sign-off",
                    "key_different": "? 签名密钥缺失或不符 signing key missing or different (not checked)"}


def canonical(payload) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def sign(payload) -> str:
    return hmac.new(_key(), canonical(payload), hashlib.sha256).hexdigest()


def verify(payload, signature: str) -> bool:
    return hmac.compare_digest(sign(payload), signature)


SHORT_CODE_GROUP = 4    # characters between the hyphens of a short code, as people read them aloud
SHORT_CODE_LENGTH = 16  # base32 characters: 80 bits, beyond guessing, short enough to type
MISREAD_DIGITS = str.maketrans("01", "OI")


def short_code(purpose: str, payload, length: int = SHORT_CODE_LENGTH) -> str:
    """An HMAC a person can type: `length` base32 characters (A–Z, 2–7) in groups
    of four, e.g. ABCD-EFGH-JKLM-NPQR. `purpose` keeps codes for different documents apart."""
    digest = hmac.new(_key(), canonical({"purpose": purpose, "payload": payload}), hashlib.sha256).digest()
    code = base64.b32encode(digest).decode("ascii")[:length]
    return "-".join(code[i:i + SHORT_CODE_GROUP] for i in range(0, length, SHORT_CODE_GROUP))


def normalise_code(code: str) -> str:
    """What a person typed, read the way short_code writes it: upper case, spaces and hyphens
    ignored, and the digits 0 and 1 (never in a code) read as the letters O and I they resemble."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum()).translate(MISREAD_DIGITS)
    return "-".join(plain[i:i + SHORT_CODE_GROUP] for i in range(0, len(plain), SHORT_CODE_GROUP))


def verify_short_code(purpose: str, payload, code: str, length: int = SHORT_CODE_LENGTH) -> bool:
    """True only for the whole code (a shortened one never passes)."""
    return hmac.compare_digest(short_code(purpose, payload, length), normalise_code(code))
