"""Encoding of requests: query strings, JSON bodies, multipart files, body fingerprints."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel

QueryValue = str | int | bool | Decimal | date | datetime | Enum | None
QueryParams = Mapping[str, QueryValue | list[str] | list[Enum] | tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class FileUpload:
    """A file sent as one multipart field."""

    filename: str
    content: bytes
    content_type: str = "application/pdf"

    def __repr__(self) -> str:
        return f"FileUpload({self.filename!r}, {len(self.content)} bytes, {self.content_type!r})"


def encode_query(params: QueryParams | None) -> list[tuple[str, str]]:
    """Query pairs: ``None`` dropped, lists repeated (``status[]=a&status[]=b``), bools lower."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        values = list(value) if isinstance(value, list | tuple) else [value]
        pairs.extend((key, _query_text(item)) for item in values if item is not None)
    return pairs


def _query_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("query values are never floats")
    return str(value)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def encode_json(body: Mapping[str, object] | BaseModel) -> bytes:
    """Compact JSON bytes of a body (a params model goes through its own serializer)."""
    data = body.model_dump(mode="json", exclude_unset=True) if isinstance(body, BaseModel) else body
    return json.dumps(data, separators=(",", ":"), default=_json_default).encode()


def body_fingerprint(
    method: str, path: str, body: bytes | None, files: dict[str, FileUpload] | None
) -> str:
    """SHA-256 of what a write sends, to detect an idempotency key reused for another body."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body or b"")
    for name, upload in sorted((files or {}).items()):
        digest.update(f"\n{name}:{upload.filename}:{upload.content_type}\n".encode())
        digest.update(upload.content)
    return digest.hexdigest()
