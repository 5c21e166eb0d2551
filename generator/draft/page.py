"""A documentation page as a sequence of blocks: headings, text, tables and code.

Markdown (and the text-with-Markdown-tables of the seed pages) is parsed by markdown-it-py, HTML
by Beautiful Soup with the standard library's parser; both give the same blocks, with the line
each starts on (HTML: the source line of its element), so that what is drafted from a page can
name where on the page it came from. Nothing here knows about exchanges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Text:
    """A paragraph or a list item, its inline markup reduced to text (links keep their URL)."""

    text: str
    line: int
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # cells as text; a line break inside a cell is "\n"
    line: int


@dataclass(frozen=True)
class Code:
    info: str  # the fence's language, "" when none
    text: str
    line: int


Block = Heading | Text | Table | Code


@dataclass(frozen=True)
class Page:
    source: str  # the file, as given
    blocks: tuple[Block, ...]
    front_matter: dict[str, Any] = field(default_factory=dict)
    lines: tuple[str, ...] = ()  # the page's Markdown, line by line (line N is lines[N - 1]); () for HTML

    def texts(self) -> list[Text]:
        return [block for block in self.blocks if isinstance(block, Text)]


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def read_page(path: Path) -> Page:
    """The blocks of a Markdown, text or HTML page (by its content: HTML starts with a tag)."""
    text = path.read_text(encoding="utf-8")
    if re.match(r"\s*<(!doctype|html|head|body|div|section|article|main|h1)\b", text, re.IGNORECASE):
        return read_html(text, str(path))
    return read_markdown(text, str(path))


def read_markdown(text: str, source: str = "<page>") -> Page:
    front: dict[str, Any] = {}
    offset = 0
    lines = tuple(text.split("\n"))
    match = _FRONT_MATTER.match(text)
    if match:
        loaded = yaml.safe_load(match.group(1))
        front = loaded if isinstance(loaded, dict) else {}
        offset = match.group(0).count("\n")
        text = text[match.end() :]
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    repaired, origin = repair_tables(text)
    tokens = parser.parse(repaired)
    return Page(source, tuple(_blocks(tokens, [offset + number for number in origin])), front, lines)


_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^|\n]+\|.*\|")  # a table row, with or without its leading pipe


def repair_tables(text: str) -> tuple[str, list[int]]:
    """Undo two ways copies of documentation pages break their tables: a row whose name starts
    with `>` (a nesting marker, which Markdown reads as a block quote when the row has no leading
    pipe) gets the marker escaped; a cell continued on the lines after its row (`Product type |`,
    a blank line, then the values and a closing `|`; or lines without any pipe, which GFM would
    read as rows of one cell) is joined back into the row. Returns the text and, for each of its
    lines, the page's line it comes from (joined lines are gone, later lines keep their number)."""
    lines = text.split("\n")
    out: list[str] = []
    origin: list[int] = []
    in_table = False
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if in_table and re.match(r"^\\?>", stripped) and "|" in stripped:
            line = "\\" + stripped if not stripped.startswith("\\") else stripped
        elif in_table and out and stripped.startswith("|") and stripped.count("|") == 2 and out[-1].count("|") > 3:
            out[-1] = _joined(out[-1], [stripped.strip("|").strip()])  # `| more of the cell above |`
            index += 1
            continue
        elif in_table and out and stripped and "|" not in stripped and not stripped.startswith(("#", "```", "~~~")):
            out[-1] = _joined(out[-1], [stripped])  # a cell's next line: GFM would make it a row of its own
            index += 1
            continue
        elif in_table and out and not stripped:
            end = _continuation(lines, index + 1)
            if end is not None:
                joined = _joined(out[-1], [lines[i].strip() for i in range(index + 1, end + 1)])
                rows = _split_rows(joined)  # a copy that ran rows together: `... cancelled | | side | String | ...`
                out[-1] = rows[0]
                out += rows[1:]
                origin += [origin[-1]] * (len(rows) - 1)
                index = end + 1
                continue
        in_table = bool(_ROW.match(line)) or (in_table and bool(stripped) and "|" in stripped)
        out.append(line)
        origin.append(index + 1)
        index += 1
    return "\n".join(out), origin


def _split_rows(row: str) -> list[str]:
    """A line holding several rows run together (`a | b | c | | d | e | f |`), one row each."""
    parts = re.split(r"\s\|\s+\|\s", row.strip().rstrip("|"))
    if len(parts) == 1:
        return [row]
    rows = [parts[0].rstrip() + " |"]
    rows += [f"| {part.strip()} |" for part in parts[1:] if part.strip()]
    return rows


def _joined(row: str, more: list[str]) -> str:
    """A table row with more lines of its last cell (line breaks as <br>)."""
    closed = row.rstrip().endswith("|")
    text = row.rstrip().rstrip("|").rstrip()
    return text + "".join(f"<br>{part}" for part in more if part) + (" |" if closed else "")


def _continuation(lines: list[str], start: int) -> int | None:
    """The last line of a cell continued after a blank line: the lines up to the next blank line,
    heading or fence, when they do not start a row and the last of them closes one with `|`."""
    if start >= len(lines) or lines[start].strip().startswith("|") or not lines[start].strip():
        return None
    index = start
    while index < len(lines) and lines[index].strip() and not lines[index].strip().startswith(("#", "```", "~~~")):
        index += 1
    return index - 1 if lines[index - 1].strip().endswith("|") else None


