"""Time to scan one huge message, as a whole ``chatsweep scan`` process, start-up included.

Writes a bilingual pasted log of N megabytes (default 10) with an e-mail address, a Chinese
resident ID and an AWS key planted at its start, middle and end, as:
  - ``jsonl-lines``: one JSON Lines record whose text has line breaks;
  - ``jsonl-one-line``: the same text on one line (spaces only);
  - ``whatsapp``: a WhatsApp text export whose first message is the log.
Each is scanned with NER on (and with ``--no-ner`` unless ``--ner-only``); the script prints
wall-clock and CPU seconds (the process and the workers it waited for) and whether all nine
planted values were found.

Usage: python benchmarks/huge.py [--mb N] [--workers N] [--ner-only] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_huge_inputs import ENTITIES, MB, huge_text, write_jsonl, write_whatsapp  # noqa: E402


def _inputs(folder: Path, size: int) -> dict[str, Path]:
    text, _ = huge_text(size)
    one_line, _ = huge_text(size, lines=False)
    return {
        "jsonl-lines": write_jsonl(folder / "lines.jsonl", text),
        "jsonl-one-line": write_jsonl(folder / "one-line.jsonl", one_line),
        "whatsapp": write_whatsapp(folder / "whatsapp", text),
    }


def _run(path: Path, out: Path, workers: int, ner: bool) -> tuple[float, float, int, int]:
    command = [sys.executable, "-m", "scanner.cli", "scan", str(path), "-o", f"{out}/", "--format", "json"]
    command += ["--workers", str(workers)] + ([] if ner else ["--no-ner"])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    code = subprocess.run(command, cwd=ROOT, capture_output=True, check=False).returncode
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report = json.loads((out / "chatsweep-report.json").read_text(encoding="utf-8"))
    found = sum(len(f["occurrences"]) for f in report["findings"] if f["entity_type"] in ENTITIES)
    return wall, cpu, code, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=10.0, help="size of the message in MiB (default 10)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ner-only", action="store_true", help="leave out the --no-ner runs")
    parser.add_argument("--keep", type=Path, help="keep inputs and reports in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        inputs = _inputs(folder, int(args.mb * MB))
        print(f"one message of {args.mb:g} MiB, --workers {args.workers}")
        print(f"{'input':<16} {'mode':<7} {'wall s':>8} {'cpu s':>8} {'exit':>5} {'found':>7}")
        for name, path in inputs.items():
            for ner in (True, False) if not args.ner_only else (True,):
                out = folder / f"out-{name}-{'ner' if ner else 'no-ner'}"
                wall, cpu, code, found = _run(path, out, args.workers, ner)
                mode = "ner" if ner else "no-ner"
                print(f"{name:<16} {mode:<7} {wall:>8.1f} {cpu:>8.1f} {code:>5} {found:>5}/9")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
