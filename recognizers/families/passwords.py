"""Passwords shared in prose: PASSWORD, English and Chinese.

A password has no shape of its own, so the evidence is the sentence: a password keyword, then
a separator that hands over a value ("password is", "pwd=", "密码是：", "口令"), then a value
that looks like a password rather than a word of prose. The finding covers the value only,
never the keyword. What is refused: no separator ("I reset my password", "忘记密码"), a value
that is a common word ("password is required"), a placeholder ("<your-password>", "******",
"${DB_PASS}", "changeme"), a link, and values too short or too long to be a password.

A value ends at whitespace, at Chinese text or punctuation (，。；！？), or at a closing
quote; trailing ASCII sentence punctuation (. , ; : ?) is trimmed. A trailing "!" is kept:
it is more often part of a password than an exclamation, and a redaction that leaves the
last character of a password behind is worse than one that masks an exclamation mark.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import CJK, FamilyRecognizer, Rule, Verdict, context, rule

ENTITIES: tuple[str, ...] = ("PASSWORD",)

# The value: up to 128 characters that are not whitespace and not Chinese (so 密码是abc123，
# 请查收 ends at "，"). 129 means "longer than 128": refused in ``check`` (a blob, not a password).
_VALUE = rf"""
    (?: (?P<q>["'`“‘「『]) (?P<quoted>[^"'`”’」』\r\n]{{1,128}}) ["'`”’」』]   # quoted: may hold spaces
      | (?P<value>[^\s{CJK}]{{1,129}})
    )
"""

# English keywords. "pass", "pw" and "pin" are also ordinary words ("boarding pass: 2",
# "pin: the top post"), so they get the strict treatment in ``check``. The left boundary is a
# non-letter, so db_password, wifi-password and 的password all count; "bypass" does not.
_EN_KEYWORD = r"""
    (?<![A-Za-z])
    (?P<kw>(?i:pass(?:word|wd|phrase|code)|pwd|pw|pass|pin(?:[ ]?code)?))
    (?![A-Za-z])
"""

_EN_ASSIGN = rule(
    "password_assignment",
    rf"""
    {_EN_KEYWORD}
    (?P<sep>
        ["']?[ \t]*(?::=|=>|->|[:=：＝])[ \t]*(?:\r?\n[ \t]*)?   # password: X, pwd=X, "password": "X"
      | [ \t]*(?:是|为|為)[ \t]*[:：]?[ \t]*                    # password是X (mixed-language chat)
    )
    {_VALUE}
    """,
    0.6,
)

_EN_PROSE = rule(
    "password_in_sentence",
    rf"""
    {_EN_KEYWORD}
    (?P<sep>
        (?i:
            [ \t]+ (?:for[ \t]+(?:[^\s]{{1,30}}[ \t]+){{1,3}}?)?   # password for the guest wifi
            (?:is[ \t]+now|is|was|will[ \t]+be|has[ \t]+been[ \t]+changed[ \t]+to|now)
            (?:[ \t]*[:：])?[ \t]+
          | [ \t]+(?:changed|set|reset|updated)[ \t]+to[ \t]+      # password changed to X
        )
    )
    {_VALUE}
    """,
    0.6,
)

# "change my password to X", "reset the wifi password to X": the verb comes first.
_EN_CHANGED_TO = rule(
    "password_changed_to",
    rf"""
    (?i:(?<![A-Za-z])(?:change|changed|reset|set|update|updated)[ \t]+
        (?:(?:the|my|your|our|his|her|its|their)[ \t]+)?(?:[A-Za-z\-]{{1,20}}[ \t]+)?)
    (?P<kw>(?i:password|passwd|pwd|pin))
    (?P<sep>(?i:[ \t]+to[ \t]+))
    {_VALUE}
    """,
    0.6,
)

# Chinese keywords: 密码/密碼, 口令, PIN码. Separators: 是/为/為 (and 就是, 都是, 改成, 设为 …),
# a colon or equals sign (full-width or not), or nothing at all (口令X, 密码 123456): then the
# value must not look like a word (see ``check``).
_ZH = rule(
    "password_zh",
    rf"""
    (?P<kw>密[码碼]|口令|(?i:pin)[码碼])
    (?:
        (?P<sep>[ \t]*
                (?:就是|都是|是|为|為|改成了?|改为|改為|换成了?|換成|设为|设置为|設為|設置為)
                [ \t]*[:：]?[ \t]*
              | [ \t]*[:=：＝][ \t]*
        )
      | (?P<weak>[ \t]*)
    )
    {_VALUE}
    """,
    0.6,
)

_WEAK_KEYWORDS = frozenset({"pass", "pw"})
_TRAILING = ".,;:?\"'”’"
_LEADING = "\"'“‘"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_OPENERS = {v: k for k, v in _CLOSERS.items()}

# Code, not a value: getpass(), os.environ["X"], config.get('db'…, process.env.X (detect-secrets'
# "indirect reference" filter).
_INDIRECT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*[(\[]|(?i:process\.env|os\.environ|getenv|secrets\.)")
# Prose: "leaked!", "case-sensitive", "don't", "updated" (a lower-case word, maybe hyphenated).
_PROSE_WORD = re.compile(r"[a-z]+(?:['’\-][a-z]+)*!?")
_PROSE_SUFFIXES = ("ed", "ing", "ly", "able", "ible", "ive", "ful", "less", "ous", "tion", "ment")


def _trim(value: str, start: int) -> tuple[str, int, int]:
    """Drop sentence punctuation and unbalanced brackets at either end; return value and span."""
    end = start + len(value)
    while value:
        first, last = value[0], value[-1]
        if first in _LEADING or (first in _OPENERS and _OPENERS[first] not in value):
            value, start = value[1:], start + 1
        elif last in _TRAILING or (last in _CLOSERS and _CLOSERS[last] not in value):
            value, end = value[:-1], end - 1
        else:
            break
    return value, start, end


def _is_prose(value: str) -> bool:
    """A word of an English sentence rather than a password ("leaked!", "case-sensitive")."""
    if not (value[1:].islower() and _PROSE_WORD.fullmatch(value.lower())):
        return False  # mixed case, digits or symbols: not a word of prose
    parts = re.split(r"['’\-]", value.lower().rstrip("!"))
    return any(validators.is_common_word(p) for p in parts) or parts[-1].endswith(_PROSE_SUFFIXES)


class PasswordRecognizer(FamilyRecognizer):
    """PASSWORD: the value after a password keyword and separator, English or Chinese."""

    ENTITIES = ENTITIES
    RULES = (_EN_ASSIGN, _EN_PROSE, _EN_CHANGED_TO, _ZH)
    CONTEXT = context(
        en=("password", "passwd", "pwd", "passcode", "passphrase", "pin", "login", "credentials"),
        zh=("密码", "口令", "密碼", "登录", "账号", "帐号"),
    )
    PREFILTER = re.compile(r"(?i:pass|pwd|pw|pin)|密[码碼]|口令")
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        keyword = match.group("kw").lower().replace(" ", "")
        if match.group("quoted") is not None:
            value, (start, end) = match.group("quoted"), match.span("quoted")
            if value != value.strip():
                return None
        else:
            raw = match.group("value")
            if len(raw) > 128:
                return None  # a blob or a hash, not something typed in a chat
            start = match.start("value")
            kw_start = match.start("kw")
            if kw_start > 0 and text[kw_start - 1] in "?&;" and "=" in (match.group("sep") or ""):
                raw = re.split(r"[&#]", raw, maxsplit=1)[0]  # ?pwd=abc&user=x: a URL query value
            value, start, end = _trim(raw, start)
        reason = self._refuse(rule, match, keyword, value)
        if reason is not None:
            return None
        glued = rule is _ZH and match.group("weak") is not None
        return self._score(rule, keyword, value, (start, end), glued)

    def _refuse(self, rule: Rule, match: re.Match[str], keyword: str, value: str) -> str | None:
        """Why this value is not a password (for debugging; never shown), or None to keep it."""
        if keyword.startswith("pin"):
            return (
                None
                if value.isascii() and value.isdigit() and 4 <= len(value) <= 8 and len(set(value)) > 1
                else "pin"
            )
        if len(value) < 4:
            return "too short"
        if validators.is_placeholder(value):
            return "placeholder"
        lowered = value.lower()
        if lowered.startswith(("http://", "https://", "www.")) or "://" in value:
            return "a link"
        if _is_prose(value):
            return "a word of prose"  # "password is required", "your password is weak!"
        if _INDIRECT.match(value):
            return "code that fetches the password, not the password"
        classes = validators.char_classes(value)
        # Ambiguous hand-overs need stronger values: "pass"/"pw" are ordinary words ("boarding
        # pass: ABC123"), and a keyword glued to its value (口令X, 密码 123456) has no separator.
        ambiguous = keyword in _WEAK_KEYWORDS or (rule is _ZH and match.group("weak") is not None)
        if not ambiguous:
            return None
        if value.isdigit():
            return None if len(value) >= 6 else "short number after an ambiguous keyword"
        if classes < 2 or (keyword in _WEAK_KEYWORDS and classes == 2 and len(value) < 8):
            return "word-like value after an ambiguous keyword"
        return None

    def _score(
        self, rule: Rule, keyword: str, value: str, span: tuple[int, int], span_glued: bool
    ) -> Verdict:
        classes = validators.char_classes(value)
        if keyword.startswith("pin"):
            return Verdict(0.6, "PIN keyword then separator; value is 4–8 digits", span=span)
        score = {1: 0.45, 2: 0.65}.get(classes, 0.8)
        if len(value) >= 10:
            score += 0.05
        if rule is _ZH:
            how = "Chinese password keyword " + ("glued to the value" if span_glued else "then 是/为/colon")
        else:
            how = "English password keyword then a separator (':', '=', 'is' …)"
        return Verdict(
            score,
            f"{how}; value uses {classes} character class"
            + ("es" if classes != 1 else "")
            + " and is not a placeholder or a common word",
            span=span,
        )


def recognizers(language: str) -> list[EntityRecognizer]:
    """The password recognizer for ``language``."""
    return [PasswordRecognizer(language)]
