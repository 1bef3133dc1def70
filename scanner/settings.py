"""Scan settings: defaults < TOML file < CHATSWEEP_* environment < command-line flags.

Resolved once into a frozen ``Settings`` that is passed explicitly; an unknown key in the
file or a bad value anywhere is a ``UsageError`` naming the key (exit 2).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from scanner.analyzer import DEFAULT_MODEL
from scanner.errors import UsageError
from scanner.masking import DEFAULT_KEY

FORMATS = ("html", "json", "csv", "sarif", "md")
FAIL_ON = ("critical", "high", "medium", "low", "never")
LANGS = ("auto", "en", "zh")


@dataclass(frozen=True, slots=True)
class Settings:
    formats: tuple[str, ...] = ("html", "json")
    output: str | None = None
    lang: str = "auto"
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
    fingerprint_key: bytes = DEFAULT_KEY
    custom_terms: tuple[str, ...] = ()
    custom_patterns: tuple[str, ...] = ()
    debug: bool = False
    verbose: bool = False

    @property
    def languages(self) -> tuple[str, ...]:
        return ("en", "zh") if self.lang == "auto" else (self.lang,)

    def public_options(self) -> dict[str, Any]:
        """The options as recorded in the report (never the fingerprint key)."""
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
            "fingerprint_key": "custom" if self.fingerprint_key != DEFAULT_KEY else "default",
            # counts only: the terms themselves are confidential (project names, customers)
            "custom_terms": len(self.custom_terms),
            "custom_patterns": len(self.custom_patterns),
        }


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
            return n
        if key == "fail_on":
            v = str(value).lower()
            if v not in FAIL_ON:
                raise ValueError(f"choose from {', '.join(FAIL_ON)}")
            return v
        if key == "lang":
            v = str(value).lower()
            if v not in LANGS:
                raise ValueError(f"choose from {', '.join(LANGS)}")
            return v
        if key == "fingerprint_key":
            return value if isinstance(value, bytes) else str(value).encode()
        return None if value is None else str(value)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"invalid value for '{key.replace('_', '-')}': {exc}") from None


def _apply(base: Settings, values: Mapping[str, Any], origin: str) -> Settings:
    changes: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        if key == "format":
            key = "formats"
        if key not in _KEYS:
            raise UsageError(f"unknown setting '{raw_key}' in {origin}")
        changes[key] = _coerce(key, value)
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
        extra = [k for k in table if k != "scan"]
        if extra:
            raise UsageError(f"unknown section or setting '{extra[0]}' in {path}")
        table = table["scan"]
    return dict(table)


def resolve(
    flags: Mapping[str, Any], config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Defaults < file < environment < flags (flags given as None are 'not set')."""
    settings = Settings()
    if config_file is not None:
        settings = _apply(settings, load_file(config_file), str(config_file))
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
