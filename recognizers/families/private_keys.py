"""Private keys: PRIVATE_KEY blocks in PEM armour (PKCS#1, SEC 1, PKCS#8, OpenSSH, PGP).

A finding covers the whole block, BEGIN line to END line, so a redacted copy loses all of it.
The body must look like key material (base64, at least a few dozen characters); bodies such
as "..." or "<your key here>" are documentation, not leaks. Public keys, certificates and
CSRs have other armour labels and are never matched.
"""

from __future__ import annotations

import base64
import binascii
import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, rule

ENTITIES: tuple[str, ...] = ("PRIVATE_KEY",)

# The armour labels that name a private key (RFC 7468 "PRIVATE KEY" and "ENCRYPTED PRIVATE
# KEY", OpenSSL's legacy "RSA/EC/DSA PRIVATE KEY", OpenSSH's "OPENSSH PRIVATE KEY", RFC 4880's
# "PGP PRIVATE KEY BLOCK"). Upper case exactly, as every encoder writes it.
_BEGIN = rule(
    "pem_private_key",
    r"""
    (?P<value>
        -----BEGIN[ ](?P<kind>(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP)[ ])?PRIVATE[ ]KEY(?P<block>[ ]BLOCK)?-----
    )
    """,
    1.0,
)

# After a BEGIN line without its END (a message cut short): the lines that follow, as long as
# they are armour headers, blank, or base64 only (64-column PEM, 70-column OpenSSH; at least 16
# characters so that prose does not count). Lines may be separated by literal "\n" escapes
# (keys pasted from JSON).
_LINE_BREAK = re.compile(r"\r?\n|\\n|<br\s*/?>")  # HTML exports (Teams, e-mail) break lines with <br>
_BASE64_LINE = re.compile(r"[ \t]*[A-Za-z0-9+/=]{16,}[ \t]*")
_MAX_LINES = 400
_HEADER_LINE = re.compile(r"^[ \t]*[A-Za-z][A-Za-z0-9-]{1,40}:[^\n]*$", re.MULTILINE)  # Proc-Type:, Version:
_PGP_CHECKSUM = re.compile(r"^[ \t]*=[A-Za-z0-9+/]{4}[ \t]*$", re.MULTILINE)  # RFC 4880 armour CRC24
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")

_MAX_BLOCK = 64 * 1024  # a 16k-bit RSA key is ~13 KB of PEM; PGP blocks with subkeys stay far below
_MIN_BODY = 64  # base64 characters: below that it is an example or a fragment


def _material(body: str) -> str | None:
    """The base64 of a PEM body without headers and whitespace, or None when it is not base64."""
    body = re.sub(r"<br\s*/?>", "\n", body.replace("\\n", "\n").replace("\\r", ""))
    body = _PGP_CHECKSUM.sub("", _HEADER_LINE.sub("", body))
    compact = "".join(body.split())
    if _NOT_BASE64.search(compact):
        return None
    return compact


def _structure(material: str) -> str | None:
    """What the decoded body is: DER (PKCS#1/#8, SEC 1), OpenSSH or an OpenPGP packet."""
    try:
        raw = base64.b64decode(material + "=" * (-len(material) % 4))
    except (binascii.Error, ValueError):
        return None
    if raw.startswith(b"openssh-key-v1\x00"):
        return "OpenSSH key structure"
    if len(raw) > 2 and raw[0] == 0x30 and (raw[1] in (0x81, 0x82, 0x83) or 0x02 <= raw[1] < 0x80):
        return "DER SEQUENCE (PKCS#1/PKCS#8/SEC 1)"
    if raw[:1] and raw[0] & 0x80:
        return "OpenPGP packet"
    return None


def _truncated_body_end(text: str, pos: int) -> int:
    """Where the base64 lines after a BEGIN line (at ``pos``) end; ``pos`` when there are none."""
    end = pos
    for _ in range(_MAX_LINES):
        brk = _LINE_BREAK.match(text, pos)
        if brk is None:
            break
        nxt = _LINE_BREAK.search(text, brk.end())
        line_end = nxt.start() if nxt else len(text)
        line = text[brk.end() : line_end]
        if _BASE64_LINE.fullmatch(line):
            end = line_end
        elif line.strip() and not _HEADER_LINE.fullmatch(line):
            break
        pos = line_end
    return end


# PuTTY's .ppk format (versions 2 and 3): a header line, public lines, then "Private-Lines: n",
# n base64 lines and a "Private-MAC:" hex line. The finding covers header to MAC.
_PUTTY = rule(
    "putty_private_key",
    r"""
    (?P<value>
        PuTTY-User-Key-File-[23]:[ \t]*[a-z0-9\-@.]{3,40}\r?\n
        (?:[^\n]{0,200}\n){0,6}?
        Private-Lines:[ \t]*(?P<lines>[0-9]{1,3})\r?\n
        (?P<body>(?:[A-Za-z0-9+/=]{4,80}\r?\n){1,60})
        Private-MAC:[ \t]*[0-9a-fA-F]{40,64}
    )
    """,
    1.0,
)


class PrivateKeyRecognizer(FamilyRecognizer):
    """PRIVATE_KEY: BEGIN … END blocks with a key-like body; a lone BEGIN line at low confidence."""

    ENTITIES = ENTITIES
    RULES = (_BEGIN, _PUTTY)
    CONTEXT = context(en=("key", "private", "ssh", "pem", "rsa"), zh=("私钥", "密钥", "秘钥", "证书"))
    PREFILTER = re.compile("PRIVATE KEY|PuTTY-User-Key-File")

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        if rule is _PUTTY:
            body = "".join(match.group("body").split())
            if validators.is_placeholder(body) or validators.shannon_entropy(body) < 4.0:
                return None
            encrypted = "Encryption: none" not in match.group("value")
            note = " (passphrase-encrypted)" if encrypted else ""
            return Verdict(rule.score, f"PuTTY private key file, header to Private-MAC{note}", None)
        begin, after = match.span()
        end_line = f"-----END {match.group('kind') or ''}PRIVATE KEY{match.group('block') or ''}-----"
        end = text.find(end_line, after, after + _MAX_BLOCK)
        encrypted = match.group("kind") == "ENCRYPTED " or "ENCRYPTED" in text[after : after + 200]
        note = " (passphrase-encrypted)" if encrypted else ""
        if end >= 0:
            material = _material(text[after:end])
            if material is None or len(material) < _MIN_BODY or validators.is_placeholder(material):
                return None  # "..." or "<key>" between the lines: an example, not a key
            if validators.shannon_entropy(material) < 4.0:
                return None
            span = (begin, end + len(end_line))
            structure = _structure(material)
            if structure is not None:
                return Verdict(
                    rule.score,
                    f"private key block, BEGIN to END, body decodes to {structure}{note}",
                    True,
                    span,
                )
            return Verdict(
                0.85, f"private key block, BEGIN to END, base64 body of unknown structure{note}", None, span
            )
        body_end = _truncated_body_end(text, after)
        material = _material(text[after:body_end])
        if material and len(material) >= _MIN_BODY and validators.shannon_entropy(material) >= 4.0:
            return Verdict(
                0.75,
                f"private key BEGIN line and base64 body, END line missing{note}",
                None,
                (begin, body_end),
            )
        return Verdict(
            0.4, "private key BEGIN line alone (no body or END line)", None, (begin, after), final=True
        )


def recognizers(language: str) -> list[EntityRecognizer]:
    """The private-key recognizer for ``language``."""
    return [PrivateKeyRecognizer(language)]
