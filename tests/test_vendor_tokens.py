"""Vendor tokens reported by prefix: every token has one, and every token's own shape is found."""

from __future__ import annotations

import random

import pytest

from benchmarks.datasets.peer_secrets import generate
from recognizers.families import saas_keys
from recognizers.families._secrets import Token, TokenRecognizer, prefilter

TOKENS = saas_keys.VendorTokenRecognizer.TOKENS


def _example(token: Token, seed: int) -> str:
    """A synthetic value of ``token``'s documented shape, drawn from its own pattern."""
    assert token.prefix is not None
    start = token.pattern.index("(?P<secret>") + len("(?P<secret>")
    depth, end = 1, start
    while depth:  # the group's closing parenthesis (escaped ones do not count)
        if token.pattern[end] == "\\":
            end += 2
            continue
        depth += {"(": 1, ")": -1}.get(token.pattern[end], 0)
        end += 1
    body = token.pattern[start : end - 1]
    rng = random.Random(f"{token.name}:{seed}")
    return generate(token.prefix + body, rng)


def test_the_prefilter_is_made_of_the_prefixes() -> None:
    pattern = saas_keys.VendorTokenRecognizer.PREFILTER
    assert pattern is not None
    for token in TOKENS:
        assert token.prefix and f"(?:{token.prefix})" in pattern.pattern, token.name


def test_a_token_without_a_prefix_is_refused_at_import() -> None:
    bare = Token("no_prefix", "GENERIC_SECRET", r"(?P<value>[a-f0-9]{32})", 0.5, "shape only")
    with pytest.raises(TypeError, match="no_prefix"):
        prefilter((bare,), "Example")
    with pytest.raises(TypeError):

        class _Broken(TokenRecognizer):  # pyright: ignore[reportUnusedClass]
            ENTITIES = ("GENERIC_SECRET",)
            TOKENS = (bare,)


@pytest.mark.parametrize("token", TOKENS, ids=lambda t: t.name)
def test_every_vendor_token_finds_its_own_shape(token: Token) -> None:
    recognizer = saas_keys.VendorTokenRecognizer("en")
    for seed in range(5):  # a drawn value may be low-entropy by chance: the first good one counts
        value = _example(token, seed)
        for text, offset in ((f"here you go: {value} thanks", 13), (f"令牌{value}，别外传", 2)):
            results = recognizer.analyze(text, entities=None)
            spans = {(r.start, r.end) for r in results}
            if (offset, offset + len(value)) not in spans:
                break
        else:
            glued = recognizer.analyze(f"my_{value}", entities=None)
            assert not [r for r in glued if r.start == 3 and r.end == 3 + len(value)], token.name
            return
    pytest.fail(f"{token.name}: no drawn value of its shape was found")
