"""The limits every reader shares: how much it reads to recognise a format, how long a
message may grow.

Formats add only their layout's own numbers (how many header lines a text export's
sniffer looks at); windows and caps come from here, so they agree across readers.
"""

from __future__ import annotations

# The first bytes of an entry read to guess its encoding and sniff a text format.
HEAD_BYTES = 64 * 1024
SNIFF_TEXT_BYTES = HEAD_BYTES
# The characters of a JSON entry streamed to find its first records (a record is read on
# past this window when the window ends inside one of its strings; see jsonstream).
SNIFF_JSON_CHARS = 1024 * 1024
# The entries of a folder or zip looked at to recognise its format.
SNIFF_ENTRIES = 20
# The longest message a line-based export assembles: one header followed by gigabytes of
# lines is cut at a line boundary into parts of at most this many characters.
MAX_MESSAGE_CHARS = 1_000_000
