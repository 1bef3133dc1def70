"""The command line: parse options, call the library, render, set the exit code.

Exit codes (DESIGN.md): 0 nothing at or above --fail-on and everything was read; 1 findings
at or above it; 2 usage or configuration error, or a report that cannot be written; 3 no
finding reaches --fail-on but something could not be read (also with --fail-on never: a
gate never passes over unscanned data); 70 internal error; 130 interrupted (Ctrl-C);
143 terminated (SIGTERM). Errors are one line on stderr, naming what and where, never a
value; a traceback only with --debug. Everything printed that came from an export (paths,
archive member names, reasons) is shown with its control characters escaped.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from difflib import get_close_matches
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from reports.textsafe import one_line
from scanner import __version__
from scanner.checkpoint import EVERY_SECONDS, Checkpoint
from scanner.errors import ChatsweepError, UsageError
from scanner.model import ScanResult, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREAD, EXIT_INTERNAL = 0, 1, 2, 3, 70
EXIT_NOTHING_READ = EXIT_UNREAD  # the earlier name of exit 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM
DEFAULT_OUTPUT_DIR = "chatsweep-report"
# Unread files and records listed on the terminal; the report lists them all.
UNREAD_SHOWN = 10

app = typer.Typer(
    name="chatsweep",
    help=(
        "Find personal data and business secrets leaked in exported chat histories "
        "(Slack, Teams, WhatsApp, Telegram, Discord, WeChat, QQ, Lanying IM and more) "
        "and write a masked leak report a data protection officer can act on. Everything runs offline."
    ),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # rich tracebacks show local variables: message text
    context_settings={"help_option_names": ["-h", "--help"]},
)

try:  # typer >= 0.20 vendors click; older releases use click itself
    from typer._click import exceptions as _click_exceptions
except ImportError:  # pragma: no cover - depends on the typer release
    from click import exceptions as _click_exceptions  # type: ignore[no-redef]

err = Console(stderr=True, highlight=False)
log = logging.getLogger("scanner")


class OutputError(ChatsweepError):
    """A report cannot be written where it was asked for (exit 2, like any bad option)."""

    exit_code = EXIT_USAGE


def _say(line: str) -> None:
    """One line on stderr exactly as given: no markup, no highlighting, never wrapped.

    Rich would otherwise wrap at the terminal width (80 columns in a pipe) and split a path
    over two lines, and read ``[...]`` in a file name as markup. Text from an export must
    already have gone through :func:`one_line`.
    """
    err.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)


def _error(message: str) -> None:
    _say(f"chatsweep: error: {one_line(message, 1000)}")


class _OneLineFormatter(logging.Formatter):
    """Every log line stays one line, with control characters shown as escapes.

    Log arguments include paths and archive member names chosen by whoever made the
    export; an ESC sequence in one must not clear the screen or fake a line of output.
    Tracebacks (``--debug`` only) are appended after the escaped line as they are.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        return one_line(super().formatMessage(record), limit=2000)


