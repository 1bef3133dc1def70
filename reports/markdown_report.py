"""Markdown summary: a compact report to paste into a ticket or a pull request.

GitHub-flavoured tables. Every cell that comes from a chat export is escaped: ``|``
would split the table, backticks open code spans, and ``[``, ``<``, ``*`` … let an author
name turn into a link, raw HTML or emphasis in the tracker that renders the ticket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reports.json_report import iso_utc, languages
from scanner.model import Finding, ScanResult, Severity

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
# change meaning inside a table cell (plus the backslash itself).
_SPECIAL = re.compile(r"([\\`|*_\[\]<>~!])")
_LINEBREAK = re.compile(r"\s*[\r\n]+\s*")

# Long tables stop being readable in a ticket; the full list is in the other reports.
MAX_OCCURRENCE_ROWS = 50


def md_escape(text: str) -> str:
    """``text`` made safe for one Markdown table cell."""
    return _SPECIAL.sub(r"\\\1", _LINEBREAK.sub(" ", text))


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _shown(f: Finding, show_values: bool) -> str:
    if show_values and f.value is not None:
        return md_escape(f.value)
    return md_escape(f.preview)


def render_markdown(result: ScanResult) -> str:
    summary = result.summary
    out: list[str] = [f"# {md_escape(result.tool_name)} leak report", ""]
    out.append(
        f"{md_escape(result.tool_name)} {md_escape(result.tool_version)} · "
        f"scan {iso_utc(result.started_at)} → {iso_utc(result.finished_at)} · "
        f"{result.messages_scanned} messages in {len(result.inputs)} input(s) · "
        + ("**values shown**" if result.show_values else "values masked")
    )
    out.append("")
    langs = ", ".join(f"{md_escape(k)} {v}" for k, v in languages(result).items())
    models = ", ".join(f"{md_escape(k)}: {md_escape(v)}" for k, v in sorted(result.models.items()))
    out.append(f"Languages: {langs}" + (f" · Models: {models}" if models else ""))
    out.append("")
    for notice in result.notices:
        out.append(f"> **Note:** {md_escape(notice)}")
        out.append("")

    out.append("## Summary")
    out.append("")
    out.append(f"**{summary.findings}** findings, **{summary.occurrences}** occurrences.")
    out.append("")
    out += _table(
        ["Severity", "Findings"], ([s.value, str(summary.by_severity.get(s.value, 0))] for s in Severity)
    )
    out.append("")
    out += _table(["Category", "Findings"], ([k, str(v)] for k, v in summary.by_category.items()))
    out.append("")
    if summary.by_entity:
        out += _table(["Entity", "Findings"], ([md_escape(k), str(v)] for k, v in summary.by_entity.items()))
        out.append("")

    if result.findings:
        out.append("## Findings")
        out.append("")
        rows = []
        for f in result.findings:
            first = f.occurrences[0] if f.occurrences else None
            rows.append(
                [
                    md_escape(f.id),
                    f.severity.value,
                    md_escape(f.entity_type),
                    md_escape(f.rule),
                    f"{f.likelihood.value} ({f.confidence:.2f})",
                    _shown(f, result.show_values),
                    str(len(f.occurrences)),
                    md_escape(f"{first.conversation} / {first.author}") if first else "",
                    md_escape(f.explanation),
                ]
            )
        out += _table(
            [
                "ID",
                "Severity",
                "Entity",
                "Rule",
                "Likelihood",
                "Value" if result.show_values else "Preview",
                "Occurrences",
                "First seen (conversation / author)",
                "Why",
            ],
            rows,
        )
        out.append("")

        occurrence_rows = [
            [
                md_escape(f.id),
                md_escape(o.conversation),
                md_escape(o.author),
                md_escape(o.timestamp or ""),
                md_escape(o.message_id),
                md_escape(o.location),
            ]
            for f in result.findings
            for o in f.occurrences
        ]
        out.append("### Occurrences")
        out.append("")
        out += _table(
            ["Finding", "Conversation", "Author", "Time", "Message", "Location"],
            occurrence_rows[:MAX_OCCURRENCE_ROWS],
        )
        if len(occurrence_rows) > MAX_OCCURRENCE_ROWS:
            out.append("")
            out.append(
                f"_{len(occurrence_rows) - MAX_OCCURRENCE_ROWS} more occurrences are in the HTML, "
                "JSON and CSV reports._"
            )
        out.append("")
    else:
        out.append("No findings.")
        out.append("")

    skipped = [(i.path, s.location, s.reason) for i in result.inputs for s in i.skipped]
    out.append("## Inputs")
    out.append("")
    out += _table(
        ["Input", "Format", "Messages", "Skipped"],
        (
            [md_escape(i.path), md_escape(i.format), str(i.messages), str(len(i.skipped))]
            for i in result.inputs
        ),
    )
    out.append("")
    if skipped:
        out.append("### Skipped records")
        out.append("")
        out += _table(
            ["Input", "Location", "Reason"],
            ([md_escape(p), md_escape(loc), md_escape(reason)] for p, loc, reason in skipped),
        )
        out.append("")
    return "\n".join(out)


class MarkdownRenderer:
    """GitHub-flavoured Markdown."""

    name = "md"
    extension = "md"

    def render(self, result: ScanResult) -> str:
        return render_markdown(result)
