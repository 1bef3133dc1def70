"""The result model: what readers yield, what the pipeline produces, what reports read.

Plain frozen dataclasses, stdlib only. This is the contract between readers, the
pipeline and the renderers (see DESIGN.md, "Contracts"); change it only with a schema
bump of the JSON report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ConversationKind(StrEnum):
    DM = "dm"
    GROUP = "group"
    CHANNEL = "channel"


class MessageKind(StrEnum):
    USER = "user"
    SYSTEM = "system"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for critical … 3 for low: sort key, most severe first."""
        return _SEVERITY_ORDER.index(self)

    def at_least(self, threshold: Severity) -> bool:
        return self.rank <= threshold.rank


_SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


class Category(StrEnum):
    PERSONAL = "personal"
    SECRET = "secret"  # noqa: S105 - a category name, not a password
    BUSINESS = "business"
    FRAUD = "fraud"


class Likelihood(StrEnum):
    """Three levels a DPO reads; the numeric score stays beside them."""

    LIKELY = "likely"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"

    @classmethod
    def from_score(cls, score: float) -> Likelihood:
        if score >= 0.75:
            return cls.LIKELY
        if score >= 0.4:
            return cls.POSSIBLE
        return cls.UNLIKELY


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where a message was posted. ``member_count`` is None when the export does not say."""

    id: str
    name: str
    kind: ConversationKind = ConversationKind.GROUP
    member_count: int | None = None
    members: tuple[str, ...] = ()
    external_members: int | None = None
    # (handle or platform user id, real name) pairs the export's member directory gives
    # (Slack users.json, Mattermost users …), so a mention can be resolved to a name.
    # Readers that build many conversations share one tuple between them.
    handles: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file posted with a message. Its bytes are not inspected (binary, media, or absent
    from the export); its name is scanned as a text part of the message."""

    name: str
    size: int | None = None
    mime: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class TextPart:
    """Further text a person or bot wrote with a message, besides its main ``text``.

    ``name`` says what it is (one of the ``PART_*`` names below, or a platform's own field
    name); ``text`` is exactly as the export holds it after decoding (offsets refer to it);
    ``location`` is where it lies in the export (JSON pointer or line range, in the same
    form as ``Message.location``), so a redacted copy can patch it.
    """

    name: str
    text: str
    location: str


# Names of text parts, as occurrences and reports show them.
PART_TEXT = "text"  # the message itself
PART_EDIT = "edit"  # an earlier version of the text
PART_ATTACHMENT_NAME = "attachment name"
PART_CAPTION = "caption"
PART_FILE_METADATA = "file metadata"  # titles, previews, links to the file
PART_LINK = "link"
PART_EMBED = "embed"
PART_CONTACT = "contact card"
PART_FIELD = "structured field"  # bot attachment fields, ext/config payloads, locations


@dataclass(frozen=True, slots=True)
class Message:
    """One message as the export holds it.

    ``text`` is exactly the decoded text of the export (offsets refer to it).
    ``message_id`` is the platform's own id as a string (Slack ``ts``, Telegram ``id`` …),
    ``L<n>`` for line-based text exports (n = 1-based first line), else
    ``<member or file>#<index>``. ``timestamp`` is aware unless the export has no zone;
    then ``timestamp_naive`` is true.
    """

    platform: str
    source: str
    location: str
    conversation: Conversation
    message_id: str
    author: Author
    timestamp: datetime | None
    text: str
    thread_id: str | None = None
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = ()
    edited: bool = False
    deleted: bool = False
    kind: MessageKind = MessageKind.USER
    parts: tuple[TextPart, ...] = ()
    # A link to the message the export itself gives (Teams ``webUrl``), or one the reader
    # built from what the export says (a Discord server's id, a public Telegram username).
    permalink: str | None = None

    @property
    def timestamp_naive(self) -> bool:
        return self.timestamp is not None and self.timestamp.tzinfo is None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or record that could not be read: where, and why (never its content)."""

    location: str
    reason: str


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    """An attachment as the report lists it: ``name`` is masked when it holds a finding."""

    name: str
    message_id: str
    location: str
    mime: str | None = None
    size: int | None = None
    inspected: bool = False


@dataclass(frozen=True, slots=True)
class Triage:
    """A reviewer's decision on a finding, kept in the triage file by fingerprint."""

    status: str  # confirmed | false_positive | accepted | remediated
    owner: str = ""
    note: str = ""
    # A finding triaged as remediated that this scan found again.
    reappeared: bool = False


