"""Our own reports met inside an input tree: recognised by their head, not read as input."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scanner.readers.base import Entry


# The reason our own reports carry when they turn up inside an input tree. They are not
# input, so they are not "unread" either: ``Source.reports`` lists them, ``Source.skipped``
# does not, and a scan that only met them still passes its gate.
OWN_REPORT = "a chatsweep report; not read as input"
# Report formats we write, by suffix; the content decides, the suffix only saves reading
# the head of every file.
REPORT_SUFFIXES = frozenset({".json", ".html", ".htm", ".csv", ".sarif", ".md", ".markdown", ".txt"})
REPORT_HEAD = 4096
# Markers in the first REPORT_HEAD bytes of each report format we render. JSON markers
# need the quotes unescaped, which no JSON string value (a chat message) can hold.
_REPORT_MARKERS = (
    re.compile(rb'\A\s*\{.*?"tool"\s*:\s*\{\s*"name"\s*:\s*"chatsweep"', re.S),  # JSON report
    re.compile(rb'\A\s*\{.*?"driver"\s*:\s*\{\s*"name"\s*:\s*"chatsweep"', re.S),  # SARIF
    re.compile(rb'<meta\s+name="generator"\s+content="chatsweep[\s"]', re.I),  # HTML
    re.compile(rb"<title>chatsweep leak report", re.I),  # HTML, should the generator go
    re.compile(rb"\A(?:\xef\xbb\xbf)?finding_id,rule,entity_type,"),  # CSV header
    re.compile(
        rb"\A(?:\xef\xbb\xbf)?platform,input,conversation,conversation_id,message_id,"
    ),  # deletion list
    re.compile(rb"\A(?:\xef\xbb\xbf)?\s*# chatsweep leak report"),  # Markdown
)


def is_own_report(entry: Entry) -> bool:
    """Whether ``entry`` is a report chatsweep wrote (JSON, SARIF, HTML, CSV or Markdown)."""
    if entry.suffix not in REPORT_SUFFIXES or entry.size == 0:
        return False
    head = entry.head(REPORT_HEAD)
    return any(marker.search(head) for marker in _REPORT_MARKERS)
