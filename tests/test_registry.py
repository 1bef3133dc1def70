"""Registries are explicit tuples: a module that exists but is not registered fails here."""

from __future__ import annotations

import importlib
import pkgutil

import scanner.readers
from scanner.readers import READERS

NOT_READERS = {"base"}


def test_every_reader_module_is_registered() -> None:
    registered = {type(r).__module__ for r in READERS}
    for info in pkgutil.iter_modules(scanner.readers.__path__):
        if info.name.startswith("_") or info.name in NOT_READERS:
            continue
        module = f"scanner.readers.{info.name}"
        importlib.import_module(module)
        assert module in registered, f"{module} defines a reader that is not in READERS"


def test_reader_names_are_unique_and_described() -> None:
    names = [r.name for r in READERS]
    assert len(names) == len(set(names))
    for r in READERS:
        assert r.description and r.detection and r.platform


def test_generic_contract_readers_sniff_last() -> None:
    assert [r.name for r in READERS][-2:] == ["jsonl", "csv"]


def test_our_recognizer_classes_do_not_shadow_presidio_ones() -> None:
    """Presidio finds predefined recognizers by class name among all loaded subclasses."""
    import presidio_analyzer.predefined_recognizers as predefined

    from recognizers.families import build_recognizers

    presidio_names = {n for n in dir(predefined) if n.endswith("Recognizer")}
    ours = {type(r).__name__ for lang in ("en", "zh") for r in build_recognizers(lang)}
    assert not ours & presidio_names
