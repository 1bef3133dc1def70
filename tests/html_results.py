"""Synthetic scan results for the HTML report's tests: every schema-2 field filled.

``rich_result`` is the small hand-built result of ``tests.test_reports`` with people,
conversations, duties, snippets, permalinks, triage and baseline states added;
``big_result`` is a generated result of any number of findings (10,000 for the browser's
load-time test). All names and values are synthetic.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from scanner.model import (
    AttachmentRecord,
    Category,
    ConversationSummary,
    Duty,
    Finding,
    InputSummary,
    Likelihood,
    Occurrence,
    ScanResult,
    Severity,
    Subject,
    Triage,
)
from tests.test_reports import HOSTILE, make_result

DUTIES = (
    Duty(
        law="GDPR Art. 33/34",
        triggered=True,
        why="health data and national identifiers of 2 people",
        asks="Notify the supervisory authority within 72 hours; tell the people when the risk is high.",
        subjects=2,
        records=3,
        categories=("CN_RESIDENT_ID", "HEALTH_INFO"),
        consequences="identity theft, discrimination",
        key="gdpr_art33",
        disclaimer="An automated first assessment, not legal advice.",
        zh={
            "law": "GDPR 第 33/34 条",
            "why": "2 人的健康数据和身份证号",
            "asks": "72 小时内通知监管机构",
            "consequences": "身份盗用、歧视",
            "disclaimer": "自动生成的初步评估，不构成法律意见。",
        },
    ),
    Duty(
        law="HIPAA Breach Notification Rule",
        triggered=False,
        why="no protected health information of a covered entity",
        asks="Notify individuals within 60 days of discovery.",
        subjects=0,
        records=0,
        categories=(),
        consequences="",
    ),
)


def rich_result(*, hostile: bool = False, lang: str = "en") -> ScanResult:
    base = make_result(hostile=hostile)
    bad = HOSTILE if hostile else ""
    first, second, third, fourth = base.findings
    link = "https://example.slack.com/archives/C01/p1700000000000001"
    first = replace(
        first,
        occurrences=tuple(
            replace(
                o,
                snippet="key ***** for the deploy bot" + bad,
                permalink=link if i == 0 else ("javascript:alert(1)" if i == 1 else None),
                severity=Severity.CRITICAL,
                audience=40,
            )
            for i, o in enumerate(first.occurrences)
        ),
        remediation="Revoke the key in the AWS console, then delete the message." + bad,
        action="rotate",
        triage=Triage(status="confirmed", owner="dpo", note="rotated on Monday" + bad),
        baseline="new",
    )
    second = replace(
        second,
        occurrences=tuple(
            replace(o, snippet="身份证号 ****************** 请查收", part="text") for o in second.occurrences
        ),
        baseline="new_place",
    )
    third = replace(third, detail="contact" + bad, triage=Triage(status="false_positive"))
    fourth = replace(fourth, baseline="still_present")
    subjects = (
        Subject(
            id="S0001",
            label="李* (1101**********123X)",
            identifiers=("F0002",),
            categories=("CN_RESIDENT_ID", "HEALTH_INFO"),
            special=True,
            conversations=("G7",),
            first_seen="2024-03-01T09:40:00+08:00",
            last_seen="2024-03-01T09:40:00+08:00",
            audience=12,
        ),
        Subject(
            id="S0002",
            label="z********@e******.com" + bad,
            identifiers=("F0003",),
            categories=("EMAIL_ADDRESS",),
            special=False,
            conversations=("C01",),
            first_seen="2024-03-01T09:05:00+08:00",
            last_seen="2024-03-01T09:06:00+08:00",
        ),
    )
    conversations = (
        ConversationSummary(
            input="exports/slack.zip",
            conversation="#deploy" + bad,
            conversation_id="C01",
            kind="channel",
            members=40,
            external_members=3,
            findings_by_severity={"critical": 1, "medium": 1},
            subjects=1,
            oldest="2024-03-01T09:00:00+08:00",
            risk=87.5,
        ),
        ConversationSummary(
            input="exports/slack.zip",
            conversation="人事部 HR",
            conversation_id="G7",
            kind="group",
            members=12,
            external_members=0,
            findings_by_severity={"high": 1},
            subjects=1,
            oldest="2024-03-01T09:40:00+08:00",
            risk=21.0,
        ),
    )
    inputs = (
        replace(
            base.inputs[0],
            attachments=(
                AttachmentRecord(
                    name="体检报告 scan.pdf" + bad,
                    message_id="1700000000.000009",
                    location="exports/slack.zip!general/2024-03-01.json:9",
                    mime="application/pdf",
                    size=204_800,
                ),
                AttachmentRecord(name="notes.txt", message_id="x", location="y", inspected=True),
            ),
        ),
        *base.inputs[1:],
    )
    return replace(
        base,
        findings=(first, second, third, fourth),
        inputs=inputs,
        subjects=subjects,
        conversations=conversations,
        duties=DUTIES,
        report_lang=lang,
    )


_TYPES = (
    ("EMAIL_ADDRESS", Category.PERSONAL, Severity.MEDIUM),
    ("PHONE_NUMBER", Category.PERSONAL, Severity.MEDIUM),
    ("CN_RESIDENT_ID", Category.PERSONAL, Severity.HIGH),
    ("AWS_ACCESS_KEY", Category.SECRET, Severity.CRITICAL),
    ("HEALTH_INFO", Category.PERSONAL, Severity.HIGH),
    ("CONFIDENTIAL_MARKER", Category.BUSINESS, Severity.LOW),
    ("TASK_SCAM", Category.FRAUD, Severity.HIGH),
)
_CONVERSATIONS = ("#general", "#deploy", "项目群 Project", "人事部 HR", "Sales EMEA", "客服 Support")
_AUTHORS = ("Alice Example", "Bob Example", "张伟", "李娜", "Ops Bot", "王芳 Wang Fang")


def big_result(n: int, *, lang: str = "en", per_finding: int | None = None) -> ScanResult:
    """``n`` findings of seven types in six conversations over two years, 1–3 occurrences
    each (or ``per_finding`` each).

    Finding ``F00042`` is findable by the word "needle" in its snippet; everything else is
    regular so the filters' counts can be computed in the test.
    """
    findings = []
    for i in range(n):
        entity, category, severity = _TYPES[i % len(_TYPES)]
        occurrences = tuple(
            Occurrence(
                input="exports/big.zip",
                conversation=_CONVERSATIONS[(i + j) % len(_CONVERSATIONS)],
                conversation_id=f"C{(i + j) % len(_CONVERSATIONS)}",
                message_id=f"17000{i:06d}.{j:03d}",
                author=_AUTHORS[(i * 7 + j) % len(_AUTHORS)],
                author_id=f"U{(i * 7 + j) % len(_AUTHORS)}",
                timestamp=f"{2023 + (i // 12) % 2}-{i % 12 + 1:02d}-{i % 28 + 1:02d}T10:{j:02d}:00+08:00",
                start=10,
                end=30,
                location=f"exports/big.zip!c{i % 6}/2024-01-01.json:{i}",
                audience=10 + i % 50,
                snippet=("needle " if i == 42 else "") + f"please send it to ***** before noon, thanks ({i})",
                severity=severity,
            )
            for j in range(per_finding or 1 + i % 3)
        )
        findings.append(
            Finding(
                id=f"F{i + 1:05d}",
                rule="CS-P00" + str(i % 7),
                entity_type=entity,
                category=category,
                severity=severity,
                confidence=0.9,
                likelihood=Likelihood.LIKELY if i % 2 else Likelihood.POSSIBLE,
                preview=f"v{i:05d}****",
                fingerprint=f"hmac-sha256:{i:032x}",
                explanation=f"{entity} pattern with context",
                occurrences=occurrences,
                remediation="Delete the message.",
                triage=Triage(status="confirmed") if i % 10 == 0 else None,
                baseline="new" if i % 4 == 0 else None,
            )
        )
    return ScanResult(
        tool_name="chatsweep",
        tool_version="0.1.0",
        inputs=(InputSummary(path="exports/big.zip", format="slack", messages=50_000),),
        messages_scanned=50_000,
        started_at=datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC),
        finished_at=datetime(2024, 5, 1, 10, 30, 0, tzinfo=UTC),
        languages={"en": 30_000, "zh": 20_000},
        models={},
        options={},
        findings=tuple(findings),
        report_lang=lang,
    )
