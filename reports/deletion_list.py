"""The deletion list: one row per message to act on, for whoever cleans the platform up.

Rows say where the message is (platform, input, conversation, message id or ts, time, a
link that opens it where the platform has one), what to do (``rotate`` a secret first,
then ``delete`` or ``redact`` the message) and which finding it is (id, fingerprint), never
the value: names are as masked as in the report. Secrets' rows come first (rotation does
not wait for the clean-up), then by severity. Cells are guarded against spreadsheet
formulas like the CSV report's; the file is written owner-only (``reports.write_report``).
"""

from __future__ import annotations

import csv
import io

from reports.csv_report import BOM, chat_cell
from scanner.model import ScanResult
from scanner.permalinks import safe
from scanner.remediation import ROTATE, remedy

FILE_NAME = "deletion-list.csv"
COLUMNS = (
    "platform",
    "input",
    "conversation",
    "conversation_id",
    "message_id",
    "timestamp",
    "permalink",
    "action",
    "entity_type",
    "severity",
    "finding_id",
    "fingerprint",
)


def render(result: ScanResult) -> str:
    """The deletion list of ``result`` as CSV text (UTF-8 BOM, CRLF), header first."""
    platform_of = {i.path: i.format for i in result.inputs}
    rows: list[tuple[tuple[int, int, str, str], list[str]]] = []
    seen: set[tuple[str, ...]] = set()
    for f in result.findings:
        action = f.action or remedy(f.entity_type).action
        for o in f.occurrences:
            key = (f.id, o.input, o.conversation_id, o.message_id)
            if key in seen:
                continue
            seen.add(key)
            row = [
                chat_cell(platform_of.get(o.input, "")),
                chat_cell(o.input),
                chat_cell(o.conversation),
                chat_cell(o.conversation_id),
                chat_cell(o.message_id),
                chat_cell(o.timestamp or ""),
                chat_cell(safe(o.permalink)) if o.permalink else "",
                action,
                chat_cell(f.entity_type),
                f.severity.value,
                chat_cell(f.id),
                chat_cell(f.fingerprint),
            ]
            order = (0 if action == ROTATE else 1, f.severity.rank, o.input, o.timestamp or "")
            rows.append((order, row))
    rows.sort(key=lambda pair: pair[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row for _, row in rows)
    return BOM + buffer.getvalue()