def _split_rows(row: str) -> list[str]:
    """A line holding several rows run together (`a | b | c | | d | e | f |`), one row each."""
    parts = re.split(r"\s\|\s+\|\s", row.strip().rstrip("|"))
    if len(parts) == 1:
        return [row]
    rows = [parts[0].rstrip() + " |"]
    rows += [f"| {part.strip()} |" for part in parts[1:] if part.strip()]
    return rows


def _joined(row: str, more: list[str]) -> str:
    """A table row with more lines of its last cell (line breaks as <br>)."""
    closed = row.rstrip().endswith("|")
    text = row.rstrip().rstrip("|").rstrip()
    return text + "".join(f"<br>{part}" for part in more if part) + (" |" if closed else "")


def _continuation(lines: list[str], start: int) -> int | None:
    """The last line of a cell continued after a blank line: lines that are not rows, headings
    or fences, up to one ending with `|` (None when there is none within 20 lines)."""
    for index in range(start, min(start + 60, len(lines))):
        stripped = lines[index].strip()
        if stripped.startswith(("#", "```", "~~~")) or (stripped.startswith("|") and index == start):
            return None
        if not stripped:
            return index - 1 if index > start and lines[index - 1].strip().endswith("|") else None
        if stripped.endswith("|") and index > start - 1 and stripped != "|" or stripped == "|":
            return index
    return None


def _blocks(tokens: list[Token], origin: list[int]) -> list[Block]:
    """The blocks of the parsed tokens; `origin[i]` is the page's line of the parsed text's line i + 1."""
    blocks: list[Block] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        line = origin[min(token.map[0], len(origin) - 1)] if token.map and origin else 1
        if token.type == "heading_open":
            blocks.append(Heading(int(token.tag[1]), _inline_text(tokens[index + 1]), line))
            index += 3
            continue
        if token.type in ("fence", "code_block"):
            blocks.append(Code(token.info.strip(), token.content, line))
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            text = _inline_text(token)
            children = [child for child in token.children or [] if child.content.strip()]
            if len(children) == 1 and children[0].type == "code_inline":  # a paragraph of code: HTX's curl line
                blocks.append(Code("", children[0].content + "\n", line))
            elif text.strip():
                blocks.append(Text(text, line, _links(token)))
        elif token.type == "table_open":
            table, index = _table(tokens, index, line)
            blocks.append(table)
            continue
        elif token.type == "html_block":
            blocks.append(Text(re.sub(r"<[^>]+>", " ", token.content).strip(), line))
        index += 1
    return blocks


def _table(tokens: list[Token], start: int, line: int) -> tuple[Table, int]:
    header: list[str] = []
    rows: list[tuple[str, ...]] = []
    current: list[str] = []
    in_head = False
    index = start
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            current = []
        elif token.type == "inline":
            current.append(_inline_text(token).strip())
        elif token.type == "tr_close":
            if in_head:
                header = current
            else:
                rows.append(tuple(current))
        index += 1
    return Table(tuple(header), tuple(rows), line), index + 1


def _inline_text(token: Token) -> str:
    """An inline token's text: markup dropped, code kept, `<br>` as a line break."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif (
            child.type in ("softbreak", "hardbreak")
            or child.type == "html_inline"
            and re.match(r"<br\s*/?>", child.content, re.IGNORECASE)
        ):
            parts.append("\n")
    return "".join(parts)


def _links(token: Token) -> tuple[str, ...]:
    return tuple(str(child.attrs.get("href")) for child in token.children or [] if child.type == "link_open")


# --- HTML -------------------------------------------------------------------------------------------


_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "pre")


def read_html(text: str, source: str = "<page>") -> Page:
    soup = BeautifulSoup(text, "html.parser")
    for hidden in soup.find_all(["script", "style", "nav", "header", "footer"]):
        hidden.decompose()
    blocks: list[Block] = []
    for element in soup.find_all(_BLOCK_TAGS):
        if any(parent.name in ("table", "pre", "li") for parent in element.parents if isinstance(parent, Tag)):
            continue  # inside a block already taken
        line = element.sourceline or 0
        name = element.name
        if name.startswith("h") and len(name) == 2:
            blocks.append(Heading(int(name[1]), _html_text(element), line))
        elif name == "pre":
            code = element.find("code")
            classes = code.get_attribute_list("class") if isinstance(code, Tag) else []
            info = next((c.removeprefix("language-") for c in classes if c and c.startswith("language-")), "")
            blocks.append(Code(info, element.get_text(), line))
        elif name == "table":
            blocks.append(_html_table(element, line))
        else:
            content = _html_text(element)
            if content.strip():
                links = tuple(str(a.get("href")) for a in element.find_all("a") if a.get("href"))
                blocks.append(Text(content, line, links))
    return Page(source, tuple(blocks))


def _html_text(element: Tag) -> str:
    for br in element.find_all("br"):
        br.replace_with("\n")
    return re.sub(r"[ \t]+", " ", element.get_text()).strip()


def _html_table(element: Tag, line: int) -> Table:
    rows = []
    for row in element.find_all("tr"):
        cells = [_html_text(cell) for cell in row.find_all(["th", "td"])]
        rows.append(tuple(cells))
    header_row = element.find("tr")
    has_head = header_row is not None and header_row.find("th") is not None
    header = rows[0] if has_head and rows else ()
    return Table(tuple(header), tuple(rows[1:] if has_head else rows), line)
