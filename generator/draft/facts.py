"""What an endpoint spec says, read from one documentation page: title, method and path, rate
limit, permission, parameters, response fields and examples, as the spec's YAML data."""

from __future__ import annotations

import re
from typing import Any

from generator import naming
from generator.draft.examples import request_examples, response_examples
from generator.draft.fields import Node, add_unlisted, build_tree, entry, read_rows, unflatten, unique
from generator.draft.page import Code, Heading, Page, Table, Text
from generator.examples import ExampleError, parse_json
from generator.model import Exchange


class DraftError(Exception):
    """The page is not an endpoint's documentation page: what is missing, in words."""


_REQUEST_LINE = re.compile(r"^\s*(?:[*-]\s*)?(GET|POST|PUT|DELETE)\s+(/[^\s?]*)", re.MULTILINE)
_GENERIC_HEADINGS = {
    "description",
    "http request",
    "request parameters",
    "response parameters",
    "request example",
    "response example",
    "authentication",
    "request",
    "response",
    "request address",
}


def draft_spec(page: Page, exchange: Exchange, section: str | None = None) -> dict[str, Any]:
    """The spec data of the endpoint a page documents. Raises DraftError naming what is missing."""
    method, path = _method_and_path(page)
    title = _title(page)
    request_table, response_table = _tables(page)
    responses = response_examples(page)
    data, envelope = _example_data(responses, exchange)
    spec: dict[str, Any] = {"title": title}
    spec["section"] = section or _section(page, exchange) or "TODO"
    spec["method"] = method
    spec["path"] = path
    spec["doc_url"] = _doc_url(page, exchange) or "TODO: the page's URL"
    description, notes = _description(page)
    spec["description"] = description or title
    if notes:
        spec["notes"] = notes
    family = _family(page, responses, exchange)
    if family:
        spec["family"] = family
    data_member = _data_member(responses, exchange, family or "")
    if data_member:
        spec["data_member"] = data_member
    unsigned = _unsigned(page)
    spec["auth"] = "public" if unsigned else "private"
    spec["permission"] = {"level": "none", "text": unsigned} if unsigned else _permission(page, method)
    spec["rate_limit"] = _rate_limit(page, exchange, spec["permission"]["level"])
    if unsigned and spec["rate_limit"].get("scope") == "uid":  # an unsigned request names no user
        spec["rate_limit"]["scope"] = "ip"
    skipped: list[str] = []
    spec["parameters"] = _parameters(request_table, method, path, skipped) if request_table is not None else []
    spec["response"] = _response(response_table, data, envelope, skipped)
    if skipped:
        spec.setdefault("notes", []).append(
            "TODO: table rows the drafter could not read as fields (a copy's broken cells?): " + "; ".join(skipped)
        )
    _avoid_shared_names(spec["response"], exchange, title)
    spec["examples"] = {
        "requests": [
            {"title": r.title, "text": r.text} if r.title else {"text": r.text} for r in request_examples(page)
        ],
        "responses": [
            {
                **({"title": r.title} if r.title else {}),
                "text": r.text,
                **({"corrected": r.corrected} if r.corrected else {}),
            }
            for r in responses
        ],
    }
    return spec


def _method_and_path(page: Page) -> tuple[str, str]:
    for block in page.blocks:
        if isinstance(block, (Text, Code)):
            match = _REQUEST_LINE.search(block.text)
            if match and "curl" not in block.text[: match.start()]:
                return match.group(1), match.group(2)
    # HTX: the path as a heading, `/v5/account/balance (Get Account Balance)`, and `Request type: GET`
    heading = next((b for b in page.blocks if isinstance(b, Heading) and b.text.startswith("/")), None)
    kind = next(
        (m for m in (re.search(r"Request type:\s*(GET|POST|PUT|DELETE)", b.text) for b in page.texts()) if m), None
    )
    if heading is not None and kind is not None:
        return kind.group(1), heading.text.split()[0]
    raise DraftError("no HTTP request line (such as `GET /api/v5/account/balance`) on the page")


def _title(page: Page) -> str:
    for block in page.blocks:
        if isinstance(block, Heading):
            path_title = re.match(r"^/\S+\s*\((.+)\)$", block.text.strip())
            if path_title:
                return path_title.group(1).strip()
    front = page.front_matter.get("document_title")
    headings = [b.text.strip() for b in page.blocks if isinstance(b, Heading)]
    candidates = [h for h in headings if h.lower() not in _GENERIC_HEADINGS]
    title = str(front) if front else candidates[0] if candidates else ""
    title = re.sub(r"\s*\|.*$", "", title).strip()
    if not title:
        raise DraftError("no title (a first heading) on the page")
    return title


def _doc_url(page: Page, exchange: Exchange) -> str | None:
    urls = page.front_matter.get("extracted_urls") or []
    for text in page.texts():
        urls = [*urls, *text.links]
    for url in urls:
        if isinstance(url, str) and url.startswith(exchange.doc_base_url):
            return url[len(exchange.doc_base_url) :]
        if isinstance(url, str) and url.startswith("https://"):
            return url
    return None


def _section(page: Page, exchange: Exchange) -> str | None:
    url = _doc_url(page, exchange)
    if url and not url.startswith(("http", "#")) and "/" in url:
        return url.split("/", 1)[0].replace("-", "_").lower()
    category = next(
        (re.match(r"Category:\s*(\w+)", t.text) for t in page.texts() if t.text.startswith("Category")), None
    )
    return category.group(1).lower() if category else None


def _description(page: Page) -> tuple[str, list[str]]:
    """The page's description, and its sentences about who may call it (notes)."""
    text = ""
    blocks = list(page.blocks)
    for index, block in enumerate(blocks):
        if isinstance(block, Heading) and block.text.strip().lower() == "description":
            following = next((b for b in blocks[index + 1 :] if isinstance(b, Text)), None)
            text = following.text if following else ""
            break
    if not text:
        interface = next((t.text for t in page.texts() if t.text.startswith("Interface description:")), "")
        text = interface.removeprefix("Interface description:").strip()
    if not text:
        first = next((b for b in blocks if isinstance(b, Text) and not _is_fact_line(b.text)), None)
        text = first.text if first else ""
    sentences = re.split(r"(?<=\.)\s+", " ".join(text.split()))
    notes = [s for s in sentences[1:] if re.search(r"\b(not allowed|only|must)\b", s)]
    kept = [s for s in sentences if s not in notes]
    return " ".join(kept), notes


def _is_fact_line(text: str) -> bool:
    return bool(
        re.match(r"(source|category|rate limit|frequency|permission|request type|signature)", text, re.IGNORECASE)
    )


def _lines(page: Page) -> list[str]:
    """The page's lines of text, headings included (OKX prints `#### Rate Limit: ...` as one)."""
    blocks = [b for b in page.blocks if isinstance(b, (Text, Heading))]
    return [line.strip(" *") for block in blocks for line in block.text.split("\n")]


def _unsigned(page: Page) -> str | None:
    """The page's line saying that requests are not signed (HTX: `Signature verification: No`)."""
    return next(
        (line for line in _lines(page) if re.match(r"^Signature verification:\s*No\b", line, re.IGNORECASE)), None
    )


def _permission(page: Page, method: str) -> dict[str, Any]:
    for line in _lines(page):
        match = re.match(r"^(?:Interface )?Permission:\s*(.+)$", line, re.IGNORECASE)
        if match:
            words = match.group(1).strip()
            level = (
                "trade"
                if re.search(r"trade|write", words, re.IGNORECASE)
                else "read"
                if re.search(r"read", words, re.IGNORECASE)
                else "none"
            )
            return {"level": level, "text": words}
    level = "read" if method == "GET" else "trade"
    return {
        "level": level,
        "text": None,
        "note": f"TODO: the page states no permission; {level} is a guess from the method.",
    }


_WINDOWS = {"second": 1.0, "seconds": 1.0, "sec": 1.0, "s": 1.0, "minute": 60.0, "minutes": 60.0, "min": 60.0}


def _rate_limit(page: Page, exchange: Exchange, level: str) -> dict[str, Any]:
    lines = [line for line in _lines(page) if re.search(r"rate limit|frequency limit", line, re.IGNORECASE)]
    if not lines:
        return _unparsed_limit("TODO: the page states no rate limit")
    text = ". ".join(line.rstrip(".") for line in lines)
    limit: dict[str, Any] = {}
    patterns = [
        r"(\d+)\s*(?:requests?|times?|orders?)?\s*(?:per|/)\s*(\d+(?:\.\d+)?)?\s*(seconds?|sec|s|minutes?|min)\b",
        r"(\d+)\s*(?:requests?|times?)\s+every\s+(\d+(?:\.\d+)?)\s*(seconds?)",
        r"(\d{1,3}(?:,\d{3})+|\d+)\s+(\d+(?:\.\d+)?)\s*(seconds?|minutes?)\b",  # HTX: "4,500 5 minutes"
    ]
    buckets = _buckets(text, exchange, level)
    for pattern in patterns:
        match = re.search(pattern, text, re.IGNORECASE)
        if match and not buckets:
            limit["count"] = int(match.group(1).replace(",", ""))
            limit["window_seconds"] = _number(float(match.group(2) or 1) * _WINDOWS[match.group(3).lower()])
            limit["scope"] = "ip" if re.search(r"\bIP\b", text) else "uid"
            if re.search(r"User ID\s*\+\s*Instrument ID", text, re.IGNORECASE):
                limit["scope"] = "uid+instrument"
                limit["instrument"] = "instId"  # OKX's name; the loader checks the endpoint has it
            break
    if buckets:
        limit["buckets"] = buckets
    if not limit.get("count") and not buckets:
        return _unparsed_limit(text)
    limit["text"] = text
    return limit


def _unparsed_limit(text: str) -> dict[str, Any]:
    """A limit the drafter could not read: one call per second per UID, until a maintainer says."""
    note = "TODO: the drafter could not read this limit; 1 per second per UID holds its place."
    return {"count": 1, "window_seconds": 1, "scope": "uid", "text": text, "note": note}


def _buckets(text: str, exchange: Exchange, level: str) -> list[str]:
    """The exchange's shared buckets whose count and window the page's text states; of a read and
    a trade bucket stated together, the one of the endpoint's permission."""
    found = []
    for bucket in exchange.buckets:
        window = f"{bucket.window_seconds:g}"
        if re.search(rf"\b{bucket.count}\s+times\s+every\s+{window}\s+seconds?", text):
            found.append(bucket.name)
    if len(found) > 1:
        other = "trade" if level == "read" else "read"
        found = [name for name in found if not name.endswith(other)]
        kept = [name for name in found if name.endswith(level)]
        found = [name for name in found if not re.search(r"-(read|trade)$", name)] + kept[:1]
    return found


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _tables(page: Page) -> tuple[Table | None, Table | None]:
    """The request-parameter table and the response table: by the heading or line above each,
    else by their columns (a Required column is the request's)."""
    request = response = None
    last = ""
    for block in page.blocks:
        if isinstance(block, (Heading, Text)) and len(block.text) < 80:
            last = block.text.lower()
        if not isinstance(block, Table):
            continue
        columns = [c.lower() for c in block.header]
        if not any(c in ("type", "types", "data type") for c in columns):
            continue
        if "request" in last and "param" in last and request is None:
            request = block
        elif "response" in last and response is None:
            response = block
        elif "required" in columns and request is None and response is None:
            request = block
        elif response is None:
            response = block
    return request, response


def _family(page: Page, responses: list[Any], exchange: Exchange) -> str | None:
    """The API family whose envelope the response examples have, when it is not the default's; of
    families with the same envelope, the one whose host the page names (its Request Address)."""
    tables = [" ".join(cell for row in b.rows for cell in row) for b in page.blocks if isinstance(b, Table)]
    text = "\n".join([*_lines(page), *tables])
    for example in responses:
        try:
            body = parse_json(example.corrected or example.text)
        except ExampleError:
            continue
        if isinstance(body, dict) and exchange.envelope.code not in body:
            found = [f for f in exchange.families if f.envelope.code in body]
            named = [f for f in found if f.production_host in text]
            if named or found:
                return (named or found)[0].name
    return None


def _example_data(responses: list[Any], exchange: Exchange) -> tuple[Any, tuple[str, str]]:
    """The data of the first response example, and (the data's key, the other top-level keys) of
    its envelope."""
    for example in responses:
        try:
            body = parse_json(example.corrected or example.text)
        except ExampleError:
            continue
        if isinstance(body, dict):
            key = _data_key(body, exchange)
            if key is not None:
                return body[key], (key, " ".join(k for k in body if k != key))
    return None, ("data", "")


