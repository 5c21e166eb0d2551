"""The examples of a page: request lines and curl commands, and JSON responses, verbatim; and the
JSON a response example stands for where the page does not print valid JSON (a trailing comma;
HTX's rendered tree of keys and values on separate lines)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from generator.draft.page import Code, Heading, Page, Text
from generator.examples import ExampleError, parse_json, parse_request


@dataclass(frozen=True)
class RequestText:
    text: str
    title: str


@dataclass(frozen=True)
class ResponseText:
    text: str  # as the page prints it
    title: str
    corrected: str | None = None  # valid JSON, when `text` is not


_REQUEST_START = re.compile(r"^(curl\b|(GET|POST|PUT|DELETE)\s+/)")


def request_examples(page: Page) -> list[RequestText]:
    """Every request example: each request line or curl command of the page's code blocks, with
    the comment line above it (`# Get the balance ...`) or the block's heading as its title."""
    found: list[RequestText] = []
    for block, title in _code_blocks(page):
        lines = block.text.rstrip("\n").split("\n")
        comment = ""
        index = 0
        while index < len(lines):
            line = lines[index].strip()
            if line.startswith("#"):
                comment = line.lstrip("#").strip()
            elif _REQUEST_START.match(line):
                end = index + 1
                if line.startswith("curl"):
                    while end < len(lines) and (lines[end - 1].rstrip().endswith("\\") or lines[end].startswith(" ")):
                        end += 1
                else:  # a request line and its body (OKX: a `body` line, then JSON)
                    while end < len(lines) and lines[end].strip() and not _REQUEST_START.match(lines[end].strip()):
                        end += 1
                text = "\n".join(lines[index:end])
                try:
                    parse_request(text)
                except ExampleError:
                    pass
                else:
                    found.append(RequestText(text.strip() + ("\n" if "\n" in text.strip() else ""), comment or title))
                comment = ""
                index = end
                continue
            index += 1
    return found


def response_examples(page: Page) -> list[ResponseText]:
    """Every JSON response example (a code block that holds an object), and HTX's rendered trees
    (the paragraphs `{`, `"code":`, `200`, ... after a response heading)."""
    found: list[ResponseText] = []
    for block, title in _code_blocks(page):
        text = block.text
        if text.lstrip().startswith("{") and not re.search(r"\brequest\b", title, re.IGNORECASE):
            found.append(ResponseText(text, title, _corrected(text)))
    tree = _rendered_tree(page)
    if tree is not None:
        text, title = tree
        corrected = tree_to_json(text)
        found.append(ResponseText(text, title, corrected))
    return found


def _code_blocks(page: Page) -> list[tuple[Code, str]]:
    """The code blocks, each with the nearest title above it (a heading or a short line of text)."""
    found = []
    title = ""
    for block in page.blocks:
        if isinstance(block, Code):
            found.append((block, title))
        elif isinstance(block, Text) and len(block.text) < 60 or isinstance(block, Heading):
            title = block.text.strip()
    return found


def _corrected(text: str) -> str | None:
    """Valid JSON for a response example the page prints with trailing or missing commas between
    lines; None when the text is valid (or cannot be repaired so)."""
    try:
        parse_json(text)
        return None
    except ExampleError:
        pass
    repaired = re.sub(r",(\s*[}\]])", r"\1", text)  # trailing commas
    repaired = re.sub(r'(["\d\]}]|true|false|null)([ \t]*\n\s*["{\[])', r"\1,\2", repaired)  # a missing one
    try:
        parse_json(repaired)
    except ExampleError:
        return None
    return repaired


def _rendered_tree(page: Page) -> tuple[str, str] | None:
    """HTX pages render a response example as one paragraph per key and value, after a heading:
    the page's own lines from that heading to the tree's last paragraph."""
    blocks = list(page.blocks)
    for index, block in enumerate(blocks):
        if isinstance(block, Text) and block.text.strip() == "{" and index > 0:
            last = block
            for item in blocks[index:]:
                if not isinstance(item, Text):
                    break
                last = item
            heading = next((b for b in reversed(blocks[:index]) if isinstance(b, Heading)), None)
            if heading is not None and re.search(r"\brequest\b", heading.text, re.IGNORECASE):
                continue  # a request body, printed the same way
            if page.lines:  # Markdown: the page's own lines, escapes and blank lines as printed
                start = heading.line if heading is not None else block.line - 1
                text = "\n".join(page.lines[start : last.line + last.text.count("\n")])
            else:
                text = "\n".join(b.text for b in blocks[index : blocks.index(last) + 1] if isinstance(b, Text)) + "\n"
            return text, heading.text if heading is not None else ""
    return None


def tree_to_json(text: str) -> str | None:
    """JSON text from a rendered tree: `"key":` and its value on the next line, `0:{` for array
    items, no commas. None when the lines do not form one."""
    out: list[str] = []
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    joined = "\n".join(lines)
    joined = re.sub(r"^\d+\n:\n", "", joined, flags=re.MULTILINE)  # a scalar item's index: `0`, `:`, then the value
    joined = re.sub(r"^\d+\s*:\s*(?=\S)", "", joined, flags=re.MULTILINE)  # `0:{`, `0 : "12345"`
    for line in joined.split("\n"):
        line = line.replace("\\[", "[").replace("\\]", "]").replace("\\_", "_").replace("\\-", "-")
        if line in ("NULL", "Null", "None"):
            line = "null"
        if out and not out[-1].endswith((":", "{", "[")) and not line.startswith(("}", "]")):
            out[-1] += ","
        out.append(line)
    candidate = "\n".join(out) + "\n"
    try:
        json.loads(candidate)
    except ValueError:
        return None
    return candidate
