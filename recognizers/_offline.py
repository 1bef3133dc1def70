"""Set before presidio loads: no public-suffix-list fetch (tldextract >= 5.4)."""

from __future__ import annotations

import os

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
