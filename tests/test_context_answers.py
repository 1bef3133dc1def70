"""The answer-to-a-password-question context rule, on Message objects built by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scanner.analyzer import Detection
from scanner.context import ChatContext, default_rules
from scanner.context.answers import AnswerToPasswordQuestion, answer_candidate, question_kind
from scanner.model import Author, Conversation, ConversationKind, Message, MessageKind

T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
ALICE = Author("U1", "Alice Example")
BOB = Author("U2", "Bob Example")


def _message(
    text: str,
    n: int,
    author: Author = BOB,
    conversation: str = "C1",
    minutes: int | None = None,
    kind: MessageKind = MessageKind.USER,
) -> Message:
    return Message(
        platform="generic",
        source="chat.jsonl",
        location=f"chat.jsonl:{n}",
        conversation=Conversation(conversation, "#ops", ConversationKind.CHANNEL),
        message_id=str(n),
        author=author,
        timestamp=T0 + timedelta(minutes=n if minutes is None else minutes),
        text=text,
        kind=kind,
    )


def _run(
    *turns: tuple[Author, str], found: dict[int, list[Detection]] | None = None
) -> list[list[Detection]]:
    """Feed the turns through a ChatContext with only this rule; the extra detections per turn."""
    context = ChatContext((AnswerToPasswordQuestion(),))
    out = []
    for n, (author, text) in enumerate(turns, 1):
        out.append(context.process(_message(text, n, author), list((found or {}).get(n, []))))
    return out


def _values(
    turns: tuple[tuple[Author, str], ...], results: list[list[Detection]]
) -> list[list[tuple[str, str]]]:
    return [
        [(d.entity, text[d.start : d.end]) for d in dets]
        for (_, text), dets in zip(turns, results, strict=True)
    ]


# --- true positives ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "entity", "value"),
    [
        ("what's the vpn password?", "Tr0ub4dor!", "PASSWORD", "Tr0ub4dor!"),
        ("whats the wifi pw", "`Guest-2024x`", "PASSWORD", "Guest-2024x"),
        ("can you send me the admin password", "it's Chatsweep#42", "PASSWORD", "Chatsweep#42"),
        ("anyone have the staging db password?", "hunter22 — don't share", "PASSWORD", "hunter22"),
        ("密码是多少？", "Qx7mPz2024", "PASSWORD", "Qx7mPz2024"),
        ("wifi密码发一下", "Chat2024!Guest 别外传", "PASSWORD", "Chat2024!Guest"),
        ("门禁密码多少", "739164", "PASSWORD", "739164"),
        ("can you send me the code", "482913", "VERIFICATION_CODE", "482913"),
        ("验证码发我一下", "“604218”", "VERIFICATION_CODE", "604218"),
        ("what's the 2fa code?", "58 301 is wrong, try 739164", None, None),  # two numbers: ambiguous
    ],
)
def test_answer_in_the_next_message(
    question: str, answer: str, entity: str | None, value: str | None
) -> None:
    turns = ((ALICE, question), (BOB, answer))
    results = _values(turns, _run(*turns))
    assert results[0] == []
    assert results[1] == ([(entity, value)] if entity else [])


def test_explanation_names_the_neighbour_not_the_value() -> None:
    turns = ((ALICE, "what's the vpn password?"), (BOB, "Tr0ub4dor!"))
    (det,) = _run(*turns)[1]
    assert det.explanation == "answer to a question asking for a password in the previous message"
    assert "Tr0ub4dor" not in det.explanation
    assert det.score >= 0.75 and det.recognizer == "AnswerToPasswordQuestion"


def test_answer_two_messages_later_and_by_the_asker() -> None:
    turns = (
        (ALICE, "what's the router password?"),
        (ALICE, "the one in room 4"),
        (ALICE, "nvm found it: R0uter!42"),
    )
    results = _run(*turns)
    assert [(d.entity, turns[2][1][d.start : d.end]) for d in results[2]] == [("PASSWORD", "R0uter!42")]
    assert "2 before" in results[2][0].explanation


def test_the_rule_is_registered() -> None:
    assert any(isinstance(rule, AnswerToPasswordQuestion) for rule in default_rules())


# --- negatives -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "thanks!",
        "ok",
        "I'll DM you",
        "which password?",  # a question again
        "what's the password for the other box?",  # a question again
        "sunshine",  # a plain word: too weak to call a password without a keyword
        "10:30",  # a time
        "v2.14.1",  # a version
        "123456",  # a sequence
        "https://vault.example/item/42",  # a link
        "收到",
        "稍等，我问问",
        "ask @bob",
        "it's in 1password under ops",  # several tokens, none credential-like
        "the usual one with the year at the end, you know which one, ping me",  # too long to be an answer
    ],
)
def test_replies_that_are_not_passwords(answer: str) -> None:
    turns = ((ALICE, "what's the vpn password?"), (BOB, answer))
    assert _run(*turns)[1] == []


def test_answer_five_messages_later_is_not_an_answer() -> None:
    turns = (
        (ALICE, "what's the vpn password?"),
        (BOB, "one sec"),
        (ALICE, "np"),
        (BOB, "lunch?"),
        (ALICE, "sure"),
        (BOB, "Tr0ub4dor!"),
    )
    assert all(r == [] for r in _run(*turns))


def test_statements_are_not_questions() -> None:
    for statement in ("I reset my password", "forgot my password again", "password is required", "密码错误"):
        turns = ((ALICE, statement), (BOB, "Tr0ub4dor!"))
        assert _run(*turns)[1] == [], statement


def test_already_caught_by_the_pattern_families() -> None:
    turns = ((ALICE, "密码是多少？"), (BOB, "密码：abc123!"))
    caught = Detection("PASSWORD", 3, 10, 0.8, "password family", "PasswordRecognizer")
    assert _run(*turns, found={2: [caught]})[1] == []


def test_other_conversation_and_late_answers_do_not_count() -> None:
    rule = AnswerToPasswordQuestion()
    context = ChatContext((rule,))
    context.process(_message("what's the vpn password?", 1, ALICE, conversation="C1"), [])
    assert context.process(_message("Tr0ub4dor!", 2, BOB, conversation="C2"), []) == []
    context.process(_message("what's the wifi password?", 3, ALICE, conversation="C3", minutes=0), [])
    late = _message("Tr0ub4dor!", 4, BOB, conversation="C3", minutes=60 * 30)
    assert context.process(late, []) == []


def test_system_messages_are_ignored() -> None:
    context = ChatContext((AnswerToPasswordQuestion(),))
    context.process(_message("what's the vpn password?", 1, ALICE), [])
    assert context.process(_message("Tr0ub4dor!", 2, BOB, kind=MessageKind.SYSTEM), []) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what's the vpn password?", "PASSWORD"),
        ("send me the otp pls", "VERIFICATION_CODE"),
        ("pin?", "PASSWORD"),
        ("wifi密码是啥", "PASSWORD"),
        ("验证码多少", "VERIFICATION_CODE"),
        ("有人知道打印机的密码吗", "PASSWORD"),
        ("I forgot my password", None),
        ("the password is in the vault", None),
        ("great meeting today", None),
    ],
)
def test_question_kind(text: str, kind: str | None) -> None:
    assert question_kind(text) == kind


def test_answer_candidate_spans() -> None:
    text = "try **Chat#2024** pls"
    found = answer_candidate(text)
    assert found is not None and text[found.start : found.end] == "Chat#2024"


# --- a key pasted right after the message that announced it --------------------------------------


def _announced(*turns: tuple[Author, str]) -> list[list[tuple[str, str]]]:
    from scanner.context.answers import SecretAfterAnnouncement

    context = ChatContext((SecretAfterAnnouncement(),))
    results = [context.process(_message(text, n, author), []) for n, (author, text) in enumerate(turns, 1)]
    return _values(turns, results)


@pytest.mark.parametrize(
    ("first", "second", "value"),
    [
        ("I'll send you the staging token in a sec", "Qx7mPz2kLn9Rt4Vb8Wc1Yd3F", "Qx7mPz2kLn9Rt4Vb8Wc1Yd3F"),
        ("anyone have the acme api key?", "`Chatsweep0Synthetic0Key0Q7x9Z`", "Chatsweep0Synthetic0Key0Q7x9Z"),
        ("acme的token发我一下", "Qx7mPz2kLn9Rt4Vb8Wc1Yd3F", "Qx7mPz2kLn9Rt4Vb8Wc1Yd3F"),
        (
            "here's the acme key, don't lose it",
            "c4a75eeb-9e2d-4c5a-8b1e-5ca1ab1ec0de",
            "c4a75eeb-9e2d-4c5a-8b1e-5ca1ab1ec0de",
        ),
    ],
)
def test_a_key_after_its_announcement_is_a_generic_secret(first: str, second: str, value: str) -> None:
    results = _announced((ALICE, first), (BOB, second))
    assert results == [[], [("GENERIC_SECRET", value)]]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "the token expired, I'll ask ops",
            "fixed in commit c0ffee5eedcafef00d0123456789abcdef012345",
        ),  # a hash word
        ("which request id failed?", "c4a75eeb-9e2d-4c5a-8b1e-5ca1ab1ec0de"),  # no credential word
        ("what key did you sign it with?", "job id Qx7mPz2kLn9Rt4Vb8Wc1Yd3F"),  # an id
        ("new api key is ready", "md5sum f5ea05d1cc530c6eb3929e96d7172c51  app.tar.gz"),  # a digest
        ("send me the key", "data:image/png;base64,iVBORw0KGgoQx7mPz2kLn9Rt4Vb8Wc1Yd3F"),  # an image
        ("rotate the api key", "ok, will do after lunch Qx7mPz2kLn9Rt4Vb8Wc1Yd3F and then the release notes"),
        ("lunch?", "Qx7mPz2kLn9Rt4Vb8Wc1Yd3F"),  # nothing announced
        ("the api key is in the vault", "hello"),  # no key
    ],
)
def test_not_a_key_after_its_announcement(first: str, second: str) -> None:
    assert _announced((ALICE, first), (BOB, second)) == [[], []]


def test_an_announcement_is_forgotten_after_two_messages() -> None:
    turns = (
        (ALICE, "I'll send the staging token"),
        (BOB, "ok"),
        (ALICE, "lunch?"),
        (ALICE, "Qx7mPz2kLn9Rt4Vb8Wc1Yd3F"),
    )
    assert _announced(*turns)[-1] == []


def test_the_announcement_rule_is_registered() -> None:
    assert any(rule.name == "secret_after_announcement" for rule in default_rules())


def test_code_that_reads_the_password_is_not_the_answer() -> None:
    turns = ((ALICE, "what's the db password?"), (BOB, "password = getpass.getpass()"))
    assert _values(turns, _run(*turns)) == [[], []]