def _setup_logging(verbose: bool, debug: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter("chatsweep: %(levelname)s: %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Third-party loggers stay quiet: they are not bound by our no-text rule.
    for name in ("presidio-analyzer", "presidio-anonymizer", "jieba", "spacy", "tldextract", "filelock"):
        logging.getLogger(name).setLevel(logging.ERROR if not debug else logging.WARNING)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"chatsweep {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Find personal data and business secrets leaked in exported chat histories."""


@app.command()
def scan(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Chat exports to scan: files, folders or zips (see 'chatsweep formats')."),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Report file or folder (created when missing); '-' writes one format to stdout. "
            f"[default: {DEFAULT_OUTPUT_DIR}/]",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="Report formats, comma-separated: html,json,csv,sarif,md. [default: html,json]"
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Message language: auto (English and Chinese), en or zh. [default: auto]"
        ),
    ] = None,
    report_lang: Annotated[
        str | None,
        typer.Option(
            "--report-lang",
            help="Language of the report and this summary: auto (Chinese when most messages are), en or zh. "
            "[default: auto]",
        ),
    ] = None,
    no_ner: Annotated[
        bool | None,
        typer.Option(
            "--no-ner", help="Fast mode: patterns and checksums only; person and place names are not scanned."
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="English spaCy model: installed package name or a model folder."),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 on findings this severe or worse: critical, high, medium, low, never. "
            "[default: high]",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML settings file (keys as the options).")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="A previous JSON report to compare with: findings are marked new, still present or "
            "known in a new place; still-present ones do not count for --fail-on.",
        ),
    ] = None,
    triage: Annotated[
        Path | None,
        typer.Option(
            "--triage",
            help="Triage file (TOML or JSON, see 'chatsweep triage'): false positives and accepted "
            "findings do not count for --fail-on.",
        ),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            help="File holding the fingerprint key (reports are comparable only under the same key).",
        ),
    ] = None,
    show_values: Annotated[
        bool | None,
        typer.Option(
            "--show-values",
            help="Put the unmasked values in the report. The report then IS the leak: protect it.",
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            help="Force the export format instead of detecting it (see 'chatsweep formats').",
        ),
    ] = None,
    entities: Annotated[
        str | None,
        typer.Option("--entities", help="Only these entity types, comma-separated (see 'chatsweep rules')."),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option("--min-confidence", help="Drop findings below this confidence (0 to 1). [default: 0]"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help=(
                "Analyse in N local processes. [default: 1, or all cores for inputs over 128 KB;"
                " 1 MB where processes cannot fork]"
            ),
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Analyse on a Dask cluster: the scheduler address (tcp://host:8786)."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted scan from the checkpoint beside its report (same inputs, "
            "same options); without one, scan from the start.",
        ),
    ] = False,
    checkpoint_every: Annotated[
        float,
        typer.Option(
            "--checkpoint-every",
            min=0.0,
            help="Seconds between checkpoints of a running scan (0: none). Checkpoints are private "
            "to you and deleted when the report is written.",
        ),
    ] = EVERY_SECONDS,
    deletion_list: Annotated[
        Path | None,
        typer.Option(
            "--deletion-list",
            help="Also write the deletion list (messages to delete, redact or rotate) to this CSV file. "
            "[default: deletion-list.csv beside reports written to a folder]",
        ),
    ] = None,
    slack_workspace: Annotated[
        str | None,
        typer.Option(
            "--slack-workspace", help="The Slack workspace's domain (acme.slack.com), for message links."
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Log progress details (never message text).")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log debug details and show tracebacks on errors.")
    ] = False,
) -> int:
    """Scan chat exports and write a leak report (exit 1: findings reach --fail-on; 3: something unread)."""
    from scanner.settings import resolve

    _setup_logging(verbose, debug)
    if fmt is not None:
        _check_formats(fmt)
    flags: dict[str, Any] = {
        "output": output,
        "formats": fmt,
        "lang": lang,
        "report_lang": report_lang,
        "ner": False if no_ner else None,
        "model": model,
        "fail_on": fail_on,
        "baseline": str(baseline) if baseline else None,
        "triage": str(triage) if triage else None,
        "key_file": str(key_file) if key_file else None,
        "show_values": show_values,
        "input_format": input_format,
        "entities": entities,
        "min_confidence": min_confidence,
        "workers": workers,
        "cluster": cluster,
        "slack_workspace": slack_workspace,
        "verbose": verbose,
        "debug": debug,
    }
    settings = resolve(flags, config)
    # Everything that can be wrong with the options is found here, before the models load
    # and the scan runs (minutes on a large export).
    if settings.input_format is not None:
        _check_input_format(settings.input_format)
    if settings.entities:
        _check_entities(settings.entities)
    # A baseline or triage file made under another key is refused now, not after the scan.
    scan_key = _scan_key_id(settings) if settings.baseline or settings.triage else None
    known = _baseline_fingerprints(Path(settings.baseline), scan_key) if settings.baseline else None
    decisions = _load_triage(Path(settings.triage), scan_key) if settings.triage else None
    outputs = plan_outputs(settings.output, settings.formats, paths)
    deletion_target = _plan_deletion_list(deletion_list, outputs, paths)
    if deletion_target is not None:
        outputs = Outputs(
            outputs.targets, (*outputs.exclude, Path(os.path.abspath(deletion_target))), outputs.folder
        )
    checkpoint = _checkpoint(settings, paths, outputs, resume, checkpoint_every)

    from scanner.pipeline import Scanner

    t0 = time.perf_counter()
    with err.status("Loading analyzers…", spinner="dots") if err.is_terminal else contextlib.nullcontext():
        scanner = Scanner(settings)
    log.info("analyzers ready in %.1fs", time.perf_counter() - t0)
    try:
        result = _run_with_progress(scanner, paths, outputs.exclude, checkpoint)
    except Stopped:
        if checkpoint is not None and checkpoint.path.exists():
            _say(
                f"chatsweep: the scan so far is saved in {one_line(str(checkpoint.path))}; "
                "run the same command with --resume to continue it"
            )
        raise
    if known:
        result = _apply_baseline(result, known)
    if decisions is not None:
        result = _apply_triage(result, decisions)
    result = _assess_duties(result)
    result = _with_report_lang(result, settings.report_lang)

    written = _write_reports(result, outputs.targets)
    if deletion_target is not None:
        written.append(_write_deletion_list(result, deletion_target))
    if checkpoint is not None:
        checkpoint.remove()
    code = exit_code(result, settings.fail_on)
    _print_summary(result, written, code, time.perf_counter() - t0)
    return code


def _plan_deletion_list(asked: Path | None, outputs: Outputs, inputs: Sequence[Path]) -> Path | None:
    """Where the deletion list goes: the file asked for, else beside reports in a folder."""
    from reports.deletion_list import FILE_NAME

    if asked is None:
        return outputs.folder / FILE_NAME if outputs.folder is not None else None
    _refuse_input_overlap(inputs, asked.parent, [asked], False)
    _prepare_folder(asked.parent if str(asked.parent) else Path("."), [asked])
    return asked


