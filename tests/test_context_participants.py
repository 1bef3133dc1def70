"""Participants' names from the export, found when others mention them (scanner.context.participants)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.context import ChatContext, default_rules
from scanner.context.participants import EXPLANATION, ParticipantNames, variants
from scanner.model import Author, Conversation, Message
from scanner.pipeline import Scanner
from scanner.readers.base import Source
from scanner.readers.slack import SlackReader
from scanner.settings import Settings
from tests.helpers import write_jsonl

SLACK_EXPORT = Path(__file__).resolve().parent / "fixtures" / "slack" / "export"

CONV = Conversation(id="C1", name="ops", members=("Jane Placeholder", "Rob Example", "李小明", "May Chen"))


def msg(author: str, text: str, author_id: str | None = None, conv: Conversation = CONV) -> Message:
    return Message(
        platform="test",
        source="mem",
        location="mem#1",
        conversation=conv,
        message_id="1",
        author=Author(author_id or author.lower(), author),
        timestamp=datetime(2024, 3, 5, tzinfo=UTC),
        text=text,
    )


def found(ctx: ChatContext, message: Message) -> list[str]:
    return [message.text[d.start : d.end] for d in ctx.process(message, [])]


@pytest.fixture
def ctx() -> ChatContext:
    return ChatContext((ParticipantNames(),))


def test_registered_in_default_rules() -> None:
    assert any(isinstance(rule, ParticipantNames) for rule in default_rules())


def test_full_names_mentioned_by_others(ctx: ChatContext) -> None:
    message = msg("Rob Example", "please call Jane Placeholder tomorrow, and tell 李小明 too")
    dets = ctx.process(message, [])
    assert [message.text[d.start : d.end] for d in dets] == ["Jane Placeholder", "李小明"]
    assert all(d.entity == "PERSON" and d.score == 0.7 and d.explanation == EXPLANATION for d in dets)
    assert all("Jane" not in d.explanation for d in dets)


def test_lower_case_full_name_and_glued_to_chinese(ctx: ChatContext) -> None:
    assert found(ctx, msg("Rob Example", "ask jane placeholder")) == ["jane placeholder"]
    assert found(ctx, msg("Rob Example", "请联系李小明，电话稍后发")) == ["李小明"]


def test_distinctive_single_part_is_found_at_a_lower_score(ctx: ChatContext) -> None:
    message = msg("Rob Example", "Placeholder said the build is green")
    (det,) = ctx.process(message, [])
    assert message.text[det.start : det.end] == "Placeholder" and det.score < 0.7


def test_parts_that_are_common_words_or_lower_case_are_skipped(ctx: ChatContext) -> None:
    # "May" of "May Chen" is a common word; "jane" in lower case alone may be anything.
    assert found(ctx, msg("Rob Example", "May I ask if jane is around?")) == []
    assert found(ctx, msg("Rob Example", "Chen is on leave")) == ["Chen"]


def test_mentions_are_not_leaks(ctx: ChatContext) -> None:
    for text in (
        "@Jane Placeholder can you look?",
        "<@U01JANE0P> ping",
        "<at>Jane Placeholder</at> hi",
        "@李小明 看一下",
    ):
        assert found(ctx, msg("Rob Example", text)) == [], text


def test_own_name_is_not_reported(ctx: ChatContext) -> None:
    assert found(ctx, msg("Jane Placeholder", "this is Jane Placeholder, on call today")) == []
    assert found(ctx, msg("Rob Example", "Jane Placeholder is on call")) == ["Jane Placeholder"]


def test_authors_seen_become_participants() -> None:
    ctx = ChatContext((ParticipantNames(),))
    plain = Conversation(id="C2", name="dm")
    ctx.process(msg("Kim Doe", "hi all", conv=plain), [])
    assert found(ctx, msg("Max Roe", "Kim Doe sent the report", conv=plain)) == ["Kim Doe"]


@pytest.mark.parametrize(
    "name",
    ["Al", "王", "jane_doe42", "U01JANE0P", "Support", "Will", "高峰", "Bot"],
)
def test_short_common_or_handle_names_are_skipped(name: str) -> None:
    assert variants(name) == ()


def test_word_boundaries() -> None:
    ctx = ChatContext((ParticipantNames(),))
    conv = Conversation(id="C3", name="x", members=("Anna Lee",))
    assert found(ctx, msg("Bob", "Annabelle and Leeds met Anna Lee", conv=conv)) == ["Anna Lee"]


def test_slack_members_are_display_names() -> None:
    convs = {
        m.conversation.id: m.conversation
        for m in SlackReader().read(Source.open(SLACK_EXPORT))
        if isinstance(m, Message)
    }
    assert convs["C02OPS0000"].members == ("Jane", "Rob Example")
    assert convs["C02OPS0000"].member_count == 2
    assert "小明" in convs["C01GENERAL"].members


def test_through_the_pipeline(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "conversation": "ops", "author": "Jane Placeholder", "timestamp": 1709600000,
         "text": "hi"},
        {"id": "2", "conversation": "ops", "author": "Rob Example", "timestamp": 1709600060,
         "text": "Jane Placeholder, your ticket is done"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "chat.jsonl", rows)
    result = Scanner(Settings(ner=False)).scan([path])
    people = [f for f in result.findings if f.entity_type == "PERSON"]
    assert [f.explanation for f in people] == [EXPLANATION]
    (occurrence,) = people[0].occurrences
    assert (occurrence.message_id, occurrence.start, occurrence.end) == ("2", 0, 16)


def test_lower_case_part_after_a_greeting_or_addressing_verb(ctx: ChatContext) -> None:
    assert found(ctx, msg("Rob Example", "thanks jane, and ask jane about the keys")) == ["jane", "jane"]
    assert found(ctx, msg("Rob Example", "the plan jane made is fine")) == []  # no cue right before it
    assert found(ctx, msg("Rob Example", "ask rob, or ask may later")) == []  # Rob, May: common words
    assert found(ctx, msg("Jane Placeholder", "thanks jane")) == []  # the author's own name


def test_default_rules_leave_mentions_of_names_alone() -> None:
    # Without a member directory (handles) a mention is only a mention, whoever it names.
    ctx = ChatContext(default_rules())
    assert found(ctx, msg("Rob Example", "@Jane Placeholder and @李小明, can you look?")) == []


def test_member_events_are_not_person_findings(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "conversation": "ops", "author": "Jane Placeholder", "timestamp": 1709600000,
         "text": "hi all"},
        {"id": "2", "conversation": "ops", "author": "Rob Example", "timestamp": 1709600060,
         "kind": "system", "text": "Jane Placeholder added Rob Example to the group"},
        {"id": "3", "conversation": "ops", "author": "Rob Example", "timestamp": 1709600120,
         "kind": "system", "text": "topic set: call Jane Placeholder on 202-555-0143"},
        {"id": "4", "conversation": "ops", "author": "Rob Example", "timestamp": 1709600180,
         "text": "Jane Placeholder, welcome"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "chat.jsonl", rows)
    result = Scanner(Settings(ner=False)).scan([path])
    people = [(o.message_id, o.start, o.end) for f in result.findings if f.entity_type == "PERSON"
              for o in f.occurrences]  # fmt: skip
    assert people == [("4", 0, 16)]  # names in a system message are the export's member records
    phones = [o.message_id for f in result.findings if f.entity_type == "PHONE_NUMBER" for o in f.occurrences]
    assert phones == ["3"]  # other data in a system message is still found


# --- the folded name index ---------------------------------------------------------------


def test_whole_names_match_in_any_case_parts_only_capitalised() -> None:
    conv = Conversation(id="C9", name="t", members=("Isa Yilmaz", "Sam Hill"))
    ctx = ChatContext(default_rules())
    assert found(ctx, msg("Zed", "ISA YILMAZ and sam hill called", conv=conv)) == ["ISA YILMAZ", "sam hill"]
    assert found(ctx, msg("Zed", "Yilmaz said, yilmaz_x said", conv=conv)) == ["Yilmaz"]


def test_fold_keeps_offsets() -> None:
    from scanner.context.participants import fold

    text = "İsa ſam ıx ΣΑΣ Straße"
    assert len(fold(text)) == len(text)
    assert fold(text).startswith("isa sam ix")


def test_a_big_channel_finds_names_through_the_head_index() -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    made_up = tuple(
        f"Zq{letters[i % 26]}{letters[i // 26]}ra Vo{letters[i // 26]}{letters[i % 26]}ix" for i in range(300)
    )
    members = (*made_up, "Rob Example", "李小明")
    conv = Conversation(id="C8", name="big", members=members)
    ctx = ChatContext(default_rules())
    assert found(ctx, msg("Zed", "ask Rob Example, or 李小明", conv=conv)) == ["Rob Example", "李小明"]
    assert found(ctx, msg("Zed", "nothing to see here", conv=conv)) == []
    assert found(ctx, msg("Zed", "Zqbcra Vocbix joined", conv=conv)) == ["Zqbcra Vocbix"]


def test_chat_context_state_pickles_and_goes_on_the_same() -> None:
    import pickle

    ctx = ChatContext(default_rules())
    first = [
        msg("Jane Placeholder", "what's the wifi password?"),
        msg("Rob Example", "passport number?"),
    ]
    for m in first:
        ctx.process(m, [])
    copy = pickle.loads(pickle.dumps(ctx._states))
    after = [msg("May Chen", "Tr0ub4dor!x"), msg("Zed", "thanks rob, 李小明 knows")]
    expected = [ctx.process(m, []) for m in after]
    again = ChatContext(default_rules())
    again._states = copy
    assert [again.process(m, []) for m in after] == expected
    assert any(expected)
