"""Text parts of a message read from JSON: each string a person or bot wrote beside the
message's main text, with the JSON pointer of its field (so a redacted copy can patch it).

Readers say which fields of their platform hold text (layout knowledge); this module turns
them into ``TextPart``s: pointers escaped (RFC 6901), blank and repeated texts left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from scanner.model import TextPart

# One message's parts, at most: a bot post with thousands of fields is still read, but its
# parts past this are not (the message's text always is).
MAX_PARTS = 200


def pointer_token(key: str | int) -> str:
    """One reference token of a JSON pointer: ``~`` and ``/`` escaped."""
    return str(key).replace("~", "~0").replace("/", "~1")


def at(location: str, *path: str | int) -> str:
    """``location`` (a file, or a file and the pointer of a record) extended by ``path``."""
    if not path:
        return location
    tail = "/".join(pointer_token(p) for p in path)
    return f"{location}/{tail}" if "#" in location else f"{location}#/{tail}"


class Parts:
    """Collects a message's parts in order, once per distinct text.

    ``base`` is the record's location; each part is located at ``base`` + its field's path.
    The message's own text is never repeated as a part.
    """

    __slots__ = ("_out", "_seen", "base")

    def __init__(self, base: str, text: str = "") -> None:
        self.base = base
        self._seen = {text}
        self._out: list[TextPart] = []

    def add(self, name: str, value: Any, *path: str | int) -> None:
        """A part named ``name`` if ``value`` is a string with text not seen in the message."""
        if not isinstance(value, str) or not value.strip() or value in self._seen:
            return
        if len(self._out) >= MAX_PARTS:
            return
        self._seen.add(value)
        self._out.append(TextPart(name, value, at(self.base, *path)))

    def fields(self, name: str, record: Any, keys: Iterable[str], *path: str | int) -> None:
        """A part for each of ``keys`` that ``record`` (an object) holds as a string."""
        if isinstance(record, dict):
            for key in keys:
                self.add(name, record.get(key), *path, key)

    def strings(self, name: str, value: Any, *path: str | int, depth: int = 6) -> None:
        """A part for every string inside ``value`` (objects and lists walked, keys skipped):
        free-form payloads (bot ``ext``/``config``, card bodies) whose layout is the sender's."""
        for sub, text in _walk(value, path, depth):
            self.add(name, text, *sub)

    def result(self) -> tuple[TextPart, ...]:
        return tuple(self._out)


# Keys of a payload that hold machine values, not text someone wrote (ids would pass for
# phone or card numbers).
_NOT_TEXT = re.compile(
    r"(?i)(?:.*[_-]?id|type|ts|mime(?:type)?|colou?r|style|timestamp|created_?at)\Z"
).fullmatch


def _walk(value: Any, path: tuple[str | int, ...], depth: int) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif depth <= 0:
        return
    elif isinstance(value, dict):
        for key, item in value.items():
            if not _NOT_TEXT(str(key)):
                yield from _walk(item, (*path, key), depth - 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index), depth - 1)
