"""What a redacted value becomes: ``mask``, ``replace`` or ``hash`` (presidio-anonymizer operators).

``mask`` (the default) keeps the layout: every letter and digit becomes ``*``, spaces,
punctuation and line breaks stay, so columns, line counts and the shape of the message
survive ("+44 20 7946 0000" → "+** ** **** ****"). ``replace`` writes the entity type
(``<CN_RESIDENT_ID>``). ``hash`` writes the entity type and a keyed hash of the value under
the user's fingerprint key: the same value gives the same token across the export (and the
token's tail is the finding id's tail in a report made under the same key), and nothing
reverses it without the key.
"""

from __future__ import annotations

from collections.abc import Callable

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from scanner.masking import fingerprint

OPERATORS = ("mask", "replace", "hash")
MASK_CHAR = "*"


def mask_layout(value: str) -> str:
    """Letters and digits (any script) as ``*``; everything else kept."""
    return "".join(MASK_CHAR if ch.isalnum() else ch for ch in value)


class Operator:
    """Turns one detected value into its replacement, through presidio-anonymizer."""

    def __init__(self, name: str, key: bytes) -> None:
        if name not in OPERATORS:
            raise ValueError(f"unknown operator {name!r}")
        self.name = name
        self._key = key
        self._engine = AnonymizerEngine()  # type: ignore[no-untyped-call]

    def _config(self, entity: str) -> OperatorConfig:
        if self.name == "replace":
            return OperatorConfig("replace", {"new_value": f"<{entity}>"})
        fn: Callable[[str], str]
        if self.name == "hash":
            key = self._key

            def fn(value: str) -> str:
                return f"<{entity}:{fingerprint(entity, value, key)[:12]}>"

        else:
            fn = mask_layout
        return OperatorConfig("custom", {"lambda": fn})

    def __call__(self, entity: str, value: str) -> str:
        if not value:
            return value
        result = self._engine.anonymize(
            text=value,
            analyzer_results=[RecognizerResult(entity, 0, len(value), 1.0)],
            operators={entity: self._config(entity)},
        )
        return str(result.text)
