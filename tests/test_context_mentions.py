"""Mentions the export's member list resolves to a real name (scanner.context.participants)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner.context import ChatContext, default_rules
from scanner.context.participants import EXPLANATION_MENTION, MemberMentions, directory, person_like
from scanner.model import Author, Conversation, Finding, Message
from scanner.pipeline import Scanner
from scanner.settings import Settings
from tests.helpers import write_jsonl

HANDLES = (
    ("U01JANE0P", "Jane Placeholder"),
    ("jdoe", "Jane Placeholder"),
    ("xiaoxian", "张小娴"),
    ("rob.example", "Rob Example"),  # the name itself, spelled as a handle
    ("mei", "Mei"),  # one word: not enough to say who
    ("deploybot", "Deploy Bot"),
    ("itsupport", "IT Support"),
    ("all", "Alice Long"),  # a group mention, whatever the list says
)
CONV = Conversation(id="C1", name="ops", members=("Jane Placeholder", "Rob Example"), handles=HANDLES)


def msg(text: str, author: Author | None = None, conv: Conversation = CONV) -> Message:
    return Message(
        platform="test",
        source="mem",
        location="mem#1",
        conversation=conv,
        message_id="1",
        author=author or Author("rob.example", "Rob Example"),
        timestamp=datetime(2024, 3, 5, tzinfo=UTC),
        text=text,
    )


def found(text: str, author: Author | None = None, conv: Conversation = CONV) -> list[str]:
    message = msg(text, author, conv)
    dets = ChatContext((MemberMentions(),)).process(message, [])
    assert all(d.entity == "PERSON" and d.explanation == EXPLANATION_MENTION for d in dets)
    return [message.text[d.start : d.end] for d in dets]


def test_registered_in_default_rules() -> None:
    assert any(isinstance(rule, MemberMentions) for rule in default_rules())


def test_resolved_handles_are_people() -> None:
    assert found("@jdoe please review, cc @xiaoxian") == ["@jdoe", "@xiaoxian"]
    assert found("＠jdoe 看一下，@xiaoxian帮忙") == ["＠jdoe", "@xiaoxian"]
    assert found("ask @JDoe.") == ["@JDoe"]
    assert found("请@jdoe确认, @jdoe's call") == ["@jdoe", "@jdoe"]


def test_platform_id_mentions_resolve() -> None:
    message = msg("<@U01JANE0P> and <@U01JANE0P|jane> ping")
    dets = ChatContext((MemberMentions(),)).process(message, [])
    assert [(d.start, d.end) for d in dets] == [(0, 12), (17, 34)]
    assert all("Jane" not in d.explanation and "Placeholder" not in d.explanation for d in dets)


@pytest.mark.parametrize(
    "text",
    [
        "@channel @here @everyone @all @所有人 <!channel> please read",
        "@nobody and <@U09UNKNOWN> and @jdoe2 and @jdoe.smith",  # unknown handles
        "@deploybot redeploy, @itsupport help",  # bots, service accounts
        "@mei lunch?",  # a one-word name says no more than the handle
        "@rob.example and <@U01JANE0P|Jane Placeholder>",  # the mention is the name itself
        "mail jdoe@jdoe.example or x@xiaoxian",  # email addresses, not mentions
    ],
)
def test_not_reported(text: str) -> None:
    assert found(text) == [], text


def test_own_mention_is_not_reported() -> None:
    jane = Author("U01JANE0P", "Jane")
    assert found("<@U01JANE0P> has joined the channel", jane) == []
    assert found("assigned to @jdoe", Author("jdoe", "jdoe")) == []
    assert found("assigned to @jdoe", Author("x", "Jane Placeholder")) == []


def test_no_handles_no_findings() -> None:
    plain = Conversation(id="C2", name="x", members=("Jane Placeholder",))
    assert found("@Jane Placeholder and @jdoe", conv=plain) == []


def test_handle_given_for_two_names_is_dropped() -> None:
    book = directory((("sam", "Sam Placeholder"), ("sam", "Sam Example"), ("kim", "Kim Doe")))
    assert book.names == {"kim": "Kim Doe"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Placeholder", True),
        ("张小娴", True),
        ("欧阳·娜娜", True),
        ("李小明 Test", True),
        ("Jane", False),
        ("Deploy Bot", False),
        ("IT Support", False),
        ("值班机器人", False),
        ("Support Team", False),
        ("Agent 007", False),
        ("J. D.", False),
        ("", False),
    ],
)
def test_person_like(name: str, expected: bool) -> None:
    assert person_like(name) is expected


# --- through the readers and the pipeline ---------------------------------------------


def people(findings: tuple[Finding, ...]) -> list[tuple[str, list[tuple[str, int, int]]]]:
    return [
        (f.explanation, [(o.message_id, o.start, o.end) for o in f.occurrences])
        for f in findings
        if f.entity_type == "PERSON"
    ]


def _slack_user(uid: str, name: str, real: str, display: str = "", bot: bool = False) -> dict[str, Any]:
    return {
        "id": uid,
        "name": name,
        "real_name": real,
        "is_bot": bot,
        "profile": {"real_name": real, "display_name": display},
    }


def test_slack_export(tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "ops").mkdir(parents=True)
    users = [
        _slack_user("U01JANE0P", "jane", "Jane Placeholder", "Jane"),
        _slack_user("U02ROB00X", "rob", "Rob Example"),
        _slack_user("U03BOT000", "deploy", "Deploy Helper", bot=True),
    ]
    (root / "users.json").write_text(json.dumps(users), encoding="utf-8")
    channels = [{"id": "C01OPS", "name": "ops", "members": ["U01JANE0P", "U02ROB00X"]}]
    (root / "channels.json").write_text(json.dumps(channels), encoding="utf-8")
    day = [
        {"type": "message", "subtype": "channel_join", "user": "U01JANE0P", "ts": "1709600000.000100",
         "text": "<@U01JANE0P> has joined the channel"},
        {"type": "message", "user": "U02ROB00X", "ts": "1709600060.000200",
         "text": "<@U01JANE0P> can you check the deploy? <@U03BOT000> <@U09NOBODY> <!here>"},
        {"type": "message", "user": "U02ROB00X", "ts": "1709600120.000300",
         "text": "thanks <@U01JANE0P>, and @jane too"},
    ]  # fmt: skip
    (root / "ops" / "2024-03-05.json").write_text(json.dumps(day), encoding="utf-8")
    result = Scanner(Settings(ner=False)).scan([root])
    assert people(result.findings) == [
        (EXPLANATION_MENTION, [("1709600060.000200", 0, 12), ("1709600120.000300", 7, 19)]),
        (EXPLANATION_MENTION, [("1709600120.000300", 25, 30)]),
    ]


def test_generic_export_with_member_objects(tmp_path: Path) -> None:
    conversation = {
        "id": "g1",
        "name": "项目群",
        "members": [
            {"name": "Jane Placeholder", "handle": "jdoe"},
            {"name": "张小娴", "handle": "xiaoxian"},
            {"name": "Rob Example", "handle": "rob.example"},
            {"name": "Deploy Bot", "handle": "deploybot"},
            "Mei",
        ],
    }
    rows = [
        {"id": "1", "conversation": conversation, "author": "Rob Example", "timestamp": 1709600000,
         "text": "@xiaoxian 帮忙看一下 @jdoe 的合同, @deploybot @mei @nobody @所有人"},
        {"id": "2", "conversation": conversation, "author": {"id": "jdoe", "name": "Jane Placeholder"},
         "timestamp": 1709600060, "text": "@jdoe here, @rob.example will do it"},
    ]  # fmt: skip
    result = Scanner(Settings(ner=False)).scan([write_jsonl(tmp_path / "chat.jsonl", rows)])
    assert people(result.findings) == [
        (EXPLANATION_MENTION, [("1", 0, 9)]),
        (EXPLANATION_MENTION, [("1", 16, 21)]),
    ]
    assert all(f.value is None for f in result.findings)


def test_mattermost_export(tmp_path: Path) -> None:
    def user(username: str, first: str, last: str) -> dict[str, Any]:
        team = {"name": "t", "roles": "team_user", "channels": [{"name": "town-square"}]}
        body = {"username": username, "first_name": first, "last_name": last, "teams": [team]}
        return {"type": "user", "user": body}

    def post(author: str, text: str, at: int) -> dict[str, Any]:
        return {"type": "post", "post": {"team": "t", "channel": "town-square", "user": author,
                "message": text, "create_at": at}}  # fmt: skip

    channel = {"team": "t", "name": "town-square", "display_name": "Town", "type": "O"}
    rows: list[dict[str, Any]] = [
        {"type": "version", "version": 1},
        {"type": "team", "team": {"name": "t", "display_name": "T", "type": "O"}},
        {"type": "channel", "channel": channel},
        user("jp", "Jane", "Placeholder"),
        user("rob", "Rob", ""),
        {"type": "bot", "bot": {"username": "ci", "display_name": "CI Runner"}},
        post("rob", "@jp can you look? @channel @ci @rob", 1709629200000),
        post("jp", "@jp: on it", 1709629260000),
    ]
    result = Scanner(Settings(ner=False)).scan([write_jsonl(tmp_path / "import.jsonl", rows)])
    ((explanation, occurrences),) = people(result.findings)
    assert explanation == EXPLANATION_MENTION
    assert [(o[1], o[2]) for o in occurrences] == [(0, 3)]


def test_rocketchat_database_dump(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    users = [
        {"_id": "u1", "username": "jp", "name": "Jane Placeholder", "type": "user"},
        {"_id": "u2", "username": "rob", "name": "Rob Example", "type": "user"},
        {"_id": "b1", "username": "rocket.cat", "name": "Rocket Cat", "type": "bot"},
    ]
    write_jsonl(dump / "users.json", users)
    rob = {"_id": "u2", "username": "rob", "name": "Rob Example"}
    jane = {"_id": "u1", "username": "jp", "name": "Jane Placeholder"}
    messages = [
        {"_id": "m1", "rid": "GENERAL", "msg": "@jp the invoice, @rocket.cat @all @nobody",
         "ts": {"$date": "2024-03-05T10:00:00Z"}, "u": rob},
        {"_id": "m2", "rid": "GENERAL", "msg": "@jp here",
         "ts": {"$date": "2024-03-05T10:01:00Z"}, "u": jane},
    ]  # fmt: skip
    write_jsonl(dump / "rocketchat_message.json", messages)
    result = Scanner(Settings(ner=False)).scan([dump])
    assert people(result.findings) == [(EXPLANATION_MENTION, [("m1", 0, 3)])]
