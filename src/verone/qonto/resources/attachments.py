"""``attachments``: upload a file, get it (with a 30-minute URL), download its bytes."""

from __future__ import annotations

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._encoding import FileUpload
from verone.qonto.resources._collection import Collection, Items
from verone.qonto.resources._resource import AsyncResource, SyncResource, endpoint
from verone.qonto.resources._shared import one
from verone.qonto.types.attachments import Attachment

PATH = "/v2/attachments"


def _url_of(attachment: Attachment) -> str:
    if not attachment.url:
        raise ValueError(f"attachment {attachment.id} has no download URL")
    return attachment.url


class _Attachments(Items[Attachment]):
    """``get`` answers the metadata and a fresh URL valid 30 minutes."""

    _items = Collection(PATH, one(Attachment, "attachment"))

    @endpoint
    def upload(
        self, file: FileUpload, *, options: RequestOptions | None = None
    ) -> PreparedCall[Attachment]:
        """``POST /v2/attachments`` (multipart ``file``; JPEG, PNG or PDF; idempotent)."""
        return self._prepare("POST", PATH, self._items.one, files={"file": file}, options=options)

    @endpoint
    def download_url(
        self, url: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[bytes]:
        """The bytes behind a presigned URL (no credentials are sent to it)."""
        return self._prepare_download(url, options)


class Attachments(SyncResource, _Attachments):
    def download(
        self, attachment: Attachment | str, *, options: RequestOptions | None = None
    ) -> bytes:
        """The file's bytes (an id is first resolved to a fresh URL)."""
        if isinstance(attachment, str):
            attachment = self.get(attachment, options=options)
        return self.download_url(_url_of(attachment), options=options)


class AsyncAttachments(AsyncResource, _Attachments):
    async def download(
        self, attachment: Attachment | str, *, options: RequestOptions | None = None
    ) -> bytes:
        """The file's bytes (an id is first resolved to a fresh URL)."""
        if isinstance(attachment, str):
            attachment = await self.get(attachment, options=options)
        return await self.download_url(_url_of(attachment), options=options)
