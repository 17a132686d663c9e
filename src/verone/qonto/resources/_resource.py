"""Base classes of the resources, and the one mechanism that makes each resource method
serve both clients.

A resource method is written once, on a class the sync and the async resource both inherit:
it prepares the call on the client's core (``self._prepare``) and returns it; the decorator
(``endpoint``, ``iterates``, ``fetches_all``) makes it, on a sync resource, a method that
executes the call and returns the answer and, on an async resource, a coroutine method that
awaits it. Only that last step differs between the two clients.
"""

# ruff: noqa: ANN401  # the bound methods are typed by the decorators' __get__ overloads

from __future__ import annotations

import builtins
import inspect
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, Self, TypeVar, Unpack, overload

from verone.qonto._base import CallArgs, ClientCore, PreparedCall, RequestOptions
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page, afetch_all, aiter_items, fetch_all
from verone.qonto._pagination import iter_items as sync_iter_items

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


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


class Resource:
    """What every resource method may use: the core, to prepare its call."""

    _requester: SyncRequester | AsyncRequester

    def _prepare(
        self, method: str, path: str, parse: Callable[[object], T], **kwargs: Unpack[CallArgs]
    ) -> PreparedCall[T]:
        return self._requester.core.prepare(method, path, parse, **kwargs)

    def _prepare_download(self, url: str, options: RequestOptions | None) -> PreparedCall[bytes]:
        return self._requester.core.prepare_download(url, options=options)


class SyncResource(Resource):
    """Base of the sync resources."""

    def __init__(self, requester: SyncRequester) -> None:
        self._requester: SyncRequester = requester


class AsyncResource(Resource):
    """Base of the async resources."""

    def __init__(self, requester: AsyncRequester) -> None:
        self._requester: AsyncRequester = requester


@dataclass(frozen=True, slots=True)
class Listing(Generic[T]):
    """What a listing method returns: how to prepare page ``n``, and how far to go."""

    page: Callable[[int], PreparedCall[Page[T]]]
    max_pages: int = DEFAULT_MAX_PAGES
    concurrency: int = 8
    key: Callable[[T], str] | None = None


class _Method(Generic[P, R]):
    """A method written once (``build``) and run by the sync or async resource it is read on.

    ``shown_sync``/``shown_async``: how the answer's type reads in the bound method's
    signature, ``{}`` being what ``build`` returns without its ``PreparedCall``/``Listing``.
    """

    shown_sync = "{}"
    shown_async = "{}"
    asynchronous = True
    """Whether the async form is a coroutine method (False: it returns an async iterator)."""

    def __init__(self, build: Callable[Concatenate[Any, P], R]) -> None:
        self._build = build
        self.__doc__ = build.__doc__
        self.__name__ = build.__name__
        signature = inspect.signature(build)
        parameters = list(signature.parameters.values())[1:]
        returned = signature.return_annotation
        inner = re.fullmatch(r"\w+\[(.*)\]", returned) if isinstance(returned, str) else None
        self._signatures = {
            mode: signature.replace(
                parameters=parameters,
                return_annotation=shown.format(inner[1]) if inner else returned,
            )
            for mode, shown in (("sync", self.shown_sync), ("async", self.shown_async))
        }
        self.__signature__ = signature.replace(  # read on the class: as a plain method's
            return_annotation=self._signatures["sync"].return_annotation
        )

    def _run_sync(self, requester: SyncRequester, built: R) -> Any:
        raise NotImplementedError

    def _run_async(self, requester: AsyncRequester, built: R) -> Any:
        raise NotImplementedError

    def _bind(self, obj: Resource) -> Callable[..., Any]:
        build, requester = self._build, obj._requester
        is_async = isinstance(obj, AsyncResource)
        run: Callable[[Any, R], Any] = self._run_async if is_async else self._run_sync

        def bound(*args: Any, **kwargs: Any) -> Any:
            return run(requester, build(obj, *args, **kwargs))

        async def bound_coroutine(*args: Any, **kwargs: Any) -> Any:
            return await run(requester, build(obj, *args, **kwargs))

        method = bound_coroutine if is_async and self.asynchronous else bound
        method.__name__ = method.__qualname__ = self.__name__
        method.__doc__ = self.__doc__
        method.__signature__ = self._signatures["async" if is_async else "sync"]  # type: ignore[union-attr]
        return method

    def __call__(self, obj: Resource, /, *args: Any, **kwargs: Any) -> Any:
        """``Resource.method(resource, …)``, as for a plain method."""
        return self._bind(obj)(*args, **kwargs)


class endpoint(_Method[P, PreparedCall[T]]):  # a decorator
    """One API call: its answer, or on an async resource a coroutine of it."""

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: SyncResource, owner: type[Any] | None = None) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, obj: AsyncResource, owner: type[Any] | None = None
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, obj: Resource | None, owner: type[Any] | None = None) -> Any:
        return self if obj is None else self._bind(obj)

    def _run_sync(self, requester: SyncRequester, built: PreparedCall[T]) -> T:
        return requester.execute(built)

    def _run_async(
        self, requester: AsyncRequester, built: PreparedCall[T]
    ) -> Coroutine[Any, Any, T]:
        return requester.execute(built)


class iterates(_Method[P, Listing[T]]):  # a decorator
    """Every item of every page, fetched lazily page after page."""

    shown_sync = "Iterator[{}]"
    shown_async = "AsyncIterator[{}]"
    asynchronous = False

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(
        self, obj: SyncResource, owner: type[Any] | None = None
    ) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(
        self, obj: AsyncResource, owner: type[Any] | None = None
    ) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, obj: Resource | None, owner: type[Any] | None = None) -> Any:
        return self if obj is None else self._bind(obj)

    def _run_sync(self, requester: SyncRequester, built: Listing[T]) -> Iterator[T]:
        return sync_iter_items(
            lambda n: requester.execute(built.page(n)), max_pages=built.max_pages
        )

    def _run_async(self, requester: AsyncRequester, built: Listing[T]) -> AsyncIterator[T]:
        return aiter_items(lambda n: requester.execute(built.page(n)), max_pages=built.max_pages)


class fetches_all(_Method[P, Listing[T]]):  # a decorator
    """Every item: page 1, then the other pages concurrently (threads, or a semaphore)."""

    shown_sync = shown_async = "builtins.list[{}]"

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(
        self, obj: SyncResource, owner: type[Any] | None = None
    ) -> Callable[P, builtins.list[T]]: ...
    @overload
    def __get__(
        self, obj: AsyncResource, owner: type[Any] | None = None
    ) -> Callable[P, Coroutine[Any, Any, builtins.list[T]]]: ...
    def __get__(self, obj: Resource | None, owner: type[Any] | None = None) -> Any:
        return self if obj is None else self._bind(obj)

    def _run_sync(self, requester: SyncRequester, built: Listing[T]) -> builtins.list[T]:
        return fetch_all(
            lambda n: requester.execute(built.page(n)),
            concurrency=built.concurrency,
            key=built.key,
            max_pages=built.max_pages,
        )

    def _run_async(
        self, requester: AsyncRequester, built: Listing[T]
    ) -> Coroutine[Any, Any, builtins.list[T]]:
        return afetch_all(
            lambda n: requester.execute(built.page(n)),
            concurrency=built.concurrency,
            key=built.key,
            max_pages=built.max_pages,
        )