def _write_deletion_list(result: ScanResult, target: Path) -> Path:
    from reports import write_report
    from reports.deletion_list import render

    try:
        write_report(render(result), target)
    except OSError as exc:
        raise OutputError(f"cannot write the deletion list {target}: {_reason(exc)}") from None
    return target


def _checkpoint(
    settings: Any, paths: Sequence[Path], outputs: Outputs, resume: bool, every: float
) -> Checkpoint | None:
    """The scan's checkpoint beside its report, loaded when resuming (checked before the models load)."""
    from scanner.checkpoint import Checkpoint, checkpoint_path, inputs_identity, options_identity
    from scanner.keys import resolve_key

    path = checkpoint_path(target for _, target in outputs.targets)
    if path is None:
        if resume:
            raise UsageError(
                "--resume needs the report written to a file or folder (-o): the checkpoint is kept there"
            )
        return None
    if every <= 0 and not resume:
        return None
    key = resolve_key(settings)
    checkpoint = Checkpoint(
        path,
        inputs_identity(paths, outputs.exclude),
        options_identity(settings, key),
        key,
        every_seconds=every if every > 0 else float("inf"),
    )
    if resume:
        if checkpoint.load():
            _say(f"resuming after {checkpoint.resumed_messages:,} messages from {one_line(str(path))}")
        else:
            _say(f"note: no checkpoint at {one_line(str(path))}; scanning from the start")
    elif path.exists():
        _say(
            f"note: {one_line(str(path))} holds an interrupted scan; this scan starts over and "
            "replaces it (--resume continues it instead)"
        )
    return checkpoint


def exit_code(result: ScanResult, fail_on: str) -> int:
    """1 when a finding reaches ``fail_on``; else 3 when anything was left unread; else 0.

    ``--fail-on never`` switches off the findings gate only: unread input still gives 3,
    because a gate that passes must mean everything was looked at.
    """
    if fail_on != "never":
        worst = _worst_gating(result)
        if worst is not None and worst.at_least(Severity(fail_on)):
            return EXIT_FINDINGS
    return EXIT_UNREAD if result.unread > 0 else EXIT_OK


def _worst_gating(result: ScanResult) -> Severity | None:
    """The worst severity among findings that count for the gate: not false positives or
    accepted risks (triage), not known values in known places (baseline)."""
    from scanner import baseline, triage

    gating = [
        f.severity for f in result.findings if triage.counts_for_gate(f) and baseline.counts_for_gate(f)
    ]
    return min(gating, key=lambda s: s.rank) if gating else None


# --- option values: unknown names get a "did you mean", as click gives for option names


