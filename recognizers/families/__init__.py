"""chatsweep's recognizer families, one module each, registered in ``FAMILIES``.

Each family module exposes ``ENTITIES`` (the entity types it can produce) and
``recognizers(language)`` (fresh recognizer instances for "en" or "zh"). Detection is the
same in both languages, because chat mixes them (a Chinese message may say "password:" and an
English one "密码是"); the language decides only the ``context`` words that Presidio's
context enhancer uses. Modules whose names start with "_" are helpers, not families.
"""

from __future__ import annotations

from typing import Protocol

from presidio_analyzer import EntityRecognizer

from recognizers.families import (
    addresses,
    business,
    cloud_keys,
    cn_docs,
    cn_ids,
    code_tokens,
    contact,
    fraud,
    generic_secrets,
    intl_ids,
    medical_ids,
    otp,
    passwords,
    payment,
    private_keys,
    saas_keys,
    special_categories,
    structured,
    webhooks,
    zh_names,
    zh_places,
)

LANGUAGES = ("en", "zh")


class Family(Protocol):
    """What a family module provides (a module satisfies this protocol)."""

    @property
    def ENTITIES(self) -> tuple[str, ...]: ...  # a module constant, read-only here

    def recognizers(self, language: str) -> list[EntityRecognizer]: ...


FAMILIES: tuple[Family, ...] = (
    cn_ids,
    contact,
    payment,
    cloud_keys,
    code_tokens,
    private_keys,
    passwords,
    # secrets
    saas_keys,
    webhooks,
    structured,
    otp,
    generic_secrets,
    # names, addresses, special categories
    zh_names,
    addresses,
    zh_places,
    special_categories,
    # identifiers
    cn_docs,
    intl_ids,
    medical_ids,
    # business markers, internal URLs and fraud (CS302, CS303, CS401)
    business,
    fraud,
)

#: Every entity type these families can report, in family order.
ALL_ENTITIES: tuple[str, ...] = tuple(dict.fromkeys(e for family in FAMILIES for e in family.ENTITIES))


def build_recognizers(language: str) -> list[EntityRecognizer]:
    """Fresh instances of every family's recognizers for ``language`` ("en" or "zh").

    Presidio binds a recognizer instance to one language, so an analyzer that serves both
    calls this once per language and registers each list with that language's registry.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return [recognizer for family in FAMILIES for recognizer in family.recognizers(language)]
