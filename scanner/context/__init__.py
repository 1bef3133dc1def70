"""Chat context: what a message means given its conversation.

A detector here sees one message, what Presidio found in it, and a small bounded state of
its conversation (participants seen so far, the last few messages); it returns extra
detections. Examples: the answer to "what's the vpn password?" in the next message; a
participant's name mentioned by someone else. Nothing here keeps message text beyond the
last ``RECENT`` messages of a conversation, and at most ``MAX_CONVERSATIONS`` conversations.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from scanner.analyzer import Detection, outside_redactions
from scanner.model import Message, MessageKind

log = logging.getLogger(__name__)

RECENT = 4
MAX_CONVERSATIONS = 20_000


@dataclass(slots=True)
class Recent:
    """A recent message and what was found in it (for neighbour rules)."""

    message: Message
    detections: tuple[Detection, ...]
    # What rules derived from this message, by rule (a message is read by the next few):
    # plain data, never more text than the message's own.
    memo: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class ConversationState:
    """Bounded memory of one conversation."""

    participants: dict[str, str] = field(default_factory=dict)  # author id -> display name
    recent: deque[Recent] = field(default_factory=lambda: deque(maxlen=RECENT))
    # What rules derive from the fields above and keep to save work (by rule), never text
    # beyond theirs; plain data, so a state can be pickled.
    memo: dict[str, object] = field(default_factory=dict)

    def earlier(
        self, message: Message, window: int, max_delay: timedelta, max_chars: int | None = 300
    ) -> Iterator[tuple[int, Recent]]:
        """The last ``window`` messages before ``message`` (nearest first, with how many back)
        that it can be answering: written by people (not system notices), not deleted, short
        (at most ``max_chars``; ``None``: any length), in the same thread, and no more than
        ``max_delay`` earlier."""
        for distance, recent in enumerate(reversed(self.recent), start=1):
            if distance > window:
                return
            earlier = recent.message
            too_long = max_chars is not None and len(earlier.text) > max_chars
            if earlier.kind is MessageKind.SYSTEM or earlier.deleted or too_long:
                continue
            if message.thread_id and earlier.thread_id and message.thread_id != earlier.thread_id:
                continue
            if (
                message.timestamp is not None
                and earlier.timestamp is not None
                and (message.timestamp.tzinfo is None) == (earlier.timestamp.tzinfo is None)
                and message.timestamp - earlier.timestamp > max_delay
            ):
                continue
            yield distance, recent


class ContextRule(Protocol):
    """A chat-aware detector. ``detect`` must not log or keep text."""

    name: str

    def detect(
        self, message: Message, state: ConversationState, found: list[Detection]
    ) -> list[Detection]: ...


class ChatContext:
    """Runs the context rules in conversation order and keeps their bounded state.

    A rule that raises loses only its own detections for that message: the other rules
    still run, and the failure is left in ``failures`` (rule name, exception type) for the
    caller to record. With ``debug`` the exception propagates.
    """

    def __init__(self, rules: tuple[ContextRule, ...], debug: bool = False) -> None:
        self.rules = rules
        self.debug = debug
        self.failures: list[tuple[str, str]] = []  # of the last ``process`` call
        self._states: OrderedDict[str, ConversationState] = OrderedDict()

    def state(self, message: Message) -> ConversationState:
        key = f"{message.source}\x00{message.conversation.id}"
        st = self._states.get(key)
        if st is None:
            st = ConversationState()
            for member in message.conversation.members:
                if member:
                    st.participants.setdefault(f"member:{member}", member)
            self._states[key] = st
            if len(self._states) > MAX_CONVERSATIONS:
                self._states.popitem(last=False)
        else:
            self._states.move_to_end(key)
        return st

    def process(self, message: Message, found: list[Detection]) -> list[Detection]:
        """Detections of the context rules for ``message``; then remember the message."""
        st = self.state(message)
        extra: list[Detection] = []
        self.failures = []
        for rule in self.rules:
            try:
                extra.extend(rule.detect(message, st, found))
            except Exception as exc:
                if self.debug:
                    raise
                log.warning("context rule %s failed: %s", rule.name, type(exc).__name__)
                self.failures.append((rule.name, type(exc).__name__))
        extra = outside_redactions(extra, message.text)
        if message.author.name:
            st.participants.setdefault(message.author.id or message.author.name, message.author.name)
        st.recent.append(Recent(message, tuple(found) + tuple(extra)))
        return extra


def default_rules() -> tuple[ContextRule, ...]:
    """The registered context rules, in order (explicit, like the reader registry)."""
    from scanner.context.answers import AnswerToPasswordQuestion, SecretAfterAnnouncement
    from scanner.context.identifier_answers import AnswerToIdentifierQuestion
    from scanner.context.participants import MemberMentions, ParticipantNames

    return (
        ParticipantNames(),
        MemberMentions(),
        AnswerToPasswordQuestion(),
        AnswerToIdentifierQuestion(),
        SecretAfterAnnouncement(),
    )
