"""Text parts and attachments: what each reader fills, and that a scan finds what only a part
holds, located at the part (its field's JSON pointer, or its line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_CONTACT,
    PART_EDIT,
    PART_EMBED,
    PART_FIELD,
    PART_FILE_METADATA,
    PART_LINK,
    Attachment,
    Author,
    Conversation,
    Message,
    ScanResult,
    Skipped,
    TextPart,
)
from scanner.pipeline import MAX_ATTACHMENTS, Scanner, message_parts, part_texts
from scanner.readers import detect
from scanner.settings import Settings
from tests.conftest import REAL
from tests.golden import assert_golden

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# (golden name, input, reader) of the synthetic exports whose messages carry text parts.
INPUTS = {
    "slack": FIXTURES / "slack" / "parts.json",
    "telegram": FIXTURES / "telegram" / "parts",
    "discord": FIXTURES / "discord" / "parts",
    "mattermost": FIXTURES / "mattermost" / "parts",
    "jsonl": FIXTURES / "generic" / "parts.jsonl",
    "teams": FIXTURES / "teams" / "graph" / "chat_page.json",
    "lanying": FIXTURES / "lanying" / "saved",
    "whatsapp": FIXTURES / "whatsapp" / "WhatsApp Chat - Book Club",
}


def read(path: Path) -> list[Message | Skipped]:
    detected, unreadable = detect(path, None, ())
    assert not unreadable
    return [item for source, reader in detected for item in reader.read(source)]


def parts_of(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Message id -> (part name, text, pointer or line) of each part."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for m in read(path):
        if isinstance(m, Message) and m.parts:
            out[m.message_id] = [(p.name, p.text, _where(p.location)) for p in m.parts]
    return out


def _where(location: str) -> str:
    return "#" + location.rpartition("#")[2] if "#" in location else location.rpartition(":")[2]


@pytest.mark.parametrize("name", ["slack", "telegram", "discord", "mattermost", "jsonl"])
def test_parts_golden(name: str, update_goldens: bool) -> None:
    assert_golden(f"parts_{name}", read(INPUTS[name]), update_goldens, root=str(FIXTURES))


def test_slack_parts() -> None:
    parts = parts_of(INPUTS["slack"])
    assert parts["1714550400.000100"][:2] == [
        (PART_ATTACHMENT_NAME, "passport_Dana_Example_SSN_536-90-4418.pdf", "#/0/files/0/name"),
        (PART_FILE_METADATA, "Dana's passport", "#/0/files/0/title"),
    ]
    assert parts["1714550400.000100"][2][2] == "#/0/files/0/url_private"
    assert (PART_FIELD, "dana.example@example.com", "#/1/attachments/0/fields/0/value") in parts[
        "1714550460.000200"
    ]
    assert (PART_EMBED, "Priority: high", "#/1/attachments/0/pretext") in parts["1714550460.000200"]
    assert parts["1714550520.000300"] == [
        (PART_EDIT, "the wifi password is Tr0ub4dor&3xample", "#/2/previous_message/text"),
        (PART_EDIT, "the password is in the vault", "#/2/message/text"),
    ]
    # Block text already in ``text`` is not repeated; a link hidden behind a label is a part.
    assert (
        PART_LINK,
        "https://wiki.example.invalid/onboarding?token=abc",
        "#/3/blocks/0/elements/0/elements/1/url",
    ) in parts["1714550580.000400"]
    assert not any(text == "see the notes" for _, text, _ in parts["1714550580.000400"])


def test_telegram_parts() -> None:
    parts = parts_of(INPUTS["telegram"])
    assert parts["1"] == [
        (PART_CONTACT, "Dana", "#/messages/0/contact_information/first_name"),
        (PART_CONTACT, "Example", "#/messages/0/contact_information/last_name"),
        (PART_CONTACT, "+44 7700 900123", "#/messages/0/contact_information/phone_number"),
    ]
    assert parts["2"] == [
        (PART_ATTACHMENT_NAME, "payslip_dana.example@example.com.pdf", "#/messages/1/file_name")
    ]
    assert parts["3"][0] == (PART_FIELD, "Who takes the 3pm call?", "#/messages/2/poll/question")
    assert parts["4"] == [
        (
            PART_LINK,
            "https://grafana.example.invalid/d/1?api_key=sk_live_51Hq8ZtKp3Lm9Vb2Xc7Nd4Rf6",
            "#/messages/3/text/1/href",
        )
    ]


def test_discord_parts() -> None:
    parts = parts_of(INPUTS["discord"])
    embed = parts["920000000000000501"]
    assert embed[0] == (PART_EMBED, "Login from a new device", "#/messages/0/embeds/0/title")
    assert (PART_EMBED, "reported to security@example.com", "#/messages/0/embeds/0/footer/text") in embed
    assert (PART_EMBED, "203.0.113.77", "#/messages/0/embeds/0/fields/1/value") in embed
    files = parts["920000000000000502"]
    assert files[0] == (PART_ATTACHMENT_NAME, "w9_SSN_536-90-4418.pdf", "#/messages/1/attachments/0/fileName")
    assert files[1][0] == PART_FILE_METADATA and files[1][2] == "#/messages/1/attachments/0/url"


def test_mattermost_parts() -> None:
    parts = parts_of(INPUTS["mattermost"])
    hook, upload = parts.values()
    assert (PART_FIELD, "call +1 202-555-0188", "#/post/props/attachments/0/fields/0/value") in hook
    assert upload == [
        (PART_ATTACHMENT_NAME, "id_card_dana.example@example.com.png", "#/post/attachments/0/path")
    ]


def test_generic_parts() -> None:
    parts = parts_of(INPUTS["jsonl"])
    assert parts["p1"] == [
        (PART_ATTACHMENT_NAME, "passport_Dana_Example_SSN_536-90-4418.pdf", "#/attachments/0/name"),
        (PART_ATTACHMENT_NAME, "holiday-rota.xlsx", "#/attachments/1"),
    ]
    assert parts["p2"] == [(PART_ATTACHMENT_NAME, "IMG_20240501_101500.jpg", "#/attachments/0/path")]


def test_teams_parts() -> None:
    parts = [p for ps in parts_of(INPUTS["teams"]).values() for p in ps]
    assert any(
        name == PART_FILE_METADATA and where.endswith("/attachments/0/contentUrl") for name, _, where in parts
    )
    assert all(where.startswith("#/value/") for _, _, where in parts)


def test_lanying_parts() -> None:
    parts = [p for ps in parts_of(INPUTS["lanying"]).values() for p in ps]
    assert (PART_ATTACHMENT_NAME, "passport_scan.jpg", "#/attachment") in parts
    assert any(name == PART_FIELD and where == "#/ext" for name, _, where in parts)


def test_whatsapp_parts_are_located_at_their_line() -> None:
    parts = [p for ps in parts_of(INPUTS["whatsapp"]).values() for p in ps]
    assert (PART_ATTACHMENT_NAME, "notes.pdf", "7") in parts


# --- the pipeline ---------------------------------------------------------------------


def test_file_names_are_also_analysed_with_their_words_apart() -> None:
    part = TextPart(PART_ATTACHMENT_NAME, "passport_John_Smith_SSN_536-90-4418.pdf", "f.json#/files/0/name")
    texts = part_texts(part)
    assert texts[0] == (part.text, 0)
    assert texts[1] == ("passport John Smith SSN 536-90-4418 pdf", 0)
    assert all(len(t) - shift == len(part.text) for t, shift in texts)
    # Digits glued by "_" stay glued (camera names are times, not phone numbers); e-mails keep dots.
    name = "IMG_20240101_123456.jpg"
    assert part_texts(TextPart(PART_ATTACHMENT_NAME, name, "x:1"))[1][0] == "IMG 20240101_123456 jpg"
    mail = "id_card_dana.example@example.com.png"
    assert (
        part_texts(TextPart(PART_ATTACHMENT_NAME, mail, "x:1"))[1][0]
        == "id card dana.example@example.com png"
    )


def test_short_parts_are_analysed_after_their_field_name() -> None:
    phone = TextPart(PART_CONTACT, "+44 7700 900123", "r.json#/messages/0/contact_information/phone_number")
    assert part_texts(phone) == (("phone number: +44 7700 900123", 14),)
    # A generic field name gives no context (a "name: Source IP" is no person).
    assert part_texts(TextPart(PART_EMBED, "Source IP", "r.json#/embeds/0/fields/1/name")) == (
        ("Source IP", 0),
    )


def test_message_parts_add_attachment_names_and_drop_repeats() -> None:
    m = Message(
        platform="jsonl",
        source="f",
        location="f:1",
        conversation=Conversation("c", "c"),
        message_id="1",
        author=Author("a", "a"),
        timestamp=None,
        text="hello",
        attachments=(Attachment("a.pdf"), Attachment("x")),
        parts=(TextPart(PART_EMBED, "hello", "f#/a"), TextPart(PART_EMBED, "x", "f#/b")),
    )
    assert [(p.name, p.text, p.location) for p in message_parts(m)] == [
        (PART_EMBED, "x", "f#/b"),
        (PART_ATTACHMENT_NAME, "a.pdf", m.location),
    ]


@pytest.fixture(scope="module")
def scans() -> dict[str, ScanResult]:
    scanner = Scanner(Settings(ner=False, workers=1))
    return {
        name: scanner.scan([path])
        for name, path in INPUTS.items()
        if name not in ("teams", "lanying", "whatsapp")
    }


def found(result: ScanResult) -> set[tuple[str, str, str]]:
    """(entity, part, pointer or line) of every occurrence."""
    return {(f.entity_type, o.part, _where(o.location)) for f in result.findings for o in f.occurrences}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("slack", ("US_SSN", PART_ATTACHMENT_NAME, "#/0/files/0/name")),
        ("slack", ("SLACK_TOKEN", PART_FILE_METADATA, "#/0/files/0/url_private")),
        ("slack", ("PASSWORD", PART_EDIT, "#/2/previous_message/text")),
        ("slack", ("EMAIL_ADDRESS", PART_FIELD, "#/1/attachments/0/fields/0/value")),
        ("telegram", ("PHONE_NUMBER", PART_CONTACT, "#/messages/0/contact_information/phone_number")),
        ("telegram", ("EMAIL_ADDRESS", PART_ATTACHMENT_NAME, "#/messages/1/file_name")),
        ("telegram", ("STRIPE_KEY", PART_LINK, "#/messages/3/text/1/href")),
        ("discord", ("IP_ADDRESS", PART_EMBED, "#/messages/0/embeds/0/fields/1/value")),
        ("discord", ("US_SSN", PART_ATTACHMENT_NAME, "#/messages/1/attachments/0/fileName")),
        ("mattermost", ("PHONE_NUMBER", PART_FIELD, "#/post/props/attachments/0/fields/0/value")),
        ("mattermost", ("EMAIL_ADDRESS", PART_ATTACHMENT_NAME, "#/post/attachments/0/path")),
        ("jsonl", ("US_SSN", PART_ATTACHMENT_NAME, "#/attachments/0/name")),
    ],
)
def test_a_value_only_in_a_part_is_found_there(
    scans: dict[str, ScanResult], name: str, expected: tuple[str, str, str]
) -> None:
    assert expected in found(scans[name])


def test_offsets_are_into_the_part(scans: dict[str, ScanResult]) -> None:
    ssn = next(f for f in scans["jsonl"].findings if f.entity_type == "US_SSN")
    (o,) = ssn.occurrences
    assert "passport_Dana_Example_SSN_536-90-4418.pdf"[o.start : o.end] == "536-90-4418"


def test_attachments_are_listed_with_names_masked(scans: dict[str, ScanResult]) -> None:
    (summary,) = scans["jsonl"].inputs
    listed = [
        (a.name, a.message_id, a.mime, a.size, a.inspected, _where(a.location)) for a in summary.attachments
    ]
    assert listed == [
        (
            "passport_Dana_Example_SSN_*******18.pdf",
            "p1",
            "application/pdf",
            91234,
            False,
            "#/attachments/0/name",
        ),
        ("holiday-rota.xlsx", "p1", None, None, False, "#/attachments/1"),
        ("IMG_20240501_101500.jpg", "p2", "image/jpeg", None, False, "#/attachments/0/path"),
    ]
    assert summary.attachments_omitted == 0
    # Nothing found in a camera file name.
    assert not [o for f in scans["jsonl"].findings for o in f.occurrences if o.message_id == "p2"]


def test_attachments_past_the_cap_are_counted(tmp_path: Path) -> None:
    rows = [
        {"id": str(i), "conversation": "c", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "text": "",
         "attachments": [f"file{i}.txt"]}
        for i in range(MAX_ATTACHMENTS + 5)
    ]  # fmt: skip
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    (summary,) = Scanner(Settings(ner=False, workers=1)).scan([path]).inputs
    assert (len(summary.attachments), summary.attachments_omitted) == (MAX_ATTACHMENTS, 5)


def test_parts_with_lone_surrogates_are_scrubbed(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    row = {"id": "1", "conversation": "c", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "text": "x"}
    path.write_text(json.dumps({**row, "attachments": ["bad\ud800_536-90-4418.pdf"]}), encoding="utf-8")
    result = Scanner(Settings(ner=False, workers=1)).scan([path])
    (summary,) = result.inputs
    assert not summary.skipped
    assert summary.attachments[0].name.startswith("bad\ufffd")


REAL_SLACK = REAL / "slack" / "zulip"


@pytest.mark.skipif(not REAL_SLACK.exists(), reason="the shared real-export samples are not here")
def test_real_slack_file_links_with_tokens_are_secret_findings() -> None:
    sample = REAL_SLACK / "exported_messages_fixtures" / "message_with_variety_files_and_rich_text.json"
    result = Scanner(Settings(ner=False, workers=1)).scan([sample])
    where = {
        (o.part, _where(o.location))
        for f in result.findings
        if f.category.value == "secret"
        for o in f.occurrences
    }
    assert (PART_FILE_METADATA, "#/files/0/url_private") in where
    (summary,) = result.inputs
    assert [a.name for a in summary.attachments] == ["Untitled", "channels.json"]
