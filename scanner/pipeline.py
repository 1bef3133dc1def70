"""The scan pipeline: inputs → messages → detections → findings → ScanResult.

Knows nothing of the command line. Streams messages in batches; what it keeps grows with
the number of distinct findings, not with the size of the export. Message text is never
logged, and raw values are dropped once masked and fingerprinted (unless the caller asked
for values to be shown).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from recognizers.catalogue import info
from scanner import __version__
from scanner.analyzer import AnalyzerConfig, ChatAnalyzer, Detection, merge_detections, route_languages
from scanner.context import ChatContext, default_rules
from scanner.errors import ChatsweepError, NothingReadError, ReaderError
from scanner.execution import Backend, Pending, choose
from scanner.keys import resolve_key
from scanner.masking import fingerprint, key_id, mask
from scanner.model import (
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
)
from scanner.readers import detect
from scanner.readers.base import Reader, Source
from scanner.settings import Settings

log = logging.getLogger(__name__)

BATCH = 256

# (messages done, current input, bytes read so far, total bytes of all inputs)
ProgressHook = Callable[[int, str, int, int], None]


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


class Scanner:
    """Runs scans with one analyzer (built once: loading models is the slow part)."""

    def __init__(
        self, settings: Settings, analyzer: ChatAnalyzer | None = None, cluster: object | None = None
    ) -> None:
        self.settings = settings
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
        self, paths: Iterable[Path], progress: ProgressHook | None = None, exclude: Collection[Path] = ()
    ) -> ScanResult:
        """Scan ``paths``; files and folders in ``exclude`` (our own outputs) are never read."""
        started = datetime.now(UTC)
        t0 = time.perf_counter()
        state = _ScanState(self.settings)
        inputs: list[InputSummary] = []
        plan: list[tuple[Source, Reader]] = []
        for path in paths:
            try:
                detected, unreadable = detect(path, self.settings.input_format, exclude)
            except ReaderError as exc:
                log.warning("input %s not read: %s", path, exc.reason)
                inputs.append(InputSummary(str(path), "unknown", 0, (Skipped(exc.location, exc.reason),)))
                continue
            if unreadable:
                inputs.append(InputSummary(str(path), "unrecognised", 0, tuple(unreadable)))
            plan.extend(detected)
        state.bytes_total = sum(source.total_bytes for source, _ in plan)
        self._backend = choose(self.analyzer, self.settings.workers, self._cluster, state.bytes_total)
        try:
            for source, reader in plan:
                inputs.append(self._scan_input(source, reader, state, progress))
                state.bytes_done += source.total_bytes
        finally:
            self._backend.close()
        backend_name, workers = self._backend.name, self._backend.workers
        if not inputs or all(i.messages == 0 and i.system_messages == 0 and i.skipped for i in inputs):
            reasons = "; ".join(f"{s.location}: {s.reason}" for i in inputs for s in i.skipped[:1])
            raise NothingReadError(f"nothing could be read ({reasons or 'no input'})")
        findings = state.findings()
        log.info(
            "scanned %d messages in %.2fs: %d findings",
            state.messages,
            time.perf_counter() - t0,
            len(findings),
        )
        notices = []
        if not self.settings.ner:
            notices.append("Person and place names were not scanned by an NER model (--no-ner).")
        return ScanResult(
            tool_name="chatsweep",
            tool_version=__version__,
            inputs=tuple(inputs),
            messages_scanned=state.messages,
            started_at=started,
            finished_at=datetime.now(UTC),
            languages=dict(sorted(state.languages.items())),
            models=dict(self.analyzer.models),
            options={**self.settings.public_options(), "backend": backend_name, "workers": workers},
            findings=findings,
            show_values=self.settings.show_values,
            notices=tuple(notices),
            key_id=key_id(resolve_key(self.settings)),
        )

    def _scan_input(
        self, source: Source, reader: Reader, state: _ScanState, progress: ProgressHook | None
    ) -> InputSummary:
        log.info("reading %s as %s", source.display, reader.name)
        source.meter.n = 0  # sniffing read some heads; count the real read only
        skipped: list[Skipped] = []
        users = systems = 0
        batch: list[Message] = []
        # Batches in flight, consumed in order; bounded so memory stays flat.
        inflight: deque[tuple[list[Message], Pending]] = deque()
        limit = 2 * self._backend.workers
        for item in self._guarded(reader, source, skipped):
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            if item.kind is MessageKind.SYSTEM:
                systems += 1
            else:
                users += 1
            batch.append(item)
            if len(batch) >= BATCH:
                inflight.append((batch, self._submit(batch, state)))
                batch = []
                while len(inflight) >= limit:
                    self._collect(*inflight.popleft(), state)
                if progress:
                    done = state.bytes_done + min(source.meter.n, source.total_bytes)
                    progress(state.messages, source.display, done, state.bytes_total)
        if batch:
            inflight.append((batch, self._submit(batch, state)))
        while inflight:
            self._collect(*inflight.popleft(), state)
        if progress:
            progress(state.messages, source.display, state.bytes_done + source.total_bytes, state.bytes_total)
        encoding = ", ".join(sorted(source.encodings)) or None
        return InputSummary(source.display, reader.name, users, tuple(skipped), systems, encoding)

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
            log.error("reader %s failed on %s: %s", reader.name, source.display, type(exc).__name__)
            skipped.append(
                Skipped(source.display, f"reader error ({type(exc).__name__}); rest of input not read")
            )

    def _submit(self, batch: list[Message], state: _ScanState) -> Pending:
        items = []
        for m in batch:
            langs = route_languages(m.text, self.analyzer.config.languages) if m.text.strip() else ()
            for lang in langs:
                state.languages[lang] = state.languages.get(lang, 0) + 1
            items.append((m.text, langs or None))
        return self._backend.submit(items)

    def _collect(self, batch: list[Message], pending: Pending, state: _ScanState) -> None:
        results = pending.result()
        for message, detections in zip(batch, results, strict=True):
            extra = state.context.process(message, detections)
            state.add(message, merge_detections(detections + extra) if extra else detections)
        state.messages += len(batch)


class _ScanState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.messages = 0
        self.bytes_done = 0
        self.bytes_total = 0
        self.context = ChatContext(default_rules())
        self.languages: dict[str, int] = {}
        self._acc: dict[str, _Acc] = {}
        self._order = 0

    def add(self, message: Message, detections: list[Detection]) -> None:
        wanted = self.settings.entities
        for d in detections:
            if wanted and d.entity not in wanted:
                continue
            entry = info(d.entity)
            value = message.text[d.start : d.end]
            fp = fingerprint(d.entity, value, resolve_key(self.settings))
            acc = self._acc.get(fp)
            if acc is None:
                self._order += 1
                acc = _Acc(
                    entity=d.entity,
                    fingerprint=fp,
                    preview=mask(d.entity, value, entry.category),
                    value=value if self.settings.show_values else None,
                    score=d.score,
                    explanation=d.explanation,
                    first_seen=self._order,
                )
                self._acc[fp] = acc
            elif d.score > acc.score:
                acc.score, acc.explanation = d.score, d.explanation
            acc.occurrences.append(
                Occurrence(
                    input=message.source,
                    conversation=message.conversation.name,
                    conversation_id=message.conversation.id,
                    message_id=message.message_id,
                    author=message.author.name,
                    author_id=message.author.id,
                    timestamp=message.timestamp.isoformat() if message.timestamp else None,
                    start=d.start,
                    end=d.end,
                    location=message.location,
                    conversation_kind=message.conversation.kind.value,
                    audience=message.conversation.member_count,
                )
            )

    def findings(self) -> tuple[Finding, ...]:
        out: list[tuple[tuple[int, str, int], Finding]] = []
        for acc in self._acc.values():
            if acc.score < self.settings.min_confidence:
                continue
            entry = info(acc.entity)
            severity = Severity(entry.severity)
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
            )
            out.append(((severity.rank, acc.entity, acc.first_seen), finding))
        out.sort(key=lambda pair: pair[0])
        return tuple(f for _, f in out)
