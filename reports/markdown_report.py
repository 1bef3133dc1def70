"""Markdown summary: a compact report to paste into a ticket or a pull request.

GitHub-flavoured tables. Every cell that comes from a chat export is escaped: ``|``
would split the table, backticks open code spans, and ``[``, ``<``, ``*`` … let an author
name turn into a link, raw HTML or emphasis in the tracker that renders the ticket.
Control, bidi and zero-width characters are shown as code-span escapes (`` `\\u202e` ``),
so a right-to-left override cannot make a name read as another one.

At most ``MAX_SHOWN_OCCURRENCES`` occurrences of a finding are listed, then "and N more":
the other reports (JSON, CSV) carry every stored one. "People" lists the data subjects
(masked), "Conversations" the exposure of each conversation, riskiest first (at most
``MAX_ROWS`` rows each).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reports.json_report import iso_utc, languages
from reports.textsafe import control_segments
from scanner.model import Finding, ScanResult, Severity

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
# change meaning inside a table cell (plus the backslash itself).
_SPECIAL = re.compile(r"([\\`|*_\[\]<>~!])")
_LINEBREAK = re.compile(r"\s*[\r\n]+\s*")

# Long tables stop being readable in a ticket; the full list is in the other reports.
MAX_SHOWN_OCCURRENCES = 20
MAX_ROWS = 50
# Shown for the author of a system message (a member event, a notice): nobody posted it.
SYSTEM = "(system message)"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def md_escape(text: str) -> str:
    """``text`` made safe for one Markdown table cell; controls become `` `\\x1b` `` code spans."""
    return "".join(
        f"`{piece}`" if is_escape else _SPECIAL.sub(r"\\\1", piece)
        for piece, is_escape in control_segments(_LINEBREAK.sub(" ", text))
    )


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
        f"{_messages(result)} in {_plural(len(result.inputs), 'input')} · "
        + ("**values shown**" if result.show_values else "values masked")
        + (f" · fingerprint key id `{md_escape(result.key_id)}`" if result.key_id else "")
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
    out.append(
        f"**{summary.findings}** findings, **{summary.occurrences}** occurrences, "
        f"**{summary.subjects}** people affected ({summary.special_subjects} with special-category "
        "or sensitive data)."
    )
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
                    str(f.occurrence_count),
                    md_escape(f"{first.conversation} / {first.author or SYSTEM}") if first else "",
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
                md_escape(o.author or SYSTEM),
                md_escape(o.timestamp or ""),
                md_escape(o.message_id),
                md_escape(o.location),
                md_escape(o.snippet or ""),
            ]
            for f in result.findings
            for o in f.occurrences[:MAX_SHOWN_OCCURRENCES]
        ]
        more = [
            (f, f.occurrence_count - min(len(f.occurrences), MAX_SHOWN_OCCURRENCES))
            for f in result.findings
            if f.occurrence_count > MAX_SHOWN_OCCURRENCES or f.omitted_occurrences
        ]
        out.append("### Occurrences")
        out.append("")
        out += _table(
            ["Finding", "Conversation", "Author", "Time", "Message", "Location", "Context"], occurrence_rows
        )
        if more:
            out.append("")
            for f, n in more:
                out.append(
                    f"- {md_escape(f.id)}: and {n} more occurrence{'' if n == 1 else 's'} "
                    "(every stored one is in the JSON and CSV reports)"
                )
        out.append("")
    else:
        out.append("No findings.")
        out.append("")

    out += _people(result)
    out += _conversations(result)

    skipped = [(i.path, s.location, s.reason) for i in result.inputs for s in i.skipped]
    out.append("## Inputs")
    out.append("")
    out += _table(
        ["Input", "Format", "Messages", "System messages", "Skipped"],
        (
            [
                md_escape(i.path),
                md_escape(i.format),
                str(i.messages),
                str(i.system_messages),
                str(len(i.skipped)),
            ]
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


def _messages(result: ScanResult) -> str:
    """The message count as "215 messages (51 system)": the inputs table's messages plus system ones."""
    system = sum(i.system_messages for i in result.inputs)
    text = _plural(result.messages_scanned, "message")
    return f"{text} ({system} system)" if system else text


def _people(result: ScanResult) -> list[str]:
    if not result.subjects:
        return []
    out = ["## People", ""]
    rows = [
        [
            md_escape(s.id),
            md_escape(s.label),
            "yes" if s.special else "",
            md_escape(", ".join(s.categories)),
            str(len(s.identifiers)),
            md_escape(", ".join(s.conversations[:5]) + (" …" if len(s.conversations) > 5 else "")),
            str(s.audience) if s.audience is not None else "",
            md_escape(s.first_seen or ""),
            md_escape(s.last_seen or ""),
        ]
        for s in result.subjects[:MAX_ROWS]
    ]
    out += _table(
        [
            "Subject",
            "Label",
            "Special",
            "Data exposed",
            "Findings",
            "Conversations",
            "Largest audience",
            "First seen",
            "Last seen",
        ],
        rows,
    )
    if len(result.subjects) > MAX_ROWS:
        out += ["", f"- and {len(result.subjects) - MAX_ROWS} more (every one is in the JSON report)"]
    out.append("")
    return out


def _conversations(result: ScanResult) -> list[str]:
    if not result.conversations:
        return []
    out = [
        "## Conversations",
        "",
        "Riskiest first (risk weighs severity by audience, externals and age).",
        "",
    ]
    rows = [
        [
            md_escape(c.conversation),
            md_escape(c.kind),
            str(c.members) if c.members is not None else "?",
            str(c.external_members) if c.external_members is not None else "?",
            " / ".join(str(c.findings_by_severity.get(s.value, 0)) for s in Severity),
            str(c.subjects),
            md_escape(c.oldest or ""),
            f"{c.risk:.1f}",
        ]
        for c in result.conversations[:MAX_ROWS]
    ]
    out += _table(
        [
            "Conversation",
            "Kind",
            "Members",
            "External",
            "Critical / high / medium / low",
            "People",
            "Oldest leak",
            "Risk",
        ],
        rows,
    )
    if len(result.conversations) > MAX_ROWS:
        out += ["", f"- and {len(result.conversations) - MAX_ROWS} more (every one is in the JSON report)"]
    out.append("")
    return out


class MarkdownRenderer:
    """GitHub-flavoured Markdown."""

    name = "md"
    extension = "md"

    def render(self, result: ScanResult) -> str:
        return render_markdown(result)
