"""The command line: parse options, call the library, render, set the exit code.

Exit codes (DESIGN.md): 0 nothing at or above --fail-on; 1 findings at or above it;
2 usage or configuration error; 3 nothing could be read; 70 internal error. Errors are
one line on stderr, naming what and where, never a value; a traceback only with --debug.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from scanner import __version__
from scanner.errors import ChatsweepError, UsageError
from scanner.model import ScanResult, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_NOTHING_READ, EXIT_INTERNAL = 0, 1, 2, 3, 70
DEFAULT_OUTPUT_DIR = "chatsweep-report"

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


def _setup_logging(verbose: bool, debug: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("chatsweep: %(levelname)s: %(name)s: %(message)s"))
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
            help=f"Report file or folder; '-' writes one format to stdout. [default: {DEFAULT_OUTPUT_DIR}/]",
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
            "--baseline", help="A previous JSON report: findings already in it are not reported again."
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
            "--workers", help="Analyse in N local processes. [default: 1, or all cores for inputs over 1 MB]"
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Analyse on a Dask cluster: the scheduler address (tcp://host:8786)."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Log progress details (never message text).")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log debug details and show tracebacks on errors.")
    ] = False,
) -> int:
    """Scan chat exports and write a leak report (exit 1 when findings reach --fail-on)."""
    from scanner.settings import resolve

    _setup_logging(verbose, debug)
    flags: dict[str, Any] = {
        "output": output,
        "formats": fmt,
        "lang": lang,
        "ner": False if no_ner else None,
        "model": model,
        "fail_on": fail_on,
        "baseline": str(baseline) if baseline else None,
        "show_values": show_values,
        "input_format": input_format,
        "entities": entities,
        "min_confidence": min_confidence,
        "workers": workers,
        "cluster": cluster,
        "verbose": verbose,
        "debug": debug,
    }
    settings = resolve(flags, config)
    if settings.input_format is not None:
        from scanner.readers import get_reader

        get_reader(settings.input_format)  # unknown name: exit 2 before loading models
    targets = _targets(settings.output, settings.formats)
    known = _baseline_fingerprints(Path(settings.baseline)) if settings.baseline else None
    if settings.entities:
        _check_entities(settings.entities)

    from scanner.pipeline import Scanner

    t0 = time.perf_counter()
    with err.status("Loading analyzers…", spinner="dots") if err.is_terminal else _nullcontext():
        scanner = Scanner(settings)
    log.info("analyzers ready in %.1fs", time.perf_counter() - t0)
    result = _run_with_progress(scanner, paths)
    if known:
        result = _apply_baseline(result, known)

    from reports import get_renderer, write_report

    written: list[str] = []
    for name, target in targets:
        text = get_renderer(name).render(result)
        if target == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_report(text, target)
            written.append(str(target))
    _print_summary(result, written, settings.fail_on, time.perf_counter() - t0)
    threshold = settings.fail_on
    if threshold == "never":
        return EXIT_OK
    worst = result.worst_severity
    return EXIT_FINDINGS if worst is not None and worst.at_least(Severity(threshold)) else EXIT_OK


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _targets(output: str | None, formats: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Where each format goes: stdout, a folder of chatsweep-report.<ext>, or FILE (+ siblings)."""
    from reports import get_renderer

    for name in formats:
        try:
            get_renderer(name)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if output == "-":
        if len(formats) != 1:
            raise UsageError(
                "'-o -' writes one format to stdout; choose it with --format (e.g. --format json)"
            )
        return [(formats[0], "-")]
    out = Path(output) if output else Path(DEFAULT_OUTPUT_DIR)
    if output is None or out.is_dir() or str(output).endswith(("/", "\\")):
        try:
            out.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise UsageError(f"cannot create output folder {out}: {exc.strerror}") from None
        return [(name, out / f"chatsweep-report.{get_renderer(name).extension}") for name in formats]
    if not out.parent.exists():
        raise UsageError(f"output folder {out.parent} does not exist")
    if len(formats) == 1:
        return [(formats[0], out)]
    stem = out.with_suffix("") if out.suffix else out
    return [(name, stem.with_name(f"{stem.name}.{get_renderer(name).extension}")) for name in formats]


def _check_entities(entities: tuple[str, ...]) -> None:
    from recognizers.catalogue import BY_ENTITY

    unknown = [e for e in entities if e not in BY_ENTITY]
    if unknown:
        raise UsageError(f"unknown entity type {', '.join(unknown)} (see 'chatsweep rules')")


def _baseline_fingerprints(path: Path) -> frozenset[str]:
    from scanner import baseline

    # The key check waits for the scan's key id (in _apply_baseline).
    return baseline.load(path)


def _apply_baseline(result: ScanResult, known: frozenset[str]) -> ScanResult:
    from scanner import baseline

    return baseline.apply(result, known)


def _run_with_progress(scanner: Any, paths: list[Path]) -> ScanResult:
    if not err.is_terminal:
        result: ScanResult = scanner.scan(paths)
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
            elapsed = max(time.perf_counter() - started, 1e-6)
            name = Path(current).name or current
            progress.update(
                task,
                total=bytes_total or None,
                completed=bytes_done,
                input=name,
                messages=done,
                rate=f"{done / elapsed:,.0f}",
            )

        result = scanner.scan(paths, progress=hook)
    return result


_SEV_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def _print_summary(result: ScanResult, written: list[str], fail_on: str, seconds: float) -> None:
    summary = result.summary
    table = Table(title="chatsweep summary", show_header=True, header_style="bold", title_justify="left")
    table.add_column("severity")
    table.add_column("findings", justify="right")
    for sev, n in summary.by_severity.items():
        table.add_row(f"[{_SEV_STYLE[sev]}]{sev}[/]", str(n))
    table.add_row("[bold]total[/]", f"[bold]{summary.findings}[/] ({summary.occurrences} occurrences)")
    err.print(table)
    if summary.by_entity:
        err.print("by type: " + ", ".join(f"{k} {v}" for k, v in summary.by_entity.items()))
    skipped = sum(len(i.skipped) for i in result.inputs)
    rate = result.messages_scanned / seconds if seconds > 0 else 0.0
    err.print(
        f"{result.messages_scanned:,} messages from {len(result.inputs)} input(s) in {seconds:.1f}s "
        f"({rate:,.0f} msg/s); {skipped} record(s) skipped"
    )
    for note in result.notices:
        err.print(f"[yellow]note:[/] {note}")
    for path in written:
        err.print(f"report: {path}")


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


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the app and map every outcome to an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        rv = app(args=args, prog_name="chatsweep", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err.print("chatsweep: aborted")
        return 130
    except _click_exceptions.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except ChatsweepError as exc:
        if debug:
            traceback.print_exc()
        err.print(f"chatsweep: error: {exc}", markup=False, highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("chatsweep: interrupted")
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        err.print(
            f"chatsweep: internal error ({type(exc).__name__}); run again with --debug for a traceback",
            markup=False,
        )
        return EXIT_INTERNAL
    return int(rv) if isinstance(rv, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
