"""Base classes of the resources: a resource prepares a call on the client's core and has
the client execute it (sync or async); only that last step differs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar, Unpack

from verone.qonto._base import CallArgs, ClientCore, PreparedCall, RequestOptions

T = TypeVar("T")


class SyncRequester(Protocol):
    """What a sync resource needs from its client."""

    @property
    def core(self) -> ClientCore: ...

    def execute(self, call: PreparedCall[T]) -> T: ...


class AsyncRequester(Protocol):
    """What an async resource needs from its client."""

    @property
    def core(self) -> ClientCore: ...

    async def execute(self, call: PreparedCall[T]) -> T: ...


class SyncResource:
    """Base of the sync resources: prepares a call on the core and executes it."""

    def __init__(self, requester: SyncRequester) -> None:
        self._requester = requester

    def _call(
        self,
        method: str,
        path: str,
        parse: Callable[[object], T],
        **kwargs: Unpack[CallArgs],
    ) -> T:
        call = self._requester.core.prepare(method, path, parse, **kwargs)
        return self._requester.execute(call)

    def _download(self, url: str, options: RequestOptions | None = None) -> bytes:
        return _download_sync(self._requester, url, options)


class AsyncResource:
    """Base of the async resources."""

    def __init__(self, requester: AsyncRequester) -> None:
        self._requester = requester

    async def _call(
        self,
        method: str,
        path: str,
        parse: Callable[[object], T],
        **kwargs: Unpack[CallArgs],
    ) -> T:
        call = self._requester.core.prepare(method, path, parse, **kwargs)
        return await self._requester.execute(call)

    async def _download(self, url: str, options: RequestOptions | None = None) -> bytes:
        return await _download_async(self._requester, url, options)


def _download_sync(requester: SyncRequester, url: str, options: RequestOptions | None) -> bytes:
    return requester.execute(requester.core.prepare_download(url, options=options))


async def _download_async(
    requester: AsyncRequester, url: str, options: RequestOptions | None
) -> bytes:
    return await requester.execute(requester.core.prepare_download(url, options=options))
