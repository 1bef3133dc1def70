"""What a per-statement finding is about: the condition or the scam class, in words.

Special-category and fraud findings are one per message; ``Finding.detail`` names what the
statement reveals, read from the detectors' own explanations (the lexicon category of the
term, the scam class the fraud detector assigns), never from the message's words.
"""

from __future__ import annotations

import re

# "term revealing a diagnosis or medical condition (diagnosis), said of a person: …"
_TERM = re.compile(r"term revealing (?:an? )?(?P<what>[^()]+?) \((?P<category>[a-z_]+)\)")
# "fraud indicator: 刷单返利 (paid-task or order-brushing scam); cues: …"
_FRAUD = re.compile(r"fraud indicator: (?P<zh>[^(;]+?) \((?P<en>[^)]+)\)")

_HEALTH_CATEGORIES = frozenset(
    {"diagnosis", "mental_health", "medication", "pregnancy", "disability", "treatment"}
)


def statement_detail(entity: str, explanation: str) -> str | None:
    """``"health: diagnosis or medical condition"``, ``"task scam (刷单返利)"`` …, or None."""
    if entity in ("HEALTH_INFO", "SPECIAL_CATEGORY"):
        m = _TERM.search(explanation)
        if m is None:
            return None
        area = "health" if m.group("category") in _HEALTH_CATEGORIES else "special category"
        return f"{area}: {m.group('what').strip()}"
    if entity == "FRAUD_INDICATOR":
        m = _FRAUD.search(explanation)
        if m is None:
            return None
        return f"{m.group('en').strip()} ({m.group('zh').strip()})"
    return None