def _data_member(responses: list[Any], exchange: Exchange, family: str) -> str | None:
    """The member holding the examples' data, when it is not the one the family's envelope names."""
    found = exchange.family(family)
    for example in responses:
        try:
            body = parse_json(example.corrected or example.text)
        except ExampleError:
            continue
        key = _data_key(body, exchange) if isinstance(body, dict) else None
        if key is not None:
            return key if found is not None and key != found.envelope.data else None
    return None


def _data_key(body: dict[str, Any], exchange: Exchange) -> str | None:
    """The member of a response body holding the data: an envelope's data member, else (HTX market
    data under `tick`) the one member holding an object or array beside an envelope's code."""
    families = [f for f in (exchange.family(""), *exchange.families) if f is not None]
    for family in families:
        if family.envelope.data in body:
            return family.envelope.data
    for family in families:
        envelope = family.envelope
        if envelope.code in body:
            envelope_members = {envelope.code, envelope.message, envelope.error_code, envelope.timestamp}
            held = [k for k, v in body.items() if isinstance(v, dict | list) and k not in envelope_members]
            if len(held) == 1:
                return held[0]
    return None


def _avoid_shared_names(response: dict[str, Any], exchange: Exchange, title: str) -> None:
    """A response model named like a shared shape of the exchange is renamed (the loader refuses two
    shapes of one name); a maintainer may then use the shared shape instead."""
    shared = {shape.model for shape in exchange.shapes}
    target = response.get("items") if response.get("type") == "array" else response
    name = naming.operation_name(title) or ""
    if isinstance(target, dict) and target.get("type") == "object" and naming.response_model_name(name) in shared:
        target["model"] = naming.response_model_name(name) + "Data"


def _parameters(table: Table, method: str, path: str, skipped: list[str]) -> list[dict[str, Any]]:
    placeholders = set(re.findall(r"\{([^}]+)\}", path))
    parameters = []
    for node in unique(build_tree(read_rows(table.header, table.rows, skipped)), skipped):
        location = "path" if node.name in placeholders else "query" if method == "GET" else "body"
        spec = entry(node, None, request=True)
        required = node.required or location == "path"  # a path cannot leave it out, whatever the table says
        parameter: dict[str, Any] = {"name": node.name, "in": location, "type": spec["type"], "required": required}
        for key in ("unit", "table"):
            if key in spec:
                parameter[key] = spec[key]
        parameter["description"] = spec["description"]
        listing = _list_style(node.description) if location == "query" else None
        if listing:
            parameter["list"] = listing
        for key in ("enum", "fields", "items"):
            if key in spec:
                parameter[key] = spec[key]
        parameters.append(parameter)
    return parameters


def _list_style(description: str) -> dict[str, Any] | None:
    if not re.search(r"separated (?:with|by) (?:a )?comma", description, re.IGNORECASE):
        return None
    listing: dict[str, Any] = {"style": "comma"}
    most = re.search(r"(?:no more than|up to|at most|maximum(?: of)?)\s+(\d+)", description, re.IGNORECASE)
    if most:
        listing["max_items"] = int(most.group(1))
    return listing


def _response(table: Table | None, data: Any, envelope: tuple[str, str], skipped: list[str]) -> dict[str, Any]:
    nodes: list[Node] = build_tree(read_rows(table.header, table.rows, skipped)) if table is not None else []
    data_key, others = envelope
    holder = next((n for n in nodes if n.name == data_key and n.children), None)
    if holder is not None:  # the table lists the envelope too (code, msg, data with its members)
        nodes = holder.children
    else:
        nodes = [n for n in nodes if n.name not in others.split() or n.children]
    sample = data
    unflatten(nodes, sample)
    nodes = unique(nodes, skipped)
    add_unlisted(nodes, sample)
    root = Node("data", "Array" if isinstance(data, list) else "Object", "", children=nodes)
    if isinstance(data, list) and data and not isinstance(data[0], dict):
        return {"type": "array", "items": {"type": "string"}}
    shape = entry(root, {"data": data})
    shape.pop("name")
    shape.pop("description", None)
    shape.pop("table", None)
    return shape
