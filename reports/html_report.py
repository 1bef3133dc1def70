"""HTML report: one self-contained page a DPO opens on a laptop, reads, and prints.

The page answers in the order a DPO asks: the summary (how many findings, how many
people, how bad), the assessment of notification duties, charts, the people and the
conversations affected, then every finding, what was not inspected, and last the scan's
own details, folded away.

Findings are a compact table with search, filters, sorting and details on click, drawn
by one inline script from an inline JSON island (``<script type="application/json">``,
written so that nothing in the data can close it). With scripts off the page still reads:
every summary section is server-rendered, and so is a table of the most severe findings.

Everything is inline: CSS from ``templates/report.css``, the script from
``templates/report.js``, charts as server-rendered SVG. The Content-Security-Policy allows
no source at all but that one script and that one stylesheet, each by its SHA-256 hash,
so a value that slipped past escaping could neither fetch, run nor restyle anything. Every string from the
export goes through the ``chat`` filter (or the script's ``textContent``): HTML-escaped,
wrapped in ``<bdi>`` so a right-to-left override cannot reorder the text around it, each
control, bidi or zero-width character shown as a highlighted visible escape, and marked
``lang="zh"`` when it is Chinese (the page's own ``lang`` follows the report language).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from reports.i18n import LANGS, TEXTS, is_chinese_text, plural, text
from reports.json_report import iso_utc, languages, plain
from reports.textsafe import control_segments, json_escape_invisible, visible_controls
from scanner.model import (
    AttachmentRecord,
    Category,
    ConversationSummary,
    Duty,
    Finding,
    Likelihood,
    Occurrence,
    ScanResult,
    Severity,
    Subject,
)

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
SCRIPT = "report.js"

# In a finding's details, occurrences past the first few fold into a disclosure.
FOLD_AFTER = 5
# At most this many occurrences per finding go into the page (then "and N more"): one value
# pasted 40,000 times must not make a page no browser opens. JSON and CSV carry them all.
MAX_SHOWN_OCCURRENCES = 20
# Occurrences in the whole page: past it each finding keeps fewer (never under
# MIN_SHOWN_OCCURRENCES), so 10,000 findings of 20 occurrences each still make a page
# under 10 MB.
OCCURRENCE_BUDGET = 30_000
MIN_SHOWN_OCCURRENCES = 3
# Findings rendered server-side, most severe first, for a reader with scripts off.
STATIC_FINDINGS = 200
# Rows of the findings table on screen, and at most on paper (the filters choose which).
PAGE_SIZE = 100
PRINT_MAX = 2_000
# Rows of the people, conversations and not-inspected tables (the JSON report has them all).
MAX_TABLE_ROWS = 300
# Bars of the riskiest-conversations chart; months before the chart groups by year.
RISK_BARS = 10
MAX_MONTHS = 60

_SEVERITIES = tuple(Severity)
_CATEGORIES = tuple(Category)
_LIKELIHOODS = tuple(Likelihood)


# --- text helpers -----------------------------------------------------------------------


def _text_lang(value: str) -> str | None:
    """The language to mark a string from the export with: zh for Chinese, en for Latin text."""
    if is_chinese_text(value):
        return "zh"
    if any("a" <= ch.lower() <= "z" for ch in value):
        return "en"
    return None


_CONTROL_MARK = Markup('<span class="ctl" title="invisible control or direction character">{}</span>')


def chat_text(value: object, keep_newlines: bool = False, page_lang: str = "en") -> Markup:
    """A string from the export as safe HTML: escaped, isolated in ``<bdi>``, controls shown.

    ``<bdi>`` keeps any direction change inside the element; the visible escapes remove
    the change itself and mark where it was. Text in another language than the page gets
    its own ``lang`` (so a Chinese name is shaped and read as Chinese).
    """
    string = "" if value is None else str(value)
    parts = [
        _CONTROL_MARK.format(piece) if is_escape else escape(piece)
        for piece, is_escape in control_segments(string, keep_newlines)
    ]
    lang = _text_lang(string)
    opening = Markup('<bdi lang="{}">').format(lang) if lang and lang != page_lang else Markup("<bdi>")
    return opening + Markup("").join(parts) + Markup("</bdi>")


@pass_context
def _chat_filter(context: Context, value: object, keep_newlines: bool = False) -> Markup:
    return chat_text(value, keep_newlines, context.get("lang", "en"))


def display_time(value: str | None) -> str:
    """An ISO 8601 timestamp as ``2024-03-01 09:15:00 +08:00`` (``UTC`` for zero offset)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    shown = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.tzinfo is None:
        return shown
    offset = moment.utcoffset()
    if not offset:
        return shown + " UTC"
    zone = moment.strftime("%z")
    return f"{shown} {zone[:3]}:{zone[3:5]}"


