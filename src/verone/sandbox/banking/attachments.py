"""Uploaded files (attachments) and their signed, expiring download URLs.

A download URL carries ``expires`` (unix seconds of the sandbox clock) and ``signature``,
an HMAC-SHA256 of ``{id}:{expires}`` with a key derived from the sandbox secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from verone.sandbox.clock import Clock

ALLOWED_CONTENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAGIC = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}


@dataclass(slots=True)
class Attachment:
    id: str
    file_name: str
    content_type: str
    content: bytes
    created_ms: int

    @property
    def size(self) -> int:
        return len(self.content)


class SignatureError(Exception):
    """A download URL whose signature is forged (``expired`` tells the two cases apart)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid signature")
        self.expired = expired


def sniff_content_type(content: bytes, declared: str | None) -> str | None:
    """The file's real type among PDF/JPEG/PNG (magic bytes win over the declared type)."""
    del declared  # a declared type alone is not trusted
    for content_type, magic in MAGIC.items():
        if content.startswith(magic):
            return content_type
    return None


class AttachmentStore:
    """Files by id; the content stays in memory (and in snapshots, base64-encoded)."""

    def __init__(self, secret: str, clock: Clock, ttl_seconds: float = 1800.0) -> None:
        self._key = hashlib.sha256(f"attachments:{secret}".encode()).digest()
        self._clock = clock
        self.ttl_seconds = ttl_seconds
        self._items: dict[str, Attachment] = {}

    def add(self, content: bytes, file_name: str, content_type: str) -> str:
        """Store a file and return its new attachment id."""
        attachment = Attachment(
            id=str(uuid.uuid4()),
            file_name=file_name,
            content_type=content_type,
            content=content,
            created_ms=int(self._clock.now().timestamp() * 1000),
        )
        self._items[attachment.id] = attachment
        return attachment.id

    def get(self, attachment_id: str) -> Attachment | None:
        return self._items.get(attachment_id)

    def __len__(self) -> int:
        return len(self._items)

    # ------------------------------------------------------------------ signed URLs

    def _sign(self, attachment_id: str, expires: int) -> str:
        message = f"{attachment_id}:{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def signed_url(self, attachment_id: str, base_url: str) -> str:
        """A download URL valid ``ttl_seconds`` of sandbox time from now."""
        expires = int(self._clock.now().timestamp() + self.ttl_seconds)
        signature = self._sign(attachment_id, expires)
        base = base_url.rstrip("/")
        return f"{base}/_sandbox/files/{attachment_id}?expires={expires}&signature={signature}"

    def verify(self, attachment_id: str, expires: int, signature: str) -> Attachment | None:
        """The attachment behind a signed URL; raises ``SignatureError`` if forged or expired."""
        expected = self._sign(attachment_id, expires)
        if not hmac.compare_digest(expected, signature):
            raise SignatureError(expired=False)
        if self._clock.now().timestamp() > expires:
            raise SignatureError(expired=True)
        return self._items.get(attachment_id)

    # ------------------------------------------------------------------ snapshot

    def to_snapshot(self) -> dict[str, object]:
        return {
            "ttl_seconds": self.ttl_seconds,
            "items": [
                {
                    "id": a.id,
                    "file_name": a.file_name,
                    "content_type": a.content_type,
                    "content": base64.b64encode(a.content).decode("ascii"),
                    "created_ms": a.created_ms,
                }
                for a in self._items.values()
            ],
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, object], secret: str, clock: Clock) -> AttachmentStore:
        ttl = data.get("ttl_seconds", 1800.0)
        store = cls(secret, clock, float(ttl) if isinstance(ttl, int | float) else 1800.0)
        items = data.get("items", [])
        assert isinstance(items, list)
        for item in items:
            assert isinstance(item, dict)
            attachment = Attachment(
                id=str(item["id"]),
                file_name=str(item["file_name"]),
                content_type=str(item["content_type"]),
                content=base64.b64decode(str(item["content"])),
                created_ms=int(item["created_ms"]),
            )
            store._items[attachment.id] = attachment
        return store
