"""CSV report: one row per occurrence, for a spreadsheet or a ticket tracker import.

Chat text is attacker-controlled: an author name or conversation title such as
``=HYPERLINK("…")`` would run as a formula when a DPO opens the file in Excel or
LibreOffice. Every text cell whose first visible character is a formula trigger (after
any spaces, tabs, no-break spaces, zero-width characters or BOM, which spreadsheets skip or
a reader does not see), or that starts with a tab or CR, therefore gets a leading ``'``
(OWASP's CSV injection advice), and numbers are written by us, never taken from chat.
Control, bidi and zero-width characters in a cell are shown as visible escapes
(``\\u202e``) so a name cannot read as another one.

Every stored occurrence is a row; ``omitted_occurrences`` repeats, on each row of a
finding, how many more the scan counted but did not store. The columns of schema 2
(``snippet``, ``part``, ``permalink``, ``occurrence_severity``, ``triage_status``) come
after every earlier column (after ``value`` too, when values are shown), so a sheet or
import that reads columns by position keeps working.

The file starts with a UTF-8 byte order mark so Excel shows Chinese names correctly
instead of guessing a legacy code page; Python reads it with ``encoding="utf-8-sig"``.
"""

from __future__ import annotations

import csv
import io

from reports.textsafe import visible_controls
from scanner.model import ScanResult

COLUMNS = (
    "finding_id",
    "rule",
    "entity_type",
    "category",
    "severity",
    "confidence",
    "likelihood",
    "preview",
    "fingerprint",
    "input",
    "conversation",
    "author",
    "timestamp",
    "message_id",
    "start",
    "end",
    "location",
    "omitted_occurrences",
)
# Appended in schema 2, after the columns above (and ``value``).
COLUMNS_2 = ("snippet", "part", "permalink", "occurrence_severity", "triage_status")

# '=' '+' '-' '@' start a formula; tab and CR can hide one from a quick look and some
# importers strip them before evaluating. Full-width forms are included because some
# spreadsheet locales normalise them to their ASCII twins.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# What may stand before a trigger and still leave it first to a spreadsheet or to the eye:
# blanks (ASCII, no-break, ideographic), zero-width and other invisible format characters.
_LEADING_BLANKS = (
    " \t\r\n\x0b\x0c\u00a0\u3000\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\ufeff"
)

BOM = "\ufeff"


def safe_cell(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet could read it as a formula."""
    if value.startswith(("\t", "\r")):
        return "'" + value
    return "'" + value if value.lstrip(_LEADING_BLANKS).startswith(_FORMULA_TRIGGERS) else value


def chat_cell(value: str) -> str:
    """A cell from the export: controls shown as escapes, then guarded against formulas."""
    return safe_cell(visible_controls(value))


class CsvRenderer:
    """RFC 4180 CSV (CRLF line ends) with a header row; a ``value`` column only with --show-values."""

    name = "csv"
    extension = "csv"

    def render(self, result: ScanResult) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        header = [*COLUMNS, "value"] if result.show_values else list(COLUMNS)
        header += COLUMNS_2
        writer.writerow(header)
        for f in result.findings:
            for o in f.occurrences:
                row = [
                    chat_cell(f.id),
                    chat_cell(f.rule),
                    chat_cell(f.entity_type),
                    f.category.value,
                    f.severity.value,
                    f"{f.confidence:.2f}",
                    f.likelihood.value,
                    chat_cell(f.preview),
                    chat_cell(f.fingerprint),
                    chat_cell(o.input),
                    chat_cell(o.conversation),
                    chat_cell(o.author),
                    chat_cell(o.timestamp or ""),
                    chat_cell(o.message_id),
                    str(o.start),
                    str(o.end),
                    chat_cell(o.location),
                    str(f.omitted_occurrences),
                ]
                if result.show_values:
                    row.append(chat_cell(f.value or ""))
                row += [
                    chat_cell(o.snippet or ""),
                    chat_cell(o.part),
                    chat_cell(o.permalink or ""),
                    o.severity.value if o.severity is not None else "",
                    chat_cell(f.triage.status) if f.triage is not None else "",
                ]
                writer.writerow(row)
        return BOM + buffer.getvalue()
