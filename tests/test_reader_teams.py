"""Teams reader: goldens over a synthetic data-export tree and Graph JSON, HTML to text, sniffing, fuzzing."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ReaderError
from scanner.model import ConversationKind, Message, MessageKind, Skipped
from scanner.readers.base import Source
from scanner.readers.generic import JsonlReader
from scanner.readers.slack import SlackReader
from scanner.readers.teams import TeamsReader, html_to_text
from scanner.readers.telegram import TelegramReader
from tests.golden import assert_golden, serialise
from tests.reader_contract import (
    ARBITRARY_BYTES,
    assert_none_claim,
    assert_refuses,
    assert_refuses_written,
    fixture_id,
    json_like,
    other_fixture_paths,
    sniff_and_read_any,
    zip_tree,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEAMS = FIXTURES / "teams"
EXPORT = TEAMS / "export"
GRAPH = TEAMS / "graph"
TEAM = "00000000-0000-4000-8000-00000000700a"
JANE = "00000000-0000-4000-8000-0000000000a1"
MEI = "00000000-0000-4000-8000-0000000000c3"
GENERAL = "19:generalgeneralgeneralgeneral0001@thread.tacv2"
GROUP = "19:groupchatgroupchatgroupchat00003@thread.v2"
READER = TeamsReader()


def read(path: Path) -> list[Message | Skipped]:
    return list(READER.read(Source.open(path)))


def by_id(items: list[Message | Skipped]) -> dict[str, Message]:
    return {m.message_id: m for m in items if isinstance(m, Message)}


# --- goldens --------------------------------------------------------------------------


def test_export_tool_golden(update_goldens: bool) -> None:
    assert_golden("teams_export", read(EXPORT), update_goldens, root=str(TEAMS))


def test_graph_golden(update_goldens: bool) -> None:
    assert_golden("teams_graph", read(GRAPH), update_goldens, root=str(TEAMS))


def test_graph_single_message_golden(update_goldens: bool) -> None:
    assert_golden("teams_graph_single", read(TEAMS / "graph_single"), update_goldens, root=str(TEAMS))


def test_truncated_golden(update_goldens: bool) -> None:
    assert_golden("teams_truncated", read(TEAMS / "truncated"), update_goldens, root=str(TEAMS))


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "TeamsData_Example.zip"
    zip_tree(EXPORT, archive, "TeamsData_Example/")
    source = Source.open(archive)
    assert READER.sniff(source)
    from_zip = serialise(READER.read(source), root=f"{archive}!TeamsData_Example/")
    from_dir = serialise(read(EXPORT), root=f"{EXPORT}/")
    assert from_zip == from_dir
    assert source.encodings == {"utf-8"}


# --- export tool ----------------------------------------------------------------------


def test_channel_messages_threads_and_audience() -> None:
    msgs = by_id(read(EXPORT))
    root = msgs["1709629200000"]
    assert root.text == "Welcome to the Example Project channel & wiki.\nPing Rob Example for access."
    assert root.thread_id == "1709629200000" and root.reply_to is None
    reply = msgs["1709629260000"]
    assert (reply.thread_id, reply.reply_to) == ("1709629200000", "1709629200000")
    conv = root.conversation
    assert (conv.id, conv.name, conv.kind) == (
        GENERAL,
        "Example Project Team / General",
        ConversationKind.CHANNEL,
    )
    assert (conv.member_count, conv.external_members) == (3, 1)  # the #EXT# guest
    assert conv.members == ("Jane Placeholder", "Rob Example", "Guest Tester")
    private = msgs["1709629560000"].conversation
    assert private.name == "Example Project Team / Secret Plans"
    assert (private.member_count, private.members) == (None, ())  # private channels list their own members


def test_html_bodies_become_plain_text_with_offsets_into_it() -> None:
    msgs = by_id(read(EXPORT))
    text = msgs["1709629260000"].text
    assert text == "My number is +44 20 7946 0000\nand my mail jane.placeholder@example.com"
    start = text.index("jane.placeholder@example.com")
    assert text[start : start + 28] == "jane.placeholder@example.com"
    code = msgs["1709629320000"].text
    assert code == 'Config below\nexport DB_PASSWORD=not-a-real-secret\n  echo "done" && exit 0'
    assert msgs["1709629440000"].text == "Budget attached chart see the site\none\ntwo"
    assert msgs["1709629560000"].text == "Plans stay here \U0001f92b"


def test_edits_deletions_bots_and_system_events() -> None:
    msgs = by_id(read(EXPORT))
    assert msgs["1709629320000"].edited and not msgs["1709629260000"].edited
    deleted = msgs["1709629380000"]
    assert deleted.deleted and deleted.text == ""
    bot = msgs["1709629500000"]
    assert bot.kind is MessageKind.USER and bot.author.name == "Example CI Bot"
    assert [(a.name, a.mime) for a in bot.attachments] == [
        ("card-1", "application/vnd.microsoft.card.adaptive")
    ]
    event = msgs["1709629100000"]
    assert event.kind is MessageKind.SYSTEM and event.text == "" and event.thread_id is None
    assert (event.author.id, event.author.name) == (JANE, "Jane Placeholder")  # the initiator
    assert msgs["1709629620000"].author.name == "Former Employee"  # in no user list
    [att] = msgs["1709629440000"].attachments
    assert (att.name, att.mime, att.path) == ("Q1 budget.xlsx", None, None)


def test_chats_dm_group_dedup_and_quoted_replies() -> None:
    items = read(EXPORT)
    ids = [m.message_id for m in items if isinstance(m, Message)]
    assert ids.count("1709640000000") == 1  # in Jane's and Mei's files: read once
    msgs = by_id(items)
    dm = msgs["1709636400000"].conversation
    assert (dm.kind, dm.member_count, dm.name) == (ConversationKind.DM, 2, "Jane Placeholder, Rob Example")
    quoted = msgs["1709636460000"]
    assert quoted.reply_to == "1709636400000" and quoted.thread_id is None
    assert quoted.text == "Yes, call me on 020 7946 0000."
    assert quoted.attachments == ()  # the messageReference is a quote, not a file
    group = msgs["1709640000000"].conversation
    assert (group.id, group.kind, group.member_count) == (GROUP, ConversationKind.GROUP, None)
    assert msgs["1709640060000"].author.name == "Jane Placeholder"  # DisplayName null: from usersList
    assert msgs["1709640000000"].location.endswith(f"users/{JANE}/messages_{JANE}.json#/3")
    assert msgs["1709636400000"].timestamp == datetime(2024, 3, 5, 11, 0, tzinfo=UTC)


def test_metadata_files_are_not_messages() -> None:
    items = read(EXPORT)
    assert not [s for s in items if isinstance(s, Skipped)]
    assert len(by_id(items)) == 15


# --- Graph JSON -----------------------------------------------------------------------


def test_graph_page_and_channel_list() -> None:
    msgs = by_id(read(GRAPH))
    hello = msgs["1709643600000"]
    assert hello.text == "Hello Mei Sample, the door code is 4711 2024."
    assert hello.conversation.id == GROUP and hello.location == f"{GRAPH}/chat_page.json#/value/0"
    thanks = msgs["1709643660000"]
    assert thanks.reply_to == "1709643600000" and thanks.edited
    event = msgs["1709643720000"]
    assert event.kind is MessageKind.SYSTEM and event.author.id == JANE
    plain = msgs["1709643780000"]
    assert plain.text == "Plain text body with <angle> brackets &amp; no HTML"  # contentType text: as is
    assert [a.name for a in plain.attachments] == ["minutes 2024-03-05.docx"]
    assert msgs["1709647260000"].text == "Thanks <3" and msgs["1709647260000"].reply_to == "1709647200000"
    assert msgs["1709647320000"].author.name == "Example CI Bot"
    assert msgs["1709647200000"].conversation.name == GENERAL  # no export-tool metadata: the id


def test_expanded_replies_are_read_inside_their_root() -> None:
    items = read(GRAPH / "channel_expanded.json")
    msgs = by_id(items)
    assert list(msgs) == ["1709658000000", "1709658060000", "1709658120000"]
    for reply in ("1709658060000", "1709658120000"):  # the second has no replyToId
        assert (msgs[reply].reply_to, msgs[reply].thread_id) == ("1709658000000", "1709658000000")
    assert msgs["1709658120000"].location == f"{GRAPH}/channel_expanded.json#/value/0/replies/1"
    assert items[-1] == Skipped(
        f"{GRAPH}/channel_expanded.json#/value/0/replies/2", "record is not a Teams chatMessage"
    )


def test_concatenated_pages_and_foreign_records() -> None:
    items = read(GRAPH / "pages.jsonl")
    assert [m.message_id for m in items if isinstance(m, Message)] == ["1709650800000", "1709650860000"]
    assert items[-1] == Skipped(f"{GRAPH}/pages.jsonl#[1]/value/1", "record is not a Teams chatMessage")
    assert items[1].location == f"{GRAPH}/pages.jsonl#[1]/value/0"  # type: ignore[union-attr]


def test_truncated_file_keeps_what_came_before() -> None:
    items = read(TEAMS / "truncated")
    assert [m.message_id for m in items if isinstance(m, Message)] == ["1709647200000", "1709647260000"]
    assert items[-1] == Skipped(
        f"{TEAMS}/truncated/messages.json", "invalid or truncated JSON after 2 messages"
    )


@pytest.mark.parametrize(
    ("web_url", "permalink"),
    [
        (
            "https://teams.microsoft.com/l/message/19:demo@thread.tacv2/1709654400000?groupId=g1",
            "https://teams.microsoft.com/l/message/19:demo@thread.tacv2/1709654400000?groupId=g1",
        ),
        (
            "https://teams.cloud.microsoft/l/message/19:demo@thread.v2/1",
            "https://teams.cloud.microsoft/l/message/19:demo@thread.v2/1",
        ),
        ("http://teams.microsoft.com/l/message/19:demo@thread.tacv2/1", None),  # not https
        ("https://teams.microsoft.com.example.org/l/message/1", None),  # not a Teams host
        ("https://teams.microsoft.com@example.org/l/message/1", None),
        ("javascript:alert(1)", None),
        ("https://[broken", None),
        (None, None),
        (42, None),
    ],
)
def test_web_url_becomes_the_permalink_only_when_it_is_an_https_teams_link(
    tmp_path: Path, web_url: object, permalink: str | None
) -> None:
    record = json.loads((TEAMS / "graph_single" / "message.json").read_text(encoding="utf-8"))
    record["webUrl"] = web_url
    path = tmp_path / "message.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    [message] = [m for m in read(path) if isinstance(m, Message)]
    assert message.permalink == permalink


def test_utf16_and_bom_files_are_decoded(tmp_path: Path) -> None:
    text = (GRAPH / "chat_page.json").read_text(encoding="utf-8")
    for enc in ("utf-16", "utf-8-sig"):
        path = tmp_path / f"{enc}.json"
        path.write_text(text, encoding=enc)
        source = Source.open(path)
        assert READER.sniff(source)
        assert len(by_id(list(READER.read(source)))) == 4
        assert source.encodings == {enc}


def test_valid_json_that_is_not_teams_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"about": "x", "chats": {"list": [{"messages": []}]}}', encoding="utf-8")
    assert read(path) == [Skipped(str(path), "not a Teams message file")]
    path.write_text("[1, 2]", encoding="utf-8")
    assert read(path) == [
        Skipped(f"{path}#/0", "record is not a Teams chatMessage"),
        Skipped(f"{path}#/1", "record is not a Teams chatMessage"),
    ]


def test_deep_nesting_is_refused_not_recursed(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"value": [' + "[" * 100_000, encoding="utf-8")
    assert read(path) == [
        Skipped(f"{path}#/value/0", "JSON nested deeper than 256 levels; file not read further")
    ]


def test_broken_metadata_costs_names_not_messages(tmp_path: Path) -> None:
    shutil.copytree(EXPORT, tmp_path / "export")
    teams_list = tmp_path / "export" / "teams" / "teamsList.json"
    teams_list.write_text("[" + "[" * 100_000, encoding="utf-8")  # hostile nesting
    (tmp_path / "export" / "users" / "notes.json").write_text('{"a": 1}', encoding="utf-8")
    items = read(tmp_path / "export")
    skipped = [s for s in items if isinstance(s, Skipped)]
    assert skipped == [
        Skipped(str(teams_list), "JSON nested deeper than 256 levels after 0 records"),
        Skipped(str(tmp_path / "export" / "users" / "notes.json"), "not a Teams message file; not read"),
    ]
    msgs = by_id(items)
    assert len(msgs) == 15
    assert msgs["1709629200000"].conversation.name == "General"  # the team's name is lost, nothing else


def test_folder_without_message_files_is_an_error(tmp_path: Path) -> None:
    shutil.copy(EXPORT / "users" / "usersList.json", tmp_path / "usersList.json")
    with pytest.raises(ReaderError):
        read(tmp_path)


# --- HTML to text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two</p>", "one\ntwo"),
        ("<p>one</p>\n<p>&nbsp;</p>\n<p>two</p>", "one\ntwo"),
        ("a<br>b<br/><br>c", "a\nb\n\nc"),
        ("<div>x &amp; y &lt;z&gt; &quot;q&quot; &#8364; &euro;</div>", 'x & y <z> "q" € €'),
        ('Hi <at id="0">Jane Placeholder</at>!', "Hi Jane Placeholder!"),
        ('<img src="x" alt="diagram"> and <img src="y">', "diagram and"),
        ('<emoji id="ghost" alt="\U0001f47b" title="Ghost"></emoji>', "\U0001f47b"),
        ("<pre><code>a  b\n  c</code></pre>", "a  b\n  c"),
        ("<pre>\nfirst</pre>", "first"),
        ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
        ("<span>multiple   spaces\n and\tlines</span>", "multiple spaces and lines"),
        ("<style>p {color: red}</style><script>alert(1)</script>visible", "visible"),
        ("<systemEventMessage/>", ""),
        ('<attachment id="1"></attachment><p>text</p>', "text"),
        ('<a href="https://example.invalid/x">link text</a>', "link text"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("<blockquote><p>quoted</p></blockquote>after", "quoted\nafter"),
        ("plain text, no tags", "plain text, no tags"),
        ("<![if !supportLists]>x<![endif]>", "x"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"<>/=\"'&;# abpre!-[]\n", "<p>", "</p>", "<br>", "&nbsp;", "<pre>", "<![", "<!--"])
    )
)
def test_html_to_text_never_fails(pieces: list[str]) -> None:
    assert isinstance(html_to_text("".join(pieces)), str)


# --- sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        EXPORT,
        EXPORT / "teams",
        EXPORT / "users",
        EXPORT / "teams" / TEAM,
        EXPORT / "users" / MEI,
        EXPORT / "teams" / TEAM / f"messages_{TEAM}.json",
        GRAPH,
        GRAPH / "chat_page.json",
        GRAPH / "channel_messages.json",
        GRAPH / "pages.jsonl",
        TEAMS / "graph_single",
        TEAMS / "truncated",
    ],
)
def test_sniff_claims_teams(path: Path) -> None:
    assert READER.sniff(Source.open(path))


def test_sniff_claims_an_empty_graph_page(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(
        json.dumps(
            {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#chats('x')/messages", "value": []}
        ),
        encoding="utf-8",
    )
    assert READER.sniff(Source.open(path))


@pytest.mark.parametrize(
    "path",
    [
        EXPORT / "teams" / "teamsList.json",
        EXPORT / "users" / "usersList.json",
        EXPORT / "teams" / TEAM / f"channels_{TEAM}.json",
        EXPORT / "teams" / TEAM / f"teamMembers_{TEAM}.json",
    ],
)
def test_sniff_refuses_metadata_files_alone(path: Path) -> None:
    assert not READER.sniff(Source.open(path))


@pytest.mark.parametrize("path", other_fixture_paths("teams"), ids=fixture_id)
def test_sniff_refuses_other_formats_fixtures(path: Path) -> None:
    assert_refuses(READER, path)


NOT_TEAMS = {
    "value_page_of_other.json": json.dumps({"value": [{"id": "1", "name": "a user"}]}),
    "no_created.json": json.dumps([{"id": "1", "messageType": "message", "body": {"content": "x"}}]),
    "no_type_or_body.json": json.dumps([{"id": "1", "createdDateTime": "2024-03-05T10:00:00Z"}]),
    "generic.jsonl": '{"id": "1", "conversation": "c", "author": "a", "timestamp": 1, "text": "x"}\n',
    "message.txt": json.dumps(
        [{"id": "1", "createdDateTime": "2024-03-05T10:00:00Z", "messageType": "message", "body": {}}]
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_TEAMS))
def test_sniff_refuses_lookalikes(tmp_path: Path, name: str) -> None:
    assert_refuses_written(tmp_path / name, NOT_TEAMS[name], READER)


def test_folder_with_other_things_is_left_to_the_caller(tmp_path: Path) -> None:
    shutil.copytree(EXPORT, tmp_path / "export")
    (tmp_path / "export" / "notes.txt").write_text("not part of the export", encoding="utf-8")
    assert not READER.sniff(Source.open(tmp_path / "export"))


def test_other_readers_refuse_teams_files() -> None:
    paths = [EXPORT, GRAPH, *sorted(TEAMS.rglob("*.json")), *sorted(TEAMS.rglob("*.jsonl"))]
    assert_none_claim((SlackReader(), TelegramReader(), JsonlReader()), paths)


# --- fuzzing --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(data=ARBITRARY_BYTES)
def test_any_bytes_give_messages_skips_or_reader_error(data: bytes) -> None:
    sniff_and_read_any(READER, "messages.json", data)


TEAMSISH = json_like(
    [
        *("id", "Id", "messageType", "createdDateTime", "body", "content", "contentType", "from"),
        *("user", "application", "displayName", "chatId", "channelIdentity", "channelId"),
        *("replyToId", "attachments", "eventDetail", "initiator", "lastEditedDateTime", "value"),
    ],
)


@settings(max_examples=200, deadline=None)
@given(messages=st.lists(TEAMSISH, max_size=4), paged=st.booleans(), cut=st.integers(min_value=0))
def test_any_teams_shaped_json_gives_messages_skips_or_reader_error(
    messages: list[object], paged: bool, cut: int
) -> None:
    text = json.dumps({"@odata.context": "x", "value": messages} if paged else messages)
    sniff_and_read_any(READER, "messages.json", text[: cut % (len(text) + 1)])
