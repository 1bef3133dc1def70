"""Files of a Slack message, and the text it holds besides its ``text``: file names, titles
and links, legacy attachments, edits, blocks.

Where each lies in a Slack message object (Slack API message objects, as the export writes
them); every part is located by the JSON pointer of its field.
"""

from __future__ import annotations

from typing import Any

from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_EDIT,
    PART_EMBED,
    PART_FIELD,
    PART_FILE_METADATA,
    PART_LINK,
    Attachment,
    TextPart,
)
from scanner.readers.base import Source, first_str
from scanner.readers.textparts import Parts

# Fields of a file object with text about the file: what it is called, a preview of it, and
# links to it (``url_private`` links carried an access token in older exports).
FILE_METADATA = (
    "title",
    "preview",
    "plain_text",
    "url_private",
    "url_private_download",
    "permalink",
    "permalink_public",
    "external_url",
)
# Fields of a legacy attachment (unfurl or bot message attachment) with text.
ATTACHMENT_TEXT = (
    "fallback",
    "pretext",
    "author_name",
    "title",
    "text",
    "footer",
    "title_link",
    "from_url",
    "original_url",
)
MAX_BLOCK_DEPTH = 8


def slack_parts(rec: dict[str, Any], location: str) -> tuple[TextPart, ...]:
    """The text parts of Slack message ``rec`` found at ``location``."""
    text = rec.get("text")
    text = text if isinstance(text, str) else ""
    parts = Parts(location, text)
    files: list[tuple[Any, tuple[str | int, ...]]] = [(rec.get("file"), ("file",))]
    if isinstance(rec.get("files"), list):
        files.extend((f, ("files", i)) for i, f in enumerate(rec["files"]))
    for f, path in files:
        if isinstance(f, dict):
            parts.add(PART_ATTACHMENT_NAME, f.get("name"), *path, "name")
            parts.fields(PART_FILE_METADATA, f, FILE_METADATA, *path)
            comment = f.get("initial_comment")
            if isinstance(comment, dict):
                parts.add(PART_FILE_METADATA, comment.get("comment"), *path, "initial_comment", "comment")
    message_attachments(parts, rec.get("attachments"), "attachments")
    # An edit event holds the text before (``previous_message``) and after (``message``).
    for key in ("previous_message", "message"):
        nested = rec.get(key)
        if isinstance(nested, dict):
            parts.add(PART_EDIT, nested.get("text"), key, "text")
    blocks = rec.get("blocks")
    if isinstance(blocks, list):
        _blocks(parts, blocks, text, ("blocks",), MAX_BLOCK_DEPTH)
    return parts.result()


def message_attachments(parts: Parts, value: Any, *path: str | int) -> None:
    """Parts of a list of Slack-style message attachments (unfurls, bot and webhook posts;
    Mattermost's ``props.attachments`` have the same shape)."""
    for i, att in enumerate(value if isinstance(value, list) else ()):
        if not isinstance(att, dict):
            continue
        parts.fields(PART_EMBED, att, ATTACHMENT_TEXT, *path, i)
        fields = att.get("fields")
        for j, fld in enumerate(fields if isinstance(fields, list) else ()):
            parts.fields(PART_FIELD, fld, ("title", "value"), *path, i, "fields", j)


def _blocks(parts: Parts, value: Any, text: str, path: tuple[str | int, ...], depth: int) -> None:
    """Text and links of a block tree that the message's ``text`` does not already hold
    (Slack writes most rich text twice: as mrkdwn in ``text`` and as blocks)."""
    if depth <= 0:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _blocks(parts, item, text, (*path, i), depth - 1)
        return
    if not isinstance(value, dict):
        return
    kind = value.get("type")
    own = value.get("text")
    if isinstance(own, str) and own.strip() and own not in text and own.strip() not in text:
        parts.add(PART_EMBED, own, *path, "text")
    elif isinstance(own, dict):
        _blocks(parts, own, text, (*path, "text"), depth - 1)
    url = value.get("url")
    if kind == "link" and isinstance(url, str) and url not in text:
        parts.add(PART_LINK, url, *path, "url")
    for key in ("elements", "fields", "accessory"):
        if key in value:
            _blocks(parts, value[key], text, (*path, key), depth - 1)


def slack_files(rec: dict[str, Any], source: Source, conv_dir: str, root: str) -> tuple[Attachment, ...]:
    """The files of a Slack message (legacy ``file`` and ``files``); the bodies are not in a
    Slack export, so ``path`` is set only when an exporter put the file inside it."""
    files: list[Any] = []
    if isinstance(rec.get("file"), dict):
        files.append(rec["file"])  # legacy file_share: one ``file``
    if isinstance(rec.get("files"), list):
        files.extend(rec["files"])
    out: list[Attachment] = []
    for f in files:
        if not isinstance(f, dict):
            continue
        fid = first_str(f.get("id"))
        name = first_str(f.get("name"), f.get("title"), fid)
        size = f.get("size")
        mime = f.get("mimetype")
        out.append(
            Attachment(
                name=name,
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
                mime=mime if isinstance(mime, str) and mime else None,
                path=_file_path(source, conv_dir, root, fid, name),
            )
        )
    return tuple(out)


def _file_path(source: Source, conv_dir: str, root: str, fid: str, name: str) -> str | None:
    """Where an exporter stored the file inside the export, if it did (Slack itself does not)."""
    if not fid or not name or "/" in name or name in (".", ".."):
        return None
    prefix = conv_dir + "/" if conv_dir else ""
    for candidate in (f"{prefix}attachments/{fid}-{name}", f"{root}__uploads/{fid}/{name}"):
        if source.get(candidate) is not None:
            return candidate
    return None
