# DO NOT EDIT: copied by sdkgen from templates/runtime/_logging.py
"""Logging without credentials.

The SDK logs each attempt and retry on the "exchange_sdk" logger at DEBUG, with signature and
key headers and query parameters replaced by ***. The HTTP libraries log request URLs too (httpx
at INFO, urllib3 at DEBUG); for exchanges that sign in the query string (HTX) that URL carries the
key and the signature, so a filter on those libraries' loggers redacts the same parameters there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

logger = logging.getLogger("exchange_sdk")
SENSITIVE_QUERY = ("AccessKeyId", "Signature")
_QUERY_VALUE = re.compile(r"(?<=[?&])(" + "|".join(SENSITIVE_QUERY) + r")=[^&\s\"'#]*")


def redact_query_string(text: str) -> str:
    """`...&Signature=abc&...` -> `...&Signature=***&...` for every credential-carrying parameter."""
    return _QUERY_VALUE.sub(r"\1=***", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with credential query parameters redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_query_string(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


_FILTER = RedactingFilter()


def install_filters(
    names: Iterable[str] = ("httpx", "httpcore", "urllib3.connectionpool", "urllib3.poolmanager", "aiohttp.client"),
) -> None:
    """Attach the redacting filter to the loggers of the HTTP libraries (once each)."""
    for name in names:
        library_logger = logging.getLogger(name)
        if _FILTER not in library_logger.filters:
            library_logger.addFilter(_FILTER)


install_filters()