def _suggest(value: str, known: Sequence[str]) -> str:
    close = get_close_matches(value, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _unknown_names(kind: str, values: Iterable[str], known: Sequence[str], see: str) -> None:
    bad = [v for v in values if v not in known]
    if not bad:
        return
    names = ", ".join(f"'{one_line(v, 80)}'" for v in bad)
    plural = "s" if len(bad) > 1 else ""
    raise UsageError(f"unknown {kind}{plural} {names}{_suggest(bad[0], known)} ({see})")


def _check_formats(raw: str) -> None:
    from scanner.settings import FORMATS

    values = [v.strip().lower() for v in raw.split(",") if v.strip()]
    _unknown_names("report format", values, FORMATS, f"choose from {', '.join(FORMATS)}")


def _check_input_format(name: str) -> None:
    from scanner.readers import READERS, get_reader

    _unknown_names("input format", [name], [r.name for r in READERS], "see 'chatsweep formats'")
    get_reader(name)


def _check_entities(entities: tuple[str, ...]) -> None:
    from recognizers.catalogue import BY_ENTITY

    _unknown_names("entity type", entities, list(BY_ENTITY), "see 'chatsweep rules'")


# --- outputs: checked before the scan, never over an input, never read as an input


@dataclass(frozen=True, slots=True)
class Outputs:
    """Where each format goes (``None``: stdout) and the paths the scan must not read."""

    targets: tuple[tuple[str, Path | None], ...]
    exclude: tuple[Path, ...]
    folder: Path | None = None  # when the reports go to a folder: the deletion list goes there too


def plan_outputs(output: str | None, formats: tuple[str, ...], inputs: Sequence[Path]) -> Outputs:
    """Work out the report paths and make sure they can be written, before anything is scanned.

    ``-o DIR`` (or the default ``./chatsweep-report/``) gets ``chatsweep-report.<ext>`` per
    format; ``-o FILE`` gets FILE and siblings with the other extensions; a missing folder is
    created. Refused with exit 2: a report that would replace an input file or lie inside
    one, the default folder inside an input folder (the input tree is written only when
    asked, with ``-o``), a folder that cannot be created or written. Every report path and
    its folder are returned for the scan to leave out, so a report is never read back as
    chat history.
    """
    from reports import get_renderer

    extensions: dict[str, str] = {}
    for name in formats:
        try:
            extensions[name] = get_renderer(name).extension
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if output == "-":
        if len(formats) != 1:
            raise UsageError(
                "'-o -' writes one format to stdout; choose it with --format (e.g. --format json)"
            )
        return Outputs(((formats[0], None),), ())
    default = output is None
    out = Path(output) if output else Path(DEFAULT_OUTPUT_DIR)
    targets: list[tuple[str, Path]]
    if default or out.is_dir() or str(output).endswith(("/", "\\", os.sep)):
        folder = out
        targets = [(name, out / f"chatsweep-report.{extensions[name]}") for name in formats]
    else:
        folder = out.parent
        if len(formats) == 1:
            targets = [(formats[0], out)]
        else:
            stem = out.with_suffix("") if out.suffix else out
            targets = [(name, stem.with_name(f"{stem.name}.{extensions[name]}")) for name in formats]
    _refuse_input_overlap(inputs, folder, [t for _, t in targets], default)
    _prepare_folder(folder, [t for _, t in targets])
    exclude: list[Path] = []
    for path in (folder, *(t for _, t in targets)):
        for form in (Path(os.path.abspath(path)), Path(os.path.realpath(path))):
            if form not in exclude:
                exclude.append(form)
    in_folder = default or folder == out
    return Outputs(
        tuple((name, path) for name, path in targets), tuple(exclude), folder if in_folder else None
    )


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _refuse_input_overlap(
    inputs: Sequence[Path], folder: Path, targets: Sequence[Path], default: bool
) -> None:
    real_folder = _real(folder)
    for src in inputs:
        real_src = _real(src)
        is_dir = src.is_dir()
        for target in targets:
            real_target = _real(target)
            if real_target == real_src or _same_file(target, src):
                raise UsageError(
                    f"the report {target} would overwrite the input {src}; choose another path with -o"
                )
            if src.exists() and not is_dir and real_src in real_target.parents:
                raise UsageError(
                    f"the report {target} would lie inside the input file {src}; choose another -o"
                )
        if default and is_dir and (real_folder == real_src or real_src in real_folder.parents):
            raise UsageError(
                f"the default report folder {folder}{os.sep} is inside the input folder {src}; "
                "say where the report goes with -o DIR"
            )


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _prepare_folder(folder: Path, targets: Sequence[Path]) -> None:
    """Create ``folder`` if missing and prove it writable by creating and removing a file."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (FileExistsError, NotADirectoryError):
        raise UsageError(f"cannot create output folder {folder}: a file is in the way") from None
    except OSError as exc:
        raise UsageError(f"cannot create output folder {folder}: {_reason(exc)}") from None
    for target in targets:
        if target.is_dir():
            raise UsageError(f"cannot write the report {target}: it is a folder")
    # Devices and pipes (/dev/stdout) are written in place; no file is created beside them.
    if all(t.exists() and not t.is_file() for t in targets):
        return
    try:
        fd, probe = tempfile.mkstemp(prefix=".chatsweep-probe.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write to output folder {folder}: {_reason(exc)}") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _write_reports(result: ScanResult, targets: Sequence[tuple[str, Path | None]]) -> list[Path]:
    """Render and write each report; a failed write is one line and exit 2, no temp file left."""
    from reports import get_renderer, write_rendered

    written: list[Path] = []
    for name, target in targets:
        _raise_if_stopped()
        renderer = get_renderer(name)
        if target is None:
            _write_stdout(renderer.render(result))
            continue
        try:
            write_rendered(renderer, result, target)  # streamed where the format allows
        except OSError as exc:
            done = f" ({len(written)} other report(s) written)" if written else ""
            raise OutputError(
                f"cannot write the report {target}: {_reason(exc)}{done}; "
                "free space or choose another -o, then run the scan again"
            ) from None
        written.append(target)
    return written


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): point stdout at /dev/null so the interpreter's
        # final flush does not fail a second time.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            fileno = sys.stdout.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fileno)
            os.close(devnull)
        raise OutputError("standard output was closed before the whole report was written") from None
    except OSError as exc:
        raise OutputError(f"cannot write the report to standard output: {_reason(exc)}") from None


def _scan_key_id(settings: Any) -> str:
    from scanner.keys import resolve_key
    from scanner.masking import key_id

    return key_id(resolve_key(settings))


def _baseline_fingerprints(path: Path, scan_key: str | None = None) -> frozenset[str]:
    from scanner import baseline

    # Checked again against the result's key id (in _apply_baseline).
    return baseline.load(path, scan_key)


def _apply_baseline(result: ScanResult, known: frozenset[str]) -> ScanResult:
    from scanner import baseline
    from scanner.exposure import refresh

    # Subjects and conversations are recounted from the findings the baseline leaves.
    return refresh(baseline.apply(result, known), result)


def _load_triage(path: Path, scan_key: str | None = None) -> Any:
    from scanner import triage

    # Checked again against the result's key id (in _apply_triage).
    return triage.load(path, scan_key)


def _apply_triage(result: ScanResult, decisions: Any) -> ScanResult:
    from scanner import triage

    return triage.apply(result, decisions)


def _assess_duties(result: ScanResult) -> ScanResult:
    from scanner import duties

    return duties.attach(result)


def _stop_check(done: int, current: str, bytes_done: int, bytes_total: int) -> None:
    _raise_if_stopped()


def _run_with_progress(
    scanner: Any, paths: list[Path], exclude: Sequence[Path] = (), checkpoint: Checkpoint | None = None
) -> ScanResult:
    if not err.is_terminal:
        result: ScanResult = scanner.scan(paths, progress=_stop_check, exclude=exclude, checkpoint=checkpoint)
        return result
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    started = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]Scanning[/bold] {task.fields[input]}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[messages]:,} messages, {task.fields[rate]} msg/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("scan", total=None, input="", messages=0, rate="–")

        def hook(done: int, current: str, bytes_done: int, bytes_total: int) -> None:
            _raise_if_stopped()
            elapsed = max(time.perf_counter() - started, 1e-6)
            # A file or member name from the export: escaped, and never read as Rich markup.
            name = one_line(Path(current).name or current, 80).replace("[", "\\[")
            progress.update(
                task,
                total=bytes_total or None,
                completed=bytes_done,
                input=name,
                messages=done,
                rate=f"{done / elapsed:,.0f}",
            )

        result = scanner.scan(paths, progress=hook, exclude=exclude, checkpoint=checkpoint)
    return result


_SEV_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def _with_report_lang(result: ScanResult, setting: str) -> ScanResult:
    """``result`` with the report's language chosen: as asked, or from the messages for auto."""
    from reports.i18n import resolve_report_lang

    return replace(result, report_lang=resolve_report_lang(setting, result.languages))


def _print_summary(result: ScanResult, written: list[Path], code: int, seconds: float) -> None:
    from reports.i18n import plural, text

    lang = result.report_lang
    colon = "：" if lang == "zh" else ": "
    summary = result.summary
    table = Table(title=text(lang, "cli_title"), show_header=True, header_style="bold", title_justify="left")
    table.add_column(text(lang, "cli_severity"))
    table.add_column(text(lang, "cli_findings"), justify="right")
    for sev, n in summary.by_severity.items():
        table.add_row(f"[{_SEV_STYLE[sev]}]{text(lang, 'sev_' + sev)}[/]", str(n))
    table.add_row(
        f"[bold]{text(lang, 'cli_total')}[/]",
        f"[bold]{summary.findings}[/] ({plural(lang, 'n_occurrence', summary.occurrences)})",
    )
    err.print(table)
    if summary.by_entity:
        _say(
            text(lang, "cli_by_type")
            + colon
            + ", ".join(f"{one_line(k, 80)} {v}" for k, v in summary.by_entity.items())
        )
    if result.subjects:
        _say(
            text(
                lang,
                "cli_people",
                people=plural(lang, "n_person", summary.subjects),
                special=summary.special_subjects,
            )
        )
    rate = result.messages_scanned / seconds if seconds > 0 else 0.0
    _say(
        text(
            lang,
            "cli_scanned",
            messages=plural(lang, "n_message", result.messages_scanned),
            inputs=plural(lang, "n_input", len(result.inputs)),
            seconds=f"{seconds:.1f}",
            rate=f"{rate:,.0f}",
            unread=plural(lang, "n_item", result.unread),
        )
    )
    unread = [s for i in result.inputs for s in i.skipped]
    not_read = text(lang, "cli_not_read")
    for item in unread[:UNREAD_SHOWN]:
        _say(f"{not_read}{colon}{one_line(item.location, 300)}: {one_line(item.reason, 200)}")
    if len(unread) > UNREAD_SHOWN:
        _say(f"{not_read}{colon}{text(lang, 'cli_not_read_more', n=len(unread) - UNREAD_SHOWN)}")
    for note in result.notices:
        _say(f"{text(lang, 'cli_note')}{colon}{one_line(note)}")
    for path in written:
        _say(f"{text(lang, 'cli_report')}{colon}{one_line(str(path))}")
    if code == EXIT_UNREAD:
        _say(text(lang, "cli_exit3"))


# --- redact: a sanitised copy of an export, in the same format -----------------------


@app.command("redact")
def redact_cmd(
    path: Annotated[Path, typer.Argument(help="The chat export to copy: a file, folder or zip.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where the redacted copy goes (a new name beside it).")
    ],
    operator: Annotated[
        str,
        typer.Option(
            "--operator",
            help="mask (letters and digits as *, layout kept), replace (<ENTITY_TYPE>) or hash "
            "(<ENTITY_TYPE:keyed hash>, the same value gives the same token). [default: mask]",
        ),
    ] = "mask",
    entities: Annotated[
        str | None,
        typer.Option("--entities", help="Only these entity types, comma-separated (see 'chatsweep rules')."),
    ] = None,
    min_severity: Annotated[
        str,
        typer.Option(
            "--min-severity", help="Redact values this severe or worse: critical, high, medium, low."
        ),
    ] = "low",
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", help="Redact values detected with at least this confidence.")
    ] = 0.0,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Message language: auto (English and Chinese), en or zh. [default: auto]"
        ),
    ] = None,
    no_ner: Annotated[
        bool | None,
        typer.Option(
            "--no-ner", help="Patterns and checksums only; person and place names are not redacted."
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option("--input-format", help="Force the export format instead of detecting it."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML settings file (keys as the options).")
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file", help="File holding the fingerprint key (what --operator hash is keyed with)."
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Log progress details (never message text).")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log debug details and show tracebacks on errors.")
    ] = False,
) -> int:
    """Write a redacted copy of an export in the same format (exit 3: some parts could not be patched)."""
    from scanner.redact import OPERATORS, Thresholds, check_output
    from scanner.settings import resolve

    _setup_logging(verbose, debug)
    if operator not in OPERATORS:
        raise UsageError(f"unknown operator {operator!r}; use one of {', '.join(OPERATORS)}")
    if min_severity not in [s.value for s in Severity]:
        raise UsageError(f"unknown severity {min_severity!r}; use critical, high, medium or low")
    if not 0.0 <= min_confidence <= 1.0:
        raise UsageError("--min-confidence must lie between 0 and 1")
    flags: dict[str, Any] = {
        "lang": lang,
        "ner": False if no_ner else None,
        "input_format": input_format,
        "entities": entities,
        "key_file": str(key_file) if key_file else None,
        "verbose": verbose,
        "debug": debug,
    }
    settings = resolve(flags, config)
    if settings.input_format is not None:
        _check_input_format(settings.input_format)
    if settings.entities:
        _check_entities(settings.entities)
    check_output(path, output)
    thresholds = Thresholds(
        min_severity=Severity(min_severity),
        min_confidence=min_confidence,
        entities=frozenset(settings.entities) if settings.entities else None,
    )
    from scanner.pipeline import Scanner
    from scanner.redact import redact

    t0 = time.perf_counter()
    with err.status("Loading analyzers…", spinner="dots") if err.is_terminal else contextlib.nullcontext():
        scanner = Scanner(settings)
    result = redact(path, output, settings, operator, thresholds, scanner)
    _say(
        f"redacted copy: {one_line(str(output))}: {result.values:,} value(s) replaced in "
        f"{result.records:,} message part(s) of {result.files:,} file(s); "
        f"{result.messages_scanned:,} messages scanned in {time.perf_counter() - t0:.1f}s"
    )
    _say("not changed: author, conversation and file names (the export's own structure)")
    for item in result.unread[:UNREAD_SHOWN]:
        _say(f"not read: {one_line(item.location, 300)}: {one_line(item.reason, 200)}")
    for item in result.not_patched[:UNREAD_SHOWN]:
        _say(f"NOT PATCHED: {one_line(item.location, 300)}: {one_line(item.reason, 200)}")
    hidden = max(0, len(result.unread) - UNREAD_SHOWN) + max(0, len(result.not_patched) - UNREAD_SHOWN)
    if hidden:
        _say(f"... and {hidden} more")
    if result.complete:
        return EXIT_OK
    _say(
        f"exit 3: WARNING: the copy is written but {len(result.not_patched)} part(s) could not be "
        f"patched and {len(result.unread)} could not be read: they are UNCHANGED in the copy"
    )
    return EXIT_UNREAD


