"""Golden files for readers: messages serialised to JSON, compared exactly.

Run ``pytest --update-goldens`` to rewrite them after a deliberate change, then review
the diff like code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scanner.model import Message, Skipped

GOLDENS = Path(__file__).resolve().parent / "goldens"


def message_to_dict(m: Message) -> dict[str, Any]:
    d = {
        "platform": m.platform,
        "location": m.location,
        "conversation": {
            "id": m.conversation.id,
            "name": m.conversation.name,
            "kind": m.conversation.kind.value,
            "member_count": m.conversation.member_count,
            "members": list(m.conversation.members),
            "external_members": m.conversation.external_members,
        },
        "message_id": m.message_id,
        "thread_id": m.thread_id,
        "reply_to": m.reply_to,
        "author": {"id": m.author.id, "name": m.author.name},
        "timestamp": m.timestamp.isoformat() if m.timestamp else None,
        "text": m.text,
        "attachments": [
            {"name": a.name, "size": a.size, "mime": a.mime, "path": a.path} for a in m.attachments
        ],
        "edited": m.edited,
        "deleted": m.deleted,
        "kind": m.kind.value,
    }
    if m.parts:  # only where a reader fills them, so goldens without parts stay as they were
        d["parts"] = [{"name": p.name, "text": p.text, "location": p.location} for p in m.parts]
    return d


def serialise(items: Iterable[Message | Skipped], root: str = "") -> list[dict[str, Any]]:
    """Messages and skips as plain dicts; ``root`` is stripped from locations so goldens are portable."""
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, Skipped):
            out.append({"skipped": {"location": item.location.replace(root, ""), "reason": item.reason}})
        else:
            d = message_to_dict(item)
            d["location"] = d["location"].replace(root, "")
            for part in d.get("parts", ()):
                part["location"] = part["location"].replace(root, "")
            out.append(d)
    return out


def assert_golden(name: str, items: Iterable[Message | Skipped], update: bool, root: str = "") -> None:
    """Compare with tests/goldens/<name>.json (rewritten when ``update``)."""
    path = GOLDENS / f"{name}.json"
    actual = serialise(items, root)
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not update:
            raise AssertionError(f"golden {path} did not exist; written now, review and re-run")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected
