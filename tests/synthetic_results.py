"""Small synthetic scan results for tests of what is computed from a result (no scan run)."""

from __future__ import annotations

from datetime import UTC, datetime

from recognizers.catalogue import info
from scanner.model import (
    Category,
    ConversationSummary,
    Finding,
    Likelihood,
    Occurrence,
    ScanResult,
    Severity,
    Subject,
)

KEY_ID = "0123456789abcdef"


def occurrence(
    conversation: str = "ops",
    audience: int | None = 5,
    kind: str = "group",
    message_id: str = "m1",
    input: str = "chat.jsonl",
) -> Occurrence:
    return Occurrence(
        input=input,
        conversation=conversation,
        conversation_id=conversation,
        message_id=message_id,
        author="ana",
        author_id="ana",
        timestamp="2024-05-01T09:00:00+00:00",
        start=0,
        end=4,
        location=f"{input}:1",
        conversation_kind=kind,
        audience=audience,
    )


def finding(
    entity: str, n: int = 0, occurrences: tuple[Occurrence, ...] | None = None, detail: str | None = None
) -> Finding:
    entry = info(entity)
    fp = f"{n:02d}{entity.lower().encode().hex()}"[:32].ljust(32, "0")
    return Finding(
        id=f"{entry.rule}-{fp[:12]}",
        rule=entry.rule,
        entity_type=entity,
        category=Category(entry.category),
        severity=Severity(entry.severity),
        confidence=0.9,
        likelihood=Likelihood.LIKELY,
        preview="****",
        fingerprint=fp,
        explanation="test",
        occurrences=occurrences if occurrences is not None else (occurrence(),),
        detail=detail,
    )


def result(
    *findings: Finding,
    languages: dict[str, int] | None = None,
    subjects: tuple[Subject, ...] = (),
    conversations: tuple[ConversationSummary, ...] = (),
) -> ScanResult:
    now = datetime(2024, 6, 1, tzinfo=UTC)
    return ScanResult(
        tool_name="chatsweep",
        tool_version="0",
        inputs=(),
        messages_scanned=10,
        started_at=now,
        finished_at=now,
        languages=languages or {"en": 10, "zh": 0},
        models={},
        options={},
        findings=findings,
        key_id=KEY_ID,
        subjects=subjects,
        conversations=conversations,
    )
