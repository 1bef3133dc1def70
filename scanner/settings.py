"""Scan settings: defaults < TOML file < CHATSWEEP_* environment < command-line flags.

Resolved once into a frozen ``Settings`` that is passed explicitly; an unknown key in the
file or a bad value anywhere is a ``UsageError`` naming the key (exit 2).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from scanner.allowlist import AllowList
from scanner.analyzer import DEFAULT_MODEL
from scanner.errors import UsageError

FORMATS = ("html", "json", "csv", "sarif", "md")
FAIL_ON = ("critical", "high", "medium", "low", "never")
LANGS = ("auto", "en", "zh")


@dataclass(frozen=True, slots=True)
class Settings:
    formats: tuple[str, ...] = ("html", "json")
    output: str | None = None
    lang: str = "auto"
    # Language of the report's labels: auto (zh when most scanned messages are Chinese), en, zh.
    report_lang: str = "auto"
    ner: bool = True
    model: str = DEFAULT_MODEL
    fail_on: str = "high"
    show_values: bool = False
    input_format: str | None = None
    entities: tuple[str, ...] | None = None
    min_confidence: float = 0.0
    workers: int | None = None
    cluster: str | None = None
    baseline: str | None = None
    # None: the key comes from key_file, CHATSWEEP_FINGERPRINT_KEY or the user's own key file
    # (scanner.keys.resolve_key, when a scan starts); there is no built-in key.
    fingerprint_key: bytes | None = None
    key_file: str | None = None
    custom_terms: tuple[str, ...] = ()
    custom_patterns: tuple[str, ...] = ()
    # Values, patterns, authors and conversations that never become findings ([allow]).
    allow: AllowList | None = None
    # A triage file (TOML or JSON): reviewers' decisions on findings, by fingerprint.
    triage: str | None = None
    # The Slack workspace's domain ("acme" or "acme.slack.com"): Slack exports do not say
    # it, and message links (deletion list, report) need it.
    slack_workspace: str | None = None
    debug: bool = False
    verbose: bool = False

    @property
    def languages(self) -> tuple[str, ...]:
        return ("en", "zh") if self.lang == "auto" else (self.lang,)

    def public_options(self) -> dict[str, Any]:
        """The options as recorded in the report (never the fingerprint key nor where it lives:
        the report names the key by ``scan.key_id``)."""
        return {
            "formats": list(self.formats),
            "lang": self.lang,
            "ner": self.ner,
            "model": self.model if self.ner else None,
            "fail_on": self.fail_on,
            "show_values": self.show_values,
            "input_format": self.input_format,
            "entities": list(self.entities) if self.entities else None,
            "min_confidence": self.min_confidence,
            # counts only: the terms themselves are confidential (project names, customers)
            "custom_terms": len(self.custom_terms),
            "custom_patterns": len(self.custom_patterns),
            **self._allow_options(),
        }

    def _allow_options(self) -> dict[str, Any]:
        # Counts only, and only when an allow-list is given: its items are the user's own values.
        return {"allow": self.allow.counts()} if self.allow else {}


_KEYS = {f.name for f in fields(Settings)} - {"debug", "verbose"}


def _coerce(key: str, value: Any) -> Any:
    """Turn a TOML/env/flag value into the field's type, or raise UsageError naming the key."""
    try:
        if key in ("custom_terms", "custom_patterns"):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(i).strip() for i in items if str(i).strip())
        if key in ("formats", "entities"):
            items = value.split(",") if isinstance(value, str) else list(value)
            out = tuple(str(i).strip() for i in items if str(i).strip())
            if key == "formats":
                bad = [f for f in out if f not in FORMATS]
                if bad or not out:
                    raise ValueError(
                        f"unknown format {', '.join(bad) or '(empty)'}; choose from {', '.join(FORMATS)}"
                    )
            if key == "entities":
                return tuple(e.upper() for e in out) or None
            return out
        if key in ("ner", "show_values"):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        if key == "min_confidence":
            x = float(value)
            if not 0.0 <= x <= 1.0:
                raise ValueError("must be between 0 and 1")
            return x
        if key == "workers":
            n = int(value)
            if n < 1:
                raise ValueError("must be at least 1")
            if n > max_workers():
                raise ValueError(f"at most {max_workers()} on this machine")
            return n
        if key == "fail_on":
            v = str(value).lower()
            if v not in FAIL_ON:
                raise ValueError(f"choose from {', '.join(FAIL_ON)}")
            return v
        if key in ("lang", "report_lang"):
            v = str(value).lower()
            if v not in LANGS:
                raise ValueError(f"choose from {', '.join(LANGS)}")
            return v
        if key == "fingerprint_key":
            from scanner.keys import MIN_KEY_CHARS

            key_bytes = value if isinstance(value, bytes) else str(value).strip().encode("utf-8")
            if len(key_bytes) < MIN_KEY_CHARS:
                raise ValueError(f"must be at least {MIN_KEY_CHARS} characters")
            return key_bytes
        if key == "allow":
            from recognizers.catalogue import BY_ENTITY
            from scanner.allowlist import parse

            return parse(value, BY_ENTITY) or None
        if key in ("key_file", "triage"):
            text = str(value).strip()
            if not text:
                raise ValueError("must be a path")
            return text
        return None if value is None else str(value)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"invalid value for '{key.replace('_', '-')}': {exc}") from None