@dataclass(frozen=True, slots=True)
class Occurrence:
    input: str
    conversation: str
    conversation_id: str
    message_id: str
    author: str
    author_id: str
    timestamp: str | None
    start: int
    end: int
    location: str
    conversation_kind: str = "group"
    audience: int | None = None  # members who could read it, when the export says
    # Where the value was: "text" (the message), a text part of it (``TextPart.name``), or
    # the "author", "conversation" or "file name" it was posted under; ``start``/``end`` are
    # offsets into that part.
    part: str = "text"
    # About 40 characters either side of the value, every detected value in it masked.
    snippet: str | None = None
    # A link that opens the message on its platform, where the platform has one.
    permalink: str | None = None
    # The finding's severity raised by where this occurrence was seen (audience, externals).
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One distinct value (by keyed fingerprint) and every place it appears."""

    id: str
    rule: str
    entity_type: str
    category: Category
    severity: Severity
    confidence: float
    likelihood: Likelihood
    preview: str
    fingerprint: str
    explanation: str
    occurrences: tuple[Occurrence, ...]
    value: str | None = None  # only with --show-values
    # Occurrences past the per-finding cap: counted, not stored (memory stays bounded).
    omitted_occurrences: int = 0
    triage: Triage | None = None
    # For special categories and fraud: what the statement is about ("health: chronic
    # condition", "task scam").
    detail: str | None = None
    # What to do about it: ``action`` is delete | redact | rotate; ``remediation`` one step
    # a person can take ("Revoke the key in the AWS console, then …").
    action: str | None = None
    remediation: str | None = None
    # Against a baseline: new | still_present | new_place (a known value in a new place).
    baseline: str | None = None

    @property
    def occurrence_count(self) -> int:
        return len(self.occurrences) + self.omitted_occurrences


@dataclass(frozen=True, slots=True)
class InputSummary:
    path: str
    format: str
    messages: int
    skipped: tuple[Skipped, ...] = ()
    system_messages: int = 0
    encoding: str | None = None
    attachments: tuple[AttachmentRecord, ...] = ()
    # Attachments past the per-input cap of the list: counted, not listed.
    attachments_omitted: int = 0


@dataclass(frozen=True, slots=True)
class Subject:
    """A person whose data leaked: identifiers tied together by the messages that hold them."""

    id: str
    label: str  # masked
    identifiers: tuple[str, ...]  # finding ids
    categories: tuple[str, ...]  # entity types exposed
    special: bool  # GDPR Art. 9 / PIPL sensitive / HIPAA PHI data among them
    conversations: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    audience: int | None = None  # the largest audience any of it reached
    # Keyed fingerprints (as a PERSON's) of the participant names this person posted under,
    # so a subject can be found by the name of someone who is no finding themselves.
    fingerprints: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """Exposure of one conversation: who could read it, what leaked there, how risky."""

    input: str
    conversation: str
    conversation_id: str
    kind: str
    members: int | None
    external_members: int | None
    findings_by_severity: Mapping[str, int]
    subjects: int
    oldest: str | None
    risk: float


@dataclass(frozen=True, slots=True)
class Duty:
    """What one law asks after a leak like this one, and whether the findings trigger it."""

    law: str  # "GDPR Art. 33/34", "PIPL Art. 57", "HIPAA Breach Notification Rule"
    triggered: bool
    why: str
    asks: str
    subjects: int
    records: int
    categories: tuple[str, ...]
    consequences: str
    # A stable name for the duty ("gdpr_art33", "gdpr_art34", "pipl_art57", "hipaa_breach").
    key: str = ""
    # "This is not legal advice …" in English; ``zh`` holds the Chinese text of ``law``,
    # ``why``, ``asks``, ``consequences`` and ``disclaimer`` under those names.
    disclaimer: str = ""
    zh: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Summary:
    findings: int
    occurrences: int
    by_severity: Mapping[str, int]
    by_category: Mapping[str, int]
    by_entity: Mapping[str, int]
    subjects: int = 0
    special_subjects: int = 0


@dataclass(frozen=True, slots=True)
class ScanResult:
    tool_name: str
    tool_version: str
    inputs: tuple[InputSummary, ...]
    messages_scanned: int
    started_at: datetime
    finished_at: datetime
    languages: Mapping[str, int]
    models: Mapping[str, str]
    options: Mapping[str, Any]
    findings: tuple[Finding, ...]
    show_values: bool = False
    notices: tuple[str, ...] = field(default=())
    # Names the fingerprint key (a hash of it), never the key: reports are comparable
    # (baselines, triage) only under the same key.
    key_id: str = ""
    subjects: tuple[Subject, ...] = ()
    conversations: tuple[ConversationSummary, ...] = ()
    duties: tuple[Duty, ...] = ()
    # Findings of the baseline no longer seen (fingerprints and previews), when one was given.
    resolved: tuple[Finding, ...] = ()
    # Language the report's labels are written in: "en" or "zh".
    report_lang: str = "en"

    @property
    def unread(self) -> int:
        """Files, folders, archive members and records that could not be read."""
        return sum(len(i.skipped) for i in self.inputs)

    @property
    def summary(self) -> Summary:
        by_sev = {s.value: 0 for s in Severity}
        by_cat = {c.value: 0 for c in Category}
        by_ent: dict[str, int] = {}
        for f in self.findings:
            by_sev[f.severity.value] += 1
            by_cat[f.category.value] += 1
            by_ent[f.entity_type] = by_ent.get(f.entity_type, 0) + 1
        return Summary(
            findings=len(self.findings),
            occurrences=sum(f.occurrence_count for f in self.findings),
            by_severity=by_sev,
            by_category=by_cat,
            by_entity=dict(sorted(by_ent.items())),
            subjects=len(self.subjects),
            special_subjects=sum(1 for s in self.subjects if s.special),
        )

    @property
    def worst_severity(self) -> Severity | None:
        if not self.findings:
            return None
        return min((f.severity for f in self.findings), key=lambda s: s.rank)
