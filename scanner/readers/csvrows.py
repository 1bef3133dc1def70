"""CSV exports: rows with the line they start on, long fields allowed."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from scanner.model import Skipped

if TYPE_CHECKING:
    from scanner.readers.base import Entry


# A CSV field may hold a long message (a pasted log), and a long message is text to scan,
# not hostile structure: the csv module's default limit (128 KiB) would refuse it as a
# malformed row. The largest value a C long holds on every platform: in effect no limit.
CSV_FIELD_LIMIT = 2**31 - 1


def allow_long_csv_fields() -> None:
    """Raise the csv module's field size limit to CSV_FIELD_LIMIT (it is process-wide)."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def csv_rows(
    entry: Entry, lines: Iterable[str], delimiter: str = ","
) -> Iterator[tuple[int, list[str]] | Skipped]:
    """``(start line, row)`` for each non-blank row of a CSV file (a row may span lines), or a
    Skipped for a malformed one. ``lines`` are decoded lines with their line ends."""
    allow_long_csv_fields()
    rows = csv.reader(lines, delimiter=delimiter)
    end = 0  # the physical line the previous row ended on
    while True:
        start = end + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error:
            end = rows.line_num
            yield Skipped(f"{entry.location}:{start}", "malformed CSV row")
            continue
        end = rows.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        yield start, row
