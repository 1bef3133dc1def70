"""HTML report: one self-contained page a DPO opens on a laptop, reads, and prints.

Everything is inline (CSS from ``templates/report.css``); the page loads nothing, runs
no script and links nowhere outside itself, and its Content-Security-Policy forbids all
of that, so a value that slipped past escaping still could not fetch or run anything.
Every string from the export goes through the ``chat`` filter: HTML-escaped, wrapped in
``<bdi>`` so a right-to-left override in an author name cannot reorder the text around it,
and with each control, bidi or zero-width character replaced by a highlighted visible
escape (``\\u202e``), so no name reads as something it is not.

Severity filtering is CSS only (checkboxes and ``:has()``); a browser without ``:has()``
simply shows everything. Long occurrence lists fold into ``<details>``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from reports.json_report import iso_utc, languages, plain
from reports.textsafe import control_segments
from scanner.model import Finding, Occurrence, ScanResult, Severity

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"

# Occurrence lists longer than this fold into a <details> element.
FOLD_AFTER = 5
# At most this many occurrences per finding are rendered (then "and N more"): one value
# pasted 40,000 times must not make a page no browser opens. JSON and CSV carry them all.
MAX_SHOWN_OCCURRENCES = 20

_SEVERITY_LABELS = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
}

_SEVERITY_ADVICE = {
    Severity.CRITICAL: "Act now: revoke or rotate, remove from the export, assess notification duties.",
    Severity.HIGH: "Remove or redact before the data is shared, migrated or archived.",
    Severity.MEDIUM: "Review: redact where the data is not needed for the purpose.",
    Severity.LOW: "For information; review when convenient.",
}


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["when"] = display_time
    env.filters["chat"] = chat_text
    return env


_CONTROL_MARK = Markup('<span class="ctl" title="invisible control or direction character">{}</span>')


def chat_text(value: object, keep_newlines: bool = False) -> Markup:
    """A string from the export as safe HTML: escaped, isolated in ``<bdi>``, controls shown.

    ``<bdi>`` keeps any direction change inside the element; the visible escapes remove
    the change itself and mark where it was.
    """
    text = "" if value is None else str(value)
    parts = [
        _CONTROL_MARK.format(piece) if is_escape else escape(piece)
        for piece, is_escape in control_segments(text, keep_newlines)
    ]
    return Markup("<bdi>") + Markup("").join(parts) + Markup("</bdi>")


@functools.cache
def _stylesheet() -> Markup:
    # Our own file, not data from an export: safe to inline verbatim.
    css = resources.files("reports").joinpath("templates", STYLESHEET).read_text(encoding="utf-8")
    return Markup(css)  # noqa: S704


def display_time(value: str | None) -> str:
    """An ISO 8601 timestamp as ``2024-03-01 09:15:00 +08:00`` (``UTC`` for zero offset)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.tzinfo is None:
        return text
    offset = moment.utcoffset()
    if not offset:
        return text + " UTC"
    zone = moment.strftime("%z")
    return f"{text} {zone[:3]}:{zone[3:5]}"


def display_option(value: object) -> str:
    """A scan option's value for people: lists joined, booleans as yes/no, None as a dash."""
    value = plain(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(display_option(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={display_option(v)}" for k, v in value.items()) or "—"
    return str(value)


def display_duration(start: datetime, end: datetime) -> str:
    seconds = max(0, round((end - start).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


@dataclass(frozen=True, slots=True)
class FindingView:
    finding: Finding
    shown: str
    value_shown: bool
    conversations: int
    authors: int
    fold: bool
    shown_occurrences: tuple[Occurrence, ...]
    more: int  # occurrences not rendered: past MAX_SHOWN_OCCURRENCES, plus those never stored


@dataclass(frozen=True, slots=True)
class SeveritySection:
    severity: str
    label: str
    advice: str
    findings: tuple[FindingView, ...]


def _distinct(occurrences: tuple[Occurrence, ...], key: str) -> int:
    """Distinct values among the stored occurrences (those past the pipeline's cap are unknown)."""
    return len({getattr(o, key) for o in occurrences})


def _sections(result: ScanResult) -> tuple[SeveritySection, ...]:
    sections = []
    for severity in Severity:
        views = []
        for f in result.findings:
            if f.severity is not severity:
                continue
            value_shown = result.show_values and f.value is not None
            views.append(
                FindingView(
                    finding=f,
                    shown=f.value if value_shown and f.value is not None else f.preview,
                    value_shown=value_shown,
                    conversations=_distinct(f.occurrences, "conversation_id"),
                    authors=_distinct(f.occurrences, "author_id"),
                    fold=min(len(f.occurrences), MAX_SHOWN_OCCURRENCES) > FOLD_AFTER,
                    shown_occurrences=f.occurrences[:MAX_SHOWN_OCCURRENCES],
                    more=f.occurrence_count - min(len(f.occurrences), MAX_SHOWN_OCCURRENCES),
                )
            )
        if views:
            sections.append(
                SeveritySection(
                    severity=severity.value,
                    label=_SEVERITY_LABELS[severity],
                    advice=_SEVERITY_ADVICE[severity],
                    findings=tuple(views),
                )
            )
    return tuple(sections)


def render_html(result: ScanResult) -> str:
    template = _environment().get_template(TEMPLATE)
    summary = result.summary
    worst = result.worst_severity
    return template.render(
        result=result,
        summary=summary,
        sections=_sections(result),
        severities=[(s.value, _SEVERITY_LABELS[s]) for s in Severity],
        worst=(worst.value, _SEVERITY_LABELS[worst]) if worst else None,
        languages=languages(result),
        models={str(k): display_option(v) for k, v in sorted(result.models.items())},
        options={
            str(k): display_option(v) for k, v in sorted(result.options.items(), key=lambda kv: str(kv[0]))
        },
        started=iso_utc(result.started_at),
        finished=iso_utc(result.finished_at),
        started_display=display_time(iso_utc(result.started_at)),
        duration=display_duration(result.started_at, result.finished_at),
        skipped_total=sum(len(i.skipped) for i in result.inputs),
        css=_stylesheet(),
    )


class HtmlRenderer:
    """A single self-contained HTML5 page."""

    name = "html"
    extension = "html"

    def render(self, result: ScanResult) -> str:
        return render_html(result)
