"""Close every door through which Presidio and its dependencies could reach the network.

Imported by ``scanner/__init__.py`` so it runs before presidio, tldextract or spaCy load.
"""

from __future__ import annotations

import os


def enforce() -> None:
    # tldextract >= 5.4: an empty URL list means "use the bundled snapshot, never fetch".
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    # Presidio's per-pattern regex timeout defaults to 60 s; a chat message never needs that.
    os.environ.setdefault("REGEX_TIMEOUT_SECONDS", "2")


enforce()