def max_workers() -> int:
    """The most local workers a scan may ask for: more only thrashes (and a huge number hangs)."""
    return max(64, 4 * (os.cpu_count() or 1))


def _apply(base: Settings, values: Mapping[str, Any], origin: str) -> Settings:
    changes: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        if key == "format":
            key = "formats"
        if key not in _KEYS:
            close = difflib.get_close_matches(key, sorted(_KEYS | {"format"}), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(f"unknown setting '{raw_key}' in {origin}{hint}")
        if key == "allow" and origin in ("the environment", "flags"):
            raise UsageError("allow-lists go in the config file ([allow]), not in the environment or flags")
        if key == "fingerprint_key" and origin == "the environment":
            from scanner.keys import ENV_VAR, check_key

            changes[key] = value if isinstance(value, bytes) else check_key(str(value), ENV_VAR)
            continue
        changes[key] = _coerce(key, value)
    # One source of the key per layer; the later (stronger) layer replaces the other source.
    if "fingerprint_key" in changes and "key_file" in changes:
        raise UsageError(f"both a fingerprint key and a key file are set in {origin}; keep one")
    if "fingerprint_key" in changes:
        changes["key_file"] = None
    elif "key_file" in changes:
        changes["fingerprint_key"] = None
    return replace(base, **changes)


def load_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None
    # Keys live at the top level or under [scan] (or [tool.chatsweep] in a pyproject.toml).
    table = data.get("tool", {}).get("chatsweep", data)
    if "scan" in table and isinstance(table["scan"], dict):
        extra = [k for k in table if k not in ("scan", "allow")]
        if extra:
            raise UsageError(f"unknown section or setting '{extra[0]}' in {path}")
        table = {**table["scan"], **({"allow": table["allow"]} if "allow" in table else {})}
    return dict(table)


def resolve(
    flags: Mapping[str, Any], config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Defaults < file < environment < flags (flags given as None are 'not set')."""
    settings = Settings()
    if config_file is not None:
        table = load_file(config_file)
        if {"fingerprint_key", "fingerprint-key"} & set(table):
            # Config files get committed and shared; the key goes in its own private file.
            raise UsageError(
                f"a fingerprint key does not belong in the config file {config_file}; "
                "put it in a private file and set key_file to its path"
            )
        if isinstance(table.get("key_file"), str) and table["key_file"].strip():
            # Relative to the config file, so a project's config works from any folder.
            table["key_file"] = str(config_file.parent / Path(table["key_file"].strip()).expanduser())
        if isinstance(table.get("triage"), str) and table["triage"].strip():
            table["triage"] = str(config_file.parent / Path(table["triage"].strip()).expanduser())
        settings = _apply(settings, table, str(config_file))
    env = os.environ if environ is None else environ
    env_values = {
        k[len("CHATSWEEP_") :].lower(): v
        for k, v in env.items()
        if k.startswith("CHATSWEEP_") and k[len("CHATSWEEP_") :].lower() in _KEYS | {"format"}
    }
    settings = _apply(settings, env_values, "the environment")
    debug = bool(flags.get("debug"))
    verbose = bool(flags.get("verbose"))
    settings = _apply(
        settings, {k: v for k, v in flags.items() if v is not None and k not in ("debug", "verbose")}, "flags"
    )
    return replace(settings, debug=debug, verbose=verbose or debug)
