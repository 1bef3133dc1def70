"""What a Graph ``chatMessage`` is (Teams), its files and the text it holds besides its body:
subject and summary, link targets, attached files and cards."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_EMBED,
    PART_FIELD,
    PART_FILE_METADATA,
    PART_LINK,
    Attachment,
    TextPart,
)
from scanner.readers.base import json_id, json_str
from scanner.readers.graph_json import get, key_of
from scanner.readers.html_text import html_links
from scanner.readers.textparts import Parts

# Fields of a chatMessage (lower-cased); a top-level object keeps only these, so a huge
# foreign object (read with --input-format teams) is never built.
MESSAGE_FIELDS = frozenset(
    s.lower()
    for s in (
        *("id", "replyToId", "etag", "messageType", "createdDateTime", "lastModifiedDateTime"),
        *("lastEditedDateTime", "deletedDateTime", "subject", "summary", "chatId", "importance"),
        *("locale", "webUrl", "channelIdentity", "policyViolation", "eventDetail", "from", "body"),
        *("attachments", "mentions", "reactions", "messageHistory", "onBehalfOf", "chatType", "replies"),
    )
)


def is_chat_message(obj: Any) -> bool:
    """A Graph chatMessage in either casing: an id, a creation time, and a type or a body."""
    if not isinstance(obj, dict) or not json_id(get(obj, "id")):
        return False
    if not isinstance(get(obj, "createdDateTime"), str):
        return False
    return isinstance(get(obj, "messageType"), str) or isinstance(get(obj, "body"), dict)


def _is_page(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(get(obj, "value"), list) and not is_chat_message(obj)


def teams_parts(rec: dict[str, Any], location: str, text: str, content: str) -> tuple[TextPart, ...]:
    """Subject and summary, link targets of the body, and the files and cards attached (a
    card's content is JSON text: scanned as it is, located at its field)."""
    parts = Parts(location, text)
    for key in ("subject", "summary"):
        parts.add(PART_FIELD, get(rec, key), key_of(rec, key))
    if content and "href" in content:
        body = key_of(rec, "body")
        for url in html_links(content):
            if url not in text:
                parts.add(PART_LINK, url, body, key_of(rec[body], "content"))
    items = get(rec, "attachments")
    attachments = key_of(rec, "attachments")
    for i, item in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(item, dict) or json_str(get(item, "contentType")) == "messageReference":
            continue  # a quoted reply: the other message's own text
        parts.add(PART_ATTACHMENT_NAME, get(item, "name"), attachments, i, key_of(item, "name"))
        for key in ("contentUrl", "thumbnailUrl"):
            parts.add(PART_FILE_METADATA, get(item, key), attachments, i, key_of(item, key))
        card = get(item, "content")
        if isinstance(card, str):
            parts.add(PART_EMBED, card, attachments, i, key_of(item, "content"))
        elif isinstance(card, dict | list):
            parts.strings(PART_EMBED, card, attachments, i, key_of(item, "content"))
    return parts.result()


def teams_attachments(value: Any) -> tuple[tuple[Attachment, ...], str | None]:
    """Files and cards of a message, and the id a quoted reply refers to."""
    if not isinstance(value, list):
        return (), None
    out: list[Attachment] = []
    quoted: str | None = None
    for item in value:
        if not isinstance(item, dict):
            continue
        content_type = json_str(get(item, "contentType"))
        att_id = json_id(get(item, "id"))
        if content_type == "messageReference":
            quoted = quoted or att_id or None
            continue
        url = json_str(get(item, "contentUrl"))
        name = json_str(get(item, "name")) or _url_name(url) or att_id or content_type
        out.append(Attachment(name=name, mime=content_type if "/" in content_type else None))
    return tuple(out), quoted


def _url_name(url: str) -> str:
    if not url:
        return ""
    return unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2])