pull_app = typer.Typer(
    name="pull",
    help="Fetch chat history from a platform's server API into a folder chatsweep can scan.",
    no_args_is_help=True,
)
app.add_typer(pull_app, name="pull")


@pull_app.command("lanying")
def pull_lanying_cmd(
    endpoint: Annotated[str, typer.Option("--endpoint", help="The app's API endpoint (https://…).")],
    app_id: Annotated[str, typer.Option("--app-id", help="The Lanying IM app id.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the saved history into.")],
    max_pages_per_conversation: Annotated[
        int,
        typer.Option(
            "--max-pages-per-conversation",
            min=1,
            help="Pages read from one conversation; past it the conversation is kept as read so far.",
        ),
    ] = 10_000,
    max_pages: Annotated[
        int,
        typer.Option(
            "--max-pages", min=1, help="Pages read in this run; past it the pull stops (resumable)."
        ),
    ] = 100_000,
    max_response_mb: Annotated[
        float,
        typer.Option(
            "--max-response-mb", min=0.001, help="Largest response read, in MiB; past it the pull stops."
        ),
    ] = 16.0,
    deadline: Annotated[
        float,
        typer.Option(
            "--deadline", min=0.001, help="Minutes for the whole run; then the pull stops (resumable)."
        ),
    ] = 480.0,
    request_deadline: Annotated[
        float,
        typer.Option(
            "--request-deadline",
            min=0.001,
            help="Seconds for one request, to the last byte; then it is retried.",
        ),
    ] = 120.0,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Log progress details.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> int:
    """Pull Lanying IM (蓝莺IM) history with an app admin token from CHATSWEEP_LANYING_TOKEN.

    The token is read from the environment only (never from the command line, where other
    users and shell history would see it) and is never logged. An interrupted pull resumes
    when the same command runs again. Then scan the folder with 'chatsweep scan DIR'.
    A pull stopped by a limit, or one that cut a conversation or skipped a record, says so
    and exits 3 (not everything was pulled); the details are in DIR/.pull-report.json.
    """
    import os

    from reports.textsafe import one_line
    from scanner.pull import pull_lanying

    _setup_logging(verbose, debug)
    token = os.environ.get("CHATSWEEP_LANYING_TOKEN", "")
    if not token:
        raise UsageError("set the admin token in the environment variable CHATSWEEP_LANYING_TOKEN")
    started = time.perf_counter()

    def progress(conversations: int, messages: int) -> None:
        if verbose:
            log.info("pulled %d conversation(s), %d message(s)", conversations, messages)

    summary = pull_lanying(
        endpoint,
        app_id,
        token,
        output,
        progress=progress,
        max_pages_per_conversation=max_pages_per_conversation,
        max_pages=max_pages,
        max_response_bytes=max(1, int(max_response_mb * 1024 * 1024)),
        deadline=deadline * 60.0,
        request_deadline=request_deadline,
    )
    where = one_line(str(summary.out_dir))
    err.print(
        f"pulled {summary.messages:,} messages in {summary.conversations} conversation(s) of "
        f"{summary.users} user(s) in {time.perf_counter() - started:.1f}s "
        f"({summary.retries} retries{', resumed' if summary.resumed else ''}) into {where}",
        markup=False,
        soft_wrap=True,
    )
    option = {
        "max_pages": "--max-pages",
        "max_response_bytes": "--max-response-mb",
        "deadline": "--deadline",
    }
    if summary.stopped_by:
        err.print(
            f"stopped early: the {option.get(summary.stopped_by, summary.stopped_by)} limit was reached; "
            "run the same command again to resume (raise the limit to go further)",
            markup=False,
            soft_wrap=True,
        )
    if summary.truncated:
        err.print(
            f"{len(summary.truncated)} conversation(s) cut at --max-pages-per-conversation "
            f"{max_pages_per_conversation:,} pages",
            markup=False,
            soft_wrap=True,
        )
    if summary.skipped:
        err.print(
            f"{len(summary.skipped)} record(s) skipped (ids that are not Lanying ids)",
            markup=False,
            soft_wrap=True,
        )
    if not summary.complete or summary.truncated or summary.skipped:
        err.print(f"details: {where}/.pull-report.json", markup=False, soft_wrap=True)
        err.print(f"next: chatsweep scan {where} (scans what was pulled)", markup=False, soft_wrap=True)
        return EXIT_NOTHING_READ
    err.print(f"next: chatsweep scan {where}", markup=False, soft_wrap=True)
    return EXIT_OK


@app.command("triage")
def triage_cmd(
    report: Annotated[Path, typer.Argument(help="A chatsweep JSON report.")],
    decisions: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="FINDING_ID=STATUS (id or fingerprint; status confirmed, false_positive, accepted or "
            "remediated). Repeat for more findings.",
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Triage file to create or update (.toml, or .json).")
    ],
    owner: Annotated[str, typer.Option("--owner", help="Who decided (kept in the file).")] = "",
    note: Annotated[str, typer.Option("--note", help="Why (one line; never the value itself).")] = "",
) -> int:
    """Record decisions on findings in a triage file that later scans honour (--triage FILE).

    The file is keyed by fingerprint and names the fingerprint key of the report; it holds
    no values. False positives and accepted findings no longer count for --fail-on.
    """
    from scanner import triage

    pairs = []
    for item in decisions:
        wanted, sep, status = item.partition("=")
        if not sep or not wanted.strip() or not status.strip():
            raise UsageError(f"--set takes FINDING_ID=STATUS, not '{one_line(item, 80)}'")
        pairs.append((wanted.strip(), status.strip().lower().replace("-", "_").replace(" ", "_")))
    written, done = triage.decide(report, pairs, output, owner=owner, note=note)
    _say(
        f"{len(done)} decision(s) recorded in {one_line(str(output))} "
        f"({len(written.entries)} in all, key {written.key_id}); scan with --triage {one_line(str(output))}"
    )
    return EXIT_OK


