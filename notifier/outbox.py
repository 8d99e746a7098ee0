"""Write messages as .eml files (RFC 5322 bytes) for dry runs and for SMTP-less installs.

File names come from agency ids and periods, which are outside input: they are reduced to a safe
alphabet and checked to stay inside the outbox folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(*parts: str) -> str:
    """'2024-W33__agency_weekly__hg-so-tu-phap__1a2b3c4d.eml': readable, unique, no separators."""
    readable = "__".join(_UNSAFE.sub("_", p).strip("._") or "_" for p in parts)[:150]
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:8]
    return f"{readable}__{digest}.eml"


def write_eml(outbox_dir: Path, message: EmailMessage, *parts: str) -> Path:
    folder = outbox_dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / safe_name(*parts)).resolve()
    if path.parent != folder:  # cannot happen with safe_name; kept as the last line of defence
        raise ValueError(f"Tên tệp {path} nằm ngoài thư mục {folder}.")
    tmp = path.with_suffix(".eml.tmp")
    tmp.write_bytes(message.as_bytes(policy=policy.SMTP))
    os.replace(tmp, path)
    return path
