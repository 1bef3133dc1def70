"""CSV report: one row per occurrence, for a spreadsheet or a ticket tracker import.

Chat text is attacker-controlled: an author name or conversation title such as
``=HYPERLINK("…")`` would run as a formula when a DPO opens the file in Excel or
LibreOffice. Every text cell that starts with a formula trigger therefore gets a leading
``'`` (OWASP's CSV injection advice), and numbers are written by us, never taken from chat.

The file starts with a UTF-8 byte order mark so Excel shows Chinese names correctly
instead of guessing a legacy code page; Python reads it with ``encoding="utf-8-sig"``.
"""

from __future__ import annotations

import csv
import io

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
)

# '=' '+' '-' '@' start a formula; tab and CR can hide one from a quick look and some
# importers strip them before evaluating. Full-width forms are included because some
# spreadsheet locales normalise them to their ASCII twins.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

BOM = "\ufeff"


def safe_cell(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet could read it as a formula."""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


class CsvRenderer:
    """RFC 4180 CSV (CRLF line ends) with a header row; a ``value`` column only with --show-values."""

    name = "csv"
    extension = "csv"

    def render(self, result: ScanResult) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        header = [*COLUMNS, "value"] if result.show_values else list(COLUMNS)
        writer.writerow(header)
        for f in result.findings:
            for o in f.occurrences:
                row = [
                    safe_cell(f.id),
                    safe_cell(f.rule),
                    safe_cell(f.entity_type),
                    f.category.value,
                    f.severity.value,
                    f"{f.confidence:.2f}",
                    f.likelihood.value,
                    safe_cell(f.preview),
                    safe_cell(f.fingerprint),
                    safe_cell(o.input),
                    safe_cell(o.conversation),
                    safe_cell(o.author),
                    safe_cell(o.timestamp or ""),
                    safe_cell(o.message_id),
                    str(o.start),
                    str(o.end),
                    safe_cell(o.location),
                ]
                if result.show_values:
                    row.append(safe_cell(f.value or ""))
                writer.writerow(row)
        return BOM + buffer.getvalue()