@app.command()
def subject(
    report: Annotated[Path, typer.Argument(help="A JSON report of chatsweep scan (schema 2).")],
    match: Annotated[
        str,
        typer.Option("--match", help="A value that identifies the person: e-mail, phone, ID number, name."),
    ],
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help="File holding the fingerprint key the report was made with."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML settings file (for key_file).")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json. [default: text]")] = "text",
) -> int:
    """Everything a report holds about one person, masked (exit 1: nothing matches)."""
    from scanner.keys import resolve_key
    from scanner.settings import resolve
    from scanner.subject_lookup import check_key, load_report, lookup, render_text

    if output_format not in ("text", "json"):
        raise UsageError(f"unknown --format {output_format!r}; choose text or json")
    if not match.strip():
        raise UsageError("--match needs a value")
    settings = resolve({"key_file": str(key_file) if key_file else None}, config)
    data = load_report(report)
    key = resolve_key(settings)
    check_key(data, key, report)
    answer = lookup(data, match, key)
    if output_format == "json":
        import json

        from reports.textsafe import json_escape_invisible

        _write_stdout(
            json_escape_invisible(json.dumps(answer.as_dict(), ensure_ascii=False, indent=2)) + "\n"
        )
    elif answer.found:
        _write_stdout("".join(one_line(line) + "\n" for line in render_text(answer)))
    else:
        _say("chatsweep: no finding in the report matches that value")
    return EXIT_OK if answer.found else EXIT_FINDINGS


