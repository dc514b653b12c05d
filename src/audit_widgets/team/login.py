"""`audit-workbench login` (issue 27 §2): the command line of a team deployment acts with the
person's own hub token, from the hub's Token page, kept in their own configuration folder (mode
600) beside the service's address; every command that opens the Workbench then goes through the
workbench service as that person, as their notebooks do."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..files import write_atomically


def login_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "audit-workbench" / "login.json"


def saved() -> dict | None:
    """{"service": url, "token": …} of the last `login`, or None."""
    path = login_file()
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save(service: str, token: str) -> Path:
    path = login_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(path, json.dumps({"service": service, "token": token}))
    path.chmod(0o600)  # the token acts as its owner: theirs alone to read
    return path


def forget() -> bool:
    try:
        login_file().unlink()
        return True
    except FileNotFoundError:
        return False