def display_option(value: object, lang: str = "en") -> str:
    """A scan option's value for people: lists joined, booleans as yes/no, None as a dash."""
    value = plain(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return text(lang, "yes" if value else "no")
    if isinstance(value, list):
        return ", ".join(display_option(v, lang) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={display_option(v, lang)}" for k, v in value.items()) or "—"
    return str(value)


def display_duration(start: datetime, end: datetime, lang: str = "en") -> str:
    seconds = max(0, round((end - start).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if lang == "zh":
        if hours:
            return f"{hours} 小时 {minutes} 分"
        if minutes:
            return f"{minutes} 分 {secs} 秒"
        return f"{secs} 秒"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def _day(timestamp: str | None) -> str:
    """The calendar day of a timestamp as the export wrote it (its own zone): ``2024-03-01``."""
    return timestamp[:10] if timestamp and len(timestamp) >= 10 else ""


def script_for_json(data: object) -> str:
    """``data`` as JSON safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` … so no ``</script>`` or ``<!--`` in a
    message can end the element early; JSON.parse gives back the same strings. Line and
    paragraph separators and other invisible characters are escaped too.
    """
    dumped = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    dumped = dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return json_escape_invisible(dumped)


# --- resources --------------------------------------------------------------------------


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
    env.filters["chat"] = _chat_filter
    env.filters["day"] = _day
    return env


def _resource(name: str) -> str:
    return resources.files("reports").joinpath("templates", name).read_text(encoding="utf-8")


def csp_source(inline: str) -> Markup:
    """The Content-Security-Policy source that allows exactly this inline script or style."""
    digest = base64.b64encode(hashlib.sha256(inline.encode("utf-8")).digest()).decode("ascii")
    return Markup(f"'sha256-{digest}'")  # noqa: S704 - a base64 digest


@functools.cache
def _script() -> tuple[Markup, Markup]:
    """The inline script and its CSP source."""
    source = _resource(SCRIPT)
    return Markup(source), csp_source(source)  # noqa: S704 - our own file


@functools.cache
def _style(lang: str) -> tuple[Markup, Markup]:
    """The inline stylesheet, with the printed classification in ``lang``, and its CSP source."""
    label = text(lang, "confidential").replace("\\", "").replace('"', "")
    css = _resource(STYLESHEET) + f'\n@page {{ @top-center {{ content: "{label}"; }} }}\n'
    return Markup(css), csp_source(css)  # noqa: S704 - our own file and label


# --- views ------------------------------------------------------------------------------


def _distinct(occurrences: Iterable[Occurrence], key: str) -> int:
    """Distinct values among the stored occurrences (those past the pipeline's cap are unknown)."""
    return len({getattr(o, key) for o in occurrences})


def _first_seen(finding: Finding) -> str:
    days = [d for d in (_day(o.timestamp) for o in finding.occurrences) if d]
    return min(days) if days else ""


def _ordered_findings(result: ScanResult) -> list[Finding]:
    """Most severe first, then the most widespread; the order the static table uses."""
    return sorted(result.findings, key=lambda f: (f.severity.rank, -f.occurrence_count, f.id))


@dataclass(frozen=True, slots=True)
class StaticRow:
    finding: Finding
    shown: str
    value_shown: bool
    conversations: int
    first_seen: str
    occurrences: tuple[Occurrence, ...]  # the first few, in the row's details
    more: int  # occurrences not in the row's details


def _shown(result: ScanResult, finding: Finding) -> tuple[str, bool]:
    value_shown = result.show_values and finding.value is not None
    return (finding.value if value_shown and finding.value is not None else finding.preview), value_shown


def _static_rows(ordered: Sequence[Finding], result: ScanResult) -> list[StaticRow]:
    rows = []
    for f in ordered[:STATIC_FINDINGS]:
        shown, value_shown = _shown(result, f)
        rows.append(
            StaticRow(
                finding=f,
                shown=shown,
                value_shown=value_shown,
                conversations=_distinct(f.occurrences, "conversation_id"),
                first_seen=_first_seen(f),
                occurrences=f.occurrences[:FOLD_AFTER],
                more=f.occurrence_count - min(len(f.occurrences), FOLD_AFTER),
            )
        )
    return rows


class _Strings:
    """Interns repeated strings (types, names, explanations) for the JSON island: an index each."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        at = self._index.get(value)
        if at is None:
            at = self._index[value] = len(self.items)
            self.items.append(value)
        return at


def _island(result: ScanResult, ordered: Sequence[Finding], lang: str) -> dict[str, Any]:
    """The findings table's data: compact, every repeated string interned once."""
    s = _Strings()
    findings = []
    cap = max(MIN_SHOWN_OCCURRENCES, min(MAX_SHOWN_OCCURRENCES, OCCURRENCE_BUDGET // max(1, len(ordered))))
    for f in ordered:
        shown, value_shown = _shown(result, f)
        stored = f.occurrences[:cap]
        occurrences = [
            [
                s(o.conversation),
                s(o.author),
                o.timestamp or "",
                s(o.part),
                o.snippet or "",
                o.permalink or "",
                o.audience,
                _SEVERITIES.index(o.severity) if o.severity is not None else -1,
                s(o.location),
                o.message_id,
                s(o.conversation_kind),
            ]
            for o in stored
        ]
        entry: dict[str, Any] = {
            "i": f.id,
            "v": _SEVERITIES.index(f.severity),
            "t": s(f.entity_type),
            "c": _CATEGORIES.index(f.category),
            "k": _LIKELIHOODS.index(f.likelihood),
            "p": shown,
            "n": f.occurrence_count,
            "cv": _distinct(f.occurrences, "conversation_id"),
            "fs": _first_seen(f),
            "r": s(f.rule),
            "cf": round(f.confidence, 2),
            "fp": f.fingerprint,
            "x": s(f.explanation),
            "o": occurrences,
            "m": f.occurrence_count - len(stored),
        }
        if f.omitted_occurrences:
            entry["om"] = f.omitted_occurrences
        if value_shown:
            entry["vs"] = 1
        if f.detail:
            entry["d"] = s(f.detail)
        if f.remediation:
            entry["rm"] = s(f.remediation)
        if f.action:
            entry["a"] = s(f.action)
        if f.triage is not None:
            entry["tr"] = s(f.triage.status)
            if f.triage.owner or f.triage.note:
                entry["tn"] = " · ".join(x for x in (f.triage.owner, f.triage.note) if x)
        if f.baseline:
            entry["b"] = s(f.baseline)
        findings.append(entry)
    labels = {key: text(lang, key) for key in _SCRIPT_LABELS}
    labels.update({f"sev{i}": text(lang, f"sev_{sev.value}") for i, sev in enumerate(_SEVERITIES)})
    labels.update({f"cat{i}": text(lang, f"cat_{cat.value}") for i, cat in enumerate(_CATEGORIES)})
    labels.update({f"lik{i}": text(lang, f"lik_{lik.value}") for i, lik in enumerate(_LIKELIHOODS)})
    labels.update(
        {key: text(lang, key) for key in TEXTS if key.startswith(("tri_", "base_", "kind_", "part_"))}
    )
    return {
        "lang": lang,
        "sev": [s.value for s in _SEVERITIES],
        "cat": [c.value for c in _CATEGORIES],
        "lik": [k.value for k in _LIKELIHOODS],
        "labels": labels,
        "fold": FOLD_AFTER,
        "pageSize": PAGE_SIZE,
        "printMax": PRINT_MAX,
        "s": s.items,
        "f": findings,
    }


_SCRIPT_LABELS = (
    "all",
    "prev",
    "next",
    "page_of",
    "n_finding",
    "no_match",
    "explanation",
    "remediation",
    "rule",
    "confidence",
    "fingerprint",
    "triage_note",
    "col_detail",
    "col_conversation",
    "col_author",
    "col_time",
    "col_part",
    "col_snippet",
    "col_location",
    "col_link",
    "audience",
    "col_severity",
    "more_occurrences",
    "not_shown_occurrences",
    "omitted_occurrences",
)


# --- charts (inline SVG) ----------------------------------------------------------------


def _svg_text(value: str, page_lang: str, **attrs: object) -> Markup:
    shown = visible_controls(value)
    if len(shown) > 36:
        shown = shown[:35] + "…"
    lang = _text_lang(value)
    attributes = Markup("").join(Markup(' {}="{}"').format(k.replace("_", "-"), v) for k, v in attrs.items())
    if lang and lang != page_lang:
        attributes += Markup(' lang="{}"').format(lang)
    return Markup("<text{}>{}</text>").format(attributes, shown)


def _chart(title: str, desc: str, width: int, height: int, body: Markup, ident: str) -> Markup:
    return Markup(
        '<svg class="chart" id="{ident}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{title}</title>'
        '<desc id="{ident}-d">{desc}</desc>{body}</svg>'
    ).format(ident=ident, w=width, h=height, title=title, desc=desc, body=body)


def _hbars(
    rows: Sequence[tuple[str, float, str, str]], page_lang: str, ident: str, title: str, desc: str
) -> Markup:
    """Horizontal bars: (label, value, value as shown, css class) per row."""
    width, label_w, bar_h, gap = 560, 200, 20, 8
    top = max((v for _, v, _, _ in rows), default=0) or 1
    body = Markup("")
    for i, (label, value, shown, cls) in enumerate(rows):
        y = i * (bar_h + gap)
        length = max(2.0, (width - label_w - 60) * value / top) if value else 0.0
        body += _svg_text(label, page_lang, x=label_w - 8, y=y + 15, text_anchor="end")
        body += Markup('<rect class="{}" x="{}" y="{}" width="{:.1f}" height="{}"></rect>').format(
            cls, label_w, y, length, bar_h
        )
        body += Markup('<text x="{:.1f}" y="{}">{}</text>').format(label_w + length + 6, y + 15, shown)
    return _chart(title, desc, width, max(1, len(rows)) * (bar_h + gap), body, ident)


def _months_chart(ordered: Sequence[Finding], lang: str) -> Markup | None:
    firsts = Counter(day[:7] for day in (_first_seen(f) for f in ordered) if day)
    if not firsts:
        return None
    first, last = min(firsts), max(firsts)
    year0, month0 = int(first[:4]), int(first[5:7])
    year1, month1 = int(last[:4]), int(last[5:7])
    span = (year1 - year0) * 12 + month1 - month0 + 1
    if span > MAX_MONTHS:
        years = Counter[str]()
        for month, n in firsts.items():
            years[month[:4]] += n
        keys = [str(y) for y in range(year0, year1 + 1)]
        counts = [years[k] for k in keys]
    else:
        keys = []
        y, m = year0, month0
        for _ in range(span):
            keys.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        counts = [firsts[k] for k in keys]
    width, height, bottom, left = 560, 200, 36, 36
    top = max(counts) or 1
    slot = (width - left) / len(keys)
    bar = max(2.0, slot * 0.7)
    body = Markup('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>').format(
        left, height - bottom, width, height - bottom
    )
    body += Markup('<text class="tick" x="{}" y="12" text-anchor="end">{}</text>').format(left - 4, top)
    label_every = max(1, len(keys) // 8)
    for i, (key, n) in enumerate(zip(keys, counts, strict=True)):
        x = left + i * slot + (slot - bar) / 2
        h = (height - bottom - 16) * n / top
        body += Markup(
            '<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">'
            "<title>{}: {}</title></rect>"
        ).format(x, height - bottom - h, bar, h, key, n)
        if i % label_every == 0:
            body += Markup('<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">{}</text>').format(
                x + bar / 2, height - bottom + 16, key
            )
    return _chart(
        text(lang, "chart_months"), text(lang, "chart_months_desc"), width, height, body, "chart-months"
    )


def _charts(result: ScanResult, ordered: Sequence[Finding], lang: str) -> list[tuple[str, Markup | None]]:
    by_cat = result.summary.by_category
    categories = _hbars(
        [
            (
                text(lang, f"cat_{c.value}"),
                by_cat.get(c.value, 0),
                f"{by_cat.get(c.value, 0):,}",
                f"bar cat-{c.value}",
            )
            for c in _CATEGORIES
        ],
        lang,
        "chart-categories",
        text(lang, "chart_categories"),
        text(lang, "chart_categories_desc"),
    )
    risky = sorted(result.conversations, key=lambda c: -c.risk)[:RISK_BARS]
    risk = (
        _hbars(
            [(c.conversation, c.risk, f"{c.risk:.1f}", "bar risk") for c in risky],
            lang,
            "chart-risk",
            text(lang, "chart_risk"),
            text(lang, "chart_risk_desc"),
        )
        if risky
        else None
    )
    return [
        (text(lang, "chart_months"), _months_chart(ordered, lang) if ordered else None),
        (text(lang, "chart_categories"), categories if ordered else None),
        (text(lang, "chart_risk"), risk),
    ]


# --- tables -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConversationRow:
    conversation: ConversationSummary
    heat: int  # 0 (cool) … 4 (hottest), by risk against the riskiest conversation
    by_severity: tuple[tuple[str, int], ...]


def _conversation_rows(result: ScanResult) -> list[ConversationRow]:
    ordered = sorted(result.conversations, key=lambda c: (-c.risk, c.conversation))
    top = max((c.risk for c in ordered), default=0.0) or 1.0
    return [
        ConversationRow(
            conversation=c,
            heat=min(4, int(5 * c.risk / top)) if c.risk > 0 else 0,
            by_severity=tuple((s.value, int(c.findings_by_severity.get(s.value, 0))) for s in _SEVERITIES),
        )
        for c in ordered[:MAX_TABLE_ROWS]
    ]


def _people(result: ScanResult) -> list[Subject]:
    ordered = sorted(result.subjects, key=lambda s: (not s.special, -len(s.identifiers), s.id))
    return ordered[:MAX_TABLE_ROWS]


def _duty_text(duty: Duty, name: str, lang: str) -> str:
    """A duty's ``law``, ``why``, ``asks``, ``consequences`` or ``disclaimer`` in the report's
    language: the duty's own Chinese text on a Chinese report, where it has one."""
    if lang == "zh" and duty.zh.get(name):
        return duty.zh[name]
    return str(getattr(duty, name))


def _disclaimer(result: ScanResult, lang: str) -> str:
    for duty in result.duties:
        shown = _duty_text(duty, "disclaimer", lang)
        if shown:
            return shown
    return text(lang, "not_legal_advice")


def _uninspected(result: ScanResult) -> list[tuple[str, AttachmentRecord]]:
    rows = [(i.path, a) for i in result.inputs for a in i.attachments if not a.inspected]
    return rows


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


# --- page -------------------------------------------------------------------------------


def render_html(result: ScanResult) -> str:
    lang = result.report_lang if result.report_lang in LANGS else "en"
    template = _environment().get_template(TEMPLATE)
    summary = result.summary
    worst = result.worst_severity
    ordered = _ordered_findings(result)
    script, script_hash = _script()
    css, style_hash = _style(lang)
    uninspected = _uninspected(result)

    def t(key: str, **values: object) -> str:
        return text(lang, key, **values)

    def pl(key: str, n: int) -> str:
        return plural(lang, key, n)

    def part(name: str) -> str:
        return text(lang, f"part_{name}") if f"part_{name}" in TEXTS else name

    return template.render(
        lang=lang,
        t=t,
        pl=pl,
        part=part,
        duty_text=lambda duty, name: _duty_text(duty, name, lang),
        disclaimer=_disclaimer(result, lang),
        result=result,
        summary=summary,
        worst=worst.value if worst else None,
        severities=[s.value for s in _SEVERITIES],
        static_rows=_static_rows(ordered, result),
        island=Markup(script_for_json(_island(result, ordered, lang))),  # noqa: S704 - escaped above
        script=script,
        script_hash=script_hash,
        charts=_charts(result, ordered, lang),
        people=_people(result),
        conversation_rows=_conversation_rows(result),
        uninspected=uninspected[:MAX_TABLE_ROWS],
        uninspected_total=len(uninspected),
        max_rows=MAX_TABLE_ROWS,
        size=_size,
        languages=languages(result),
        models={str(k): display_option(v, lang) for k, v in sorted(result.models.items())},
        options={
            str(k): display_option(v, lang)
            for k, v in sorted(result.options.items(), key=lambda kv: str(kv[0]))
        },
        started=iso_utc(result.started_at),
        finished=iso_utc(result.finished_at),
        started_display=display_time(iso_utc(result.started_at)),
        duration=display_duration(result.started_at, result.finished_at, lang),
        skipped_total=result.unread,
        system_total=sum(i.system_messages for i in result.inputs),
        input_messages=sum(i.messages for i in result.inputs),
        css=css,
        style_hash=style_hash,
    )


class HtmlRenderer:
    """A single self-contained HTML5 page."""

    name = "html"
    extension = "html"

    def render(self, result: ScanResult) -> str:
        return render_html(result)


__all__ = [
    "FOLD_AFTER",
    "MAX_SHOWN_OCCURRENCES",
    "STATIC_FINDINGS",
    "HtmlRenderer",
    "chat_text",
    "display_time",
    "render_html",
    "script_for_json",
]