@app.command()
def formats() -> None:
    """List the export formats chatsweep reads and how each is recognised."""
    from scanner.readers import READERS

    table = Table(show_header=True, header_style="bold")
    table.add_column("name")
    table.add_column("platform")
    table.add_column("what it reads")
    table.add_column("recognised by")
    for r in READERS:
        table.add_row(r.name, r.platform, r.description, r.detection)
    _stdout_console().print(table)


@app.command()
def rules() -> None:
    """List the entity types chatsweep reports, with rule id, severity and a (fake) example."""
    from recognizers.catalogue import CATALOGUE

    table = Table(show_header=True, header_style="bold")
    for col in ("rule", "entity", "category", "severity"):
        table.add_column(col, no_wrap=True)
    table.add_column("what")
    table.add_column("example")
    for e in CATALOGUE:
        table.add_row(
            e.rule,
            e.entity,
            e.category,
            f"[{_SEV_STYLE[e.severity]}]{e.severity}[/]",
            e.description,
            e.example,
        )
    _stdout_console().print(table)


def _stdout_console() -> Console:
    """A terminal gets its own width; a pipe or file gets wide lines instead of wrapped cells."""
    console = Console()
    return console if console.is_terminal else Console(width=200)


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, so ``except Exception`` in libraries does
    not swallow it and every ``finally`` runs on the way out: temporary report files are
    removed (they hold values under --show-values) and process pools are shut down."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# The signals received while the command runs. Python drops an exception raised where it
