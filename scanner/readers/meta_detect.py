"""Recognising Meta's "Download Your Information" message files, and telling Messenger from
Instagram.

The files do not say which product wrote them; the first of
these that decides, decides for the whole input: folder names inside the export
(``your_instagram_activity`` / ``your_facebook_activity``), the same names in attachment
paths, a Messenger-only ``thread_type`` key, then a folder or zip on the input's own path
named like Meta's downloads (``instagram-<user>-<date>…``, ``facebook-<user>-<date>…``,
nearest first). Failing all of these a file without ``participants`` (chat-miner's Instagram
sample) is Instagram, anything else Messenger. ``MessengerReader`` and ``InstagramReader``
use the same decision, so exactly one of them claims an input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scanner.readers.base import (
    SNIFF_ENTRIES,
    Entry,
    Source,
    first_char,
    head_text,
    in_folder,
    sniff_values,
)

MESSENGER = "messenger"
INSTAGRAM = "instagram"
MESSAGE_FILE = re.compile(r"message_(\d{1,6})\.json")
SNIFF_WANTED = frozenset(["messages.item", "participants", "thread_path", "is_still_participant", "title"])
# Folders Meta keeps a thread's media in (and anything a user may find beside a thread).
MEDIA_FOLDERS = frozenset(["photos", "videos", "audio", "gifs", "files", "stickers", "media"])
INSTAGRAM_MARK = "your_instagram_activity"
FACEBOOK_MARK = "your_facebook_activity"
# Meta names a download "instagram-<user>-<date>-<code>" / "facebook-<user>-<date>-<code>".
DOWNLOAD_NAME = re.compile(r"(instagram|facebook)(?:[-_ .]|$)", re.IGNORECASE)


def file_order(entry: Entry) -> tuple[int, str]:
    m = MESSAGE_FILE.fullmatch(entry.basename)
    return (int(m[1]) if m else 0, entry.name)


@dataclass(slots=True)
class Probe:
    """What the head of one message file showed."""

    head: str
    keys: set[str] = field(default_factory=set)


def sniff_entry(entry: Entry) -> Probe | None:
    """The file's probe if its head is a Meta message file, else None."""
    if entry.suffix != ".json":
        return None
    if first_char(entry) != "{":
        return None
    probe = Probe(head="")
    record: Any = None
    participants: Any = None
    for prefix, _, value in sniff_values(entry, SNIFF_WANTED):
        probe.keys.add(prefix)
        if prefix == "participants":
            participants = value
        elif prefix == "messages.item":
            record = value
            break
    if record is not None:
        if not _is_message(record):
            return None
    elif not (_is_participant_list(participants) and probe.keys & {"thread_path", "is_still_participant"}):
        return None  # an empty thread still lists its participants and says where it lives
    probe.head = head_text(entry)
    return probe


def _is_message(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    if isinstance(value.get("sender_name"), str):
        return is_int(value.get("timestamp_ms")) or is_int(value.get("timestamp"))
    # Messenger's end-to-end encrypted download
    return isinstance(value.get("senderName"), str) and is_int(value.get("timestamp"))


def _is_participant_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all((isinstance(p, dict) and isinstance(p.get("name"), str)) or isinstance(p, str) for p in value)
    )


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def claim(source: Source) -> Probe | None:
    """The probe of the first message file if the whole input is Meta message files (and media)."""
    if source.is_file:
        entries = source.entries()
        return sniff_entry(entries[0]) if len(entries) == 1 else None
    root = source.strip_root()
    files: list[Entry] = []
    for entry in source.entries():
        rel = entry.name[len(root) :]
        if in_folder(rel, MEDIA_FOLDERS):
            continue
        if entry.suffix != ".json":
            return None
        files.append(entry)
    files.sort(key=lambda e: (e.name.count("/"), file_order(e)))
    probes = [sniff_entry(e) for e in files[:SNIFF_ENTRIES]]
    if not probes or any(p is None for p in probes):
        return None
    return probes[0]


def platform_of(source: Source, probe: Probe) -> str | None:
    """Messenger or Instagram, from the strongest evidence at hand (see the module docstring).

    None for a folder holding both packages: detection then splits it.
    """
    marks = {_mark(name) for name in source.names()} - {None}
    if len(marks) > 1:
        return None
    if marks:
        return marks.pop()
    found = _mark(probe.head)
    if found:
        return found
    if '"thread_type"' in probe.head:
        return MESSENGER
    for part in reversed(source.path.parts):
        named = DOWNLOAD_NAME.match(part)
        if named:
            return INSTAGRAM if named[1].lower() == "instagram" else MESSENGER
    return MESSENGER if "participants" in probe.keys else INSTAGRAM


def _mark(text: str) -> str | None:
    if INSTAGRAM_MARK in text:
        return INSTAGRAM
    if FACEBOOK_MARK in text:
        return MESSENGER
    return None
