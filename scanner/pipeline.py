"""The scan pipeline: inputs → messages → detections → findings → ScanResult.

Knows nothing of the command line. Streams messages in batches; what it keeps grows with
the number of distinct findings (each keeps at most ``MAX_OCCURRENCES`` places and counts
the rest), not with the size of the export. Message text is never logged, and raw values
are dropped once masked and fingerprinted (unless the caller asked for values to be shown).

One record never ends a scan: strings are scrubbed of lone surrogates, a message whose
analysis raises is retried alone and else listed as skipped, and a failing context rule
loses only its own detections. Identifiers in author, conversation and file names are
findings too, and are masked wherever those names appear in the result.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from recognizers.catalogue import info
from scanner import __version__
from scanner.allowlist import AllowMatcher, notice
from scanner.analyzer import AnalyzerConfig, ChatAnalyzer, Detection, merge_detections, route_languages
from scanner.checkpoint import Checkpoint, Partial
from scanner.context import ChatContext, default_rules
from scanner.details import statement_detail
from scanner.errors import ChatsweepError, NothingReadError, ReaderError
from scanner.execution import Backend, Done, Pending, choose
from scanner.exposure import Room, conversations, occurrence_severity
from scanner.keys import resolve_key
from scanner.masking import fingerprint, key_id, mask
from scanner.model import (
    PART_ATTACHMENT_NAME,
    PART_FILE_METADATA,
    PART_LINK,
    PART_TEXT,
    AttachmentRecord,
    Category,
    Finding,
    InputSummary,
    Likelihood,
    Message,
    MessageKind,
    Occurrence,
    ScanResult,
    Severity,
    Skipped,
    TextPart,
)
from scanner.permalinks import for_message as permalink_for
from scanner.readers import detect
from scanner.readers.base import Reader, Source
from scanner.remediation import remedy
from scanner.settings import Settings
from scanner.snippets import Span, snippet
from scanner.subjects import Linker, Mention
from scanner.subjects import build as build_subjects

log = logging.getLogger(__name__)

BATCH = 256

# Occurrences kept per finding; the rest are counted (``Finding.omitted_occurrences``). A value
# pasted into every message of a bot channel would otherwise grow memory and the report with
# the export (40,000 repeats: hundreds of MB). A thousand places is more than anyone reviews
# by hand and enough for a DPO to see the pattern; the count stays exact.
MAX_OCCURRENCES = 1_000
# Past the cap, the first occurrence in each conversation not yet shown is still kept (up to
# this many more), so the per-conversation view of the report does not lose conversations.
MAX_EXTRA_CONVERSATIONS = 1_000

# Identifiers looked for in author, conversation and file names (WhatsApp names an unsaved
# contact by their phone number; Teams authors are e-mail addresses). Not names, places,
# health terms or context-dependent shapes (driver licences, plates, passwords): a display
# name is short and has no context, so those would mostly be noise.
NAME_ENTITIES = frozenset(
    {
        "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_PASSPORT",
        "UK_NHS", "UK_NINO", "CN_RESIDENT_ID", "CN_BANK_CARD", "CN_PASSPORT", "HK_ID", "TW_ID",
        "MO_ID", "CN_TRAVEL_PERMIT", "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID", "CN_USCC",
    }
)  # fmt: skip
# Not looked for in file names: a person or place name there has no sentence around it, and
# the NER model takes "Screenshot" or "Minutes" for one (identifiers are looked for).
NOT_IN_FILE_NAMES = frozenset({"PERSON", "LOCATION"})
# Distinct names remembered with their analysis; past this the oldest are forgotten (and
# analysed again if they come back: the same answer, so results do not depend on it).
NAME_CACHE = 20_000
# Distinct message texts remembered with their detections (bot notices, forwards, pasted
# announcements, "ok", "thanks" are analysed once); past this the least recently used are
# forgotten. An entry is a 16-byte digest and the text's detections (offsets into the text,
# so valid for any identical text): tens of MB at most, whatever the export's size.
TEXT_CACHE = 50_000
# Attachments listed per input; the rest are counted (``InputSummary.attachments_omitted``).
MAX_ATTACHMENTS = 1_000
# Every identifier entity above has a digit or an "@": names without either skip analysis.
_MAYBE_IDENTIFIER = re.compile(r"[@＠\d]")
# The position at the end of a location (line, JSON pointer) is not part of the file name.
_POSITION = re.compile(r"(?:#[^#]*|(?::L?\d+)+)\Z", re.DOTALL)
_SURROGATE = re.compile("[\ud800-\udfff]")

# Entities reported once per message that states them (special categories of data, scams),
# whichever words state it: the same words in two messages are two findings.
PER_STATEMENT = frozenset({"HEALTH_INFO", "SPECIAL_CATEGORY", "FRAUD_INDICATOR"})
PART_AUTHOR = "author"
PART_CONVERSATION = "conversation"
PART_FILE = "file name"


def scrub(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, same length (offsets hold).

    JSON escapes such as ``"\\ud800"`` decode to code points that cannot be encoded as UTF-8:
    one of them would fail the fingerprint or the report of a whole scan.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _dirty(*values: str | None) -> bool:
    return any(v is not None and _SURROGATE.search(v) is not None for v in values)


def scrub_message(m: Message) -> Message:
    """``m`` with every string scrubbed (see ``scrub``); ``m`` itself when nothing needs it."""
    changes: dict[str, object] = {}
    for name in ("platform", "source", "location", "message_id", "text", "thread_id", "reply_to"):
        value = getattr(m, name)
        if value is not None and _SURROGATE.search(value):
            changes[name] = scrub(value)
    c = m.conversation
    if _dirty(c.id, c.name, *c.members):
        changes["conversation"] = replace(
            c, id=scrub(c.id), name=scrub(c.name), members=tuple(scrub(x) for x in c.members)
        )
    if _dirty(m.author.id, m.author.name):
        changes["author"] = replace(m.author, id=scrub(m.author.id), name=scrub(m.author.name))
    if any(_dirty(a.name, a.mime, a.path) for a in m.attachments):
        changes["attachments"] = tuple(
            replace(
                a,
                name=scrub(a.name),
                mime=scrub(a.mime) if a.mime is not None else None,
                path=scrub(a.path) if a.path is not None else None,
            )
            for a in m.attachments
        )
    if any(_dirty(p.name, p.text, p.location) for p in m.parts):
        changes["parts"] = tuple(TextPart(scrub(p.name), scrub(p.text), scrub(p.location)) for p in m.parts)
    return replace(m, **changes) if changes else m  # type: ignore[arg-type]


class TextCache:
    """Detections of texts already analysed, least recently used forgotten past ``size``.

    Keyed by a keyed 16-byte BLAKE2b digest of the text and the languages it is analysed in
    (the analyzer's configuration is fixed for a scanner), so the texts themselves are not
    kept and a crafted text cannot aim at another's entry. ``size`` 0 keeps nothing.
    """

    def __init__(self, size: int = TEXT_CACHE) -> None:
        self.size = size
        self._key = os.urandom(16)
        self._entries: OrderedDict[bytes, tuple[Detection, ...]] = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def key(self, text: str, languages: tuple[str, ...] | None) -> bytes:
        h = hashlib.blake2b(key=self._key, digest_size=16)
        h.update(",".join(languages or ()).encode())
        h.update(b"\0")
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.digest()

    def get(self, key: bytes) -> list[Detection] | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return list(found)

    def put(self, key: bytes, detections: list[Detection]) -> None:
        if self.size <= 0:
            return
        self._entries[key] = tuple(detections)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


# (messages done, current input, bytes read so far, total bytes of all inputs)
ProgressHook = Callable[[int, str, int, int], None]
# (message, part name — "text" or a ``TextPart.name`` —, the part's location, its final
# detections: offsets into that part's text). Called once per analysed part; what a redacted
# copy patches. Detections are those of the analyzer and the context rules, before the
# entity and confidence filters of the report.
DetectionsHook = Callable[[Message, str, str, Sequence[Detection]], None]
# What goes to a backend for one message: its text and the analyzers' languages.
_Item = tuple[str, tuple[str, ...] | None]


@dataclass(slots=True)
class _Sent:
    """A batch in flight: its messages, and where each one's detections come from.

    ``plan[i]`` is the message's detections when the text cache had them, an index into
    ``items`` (the distinct texts sent to the backend), or ``None`` when an earlier batch
    still in flight is analysing the same text (its result is in the cache by the time this
    batch is collected, batches being collected in order).
    """

    messages: list[Message]
    plan: list[list[Detection] | int | None]
    keys: list[bytes]  # the cache key of each item
    items: list[_Item]
    pending: Pending
    # (message index, part index or -1 for the text, text analysed, where the part starts in
    # it) of each entry of ``plan``
    units: list[tuple[int, int, str, int]] = field(default_factory=list)
    parts: list[tuple[TextPart, ...]] = field(default_factory=list)  # of each message


@dataclass(slots=True)
class _Acc:
    """A finding being built: the best detection so far and every occurrence."""

    entity: str
    fingerprint: str
    preview: str
    value: str | None
    score: float
    explanation: str
    occurrences: list[Occurrence] = field(default_factory=list)
    first_seen: int = 0
    omitted: int = 0  # occurrences past the cap: counted, not kept
    # (input, conversation id) of the kept occurrences, to keep one per conversation past the
    # cap: the one pair itself while there is one (most values are seen in one conversation)
    where: tuple[str, str] | set[tuple[str, str]] | None = None

    def seen_in(self, where: tuple[str, str]) -> bool:
        return where == self.where if isinstance(self.where, tuple) else where in (self.where or ())

    def keep_in(self, where: tuple[str, str]) -> None:
        if self.where is None:
            self.where = where
        elif isinstance(self.where, tuple):
            if where != self.where:
                self.where = {self.where, where}
        else:
            self.where.add(where)


@dataclass(frozen=True, slots=True)
class _Name:
    """An author, conversation or file name as reports show it, and the identifiers in it."""

    shown: str  # identifiers masked (clear with --show-values)
    hits: tuple[Detection, ...]  # offsets into the name
    masked: tuple[tuple[str, str], ...] = ()  # (value, masked preview), to hide them in ids too


@dataclass(frozen=True, slots=True)
class _Shown:
    """The names of one message as an occurrence carries them."""

    input: str
    location: str
    conversation: str
    conversation_id: str
    author: str
    author_id: str


class Scanner:
    """Runs scans with one analyzer (built once: loading models is the slow part)."""

    def __init__(
        self,
        settings: Settings,
        analyzer: ChatAnalyzer | None = None,
        cluster: object | None = None,
        text_cache: int = TEXT_CACHE,
        on_detections: DetectionsHook | None = None,
    ) -> None:
        """``text_cache``: distinct texts whose detections are remembered (0: none; the
        report is the same either way, only the time differs). ``on_detections`` is told
        every message part's final detections (see ``DetectionsHook``)."""
        self.settings = settings
        self.text_cache = text_cache
        self.on_detections = on_detections
        self._cluster = cluster if cluster is not None else settings.cluster
        self.analyzer = analyzer or ChatAnalyzer(
            AnalyzerConfig(
                ner=settings.ner,
                model=settings.model,
                languages=settings.languages,
                entities=settings.entities,
                custom_terms=settings.custom_terms,
                custom_patterns=settings.custom_patterns,
            )
        )

    _backend: Backend

    def scan(
        self,
        paths: Iterable[Path],
        progress: ProgressHook | None = None,
        exclude: Collection[Path] = (),
        checkpoint: Checkpoint | None = None,
    ) -> ScanResult:
        """Scan ``paths``; files and folders in ``exclude`` (our own outputs) are never read.

        With ``checkpoint`` the state is saved as the scan goes, and a loaded checkpoint is
        resumed: finished inputs are skipped, the unfinished one continues where it stopped."""
        started = datetime.now(UTC)
        t0 = time.perf_counter()
        state = _ScanState(self.settings, self.analyzer, self.text_cache)
        inputs: list[InputSummary] = []
        plan: list[tuple[Source, Reader]] = []
        for path in paths:
            try:
                detected, unreadable = detect(path, self.settings.input_format, exclude)
            except ReaderError as exc:
                # The report lists it and the CLI says it once; a warning here would repeat it.
                log.info("input not read: %s", exc.reason)
                shown = state.mask_path(scrub(str(path)))
                inputs.append(
                    InputSummary(shown, "unknown", 0, (state.mask_skipped(exc.location, exc.reason),))
                )
                continue
            if unreadable:
                shown = state.mask_path(scrub(str(path)))
                inputs.append(
                    InputSummary(
                        shown,
                        "unrecognised",
                        0,
                        tuple(state.mask_skipped(u.location, u.reason) for u in unreadable),
                    )
                )
            plan.extend(detected)
        state.bytes_total = sum(source.total_bytes for source, _ in plan)
        first = checkpoint.restore(state, inputs) if checkpoint else 0
        self._backend = choose(self.analyzer, self.settings.workers, self._cluster, state.bytes_total)
        try:
            for index, (source, reader) in enumerate(plan):
                if index < first:
                    continue  # finished before the interruption
                inputs.append(self._scan_input(source, reader, state, progress, checkpoint, index, inputs))
                state.bytes_done += source.total_bytes
                if checkpoint and checkpoint.due(state.messages, within_entry=False):
                    checkpoint.save(state, inputs, index + 1)
        finally:
            self._backend.close()
        backend_name, workers = self._backend.name, self._backend.workers
        if not inputs or all(i.messages == 0 and i.system_messages == 0 and i.skipped for i in inputs):
            reasons = "; ".join(f"{s.location}: {s.reason}" for i in inputs for s in i.skipped[:1])
            raise NothingReadError(f"nothing could be read ({reasons or 'no input'})")
        hits, misses = state.texts.hits, state.texts.misses
        state.release()  # the caches of the reading are not needed to build the result
        findings = state.findings()
        subjects = build_subjects(findings, state.people)
        rooms = conversations(findings, state.rooms, subjects)
        log.info(
            "scanned %d messages in %.2fs: %d findings",
            state.messages,
            time.perf_counter() - t0,
            len(findings),
        )
        if hits:
            log.info("%d messages repeated a text analysed before; %d distinct texts analysed", hits, misses)
        notices = []
        if not self.settings.ner:
            notices.append("Person and place names were not scanned by an NER model (--no-ner).")
        allowed_options, allowed_notices = state.allowed_summary()
        notices.extend(allowed_notices)
        return ScanResult(
            tool_name="chatsweep",
            tool_version=__version__,
            inputs=tuple(inputs),
            # Counted as the inputs table counts them: every message analysed, system ones included.
            messages_scanned=sum(i.messages + i.system_messages for i in inputs),
            started_at=started,
            finished_at=datetime.now(UTC),
            languages=dict(sorted(state.languages.items())),
            models=dict(self.analyzer.models),
            options={
                **self.settings.public_options(),
                "backend": backend_name,
                "workers": workers,
                **allowed_options,
            },
            findings=findings,
            show_values=self.settings.show_values,
            notices=tuple(notices),
            key_id=key_id(resolve_key(self.settings)),
            subjects=subjects,
            conversations=rooms,
        )

    def _scan_input(
        self,
        source: Source,
        reader: Reader,
        state: _ScanState,
        progress: ProgressHook | None,
        checkpoint: Checkpoint | None = None,
        index: int = 0,
        inputs: Sequence[InputSummary] = (),
    ) -> InputSummary:
        display = state.mask_path(scrub(source.display))
        state.current = index
        log.info("reading %s as %s", display, reader.name)
        source.meter.n = 0  # sniffing read some heads; count the real read only
        # Where a resumed scan left this input: the reader's items counted before are re-read only.
        resumed = (checkpoint.partial(index) if checkpoint else None) or Partial(0)
        skipped: list[Skipped] = list(resumed.skipped)
        # Messages whose analysis failed, in message order; kept apart from the reader's skips
        # because when a batch is collected depends on the backend, and the report must not.
        failed: list[Skipped] = list(resumed.failed)
        users, systems = resumed.users, resumed.systems
        if not resumed.consumed:
            state.attachments, state.attachments_omitted = [], 0
        consumed = 0
        batch: list[Message] = []
        # Batches in flight, consumed in order; bounded so memory stays flat.
        inflight: deque[_Sent] = deque()
        limit = 2 * self._backend.workers
        for item in self._guarded(reader, source, skipped):
            consumed += 1
            if consumed <= resumed.consumed:
                continue
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            item = scrub_message(item)
            if item.kind is MessageKind.SYSTEM:
                systems += 1
            else:
                users += 1
            batch.append(item)
            if len(batch) >= BATCH:
                inflight.append(self._submit(batch, state))
                batch = []
                while len(inflight) >= limit:
                    self._collect(inflight.popleft(), state, failed)
                if checkpoint and checkpoint.due(state.messages):
                    while inflight:
                        self._collect(inflight.popleft(), state, failed)
                    checkpoint.save(state, inputs, index, Partial(consumed, skipped, failed, users, systems))
                if progress:
                    done = state.bytes_done + min(source.meter.n, source.total_bytes)
                    progress(state.messages, display, done, state.bytes_total)
        if batch:
            inflight.append(self._submit(batch, state))
        while inflight:
            self._collect(inflight.popleft(), state, failed)
        if progress:
            progress(state.messages, display, state.bytes_done + source.total_bytes, state.bytes_total)
        encoding = ", ".join(sorted(source.encodings)) or None
        unread = tuple(state.mask_skipped(s.location, s.reason) for s in skipped) + tuple(failed)
        # Messages whose analysis failed are listed as skipped, not counted as scanned.
        lost = state.unscanned.pop(index, [0, 0])
        return InputSummary(
            display,
            reader.name,
            users - lost[0],
            unread,
            systems - lost[1],
            encoding,
            tuple(state.attachments),
            state.attachments_omitted,
        )

    def _guarded(self, reader: Reader, source: Source, skipped: list[Skipped]) -> Iterator[Message | Skipped]:
        """The reader's stream; a reader that fails mid-way loses only the rest of that input."""
        try:
            yield from reader.read(source)
        except ReaderError as exc:
            skipped.append(Skipped(exc.location, exc.reason))
        except ChatsweepError:
            raise
        except Exception as exc:  # a reader bug must not lose the other inputs
            if self.settings.debug:
                raise
            log.error("reader %s failed: %s", reader.name, type(exc).__name__)
            skipped.append(
                Skipped(source.display, f"reader error ({type(exc).__name__}); rest of input not read")
            )

    def _submit(self, batch: list[Message], state: _ScanState) -> _Sent:
        """Sends the batch's texts not analysed before (each distinct text once): every
        message's text, then the text parts of each (``message_parts``)."""
        cache = state.texts
        languages = self.analyzer.config.languages
        plan: list[list[Detection] | int | None] = []
        keys: list[bytes] = []
        items: list[_Item] = []
        sent: dict[bytes, int] = {}
        units: list[tuple[int, int, str, int]] = []
        parts: list[tuple[TextPart, ...]] = []

        def add(text: str, langs: tuple[str, ...]) -> None:
            if not langs:
                plan.append([])  # nothing to analyse (the analyzer skips blank text too)
            elif cache.size <= 0:
                plan.append(len(items))
                keys.append(b"")
                items.append((text, langs))
            elif (index := sent.get(key := cache.key(text, langs))) is not None:
                plan.append(index)
            elif key in state.analysing:
                plan.append(None)
            elif (found := cache.get(key)) is not None:
                cache.hits += 1
                plan.append(found)
            else:
                cache.misses += 1
                sent[key] = len(items)
                plan.append(len(items))
                keys.append(key)
                items.append((text, langs))

        for i, m in enumerate(batch):
            langs = route_languages(m.text, languages) if m.text.strip() else ()
            for lang in langs:
                state.languages[lang] = state.languages.get(lang, 0) + 1
            units.append((i, -1, m.text, 0))
            add(m.text, langs)
            extra = message_parts(m) if m.parts or m.attachments else ()
            parts.append(extra)
            for j, part in enumerate(extra):
                for text, shift in part_texts(part):
                    units.append((i, j, text, shift))
                    add(text, route_languages(text, languages) if text.strip() else ())
        state.analysing.update(keys)
        pending = self._backend.submit(items) if items else Done([])
        return _Sent(batch, plan, keys, items, pending, units, parts)

    def _collect(self, sent: _Sent, state: _ScanState, failed: list[Skipped]) -> None:
        """Findings of a batch, in message order. One message that cannot be analysed is
        recorded as skipped (its location, the exception type) and the scan goes on."""
        results: Sequence[list[Detection] | Exception]
        try:
            results = list(sent.pending.result())
        except Exception as exc:
            if self.settings.debug:
                raise
            log.warning(
                "analysis of a batch failed (%s); retrying its messages one by one", type(exc).__name__
            )
            results = [self._analyse_one(item) for item in sent.items]
        if len(results) != len(sent.items):
            raise ValueError("the backend returned a result per text it was not given")
        for key, result in zip(sent.keys, results, strict=True):
            state.analysing.discard(key)
            if not isinstance(result, Exception):
                state.texts.put(key, result)
        texts: list[list[Detection] | Exception] = [[] for _ in sent.messages]
        in_parts: dict[tuple[int, int], list[Detection] | Exception] = {}
        for (i, j, text, shift), source in zip(sent.units, sent.plan, strict=True):
            detections: list[Detection] | Exception
            if isinstance(source, int):
                found = results[source]
                detections = found if isinstance(found, Exception) else list(found)
            elif source is None:
                # Analysed by an earlier batch: in the cache, unless it failed or was forgotten.
                item = (text, route_languages(text, self.analyzer.config.languages))
                cached = state.texts.get(state.texts.key(*item))
                detections = cached if cached is not None else self._analyse_one(item)
            else:
                detections = source
            if j < 0:
                texts[i] = detections
                continue
            if shift and not isinstance(detections, Exception):
                detections = [
                    replace(d, start=d.start - shift, end=d.end - shift)
                    for d in detections
                    if d.start >= shift
                ]
            # A part scanned as two texts (an attachment name as is and with its words apart):
            # the detections of both, merged.
            earlier = in_parts.get((i, j))
            if earlier is None or isinstance(detections, Exception):
                in_parts[(i, j)] = detections
            elif not isinstance(earlier, Exception):
                in_parts[(i, j)] = merge_detections(earlier + detections)
        for i, message in enumerate(sent.messages):
            self._record(message, texts[i], state, failed)
            for j, part in enumerate(sent.parts[i]):
                found = in_parts.get((i, j), [])
                if part.name == PART_ATTACHMENT_NAME and not isinstance(found, Exception):
                    found = in_parts[(i, j)] = [d for d in found if d.entity not in NOT_IN_FILE_NAMES]
                self._record_part(message, part, found, state, failed)
            if message.attachments:
                state.list_attachments(
                    message,
                    sent.parts[i],
                    texts[i],
                    [in_parts.get((i, j), []) for j in range(len(sent.parts[i]))],
                )

    def _record(
        self,
        message: Message,
        detections: list[Detection] | Exception,
        state: _ScanState,
        failed: list[Skipped],
    ) -> None:
        """One message's findings: its detections and the chat-context rules' additions."""
        if isinstance(detections, Exception):
            where = state.mask_location(message.location)
            failed.append(Skipped(where, f"analysis failed ({type(detections).__name__})"))
            state.lose(message)
            return
        try:
            extra = state.context.process(message, detections)
            for rule, error in state.context.failures:
                where = state.mask_location(message.location)
                failed.append(Skipped(where, f"context rule {rule} failed ({error}); scanned without it"))
            shown = state.names(message)
            found = merge_detections(detections + extra) if extra else detections
            seen = found
            if message.kind is MessageKind.SYSTEM:
                # "李强 joined the group", "ron added to the channel by harry": the names in a
                # member event are the export's own member records, not something posted
                # (still masked in the snippets of whatever else the message holds).
                found = [d for d in found if d.entity != "PERSON"]
            state.add(message, found, shown, context=seen)
            if self.on_detections is not None:
                self.on_detections(message, PART_TEXT, message.location, found)
        except Exception as exc:
            if self.settings.debug:
                raise
            log.warning("analysis failed on a message: %s", type(exc).__name__)
            where = state.mask_location(message.location)
            failed.append(Skipped(where, f"analysis failed ({type(exc).__name__})"))
            state.lose(message)
            return
        state.messages += 1

    def _record_part(
        self,
        message: Message,
        part: TextPart,
        detections: list[Detection] | Exception,
        state: _ScanState,
        failed: list[Skipped],
    ) -> None:
        """Findings of one text part of a message: offsets into the part, located where the
        part lies. The conversation rules (answers, mentions) read the flow of messages, so
        they run on the message's text only."""
        if isinstance(detections, Exception):
            where = state.mask_location(part.location)
            failed.append(Skipped(where, f"analysis of its {part.name} failed ({type(detections).__name__})"))
            return
        if not detections:
            return
        try:
            shown = replace(state.names(message), location=state.mask_location(part.location))
            found = detections
            if message.kind is MessageKind.SYSTEM:
                found = [d for d in found if d.entity != "PERSON"]
            state.add(replace(message, text=part.text), found, shown, part.name, context=detections)
            if self.on_detections is not None:
                self.on_detections(message, part.name, part.location, found)
        except Exception as exc:
            if self.settings.debug:
                raise
            log.warning("analysis failed on a part of a message: %s", type(exc).__name__)
            where = state.mask_location(part.location)
            failed.append(Skipped(where, f"analysis of its {part.name} failed ({type(exc).__name__})"))

    def _analyse_one(self, item: _Item) -> list[Detection] | Exception:
        """One message's detections, or the exception its analysis raised."""
        try:
            return self._backend.submit([item]).result()[0]
        except Exception as exc:
            if self.settings.debug:
                raise
            log.warning("analysis failed on a message: %s", type(exc).__name__)
            return exc


class _ScanState:
    """Everything a scan carries from one message to the next, bounded (see the module docstring).

    Picklable, to checkpoint a scan: the settings (they may hold the fingerprint key), the
    analyzer, the key and the texts in flight are left out (``__getstate__``); whoever
    restores a state sets ``settings`` and ``analyzer`` again, and the key is resolved again
    on first use, so it is never written to a checkpoint.
    """

    def __init__(self, settings: Settings, analyzer: ChatAnalyzer, text_cache: int = TEXT_CACHE) -> None:
        self.settings = settings
        self.analyzer = analyzer
        self.texts = TextCache(text_cache)
        # Keys of texts sent to the backend whose results are not collected yet.
        self.analysing: set[bytes] = set()
        self.messages = 0
        self.bytes_done = 0
        self.bytes_total = 0
        self.context = ChatContext(default_rules(), debug=settings.debug)
        self.languages: dict[str, int] = {}
        self._acc: dict[str, _Acc] = {}
        self._order = 0
        self._names: dict[str, _Name] = {}
        # (part, name, input, conversation id) whose identifiers are already findings: a name
        # is one occurrence per conversation (or file), not one per message posted under it.
        self._named: set[tuple[str, ...]] = set()
        # (source, file, author name and id, conversation name and id) -> how they are shown
        self._shown: dict[tuple[str, ...], tuple[_Shown, str, bool]] = {}
        # One (input, conversation id) pair per conversation, shared by its findings.
        self._where: dict[tuple[str, str], tuple[str, str]] = {}
        self._key: bytes | None = None
        self._allow: AllowMatcher | None = None
        # Fingerprints the allow-list kept out (distinct values), and their occurrences.
        self.allowed: set[str] = set()
        self.allowed_occurrences = 0
        # The attachments of the input being read (at most ``MAX_ATTACHMENTS``), and how many more.
        self.attachments: list[AttachmentRecord] = []
        self.attachments_omitted = 0
        self._init_report_state()

    def _init_report_state(self) -> None:
        # Who the findings belong to (bounded by distinct findings and authors).
        self.people = Linker()
        # Conversations holding findings, by (input, conversation id) as reports show them.
        self.rooms: dict[tuple[str, str], Room] = {}
        # Messages of each input (by index) whose analysis failed: [user, system].
        self.unscanned: dict[int, list[int]] = {}
        self.current = 0  # the index of the input being read
        # Authors' name keys and masked labels, by name as shown.
        self._authors: dict[str, tuple[str, str]] = {}

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.update(settings=None, analyzer=None, _key=None, analysing=set(), _allow=None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    @property
    def key(self) -> bytes:
        """The fingerprint key (resolved on first use: a scan that finds nothing makes none)."""
        if self._key is None:
            self._key = resolve_key(self.settings)
        return self._key

    @property
    def allow(self) -> AllowMatcher | None:
        """The config's allow-list for this scan (None without one)."""
        if self._allow is None and self.settings.allow:
            self._allow = AllowMatcher(self.settings.allow, self.key)
        return self._allow

    # --- names: authors, conversations, files ---------------------------------------------

    def name(self, text: str) -> _Name:
        """``text`` analysed for identifiers (cached per distinct string)."""
        found = self._names.get(text)
        if found is None:
            found = self._analyse_name(text)
            if len(self._names) >= NAME_CACHE:
                del self._names[next(iter(self._names))]
            self._names[text] = found
        return found

    def _analyse_name(self, text: str) -> _Name:
        if not _MAYBE_IDENTIFIER.search(text):
            return _Name(text, ())
        try:
            found = self.analyzer.analyze_batch([(text, None)])[0]
        except Exception as exc:
            if self.settings.debug:
                raise
            log.warning("analysis of a name failed: %s", type(exc).__name__)
            return _Name(text, ())
        wanted = self.settings.entities
        hits = tuple(d for d in found if d.entity in NAME_ENTITIES and (not wanted or d.entity in wanted))
        if not hits or self.settings.show_values:
            return _Name(text, hits)
        shown = text
        masked = []
        for d in sorted(hits, key=lambda d: d.start, reverse=True):
            value = text[d.start : d.end]
            preview = mask(d.entity, value, info(d.entity).category)
            shown = shown[: d.start] + preview + shown[d.end :]
            masked.append((value, preview))
        return _Name(shown, hits, tuple(masked))

    def _hide_id(self, text: str, name: _Name) -> str:
        """An author or conversation id with the identifiers of its name masked in it too.

        Ids are not analysed for findings (numeric chat ids would pass for phone numbers),
        except that one holding an "@" has its e-mail addresses masked (Teams, Google Chat).
        """
        if "@" in text or "＠" in text:
            text = self.name(text).shown
        for value, preview in name.masked:
            text = text.replace(value, preview)
        return text

    def mask_path(self, path: str) -> str:
        return self.name(path).shown

    def mask_location(self, location: str) -> str:
        """A location with identifiers in its file part masked (the line or pointer kept)."""
        path, position = _split_location(location)
        return self.name(path).shown + position

    def mask_skipped(self, location: str, reason: str) -> Skipped:
        return Skipped(self.mask_location(scrub(location)), scrub(reason))

    def names(self, message: Message) -> _Shown:
        """The message's names as reports show them; identifiers in them become findings."""
        path, position = _split_location(message.location)
        author, conversation = message.author, message.conversation
        key = (message.source, path, author.name, author.id, conversation.name, conversation.id)
        known = self._shown.get(key)
        if known is None:
            if len(self._shown) >= NAME_CACHE:
                del self._shown[next(iter(self._shown))]
            known = self._shown[key] = self._show(message, path)
        shown, file, named = known
        if position:
            shown = _Shown(
                shown.input,
                file + position,
                shown.conversation,
                shown.conversation_id,
                shown.author,
                shown.author_id,
            )
        if named:
            where = (message.source, conversation.id)
            for part, name, text, scope in (
                (PART_AUTHOR, self.name(author.name), author.name, where),
                (PART_CONVERSATION, self.name(conversation.name), conversation.name, where),
                (PART_FILE, self.name(path), path, ()),
            ):
                if name.hits and (seen := (part, text, *scope)) not in self._named:
                    self._named.add(seen)
                    self.add(replace(message, text=text), list(name.hits), shown, part)
        return shown

    def _show(self, message: Message, path: str) -> tuple[_Shown, str, bool]:
        """The names of messages posted by one author in one conversation of one file: as shown
        (location without its position), the file name as shown, whether any holds an identifier."""
        file = self.name(path)
        author = self.name(message.author.name)
        conversation = self.name(message.conversation.name)
        shown = _Shown(
            input=self.name(message.source).shown,
            location=file.shown,
            conversation=conversation.shown,
            conversation_id=self._hide_id(message.conversation.id, conversation),
            author=author.shown,
            author_id=self._hide_id(message.author.id, author),
        )
        return shown, file.shown, bool(file.hits or author.hits or conversation.hits)

    # --- attachments ----------------------------------------------------------------------

    def list_attachments(
        self,
        message: Message,
        parts: Sequence[TextPart],
        text: list[Detection] | Exception,
        found: Sequence[list[Detection] | Exception],
    ) -> None:
        """The message's attachments as the report lists them: the name with what was found in
        it masked, where it lies (the name's own location when the export gives one)."""
        for attachment in message.attachments:
            if len(self.attachments) >= MAX_ATTACHMENTS:
                self.attachments_omitted += 1
                continue
            hits: list[Detection] | Exception = []
            location = message.location
            if attachment.name == message.text:
                hits = text
            for part, detections in zip(parts, found, strict=True):
                if part.text == attachment.name:
                    hits, location = detections, part.location
                    break
            name = attachment.name
            if not isinstance(hits, Exception):
                name = self.masked(name, hits)
            self.attachments.append(
                AttachmentRecord(
                    name=name,
                    message_id=message.message_id,
                    location=self.mask_location(location),
                    mime=attachment.mime,
                    size=attachment.size,
                    inspected=False,
                )
            )

    def masked(self, text: str, detections: Sequence[Detection]) -> str:
        """``text`` with the values of ``detections`` masked (as is with --show-values)."""
        if self.settings.show_values:
            return text
        wanted = self.settings.entities
        shown, end = text, len(text) + 1
        for d in sorted(detections, key=lambda d: d.start, reverse=True):
            if (wanted and d.entity not in wanted) or d.score < self.settings.min_confidence or d.end > end:
                continue
            preview = mask(d.entity, text[d.start : d.end], info(d.entity).category)
            shown, end = shown[: d.start] + preview + shown[d.end :], d.start
        return shown

    # --- findings -------------------------------------------------------------------------

    def add(
        self,
        message: Message,
        detections: list[Detection],
        shown: _Shown,
        part: str = PART_TEXT,
        context: Sequence[Detection] | None = None,
    ) -> None:
        """Occurrences of ``detections``, whose offsets are into ``message.text`` (the part).

        ``context``: every value detected in the part (default ``detections``), masked in
        the occurrences' snippets whether or not it is a finding."""
        wanted = self.settings.entities
        where: tuple[str, str] | None = None
        spans = [Span(d.start, d.end, d.entity) for d in (detections if context is None else context)]
        masked: dict[tuple[str, str], str] = {}  # each value of the part masked once

        def masker(entity: str, value: str) -> str:
            shown = masked.get((entity, value))
            if shown is None:
                shown = masked[entity, value] = _mask_any(entity, value)
            return shown

        mentions: list[Mention] = []
        system = message.kind is MessageKind.SYSTEM
        conversation = message.conversation
        for d in detections:
            if wanted and d.entity not in wanted:
                continue
            entry = info(d.entity)
            value = message.text[d.start : d.end]
            if d.entity in PER_STATEMENT:
                # The statement is what leaks ("diagnosed with diabetes" of 400 patients is 400
                # findings, not one word): the message names the finding, never its words, and
                # not where the export lies (a baseline made on a copy elsewhere still matches).
                statement = f"{message.conversation.id}\x00{message.message_id}\x00{part}"
                fp = fingerprint(d.entity, statement, self.key)
            else:
                fp = fingerprint(d.entity, value, self.key)
            if self.settings.allow is not None and self._allowed(d.entity, value, fp, message):
                continue
            acc = self._acc.get(fp)
            if acc is None:
                self._order += 1
                acc = _Acc(
                    entity=sys.intern(d.entity),
                    fingerprint=fp,
                    preview=mask(d.entity, value, entry.category),
                    value=value if self.settings.show_values else None,
                    score=d.score,
                    explanation=sys.intern(d.explanation),
                    first_seen=self._order,
                )
                self._acc[fp] = acc
            elif d.score > acc.score:
                acc.score, acc.explanation = d.score, sys.intern(d.explanation)
            if entry.category == Category.PERSONAL.value:
                mentions.append(Mention(fp, acc.entity, d.start))
            if where is None:
                key = (message.source, message.conversation.id)
                where = self._where.setdefault(key, key)
                room = (shown.input, shown.conversation_id)
                if room not in self.rooms:
                    self.rooms[room] = Room(
                        shown.input,
                        shown.conversation,
                        shown.conversation_id,
                        conversation.kind.value,
                        conversation.member_count,
                        conversation.external_members,
                    )
            if len(acc.occurrences) >= MAX_OCCURRENCES and (
                acc.seen_in(where) or len(acc.occurrences) >= MAX_OCCURRENCES + MAX_EXTRA_CONVERSATIONS
            ):
                acc.omitted += 1
                continue
            acc.keep_in(where)
            acc.occurrences.append(
                Occurrence(
                    input=shown.input,
                    conversation=shown.conversation,
                    conversation_id=shown.conversation_id,
                    message_id=message.message_id,
                    # A system message (a member event, a platform notice) has no author who
                    # posted what it holds.
                    author="" if system else shown.author,
                    author_id="" if system else shown.author_id,
                    timestamp=message.timestamp.isoformat() if message.timestamp else None,
                    start=d.start,
                    end=d.end,
                    location=shown.location,
                    conversation_kind=conversation.kind.value,
                    audience=conversation.member_count,
                    part=part,
                    snippet=snippet(
                        message.text,
                        Span(d.start, d.end, d.entity),
                        spans,
                        masker,
                        show_value=self.settings.show_values,
                    ),
                    severity=occurrence_severity(
                        Severity(entry.severity),
                        conversation.kind.value,
                        conversation.member_count,
                        conversation.external_members,
                    ),
                    permalink=permalink_for(message, self.settings.slack_workspace),
                )
            )
        if mentions:
            self.people.part(mentions, *self._author(message, shown, part))

    def lose(self, message: Message) -> None:
        """Count a message of the current input whose analysis failed (it is not scanned)."""
        self.unscanned.setdefault(self.current, [0, 0])[message.kind is MessageKind.SYSTEM] += 1

    def _author(self, message: Message, shown: _Shown, part: str) -> tuple[str | None, str]:
        """The key and masked label of who posted this part, (None, "") when nobody did."""
        if message.kind is MessageKind.SYSTEM or part in (PART_CONVERSATION, PART_FILE):
            return None, ""
        name = shown.author or shown.author_id
        if not name:
            return None, ""
        known = self._authors.get(name)
        if known is None:
            if len(self._authors) >= NAME_CACHE:
                del self._authors[next(iter(self._authors))]
            # As a PERSON finding of the same name would be fingerprinted: the same person.
            known = self._authors[name] = (fingerprint("PERSON", name, self.key), mask("PERSON", name))
        return known

    def _allowed(self, entity: str, value: str, fp: str, message: Message) -> bool:
        allow = self.allow
        if allow is None:
            return False
        value_fp = fingerprint(entity, value, self.key) if entity in PER_STATEMENT else fp
        if not allow.allows(entity, value, fp, value_fp, message.author, message.conversation):
            return False
        self.allowed.add(fp)
        self.allowed_occurrences += 1
        return True

    def allowed_summary(self) -> tuple[dict[str, object], tuple[str, ...]]:
        """What the allow-list kept out of the findings: report options and notices (counts)."""
        if not self.settings.allow:
            return {}, ()
        counts = {"values": len(self.allowed), "occurrences": self.allowed_occurrences}
        return {"allowed": counts}, ((notice(*counts.values()),) if self.allowed else ())

    def release(self) -> None:
        """Forgets what only reading needed (analysed texts, names, the conversation rules'
        memory), so building the result does not hold it beside the findings."""
        self.texts = TextCache(0)
        self._names.clear()
        self._shown.clear()
        self._named.clear()
        self.context = ChatContext(default_rules(), debug=self.settings.debug)

    def findings(self) -> tuple[Finding, ...]:
        """The findings, sorted; each accumulator is dropped once its finding is built (at a
        million messages they would otherwise be held twice at the end of the scan)."""
        out: list[tuple[tuple[int, str, int], Finding]] = []
        while self._acc:
            _, acc = self._acc.popitem()
            if acc.score < self.settings.min_confidence:
                continue
            entry = info(acc.entity)
            severity = Severity(entry.severity)
            todo = remedy(acc.entity)
            finding = Finding(
                id=f"{entry.rule}-{acc.fingerprint[:12]}",
                rule=entry.rule,
                entity_type=acc.entity,
                category=Category(entry.category),
                severity=severity,
                confidence=round(acc.score, 2),
                likelihood=Likelihood.from_score(acc.score),
                preview=acc.preview,
                fingerprint=acc.fingerprint,
                explanation=acc.explanation,
                occurrences=tuple(acc.occurrences),
                value=acc.value,
                omitted_occurrences=acc.omitted,
                detail=statement_detail(acc.entity, acc.explanation) if acc.entity in PER_STATEMENT else None,
                action=todo.action,
                remediation=todo.en,
            )
            out.append(((severity.rank, acc.entity, acc.first_seen), finding))
        out.sort(key=lambda pair: pair[0])
        return tuple(f for _, f in out)


def _mask_any(entity: str, value: str) -> str:
    """A detected value as snippets show it: masked as a finding of its type would be."""
    return mask(entity, value, info(entity).category)


# File names glue words with "_" (not between digits: camera names are times), "-" between
# letters, and end in ".ext"; a copy with those as spaces (same length, offsets hold) lets
# recognizers see the words and the values apart. Other dots stay (e-mail addresses).
_NAME_GLUE = re.compile(r"(?<!\d)_|_(?!\d)|(?<=[^\W\d_])-(?=[^\W\d_])|\.(?=[^\W_]{1,5}\Z)")
# The name of the JSON field a part lies in (the last token of its pointer), and parts short
# enough to be analysed after it.
_FIELD_NAME = re.compile(r"#(?:/[^/]*)*/([A-Za-z][A-Za-z_]{1,40})\Z")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
MAX_LABELLED = 200
# Field names that say nothing of what the value is (a "name" may be a file's or a field's).
_GENERIC_FIELDS = frozenset(
    {"name", "title", "text", "value", "content", "description", "fallback", "pretext", "footer",
     "comment", "preview", "question", "message", "body", "caption", "path", "url"}
)  # fmt: skip
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def message_parts(m: Message) -> tuple[TextPart, ...]:
    """The text parts of ``m`` to analyse besides its text: the reader's parts, and the name of
    each attachment the reader did not give as a part (located at the message). A part whose
    text the message or an earlier part already holds is analysed once, there."""
    out: list[TextPart] = []
    seen = {m.text}
    for part in m.parts:
        if part.text.strip() and part.text not in seen:
            seen.add(part.text)
            out.append(part)
    for attachment in m.attachments:
        if attachment.name.strip() and attachment.name not in seen:
            seen.add(attachment.name)
            out.append(TextPart(PART_ATTACHMENT_NAME, attachment.name, m.location))
    return tuple(out)


def part_texts(part: TextPart) -> tuple[tuple[str, int], ...]:
    """The texts analysed for ``part``, each with where the part starts in it.

    A short part is analysed after the name of the field that holds it (``phone number:
    +44 …``): a bare value has no context words, the field's name gives them. A file name is
    also analysed as a copy with its words apart (``passport_John_Smith.pdf`` → ``passport
    John Smith pdf``)."""
    label = ""
    if len(part.text) <= MAX_LABELLED and (m := _FIELD_NAME.search(part.location)):
        label = _CAMEL.sub(" ", m[1]).replace("_", " ").lower()
        label = "" if label in _GENERIC_FIELDS else label + ": "
    text = part.text
    if part.name in (PART_FILE_METADATA, PART_LINK) and "%" in text:
        # Percent escapes as spaces: "minutes%202024-03-05.docx" holds a date, not a phone.
        text = _ESCAPE.sub("   ", text)
    texts = [(label + text, len(label))]
    if part.name == PART_ATTACHMENT_NAME:
        apart = _NAME_GLUE.sub(" ", part.text)
        if apart != part.text:
            texts.append((label + apart, len(label)))
    return tuple(texts)


def _split_location(location: str) -> tuple[str, str]:
    """(file part, position): ``a/chat.txt:12`` → (``a/chat.txt``, ``:12``)."""
    m = _POSITION.search(location)
    return (location[: m.start()], location[m.start() :]) if m else (location, "")