# cannot propagate (a signal landing in an at-fork callback, while a process pool starts a
# worker), so the scan also stops at its next progress report, and no report is written.
_RECEIVED: list[int] = []


def _raise_if_stopped() -> None:
    if _RECEIVED:
        raise Stopped(_RECEIVED[0])


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """While the command runs, SIGTERM behaves as Ctrl-C does: the run unwinds and cleans up."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    owner = os.getpid()
    _RECEIVED.clear()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            # A forked worker inherited this handler: it dies as it would have without
            # it, quietly; the parent process does the cleaning up.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        _RECEIVED.append(signum)
        raise Stopped(signum)

    signums = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.getsignal(s) for s in signums}
    for s in signums:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the app and map every outcome to an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with _stop_on_signals():
            code = _dispatch(args)
            _raise_if_stopped()
            return code
    except Stopped as stop:
        return _stopped(stop.signum)


def _stopped(signum: int) -> int:
    if signum == signal.SIGTERM:
        _say("chatsweep: terminated")
        return EXIT_TERMINATED
    _say("chatsweep: interrupted")
    return EXIT_INTERRUPTED


def _dispatch(args: list[str]) -> int:
    debug = "--debug" in args
    try:
        rv = app(args=args, prog_name="chatsweep", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        _say("chatsweep: aborted")
        return EXIT_INTERRUPTED
    except _click_exceptions.NoArgsIsHelpError as exc:
        exc.show()  # the help text itself, as asked for by giving no arguments
        return EXIT_USAGE
    except _click_exceptions.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _error(exc.format_message() + hint)
        return EXIT_USAGE
    except ChatsweepError as exc:
        if debug:
            traceback.print_exc()
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return _stopped(signal.SIGINT)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _say(f"chatsweep: internal error ({type(exc).__name__}); run again with --debug for a traceback")
        return EXIT_INTERNAL
    if rv == EXIT_INTERRUPTED:
        # Typer turns a KeyboardInterrupt into a silent return of 130 (no command of ours
        # returns it): one raised where our SIGINT handler is not installed, or by hand.
        return _stopped(signal.SIGINT)
    return int(rv) if isinstance(rv, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
