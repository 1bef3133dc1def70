"""chatsweep's Presidio recognizers, by family, with validators and lexicons."""

from __future__ import annotations

from recognizers import _offline as _offline
