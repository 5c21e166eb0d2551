"""Parse the documentation's examples: request lines or curl commands, and JSON responses."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_REQUEST_LINE = re.compile(r"^(GET|POST|PUT|DELETE)\s+(\S+)(?:\s+HTTP/\d(?:\.\d)?)?$")


@dataclass(frozen=True)
class ParsedRequest:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    host: str | None
    body: str | None
    caption: str = ""  # lines before the request line (OKX: "place order for SPOT")


class ExampleError(ValueError):
    """An example that cannot be read; the message says why, in plain words."""


def parse_request(text: str) -> ParsedRequest:
    """Read a request example: `GET /path?query` or a curl command, and the body after it.

    Lines starting with `#` are comments; lines before the request line are its caption; a line
    `body` between the request line and the body (OKX's style) is skipped. Raises ExampleError
    when no request can be found.
    """
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        raise ExampleError("the request example is empty")
    start = next((i for i, line in enumerate(lines) if line.startswith("curl") or _REQUEST_LINE.match(line)), None)
    if start is None:
        raise ExampleError(f"'{lines[0][:60]}' is neither an HTTP request line (GET /path?query) nor a curl command")
    caption, lines = " ".join(lines[:start]), lines[start:]
    if lines[0].startswith("curl"):
        curl = _parse_curl(" ".join(line.rstrip("\\").strip() for line in lines))
        return ParsedRequest(curl.method, curl.path, curl.query, curl.host, curl.body, caption)
    match = _REQUEST_LINE.match(lines[0])
    assert match is not None
    method, target = match.groups()
    rest = lines[1:]
    if rest and rest[0].lower() == "body":
        rest = rest[1:]
    parsed = _split_target(method, target, "\n".join(rest) or None)
    return ParsedRequest(parsed.method, parsed.path, parsed.query, parsed.host, parsed.body, caption)


def _parse_curl(command: str) -> ParsedRequest:
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise ExampleError(f"the curl command cannot be split into words: {exc}") from None
    if words[0] != "curl":  # `curl"https://..."`, as an HTX page prints it: the URL glued to the command
        words = ["curl", words[0][len("curl") :], *words[1:]]
    method = "GET"
    url: str | None = None
    body: str | None = None
    index = 1
    while index < len(words):
        word = words[index]
        if word in ("-X", "--request") and index + 1 < len(words):
            method = words[index + 1].upper()
            index += 2
            continue
        if word in ("-d", "--data", "--data-raw", "--data-binary") and index + 1 < len(words):
            body = words[index + 1]
            method = "POST" if method == "GET" else method
            index += 2
            continue
        if word in ("-H", "--header") and index + 1 < len(words):
            index += 2
            continue
        if word.startswith("http://") or word.startswith("https://"):
            url = word
        index += 1
    if url is None:
        raise ExampleError("the curl command has no http(s) URL")
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    parsed = _split_target(method, target, body)
    return ParsedRequest(parsed.method, parsed.path, parsed.query, parts.hostname, parsed.body)


def _split_target(method: str, target: str, body: str | None) -> ParsedRequest:
    parts = urlsplit(target)
    if not parts.path.startswith("/"):
        raise ExampleError(f"the request target '{target}' does not start with /")
    query = tuple(parse_qsl(parts.query, keep_blank_values=True))
    return ParsedRequest(method, parts.path, query, parts.hostname, body)


def parse_json(text: str) -> Any:
    """Parse a JSON example exactly: decimals become Decimal, never float.

    Raises ExampleError with the line and column of the first problem.
    """
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ExampleError(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None


def path_pattern(template: str) -> str:
    """A regular expression of the concrete paths of a template with {name} placeholders."""
    return "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"


def path_matches(template: str, path: str) -> bool:
    """Does a concrete path match a template with {name} placeholders?"""
    return re.match(path_pattern(template), path) is not None


def path_values(template: str, path: str) -> dict[str, str]:
    """The values a concrete path gives its template's placeholders (a placeholder left as it is,
    `{account-id}`, gives none)."""
    names = path_placeholders(template)
    pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "([^/]+)", re.escape(template)) + "$"
    match = re.match(pattern, path)
    if match is None:
        return {}
    return {name: value for name, value in zip(names, match.groups(), strict=True) if value != f"{{{name}}}"}


def path_placeholders(template: str) -> list[str]:
    return re.findall(r"\{([^{}/]+)\}", template)
