# DO NOT EDIT: copied by sdkgen from templates/runtime/_raw_response.py
"""`client.with_raw_response`: each section method, wrapped to return the `RawResponse` (status,
headers, body, `.parsed`) instead of the data, with its own parameters and docstring.

The wrapper marks the call (a context variable, so per thread and per asyncio task) and the client's
`request` returns the whole RawResponse for a marked call; nothing else changes, so the generated
sections declare each method once.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar, cast

from ._options import RawResponse

P = ParamSpec("P")
T = TypeVar("T")

RAW_RESPONSE: ContextVar[bool] = ContextVar("exchange_sdk_raw_response", default=False)


def _signed_like(wrapper: Callable[..., Any], method: Callable[..., Any]) -> None:
    """The wrapper shows the method's parameters, returning RawResponse[...] (for help())."""
    signature = inspect.signature(method)
    returned = signature.return_annotation
    shown = "RawResponse" if returned is inspect.Signature.empty else f"RawResponse[{returned}]"
    wrapper.__signature__ = signature.replace(return_annotation=shown)  # type: ignore[attr-defined]


def raw_response(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """`method` (a section's bound method) returning the RawResponse of the call."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        token = RAW_RESPONSE.set(True)
        try:
            return cast(RawResponse[T], method(*args, **kwargs))
        finally:
            RAW_RESPONSE.reset(token)

    _signed_like(call, method)
    return call


def async_raw_response(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """The asyncio twin of `raw_response`."""

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        token = RAW_RESPONSE.set(True)
        try:
            return cast(RawResponse[T], await method(*args, **kwargs))
        finally:
            RAW_RESPONSE.reset(token)

    _signed_like(call, method)
    return call
