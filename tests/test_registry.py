"""Registries are explicit tuples: a module that exists but is not registered fails here."""

from __future__ import annotations

import importlib
import pkgutil

import scanner.readers
from scanner.readers import READERS


def _defines_reader(module: object) -> bool:
    """Whether a module defines a reader class (the toolkit beside the readers defines none)."""
    name = getattr(module, "__name__", "")
    return any(
        isinstance(obj, type)
        and obj.__module__ == name
        and not getattr(obj, "_is_protocol", False)  # the Reader seam itself
        and callable(getattr(obj, "sniff", None))
        and callable(getattr(obj, "read", None))
        for obj in vars(module).values()
    )


def test_every_reader_module_is_registered() -> None:
    registered = {type(r).__module__ for r in READERS}
    for info in pkgutil.iter_modules(scanner.readers.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"scanner.readers.{info.name}")
        if _defines_reader(module):
            assert module.__name__ in registered, f"{module.__name__} defines a reader that is not in READERS"


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
