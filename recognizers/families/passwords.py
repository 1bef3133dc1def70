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
    (?:<(?i:code|b|strong|kbd|tt|em|span|pre)>)?                          # <code>value</code>
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
    (?:[ \t]*(?:\([^)\r\n]{{1,30}}\)|（[^）\r\n]{{1,30}}）))?               # password (staging): X
    (?:[ \t]+(?i:for|of|to|on)[ \t]+(?:[^\s:：=()]{{1,30}}[ \t]+){{0,2}}?[^\s:：=()]{{1,30}}(?=[ \t]*[:：=]))?
    (?:[ \t]+(?i:set|updated|changed|reset|now|is|was|below|here)(?=[ \t]*[:：=]))?          # new pw set: X
    (?P<sep>
        # password: X, pwd=X, "password": "X"
        (?:["']|\*\*)?[ \t]*(?::=|=>|->|→|[:=：＝])[ \t]*(?:\r?\n[ \t]*)?
      | [ \t]*(?:是|为|為)[ \t]*[:：]?[ \t]*                    # password是X (mixed-language chat)
      | [ \t]+[—–][ \t]*|[ \t]+--?[ \t]+                    # password — X
    )
    {_VALUE}
    """,
    0.6,
)

# "login admin / password Maple2006!": no separator at all; only a value that cannot be a word
# of prose counts (see ``_refuse``).
_EN_BARE = rule(
    "password_then_value",
    rf"""
    {_EN_KEYWORD}
    (?P<sep>[ \t]+|[ \t]*\r?\n[ \t]*)
    {_VALUE}
    """,
    0.55,
)

_EN_PROSE = rule(
    "password_in_sentence",
    rf"""
    {_EN_KEYWORD}
    (?P<sep>
        (?i:
            [ \t]+ (?:for[ \t]+(?:[^\s]{{1,30}}[ \t]+){{1,3}}?)?   # password for the guest wifi
            (?:is[ \t]+now|is|was|will[ \t]+be|has[ \t]+been[ \t]+changed[ \t]+to|now|should[ \t]+be)
            (?:[ \t]*[:：])?[ \t]+
          | ['’]s[ \t]+                                         # the password's X
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
        (?:(?:the|my|your|our|his|her|its|their)[ \t]+)?(?:[A-Za-z0-9\-]{{1,20}}[ \t]+){{0,3}})
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
    (?P<kw>密[码碼]|口令|(?i:pin)[码碼]|提取[码碼]|授权[码碼]|授權[碼码]|访问[码碼])
    (?:[ \t]*(?:\([^)\r\n]{{1,20}}\)|（[^）\r\n]{{1,20}}）))?
    (?:
        (?P<sep>[ \t]*
                (?:我|已经|已經|已|都|就|被)?
                (?:就是|都是|也是|是|为|為|改成了?|改为|改為|换成了?|換成了?|设为|设置为|設為|設置為|设成了?|設成了?|设置成了?
                  |(?:就)?用的?是|就用|重置(?:为|為|成)了?|(?:修)?改(?:为|為|成)了?|定为|定為)
                [ \t]*[:：]?[ \t]*(?:\r?\n[ \t]*)?
              | [ \t]*(?:[\u4e00-\u9fff]{{1,5}}?)?[:=：＝][ \t]*(?:\r?\n[ \t]*)?   # 密码：X, 密码发你：X
        )
      | (?P<weak>[ \t]*)
    )
    {_VALUE}
    """,
    0.6,
)

# "账号/密码：admin/Chat2024!", "user/pass: admin / X", "用户名和密码 admin X": the password is
# the second value.
_USER_PASS = rule(
    "user_and_password",
    rf"""
    (?P<kw>
        (?:账号|帐号|賬號|帳號|用户名|用戶名|用户|用戶|登录名|登錄名
          |(?i:user(?:[ ]?name)?|login|id|acct|account))
        [ \t]*(?:[/／&+]|和|及|与|與|(?i:and))[ \t]*
        (?:密[码碼]|口令|(?i:pass(?:word)?|pwd|pw))
      | 帐密|账密|賬密|帳密|(?i:creds|credentials|login)(?=[ \t]*[:=：＝])
    )
    (?:[ \t]*(?:都是|是|为|為|[:=：＝])[ \t]*|[ \t]+)
    (?P<user>[^\s/／:：{CJK}"'`<>]{{1,64}})
    (?P<sep>[ \t]*[/／:：][ \t]*|[ \t]+)
    {_VALUE}
    """,
    0.7,
)

# "use Chat2024! as the password", "用Chat2024!作为密码": the value comes first.
_USE_AS = rule(
    "use_value_as_password",
    rf"""
    (?:
        (?<![A-Za-z])(?i:use)[ \t]+
        (?:(?P<q>["'`“‘])(?P<quoted>[^"'`”’\r\n]{{1,64}})["'`”’]|(?P<value>[^\s{CJK}"'`]{{4,64}}))
        [ \t]+(?i:as)[ \t]+(?:(?i:the|a|your|my|our|its)[ \t]+)?(?:[A-Za-z\-]{{1,20}}[ \t]+)?
        (?P<kw>(?i:password|passwd|pwd|passphrase))
      | (?:用|使用)[ \t]*
        (?:(?P<q2>["'`“‘「])(?P<quoted2>[^"'`”’」\r\n]{{1,64}})["'`”’」]|(?P<value2>[^\s{CJK}"'`]{{4,64}}))
        [ \t]*(?:作为|作為|当|當|做)[^\s{CJK}]{{0,10}}?(?P<kw2>密[码碼]|口令)
    )
    """,
    0.65,
)
_PAIR_BEFORE = re.compile(
    r"(?:账号|帐号|賬號|帳號|用户名|用戶名|用户|用戶|登录名|登錄名"
    r"|(?i:user(?:[ ]?name)?|login|id|acct|account))"
    r"[ \t]*(?:[/／&+]|和|及|与|與|(?i:and))[ \t]*$"
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
    for mark in ("**", "__", "~~", "`"):  # Markdown emphasis around the value: **Chat2024!**
        if len(value) > 2 * len(mark) and value.startswith(mark) and value.rstrip(".,;:!?").endswith(mark):
            inner = value.rstrip(".,;:!?")
            value, start, end = (
                inner[len(mark) : -len(mark)],
                start + len(mark),
                start + len(inner) - len(mark),
            )
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
    RULES = (_EN_ASSIGN, _EN_PROSE, _EN_CHANGED_TO, _ZH, _USER_PASS, _USE_AS, _EN_BARE)
    CONTEXT = context(
        en=("password", "passwd", "pwd", "passcode", "passphrase", "pin", "login", "credentials"),
        zh=("密码", "口令", "密碼", "登录", "账号", "帐号"),
    )
    PREFILTER = re.compile(
        r"(?i:pass|pwd|pw|pin|cred|login)|密[码碼]|口令|提取[码碼]|授[权權][码碼]|访问[码碼]|[帐账賬帳]密"
    )
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        groups = match.groupdict()
        kw_group = "kw" if groups.get("kw") is not None else "kw2"
        keyword = match.group(kw_group).lower().replace(" ", "")
        kw_start = match.start(kw_group)
        if rule is not _USER_PASS and _PAIR_BEFORE.search(text, max(0, kw_start - 16), kw_start):
            return None  # "账号/密码：admin/X": the user/password rule reports X, not "admin/X"
        quoted = groups.get("quoted") if groups.get("quoted") is not None else groups.get("quoted2")
        if quoted is not None:
            group = "quoted" if groups.get("quoted") is not None else "quoted2"
            value, (start, end) = quoted, match.span(group)
            if value != value.strip():
                return None
        else:
            group = "value" if groups.get("value") is not None else "value2"
            raw = match.group(group)
            if len(raw) > 128:
                return None  # a blob or a hash, not something typed in a chat
            start = match.start(group)
            sep = groups.get("sep") or ""
            if kw_start > 0 and text[kw_start - 1] in "?&;" and "=" in sep:
                raw = re.split(r"[&#]", raw, maxsplit=1)[0]  # ?pwd=abc&user=x: a URL query value
            if "=" in sep and ";" in raw:
                raw = re.split(r";(?=[ ]?[A-Za-z][A-Za-z ]{0,30}=|$)", raw, maxsplit=1)[0]  # Pwd=x;Encrypt=…
            raw = re.split(r"</", raw, maxsplit=1)[0]  # <code>value</code>
            after = start + len(raw)
            if raw.endswith(("(", "[")) and after < len(text) and text[after] >= "\u3000":
                raw = raw[
                    :-1
                ]  # "Abc123(大小写敏感)": 密码是Abc123（大小写敏感） after full-width normalisation
            value, start, end = _trim(raw, start)
        reason = self._refuse(rule, match, keyword, value)
        if reason is not None:
            return None
        glued = rule is _ZH and match.group("weak") is not None
        return self._score(rule, keyword, value, (start, end), glued)

    def _refuse(self, rule: Rule, match: re.Match[str], keyword: str, value: str) -> str | None:
        """Why this value is not a password (for debugging; never shown), or None to keep it."""
        if rule is _EN_BARE:
            strong = validators.char_classes(value) >= 3 or (
                len(value) >= 8 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
            )
            if keyword.startswith("pin") or keyword in _WEAK_KEYWORDS or not strong or value.isdigit():
                return "no separator and a value that could be a word"
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
        if _INDIRECT.match(value) or value.startswith(("$(", "${", "`")):
            return "code that fetches the password, not the password"
        classes = validators.char_classes(value)
        # Ambiguous hand-overs need stronger values: "pass"/"pw" are ordinary words ("boarding
        # pass: ABC123"), and a keyword glued to its value (口令X, 密码 123456) has no separator.
        if keyword.startswith(("提取", "访问码")) and re.fullmatch(r"[A-Za-z0-9]{4,8}", value):
            return None  # a share link's extraction code: 4 letters or digits, by design
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
        elif rule is _USER_PASS:
            how = "user-and-password keyword, then a user name and the password"
            score = max(score, 0.8)
        elif rule is _USE_AS:
            how = "value offered 'as the password' (use … as password / 用…作为密码)"
        elif rule is _EN_BARE:
            how = "English password keyword then a password-shaped value (no separator)"
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
