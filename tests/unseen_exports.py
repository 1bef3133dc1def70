"""Synthetic chat exports in the shapes real exporters write, with known values planted in them.

``build(root, seed)`` writes one small export per format variation under ``root`` and returns
the cases: where each export is and which values were planted where (conversation, author,
message id when the format has one, and the message part). Every value is synthetic: example.com
mail, 555 and made-up mainland numbers, identifiers and keys generated with valid checksums
but random bodies, names from a short invented list. The exports vary the way exports met in
practice do: encodings (UTF-8 with and without BOM, UTF-16, GB18030), CRLF, zips and folders,
nested folders, Unicode names, emoji, Chinese text glued to values, long messages.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import string
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


@dataclass(frozen=True, slots=True)
class Plant:
    """A value written into one message (``part`` names the part of the message)."""

    value: str
    entities: tuple[str, ...]  # acceptable entity types, the expected one first
    author: str  # the author's id or display name as the reader reports it
    message_id: str | None = None  # when the format has its own message ids
    conversation: str | None = None  # the conversation's id or name
    part: str = "text"
    in_text: bool = False  # the format writes this part into the message text as well


@dataclass(slots=True)
class Case:
    """One generated export."""

    name: str
    path: Path
    reader: str  # the reader expected to read it
    messages: int  # user and system messages the reader should yield
    plants: list[Plant] = field(default_factory=list)
    ner: bool = False  # whether the case needs name recognition


# --- values --------------------------------------------------------------------------------


class Values:
    """Synthetic identifiers and secrets with valid checksums, drawn from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def email(self, user: str) -> str:
        return f"{user}.{self._digits(3)}@example.com"

    def us_phone(self) -> str:
        return f"(555) {self.rng.randint(200, 989)}-{self._digits(4)}"

    def cn_mobile(self) -> str:
        while True:
            value = self.rng.choice(("139", "137", "186", "158", "135")) + self._digits(8)
            if value != "13800138000":
                return value

    def ssn(self) -> str:
        area = self.rng.choice([a for a in range(101, 665) if a != 666])
        return f"{area:03d}-{self.rng.randint(10, 99):02d}-{self.rng.randint(1000, 9899):04d}"

    def card(self) -> str:
        body = "4" + self._digits(14)
        total = 0
        for i, c in enumerate(reversed(body)):
            d = int(c)
            if i % 2 == 0:
                d = d * 2 - 9 if d * 2 > 9 else d * 2
            total += d
        number = body + str((10 - total % 10) % 10)
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))

    def aws_key(self) -> str:
        return "AKIA" + "".join(self.rng.choice(string.ascii_uppercase + "234567") for _ in range(16))

    def github_token(self) -> str:
        body = "".join(self.rng.choice(_BASE62) for _ in range(30))
        number = zlib.crc32(body.encode("ascii"))
        check = ""
        while number:
            number, r = divmod(number, 62)
            check = _BASE62[r] + check
        return "ghp_" + body + check.rjust(6, "0")

    def slack_user_token(self) -> str:
        secret = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(32))
        return f"xoxp-{self._digits(10)}-{self._digits(12)}-{self._digits(13)}-{secret}"

    def slack_file_token(self) -> str:
        return "xoxe-1-" + "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(146))

    def cn_id(self) -> str:
        birth = datetime(1970, 1, 1) + timedelta(days=self.rng.randint(0, 15000))
        body = (
            self.rng.choice(("110105", "310104", "440305", "510107"))
            + birth.strftime("%Y%m%d")
            + self._digits(3)
        )
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
        return body + check

    def iban(self) -> str:
        bban = "WEST" + self._digits(14)
        numeric = "".join(str(int(c, 36)) for c in bban + "GB00")
        return f"GB{98 - int(numeric) % 97:02d}{bban}"


EMAIL = ("EMAIL_ADDRESS",)
PHONE = ("PHONE_NUMBER", "CN_PHONE_NUMBER")
SSN = ("US_SSN",)
CARD = ("CREDIT_CARD",)
AWS = ("AWS_ACCESS_KEY",)
GITHUB = ("GITHUB_TOKEN",)
SLACK = ("SLACK_TOKEN",)
CN_ID = ("CN_RESIDENT_ID",)
IBAN = ("IBAN_CODE",)

PEOPLE = (
    ("U01AAAA0001", "ava.lindqvist", "Ava Lindqvist"),
    ("U01AAAA0002", "bo.marchetti", "Bo Marchetti"),
    ("U01AAAA0003", "chen.xiaoyu", "陈小雨"),
    ("U01AAAA0004", "dara.okafor", "Dara Okafor 🌻"),
)
LONG = " ".join(["Notes from the planning call, kept here so nobody has to scroll up again."] * 60)


def _lorem(rng: random.Random) -> str:
    return rng.choice(
        (
            "sounds good 👍",
            "can we move this to Thursday?",
            "好的，明天见",
            "I'll check with the team and get back to you",
            "lol 😂😂",
            "收到，谢谢！",
            "see the doc in the drive",
        )
    )


# --- writing helpers -------------------------------------------------------------------------


def _slack_json(value: object) -> str:
    """Slack's exporter escapes non-ASCII as \\uXXXX and slashes as \\/."""
    return json.dumps(value, indent=4, ensure_ascii=True).replace("/", "\\/")


def _zip_folder(folder: Path, out: Path, nest: str | None = None) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                name = p.relative_to(folder).as_posix()
                zf.write(p, f"{nest}/{name}" if nest else name)
    return out


def _encode(text: str, encoding: str, bom: bool = False, crlf: bool = False) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    data = text.encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom else data


def _mac_zip(folder: Path, out: Path) -> Path:
    """A zip made with macOS Finder: AppleDouble ``__MACOSX/`` entries and a ``.DS_Store``."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{folder.name}/", b"")
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                name = f"{folder.name}/{p.relative_to(folder).as_posix()}"
                zf.write(p, name)
                parent, _, leaf = name.rpartition("/")
                apple = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(50)
                zf.writestr(f"__MACOSX/{parent}/._{leaf}", apple)
        zf.writestr(f"{folder.name}/.DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(60))
    return out


# --- Slack ---------------------------------------------------------------------------------


def _slack(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "Acme Corp Slack export Jan 1 2026 - Jan 31 2026"
    out.mkdir(parents=True)
    users = [
        {
            "id": uid,
            "team_id": "T01TEAM0001",
            "name": handle,
            "deleted": False,
            "real_name": real,
            "tz": "Europe/Amsterdam",
            "profile": {
                "real_name": real,
                "display_name": handle,
                "email": f"{handle}@example.com",
                "image_72": f"https://avatars.slack-edge.com/2026-01-01/{uid}_72.png",
            },
            "is_bot": False,
        }
        for uid, handle, real in PEOPLE
    ]
    users.append(
        {"id": "U01BOT00001", "name": "deploybot", "real_name": "Deploy Bot", "is_bot": True, "profile": {}}
    )
    (out / "users.json").write_text(_slack_json(users))
    (out / "integration_logs.json").write_text(
        _slack_json(
            {
                "logs": [
                    {
                        "user_id": PEOPLE[0][0],
                        "user_name": PEOPLE[0][1],
                        "date": "1767225600",
                        "change_type": "added",
                        "app_type": "bot",
                        "app_id": "A01APP0001",
                        "reason": "",
                    }
                ]
            }
        )
    )
    (out / "canvases.json").write_text(_slack_json([]))
    members = [p[0] for p in PEOPLE]
    channels = [
        {
            "id": "C01GENERAL1",
            "name": "general",
            "created": 1767225600,
            "creator": PEOPLE[0][0],
            "is_archived": False,
            "is_general": True,
            "members": members,
            "topic": {"value": "Company-wide", "creator": PEOPLE[0][0], "last_set": 1767225600},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        },
        {
            "id": "C01PROJ0002",
            "name": "proj-北极星",
            "created": "1767225600",
            "creator": PEOPLE[1][0],
            "is_archived": False,
            "is_general": False,
            "members": members[:3],
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "Polaris launch", "creator": PEOPLE[1][0], "last_set": 1767225600},
        },
    ]
    (out / "channels.json").write_text(_slack_json(channels))
    (out / "groups.json").write_text(
        _slack_json(
            [
                {
                    "id": "G01PRIV0003",
                    "name": "hr-private",
                    "created": 1767225600,
                    "creator": PEOPLE[0][0],
                    "is_archived": False,
                    "members": members[:2],
                    "topic": {"value": "", "creator": "", "last_set": 0},
                    "purpose": {"value": "", "creator": "", "last_set": 0},
                }
            ]
        )
    )
    (out / "dms.json").write_text(
        _slack_json([{"id": "D01DIRECT04", "created": 1767225600, "members": members[:2]}])
    )
    (out / "mpims.json").write_text(
        _slack_json(
            [
                {
                    "id": "G01MPIM0005",
                    "name": "mpdm-ava.lindqvist--bo.marchetti--chen.xiaoyu-1",
                    "created": 1767225600,
                    "creator": PEOPLE[0][0],
                    "is_archived": False,
                    "members": members[:3],
                    "topic": {"value": "", "creator": "", "last_set": 0},
                    "purpose": {"value": "Group messaging", "creator": "", "last_set": 0},
                }
            ]
        )
    )
    plants: list[Plant] = []
    count = 0
    base = 1767600000

    def msg(uid: str, ts: float, text: str, **extra: object) -> dict[str, object]:
        m: dict[str, object] = {
            "client_msg_id": f"{rng.getrandbits(64):016x}-0000-4000-8000-{rng.getrandbits(48):012x}",
            "type": "message",
            "text": text,
            "user": uid,
            "ts": f"{ts:.6f}",
            "team": "T01TEAM0001",
            "user_team": "T01TEAM0001",
            "source_team": "T01TEAM0001",
            "user_profile": {
                "real_name": dict((p[0], p[2]) for p in PEOPLE).get(uid, ""),
                "team": "T01TEAM0001",
            },
        }
        m.update(extra)
        return m

    # general: mailto markup, escaped entities, a thread with a reply, an edit, a bot
    email = v.email("ava")
    ssn = v.ssn()
    aws = v.aws_key()
    edited = v.iban()
    late = v.email("dara")
    cc = v.email("hr")
    me_phone = v.us_phone()
    t0 = base + 0.000100
    day1 = [
        {
            "type": "message",
            "subtype": "channel_join",
            "ts": f"{base - 50:.6f}",
            "user": PEOPLE[3][0],
            "text": f"<@{PEOPLE[3][0]}> has joined the channel",
        },
        msg(
            PEOPLE[0][0],
            t0,
            f"Reach me at <mailto:{email}|{email}> &amp; not the old one &lt;3",
            blocks=[
                {
                    "type": "rich_text",
                    "block_id": "b1",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [
                                {"type": "text", "text": "Reach me at "},
                                {"type": "link", "url": f"mailto:{email}", "text": email},
                                {"type": "text", "text": " & not the old one <3"},
                            ],
                        }
                    ],
                }
            ],
            thread_ts=f"{t0:.6f}",
            reply_count=1,
            reply_users=[PEOPLE[1][0]],
            latest_reply=f"{t0 + 60:.6f}",
        ),
        msg(
            PEOPLE[1][0],
            t0 + 60,
            f"for the HR form my SSN is {ssn}",
            thread_ts=f"{t0:.6f}",
            parent_user_id=PEOPLE[0][0],
        ),
        msg(
            PEOPLE[2][0],
            t0 + 120,
            f"账户 IBAN {edited} 请查收",
            edited={"user": PEOPLE[2][0], "ts": f"{t0 + 180:.6f}"},
        ),
        {
            "type": "message",
            "subtype": "bot_message",
            "ts": f"{t0 + 240:.6f}",
            "bot_id": "B01BOT00001",
            "username": "deploybot",
            "text": f"deploy used key {aws} :warning:",
        },
        msg(PEOPLE[3][0], t0 + 300, LONG + f" 😀👋🏽 last thing: {late}"),
        msg(
            PEOPLE[1][0],
            t0 + 360,
            f"also cc'ing &lt;{cc}&gt; on this",
            subtype="thread_broadcast",
            thread_ts=f"{t0:.6f}",
            root=msg(PEOPLE[0][0], t0, "Reach me at the old address"),
        ),
        msg(PEOPLE[0][0], t0 + 420, f"_is out today, call {me_phone}_", subtype="me_message"),
    ]
    plants += [
        Plant(email, EMAIL, PEOPLE[0][0], f"{t0:.6f}", "C01GENERAL1"),
        Plant(ssn, SSN, PEOPLE[1][0], f"{t0 + 60:.6f}", "C01GENERAL1"),
        Plant(edited, IBAN, PEOPLE[2][0], f"{t0 + 120:.6f}", "C01GENERAL1"),
        Plant(aws, AWS, "B01BOT00001", f"{t0 + 240:.6f}", "C01GENERAL1"),
        Plant(late, EMAIL, PEOPLE[3][0], f"{t0 + 300:.6f}", "C01GENERAL1"),
        Plant(cc, EMAIL, PEOPLE[1][0], f"{t0 + 360:.6f}", "C01GENERAL1"),
        Plant(me_phone, PHONE, PEOPLE[0][0], f"{t0 + 420:.6f}", "C01GENERAL1"),
    ]
    count += len(day1)
    (out / "general").mkdir()
    (out / "general" / "2026-01-05.json").write_text(_slack_json(day1))
    # second day: a shared file with a revealing name and a tokenised private link
    t1 = base + 86400.000200
    file_name = f"passport_John_Smith_SSN_{v.ssn()}.pdf"
    token = v.slack_file_token()
    bot_phone = v.us_phone()
    day2 = [
        msg(
            PEOPLE[0][0],
            t1,
            "here is the scan",
            subtype="file_share",
            upload=True,
            files=[
                {
                    "id": "F01FILE0001",
                    "created": int(t1),
                    "timestamp": int(t1),
                    "name": file_name,
                    "title": file_name,
                    "mimetype": "application/pdf",
                    "filetype": "pdf",
                    "pretty_type": "PDF",
                    "user": PEOPLE[0][0],
                    "size": 48213,
                    "mode": "hosted",
                    "is_external": False,
                    "url_private": f"https://files.slack.com/files-pri/T01TEAM0001-F01FILE0001/{file_name}?t={token}",
                    "url_private_download": f"https://files.slack.com/files-pri/T01TEAM0001-F01FILE0001/download/{file_name}?t={token}",
                    "permalink": f"https://acme.slack.com/files/{PEOPLE[0][0]}/F01FILE0001/{file_name}",
                }
            ],
        ),
        msg(PEOPLE[1][0], t1 + 30, _lorem(rng)),
        {
            "type": "message",
            "subtype": "bot_message",
            "ts": f"{t1 + 60:.6f}",
            "bot_id": "B01BOT00001",
            "username": "pagerbot",
            "text": "",
            "attachments": [
                {
                    "fallback": "on-call handover",
                    "color": "danger",
                    "title": "On-call handover",
                    "fields": [{"title": "Escalation", "value": f"call {bot_phone}", "short": True}],
                }
            ],
        },
    ]
    plants += [
        Plant(
            file_name.split("SSN_")[1][:11], SSN, PEOPLE[0][0], f"{t1:.6f}", "C01GENERAL1", "attachment name"
        ),
        Plant(token, SLACK, PEOPLE[0][0], f"{t1:.6f}", "C01GENERAL1", "file metadata"),
        Plant(bot_phone, PHONE, "B01BOT00001", f"{t1 + 60:.6f}", "C01GENERAL1", "structured field"),
    ]
    count += len(day2)
    (out / "general" / "2026-01-06.json").write_text(_slack_json(day2))
    # a channel with a Unicode name, Chinese text glued to a mobile number
    mobile = v.cn_mobile()
    day3 = [
        msg(PEOPLE[2][0], base + 3600.0003, f"我的手机{mobile}有事打给我"),
        msg(PEOPLE[1][0], base + 3700.0003, "ok"),
    ]
    plants.append(Plant(mobile, PHONE, PEOPLE[2][0], f"{base + 3600.0003:.6f}", "C01PROJ0002"))
    count += len(day3)
    (out / "proj-北极星").mkdir()
    (out / "proj-北极星" / "2026-01-05.json").write_text(_slack_json(day3))
    # private channel, DM (folder named by id) and group DM
    github = v.github_token()
    reset = v.github_token()
    (out / "hr-private").mkdir()
    (out / "hr-private" / "2026-01-07.json").write_text(
        _slack_json(
            [
                msg(PEOPLE[0][0], base + 2 * 86400 + 0.0004, f"token for CI: `{github}`"),
                msg(
                    PEOPLE[1][0],
                    base + 2 * 86400 + 0.0007,
                    f"reset here <https://git.example.com/reset?token={reset}|reset link> thx",
                ),
            ]
        )
    )
    plants.append(Plant(github, GITHUB, PEOPLE[0][0], f"{base + 2 * 86400 + 0.0004:.6f}", "G01PRIV0003"))
    plants.append(
        Plant(reset, GITHUB, PEOPLE[1][0], f"{base + 2 * 86400 + 0.0007:.6f}", "G01PRIV0003", "link", True)
    )
    card = v.card()
    (out / "D01DIRECT04").mkdir()
    (out / "D01DIRECT04" / "2026-01-07.json").write_text(
        _slack_json([msg(PEOPLE[1][0], base + 2 * 86400 + 0.0005, f"card is {card}, exp 09/29")])
    )
    plants.append(Plant(card, CARD, PEOPLE[1][0], f"{base + 2 * 86400 + 0.0005:.6f}", "D01DIRECT04"))
    slack_token = v.slack_user_token()
    (out / "mpdm-ava.lindqvist--bo.marchetti--chen.xiaoyu-1").mkdir()
    (out / "mpdm-ava.lindqvist--bo.marchetti--chen.xiaoyu-1" / "2026-01-08.json").write_text(
        _slack_json([msg(PEOPLE[2][0], base + 3 * 86400 + 0.0006, f"slack token {slack_token} 用完就撤销")])
    )
    plants.append(Plant(slack_token, SLACK, PEOPLE[2][0], f"{base + 3 * 86400 + 0.0006:.6f}", "G01MPIM0005"))
    count += 4
    return out, count, plants


# --- Telegram ------------------------------------------------------------------------------


def _tg_message(
    mid: int, when: datetime, who: str | None, uid: int, text: object, **extra: object
) -> dict[str, object]:
    m: dict[str, object] = {
        "id": mid,
        "type": "message",
        "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(int(when.replace(tzinfo=UTC).timestamp())),
        "from": who,
        "from_id": f"user{uid}",
        "text": text,
    }
    if isinstance(text, str):
        m["text_entities"] = [{"type": "plain", "text": text}] if text else []
    else:
        m["text_entities"] = [
            part if isinstance(part, dict) else {"type": "plain", "text": part}
            for part in text  # type: ignore[attr-defined]
        ]
    m.update(extra)
    return m


def _telegram_chat(
    v: Values, rng: random.Random, chat_id: int, name: str
) -> tuple[dict[str, object], list[Plant]]:
    when = datetime(2026, 2, 3, 21, 15, 0)
    email = v.email("bo")
    phone = v.us_phone()
    mobile = v.cn_mobile()
    cn_id = v.cn_id()
    file_ssn = v.ssn()
    contact_phone = v.us_phone()
    card = v.card()
    link_token = v.github_token()
    messages = [
        {
            "id": chat_id * 100,
            "type": "service",
            "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(int(when.replace(tzinfo=UTC).timestamp())),
            "actor": "Ava Lindqvist",
            "actor_id": "user1001",
            "action": "create_group",
            "title": name,
            "members": ["Ava Lindqvist", "Bo Marchetti"],
            "text": "",
            "text_entities": [],
        },
        _tg_message(
            chat_id * 100 + 1,
            when + timedelta(minutes=1),
            "Bo Marchetti",
            1002,
            [
                "write to ",
                {"type": "email", "text": email},
                " or call ",
                {"type": "phone", "text": phone},
                " 🙏",
            ],
        ),
        _tg_message(
            chat_id * 100 + 2,
            when + timedelta(minutes=2),
            "陈小雨",
            1003,
            f"身份证号{cn_id}，手机{mobile}",
            edited=(when + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S"),
            edited_unixtime=str(int((when + timedelta(minutes=5)).replace(tzinfo=UTC).timestamp())),
            reply_to_message_id=chat_id * 100 + 1,
        ),
        _tg_message(
            chat_id * 100 + 3,
            when + timedelta(minutes=3),
            "Bo Marchetti",
            1002,
            "",
            file=f"files/passport_John_Smith_SSN_{file_ssn}.pdf",
            file_name=f"passport_John_Smith_SSN_{file_ssn}.pdf",
            file_size=88123,
            mime_type="application/pdf",
        ),
        _tg_message(
            chat_id * 100 + 4,
            when + timedelta(minutes=4),
            "Ava Lindqvist",
            1001,
            "",
            contact_information={"first_name": "John", "last_name": "Smith", "phone_number": contact_phone},
            contact_vcard="(File not included. Change data exporting settings to download.)",
        ),
        _tg_message(
            chat_id * 100 + 5,
            when + timedelta(minutes=6),
            None,
            0,
            [
                {"type": "bold", "text": "deleted account"},
                " says hi ",
                {"type": "custom_emoji", "text": "🔥", "document_id": "x"},
            ],
        ),
        _tg_message(
            chat_id * 100 + 6,
            when + timedelta(minutes=7),
            "Ava Lindqvist",
            1001,
            [
                _lorem(rng) + " ",
                {
                    "type": "text_link",
                    "text": "the doc",
                    "href": f"https://docs.example.com/x?access_token={link_token}",
                },
            ],
        ),
        _tg_message(
            chat_id * 100 + 7,
            when + timedelta(minutes=8),
            "Ava Lindqvist",
            1001,
            ["card ", {"type": "bold", "text": card[:9]}, card[9:] + ' "quoted" ok'],
        ),
    ]
    messages[5]["from_id"] = "user0"  # the deleted account
    plants = [
        Plant(email, EMAIL, "user1002", str(chat_id * 100 + 1), name),
        Plant(phone, PHONE, "user1002", str(chat_id * 100 + 1), name),
        Plant(cn_id, CN_ID, "user1003", str(chat_id * 100 + 2), name),
        Plant(mobile, PHONE, "user1003", str(chat_id * 100 + 2), name),
        Plant(file_ssn, SSN, "user1002", str(chat_id * 100 + 3), name, "attachment name"),
        Plant(contact_phone, PHONE, "user1001", str(chat_id * 100 + 4), name, "contact card"),
        Plant(card, CARD, "user1001", str(chat_id * 100 + 7), name),
        Plant(link_token, GITHUB, "user1001", str(chat_id * 100 + 6), name, "link"),
    ]
    return {"name": name, "type": "private_group", "id": chat_id, "messages": messages}, plants


def _telegram_single(
    root: Path, v: Values, rng: random.Random, minified: bool = False
) -> tuple[Path, int, list[Plant]]:
    out = root / "ChatExport_2026-02-04"
    (out / "files").mkdir(parents=True)
    chat, plants = _telegram_chat(v, rng, 4242, "Polaris 🚀 团队")
    (out / "photos").mkdir()
    (out / "photos" / "photo_1@05-01-2026_10-00-00.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    for m in chat["messages"]:  # type: ignore[attr-defined]
        if m.get("file_name"):
            (out / m["file"]).write_bytes(b"%PDF-1.4\n" + bytes(64))
    indent = None if minified else 1
    (out / "result.json").write_text(json.dumps(chat, ensure_ascii=False, indent=indent), encoding="utf-8")
    return out, len(chat["messages"]), plants  # type: ignore[arg-type]


def _telegram_account(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "DataExport_2026-02-05"
    out.mkdir(parents=True)
    a, pa = _telegram_chat(v, rng, 51, "Family")
    b, pb = _telegram_chat(v, rng, 52, "Ops on-call")
    b["type"] = "personal_chat"
    own_phone = v.us_phone()
    account = {
        "about": "Here is the data you requested.",
        "personal_information": {
            "user_id": 1001,
            "first_name": "Ava",
            "last_name": "Lindqvist",
            "phone_number": own_phone,
            "username": "@ava_l",
            "bio": "",
        },
        "contacts": {
            "about": "contacts",
            "list": [
                {
                    "user_id": 1002,
                    "first_name": "Bo",
                    "last_name": "Marchetti",
                    "phone_number": v.us_phone(),
                    "date": "2025-12-01T10:00:00",
                    "date_unixtime": "1764583200",
                }
            ],
        },
        "frequent_contacts": {"about": "", "list": []},
        "chats": {"about": "chats", "list": [a, b]},
        "left_chats": {"about": "", "list": []},
    }
    # some exports escape every slash
    (out / "result.json").write_text(
        json.dumps(account, ensure_ascii=False, indent=1).replace("/", "\\/"), encoding="utf-8"
    )
    return out, len(a["messages"]) + len(b["messages"]), pa + pb  # type: ignore[arg-type]


# --- Discord (DiscordChatExporter) -----------------------------------------------------------


def _dce_author(uid: str, name: str, bot: bool = False) -> dict[str, object]:
    return {
        "id": uid,
        "name": name,
        "discriminator": "0000",
        "nickname": name.title(),
        "color": None,
        "isBot": bot,
        "roles": [],
        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
    }


def _discord_json(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "dce"
    out.mkdir(parents=True)
    email = v.email("dara")
    card = v.card()
    embed_key = v.github_token()
    attach_ssn = v.ssn()
    mobile = v.cn_mobile()
    field_phone = v.us_phone()
    ts = "2026-03-01T10:0{}:00.123+01:00"
    messages: list[dict[str, object]] = [
        {
            "id": "1213000000000000001",
            "type": "GuildMemberJoin",
            "timestamp": ts.format(0),
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": "Joined the server.",
            "author": _dce_author("900000000000000004", "dara"),
            "attachments": [],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": [],
            "inlineEmojis": [],
        },
        {
            "id": "1213000000000000002",
            "type": "Default",
            "timestamp": ts.format(1),
            "timestampEdited": ts.format(2),
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": f"my paypal is {email} ✨ (again: {email})",
            "author": _dce_author("900000000000000004", "dara"),
            "attachments": [],
            "embeds": [],
            "stickers": [],
            "reactions": [
                {
                    "emoji": {
                        "id": "",
                        "name": "👍",
                        "code": "thumbsup",
                        "isAnimated": False,
                        "imageUrl": "https://cdn.jsdelivr.net/x.svg",
                    },
                    "count": 1,
                    "users": [],
                }
            ],
            "mentions": [],
            "inlineEmojis": [],
        },
        {
            "id": "1213000000000000003",
            "type": "Reply",
            "timestamp": ts.format(3),
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": True,
            "content": f"card {card}\nthanks!\n微信同号{mobile}",
            "author": _dce_author("900000000000000005", "bo_m"),
            "attachments": [
                {
                    "id": "1213000000000000099",
                    "url": f"https://cdn.discordapp.com/attachments/1/2/passport_John_Smith_SSN_{attach_ssn}.pdf",
                    "fileName": f"passport_John_Smith_SSN_{attach_ssn}.pdf",
                    "fileSizeBytes": 22000,
                }
            ],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": [_dce_author("900000000000000004", "dara")],
            "reference": {
                "messageId": "1213000000000000002",
                "channelId": "1200000000000000001",
                "guildId": "1100000000000000001",
            },
            "inlineEmojis": [],
        },
        {
            "id": "1213000000000000004",
            "type": "Default",
            "timestamp": ts.format(4),
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": "",
            "author": _dce_author("900000000000000006", "CI Bot", True),
            "attachments": [],
            "embeds": [
                {
                    "title": "Build failed",
                    "url": "https://ci.example.com/build/7",
                    "timestamp": ts.format(4),
                    "description": f"leaked env GITHUB_TOKEN={embed_key}",
                    "color": "#FF0000",
                    "fields": [
                        {"name": "branch", "value": "main", "isInline": True},
                        {"name": "on call", "value": f"page {field_phone}", "isInline": False},
                    ],
                    "images": [],
                    "inlineEmojis": [],
                }
            ],
            "stickers": [],
            "reactions": [],
            "mentions": [],
            "inlineEmojis": [],
        },
        {
            "id": "1213000000000000005",
            "type": "Default",
            "timestamp": ts.format(5),
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": LONG,
            "author": _dce_author("900000000000000005", "bo_m"),
            "attachments": [],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": [],
            "inlineEmojis": [],
        },
    ]
    doc = {
        "guild": {
            "id": "1100000000000000001",
            "name": "Polaris Guild",
            "iconUrl": "https://cdn.discordapp.com/icons/x.png",
        },
        "channel": {
            "id": "1200000000000000001",
            "type": "GuildTextChat",
            "categoryId": "1150000000000000001",
            "category": "Text Channels",
            "name": "général",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2026-03-02T00:00:00.000+00:00",
        "messages": messages,
        "messageCount": len(messages),
    }
    media = out / "Polaris Guild - Text Channels - général [1200000000000000001].json_Files"
    media.mkdir()
    (media / "passport-5F2A1.pdf").write_bytes(b"%PDF-1.4\n" + bytes(64))
    (media / "avatar-0.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (out / "Polaris Guild - Text Channels - général [1200000000000000001].json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    # DCE splits a long channel into " [part N]" files
    part2_iban = v.iban()
    later: dict[str, object] = {
        **messages[1],
        "id": "1213000000000000006",
        "timestamp": "2026-03-01T11:00:00.000+01:00",
        "timestampEdited": None,
        "content": f"new IBAN {part2_iban}",
        "reactions": [],
    }
    doc2 = {**doc, "messages": [later], "messageCount": 1}
    (out / "Polaris Guild - Text Channels - général [1200000000000000001] [part 2].json").write_text(
        json.dumps(doc2, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    plants = [
        Plant(part2_iban, IBAN, "900000000000000004", "1213000000000000006", "1200000000000000001"),
        Plant(email, EMAIL, "900000000000000004", "1213000000000000002", "1200000000000000001"),
        Plant(card, CARD, "900000000000000005", "1213000000000000003", "1200000000000000001"),
        Plant(mobile, PHONE, "900000000000000005", "1213000000000000003", "1200000000000000001"),
        Plant(
            attach_ssn,
            SSN,
            "900000000000000005",
            "1213000000000000003",
            "1200000000000000001",
            "attachment name",
        ),
        Plant(embed_key, GITHUB, "900000000000000006", "1213000000000000004", "1200000000000000001", "embed"),
        Plant(
            field_phone, PHONE, "900000000000000006", "1213000000000000004", "1200000000000000001", "embed"
        ),
    ]
    return out, len(messages) + 1, plants


def _discord_csv(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "Polaris Guild - Text Channels - ops [1200000000000000002].csv"
    email = v.email("ava")
    file_ssn = v.ssn()
    aws = v.aws_key()
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(["AuthorID", "Author", "Date", "Content", "Attachments", "Reactions"])
    w.writerow(
        ["900000000000000004", "dara", "01-Mar-26 10:01 AM", f'ping "{email}" re: invoice', "", "👍 (2)"]
    )
    w.writerow(["900000000000000005", "bo_m", "01-Mar-26 10:02 AM", f"aws:\n{aws}\n(rotate pls)", "", ""])
    w.writerow(
        [
            "900000000000000004",
            "dara",
            "01-Mar-26 10:03 AM",
            "",
            f"https://cdn.discordapp.com/attachments/1/2/passport_John_Smith_SSN_{file_ssn}.pdf",
            "",
        ]
    )
    out.write_text(buf.getvalue(), encoding="utf-8")
    plants = [
        Plant(email, EMAIL, "900000000000000004"),
        Plant(aws, AWS, "900000000000000005"),
        Plant(file_ssn, SSN, "900000000000000004", part="file metadata"),  # the attachment's URL
    ]
    return out, 3, plants


# --- WhatsApp ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _WaLocale:
    header: Callable[[datetime, str], str]  # (time, "Sender: ") -> line start
    system: Callable[[datetime], str]


def _wa_android_24(t: datetime, who: str) -> str:
    return f"{t.day:02d}/{t.month:02d}/{t:%y}, {t:%H:%M} - {who}"


def _wa_us_12(t: datetime, who: str) -> str:
    return (
        f"{t.month}/{t.day}/{t:%y}, {t.hour % 12 or 12}:{t:%M}\u202f{'AM' if t.hour < 12 else 'PM'} - {who}"
    )


def _wa_ios(t: datetime, who: str) -> str:
    return f"[{t.day:02d}/{t.month:02d}/{t.year}, {t:%H:%M:%S}] {who}"


def _wa_de(t: datetime, who: str) -> str:
    return f"{t.day:02d}.{t.month:02d}.{t:%y}, {t:%H:%M} - {who}"


def _wa_fi(t: datetime, who: str) -> str:
    return f"[{t.day}.{t.month}.{t.year} klo {t.hour}.{t:%M}.{t:%S}] {who}"


def _wa_ios_us(t: datetime, who: str) -> str:
    noon = "AM" if t.hour < 12 else "PM"
    return f"[{t.month}/{t.day}/{t:%y}, {t.hour % 12 or 12}:{t:%M:%S}\u202f{noon}] {who}"


def _whatsapp_text(
    v: Values, rng: random.Random, header: Callable[[datetime, str], str], ios: bool, attach: str
) -> tuple[str, int, list[Plant]]:
    t = datetime(2026, 1, 14, 8, 5, 0)  # day 14 > 12 makes the order decidable
    lrm = "\u200e" if ios else ""
    phone = v.us_phone()
    email = v.email("dara")
    mobile = v.cn_mobile()
    ssn = v.ssn()
    cn_id = v.cn_id()
    file_ssn = v.ssn()
    iban = v.iban()
    mobile2 = v.cn_mobile()
    joiner = f"+86 {mobile2[:3]} {mobile2[3:7]} {mobile2[7:]}"
    lines = [
        lrm
        + header(t, "")
        + "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, "
        "can read or listen to them.",
        header(t + timedelta(minutes=1), "Ava Lindqvist: ") + f"new number is {phone}",
        header(t + timedelta(minutes=2), "Dara Okafor 🌻: ") + "ok here are my details:",
        f"email {email}",
        f"SSN {ssn}",
        "",
        "14/01/2026 is when I start",
        header(t + timedelta(minutes=3), "陈小雨: ") + f"我的手机是{mobile}，身份证{cn_id}",
        (
            lrm
            + header(t + timedelta(minutes=4), "Ava Lindqvist: ")
            + lrm
            + f"<attached: 00000012-DOCUMENT-passport_John_Smith_SSN_{file_ssn}.pdf>"
        )
        if attach == "ios"
        else header(t + timedelta(minutes=4), "Ava Lindqvist: ")
        + f"passport_John_Smith_SSN_{file_ssn}.pdf (file attached)",
        header(t + timedelta(minutes=5), "Dara Okafor 🌻: ")
        + ("image omitted" if ios else "<Media omitted>"),
        header(t + timedelta(minutes=6), "Ava Lindqvist: ") + LONG + f"\u2028PS: IBAN {iban}",
        lrm
        + header(t + timedelta(minutes=7), "")
        + f"\u202a{joiner}\u202c joined using this group's invite link",
    ]
    plants = [
        Plant(phone, PHONE, "Ava Lindqvist"),
        Plant(email, EMAIL, "Dara Okafor 🌻"),
        Plant(ssn, SSN, "Dara Okafor 🌻"),
        Plant(mobile, PHONE, "陈小雨"),
        Plant(cn_id, CN_ID, "陈小雨"),
        Plant(file_ssn, SSN, "Ava Lindqvist", part="attachment name", in_text=True),
        Plant(joiner, PHONE, ""),
        Plant(iban, IBAN, "Ava Lindqvist"),
    ]
    return "\n".join(lines) + "\n", 8, plants


# --- Mattermost bulk export ------------------------------------------------------------------


def _mattermost(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "mattermost_export"
    out.mkdir(parents=True)
    email = v.email("bo")
    github = v.github_token()
    mobile = v.cn_mobile()
    card = v.card()
    at = 1767600000000
    rows: list[dict[str, object]] = [
        {
            "type": "version",
            "version": 1,
            "info": {"generator": "mmctl", "version": "9.11.0", "created": "2026-01-31T00:00:00Z"},
        },
        {
            "type": "team",
            "team": {
                "name": "acme",
                "display_name": "Acme 🏢",
                "type": "O",
                "description": "",
                "allow_open_invite": False,
            },
        },
        {
            "type": "channel",
            "channel": {
                "team": "acme",
                "name": "town-square",
                "display_name": "Town Square",
                "type": "O",
                "header": "",
                "purpose": "",
            },
        },
        {
            "type": "channel",
            "channel": {
                "team": "acme",
                "name": "payroll",
                "display_name": "薪资 Payroll",
                "type": "P",
                "header": "",
                "purpose": "confidential",
            },
        },
    ]
    for _uid, handle, real in PEOPLE:
        first, _, last = real.partition(" ")
        rows.append(
            {
                "type": "user",
                "user": {
                    "username": handle,
                    "email": f"{handle}@example.com",
                    "auth_service": "",
                    "nickname": "",
                    "first_name": first,
                    "last_name": last,
                    "position": "",
                    "roles": "system_user",
                    "locale": "en",
                    "teams": [
                        {
                            "name": "acme",
                            "roles": "team_user",
                            "channels": [
                                {"name": "town-square", "roles": "channel_user"},
                                {"name": "payroll", "roles": "channel_user"},
                            ],
                        }
                    ],
                },
            }
        )
    rows += [
        {
            "type": "post",
            "post": {
                "team": "acme",
                "channel": "town-square",
                "user": "ava.lindqvist",
                "message": f"contact {email} for access",
                "create_at": at,
                "props": {},
                "replies": [
                    {"user": "bo.marchetti", "message": f"CI token {github}", "create_at": at + 1000}
                ],
                "reactions": [{"user": "chen.xiaoyu", "emoji_name": "+1", "create_at": at + 2000}],
            },
        },
        {
            "type": "post",
            "post": {
                "team": "acme",
                "channel": "payroll",
                "user": "chen.xiaoyu",
                "message": f"报销卡号 {card}，电话{mobile}",
                "create_at": at + 5000,
                "attachments": [{"path": "data/attachments/salaries_2026.xlsx"}],
            },
        },
        {
            "type": "direct_channel",
            "direct_channel": {"members": ["ava.lindqvist", "dara.okafor"], "header": ""},
        },
        {
            "type": "direct_post",
            "direct_post": {
                "channel_members": ["ava.lindqvist", "dara.okafor"],
                "user": "dara.okafor",
                "message": "see you at 5 " + _lorem(rng),
                "create_at": at + 9000,
            },
        },
    ]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (out / "import.jsonl").write_text(text, encoding="utf-8")
    (out / "data" / "attachments").mkdir(parents=True)
    (out / "data" / "attachments" / "salaries_2026.xlsx").write_bytes(b"PK\x03\x04" + bytes(64))
    plants = [
        Plant(email, EMAIL, "ava.lindqvist", conversation="acme/town-square"),
        Plant(github, GITHUB, "bo.marchetti", conversation="acme/town-square"),
        Plant(card, CARD, "chen.xiaoyu", conversation="acme/payroll"),
        Plant(mobile, PHONE, "chen.xiaoyu", conversation="acme/payroll"),
    ]
    return out, 4, plants


# --- Microsoft Teams (Teams data export) ---------------------------------------------------------


def _teams(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    team = "00000000-0000-4000-8000-0000000a11ce"
    out = root / "TeamsData_Acme"
    (out / "teams" / team).mkdir(parents=True)
    email = v.email("ava")
    iban = v.iban()
    ssn = v.ssn()
    card = v.card()
    mobile = v.cn_mobile()
    teams_ssn = v.ssn()
    teams_file = f"passport_John_Smith_SSN_{teams_ssn}.pdf"

    def user(i: int) -> dict[str, object]:
        return {
            "Application": None,
            "Device": None,
            "User": {
                "Id": f"00000000-0000-4000-8000-00000000000{i}",
                "DisplayName": PEOPLE[i][2],
                "UserIdentityType": "aadUser",
                "TenantId": "00000000-0000-4000-8000-000000000000",
            },
        }

    def message(mid: str, i: int, html: str, reply: str | None = None, **extra: object) -> dict[str, object]:
        m: dict[str, object] = {
            "Id": mid,
            "Body": {"ContentType": "html", "Content": html},
            "CreatedDateTime": f"2026-01-05T09:{int(mid) % 60:02d}:00.000+00:00",
            "LastModifiedDateTime": None,
            "LastEditedDateTime": None,
            "DeletedDateTime": None,
            "Subject": None,
            "Summary": None,
            "Importance": "normal",
            "Locale": "en-us",
            "PolicyViolation": None,
            "ReplyToId": reply,
            "WebUrl": None,
            "From": user(i),
            "Attachments": [],
            "Mentions": [],
            "Reactions": [],
            "MessageType": "message",
            "ChannelIdentity": {"TeamId": team, "ChannelId": "19:general@thread.tacv2"},
        }
        m.update(extra)
        return m

    messages = [
        message("1767603600001", 0, f'<p>Mail me: <a href="mailto:{email}">{email}</a> &amp; thanks</p>'),
        message("1767603600002", 1, f"<div>IBAN&nbsp;{iban}</div>", reply="1767603600001"),
        message("1767603600003", 2, f"<p>SSN: <strong>{ssn}</strong> 谢谢</p>"),
        message("1767603600004", 3, "<p>card&nbsp;" + card.replace(" ", "&nbsp;") + "</p>"),
        message("1767603600005", 0, f"<p>ref {mobile[:3]}<em>{mobile[3:7]}</em>{mobile[7:]} 手机</p>"),
        message(
            "1767603600006",
            1,
            '<p>here you go <attachment id="a1b2"></attachment></p>',
            Attachments=[
                {
                    "Id": "a1b2",
                    "ContentType": "reference",
                    "ContentUrl": f"https://acme.sharepoint.com/sites/hr/Shared%20Documents/{teams_file}",
                    "Content": None,
                    "Name": teams_file,
                    "ThumbnailUrl": None,
                }
            ],
        ),
    ]
    (out / "teams" / "teamsList.json").write_text(
        json.dumps([{"Name": "Acme", "GroupsId": team, "Privacy": "Private"}]), encoding="utf-8"
    )
    (out / "teams" / team / f"channels_{team}.json").write_text(
        json.dumps(
            [{"Id": "19:general@thread.tacv2", "DisplayName": "General", "MembershipType": "standard"}]
        ),
        encoding="utf-8",
    )
    (out / "teams" / team / f"messages_{team}.json").write_text(
        json.dumps(messages, indent=2), encoding="utf-8"
    )
    plants = [
        Plant(email, EMAIL, "00000000-0000-4000-8000-000000000000", "1767603600001"),
        Plant(iban, IBAN, "00000000-0000-4000-8000-000000000001", "1767603600002"),
        Plant(ssn, SSN, "00000000-0000-4000-8000-000000000002", "1767603600003"),
        Plant(card, CARD, "00000000-0000-4000-8000-000000000003", "1767603600004"),
        Plant(mobile, PHONE, "00000000-0000-4000-8000-000000000000", "1767603600005"),
        Plant(
            teams_ssn, SSN, "00000000-0000-4000-8000-000000000001", "1767603600006", part="attachment name"
        ),
    ]
    return out, 6, plants


# --- Lanying saved history -------------------------------------------------------------------


def _lanying(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "lanying_saved"
    (out / "conversations").mkdir(parents=True)
    (out / "users.json").write_text(
        json.dumps(
            [
                {"user_id": 2001, "username": "ava", "nick_name": "Ava Lindqvist"},
                {"user_id": 2002, "username": "xiaoyu", "nick_name": "陈小雨"},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (out / "groups.json").write_text(
        json.dumps([{"group_id": 7001, "name": "北极星项目组"}], ensure_ascii=False), encoding="utf-8"
    )
    mobile = v.cn_mobile()
    cn_id = v.cn_id()
    ext_email = v.email("ava")
    file_ssn = v.ssn()
    rows = [
        {
            "msg_id": 7300000000000000003,
            "from_xid": {"uid": 2002, "device_sn": 1},
            "to_xid": {"uid": 7001, "device_sn": 0},
            "timestamp": 1767600003000,
            "ctype": "TEXT",
            "content": f"我的身份证号{cn_id}，手机号码：{mobile}",
            "attachment": "",
            "config": "",
            "ext": "",
            "status": "READ",
        },
        {
            "msg_id": 7300000000000000002,
            "from_xid": {"uid": 2001, "device_sn": 2},
            "to_xid": {"uid": 7001, "device_sn": 0},
            "timestamp": 1767600002000,
            "ctype": "FILE",
            "content": "",
            "attachment": json.dumps(
                {
                    "url": "https://files.example.com/f/1",
                    "name": f"passport_John_Smith_SSN_{file_ssn}.pdf",
                    "size": 1024,
                }
            ),
            "config": "",
            "ext": json.dumps({"contact": ext_email}),
            "status": "READ",
        },
        {
            "msg_id": 7300000000000000001,
            "from_xid": {"uid": 2001, "device_sn": 2},
            "to_xid": {"uid": 7001, "device_sn": 0},
            "timestamp": 1767600001000,
            "ctype": "TEXT",
            "content": _lorem(rng),
            "attachment": "",
            "config": "",
            "ext": "",
            "status": "READ",
        },
    ]
    (out / "conversations" / "group-7001.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    plants = [
        Plant(cn_id, CN_ID, "2002", "7300000000000000003"),
        Plant(mobile, PHONE, "2002", "7300000000000000003"),
        Plant(file_ssn, SSN, "2001", "7300000000000000002", part="attachment name"),
        Plant(ext_email, EMAIL, "2001", "7300000000000000002", part="structured field"),
    ]
    return out, 3, plants


# --- WeChat CSV, QQ txt, LINE txt --------------------------------------------------------------


def _wechat_csv(root: Path, v: Values, rng: random.Random, encoding: str) -> tuple[Path, int, list[Plant]]:
    out = root / f"北极星项目群_{encoding}.csv"
    mobile = v.cn_mobile()
    cn_id = v.cn_id()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["消息ID", "类型", "发送人", "时间", "内容", "备注", "昵称", "更多信息"])
    w.writerow(
        [
            "7410000000000000001",
            "文本",
            "陈小雨",
            "2026-01-05 20:00:00",
            f"手机{mobile}，有事打我",
            "小雨",
            "雨",
            "",
        ]
    )
    w.writerow(
        [
            "7410000000000000002",
            "文本",
            "我",
            "2026-01-05 20:01:00",
            f"身份证：{cn_id}\n别外传",
            "我",
            "我",
            "",
        ]
    )
    w.writerow(["7410000000000000003", "图片", "陈小雨", "2026-01-05 20:02:00", "【图片】", "小雨", "雨", ""])
    data = buf.getvalue().encode("utf-8-sig") if encoding == "utf8" else buf.getvalue().encode("gb18030")
    out.write_bytes(data)
    return out, 3, [Plant(mobile, PHONE, "陈小雨"), Plant(cn_id, CN_ID, "我")]


def _qq_txt(root: Path, v: Values, rng: random.Random, encoding: str) -> tuple[Path, int, list[Plant]]:
    out = root / f"全部消息记录_{encoding}.txt"
    mobile = v.cn_mobile()
    email = v.email("qq")
    cn_id = v.cn_id()
    text = (
        "\n".join(
            [
                "消息记录（此消息记录为文本格式，不支持重新导入）",
                "",
                "================================================================",
                "消息分组:我的好友",
                "================================================================",
                "消息对象:陈小雨",
                "================================================================",
                "",
                "2026-01-05 9:41:32 陈小雨",
                f"我手机号{mobile}",
                "地址回头发你",
                "",
                "2026-01-05 09:45:00 王测试",
                f"邮箱 {email}",
                "",
                "================================================================",
                "消息分组:我的QQ群",
                "================================================================",
                "消息对象:北极星项目群",
                "================================================================",
                "",
                "2026-01-06 10:00:00 【管理员】张测试(10000001)",
                f"报名请填身份证{cn_id}",
                "",
            ]
        )
        + "\n"
    )
    codec = {"utf16": "utf-16", "gb18030": "gb18030"}.get(encoding, "utf-8")
    out.write_bytes(_encode(text, codec, bom=encoding == "utf8", crlf=True))
    return (
        out,
        3,
        [Plant(mobile, PHONE, "陈小雨"), Plant(email, EMAIL, "王测试"), Plant(cn_id, CN_ID, "张测试")],
    )


def _line_txt(root: Path, v: Values, rng: random.Random, crlf: bool) -> tuple[Path, int, list[Plant]]:
    out = root / ("[LINE] Chat with Bo Marchetti.txt" if crlf else "[LINE] 北极星的聊天記錄.txt")
    email = v.email("line")
    phone = v.us_phone()
    text = (
        "\n".join(
            [
                "[LINE] Chat history with Bo Marchetti",
                "Saved on: 2026/01/08 09:00",
                "",
                "2026/01/05(Mon)",
                f"10:23\tBo Marchetti\tmail {email}",
                '10:24\tAva Lindqvist\t"sure, my cell:',
                f'{phone}"',
                "10:25\tBo Marchetti\t[Sticker]",
            ]
        )
        + "\n"
    )
    out.write_bytes(_encode(text, "utf-8", bom=True, crlf=crlf))
    return out, 3, [Plant(email, EMAIL, "Bo Marchetti"), Plant(phone, PHONE, "Ava Lindqvist")]


def _wechat_html(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    """WeChatMsg's HTML: the messages as JavaScript object literals in a script."""
    out = root / "北极星项目群.html"
    mobile = v.cn_mobile()
    cn_id = v.cn_id()
    email = v.email("wx")
    emoji = '<img src="./emoji/wx.png" id="微笑">'
    records = [
        f"{{ type:1, text: '我的手机{mobile}<br>晚点打给我 {emoji}', is_send:0, timestamp:1767614400, "
        "avatar_path:'./avatar/a.png', displayname:'陈小雨' },",
        f"{{ type:1, text: '身份证 {cn_id}，邮箱 {email}', is_send:1, timestamp:1767614460, "
        "avatar_path:'', displayname:'我' },",
        "{ type:10000, text: '你撤回了一条消息', is_send:1, timestamp:1767614520, "
        "avatar_path:'', displayname:'' },",
    ]
    page = (
        '<!DOCTYPE html>\n<html lang="zh">\n<head><meta charset="UTF-8">'
        "<title>北极星项目群</title></head>\n<body>\n"
        '<div id="chat-container"></div>\n<script>\n    const chatMessages = [\n'
        + "\n".join("        " + r for r in records)
        + "\n    ];\n</script>\n</body>\n</html>\n"
    )
    out.write_text(page, encoding="utf-8")
    return out, 3, [Plant(mobile, PHONE, "陈小雨"), Plant(cn_id, CN_ID, "我"), Plant(email, EMAIL, "我")]


# --- generic JSONL / CSV -----------------------------------------------------------------------


def _generic_jsonl(
    root: Path, v: Values, rng: random.Random, raw: bool = False
) -> tuple[Path, int, list[Plant]]:
    out = root / "messages.jsonl"
    aws = v.aws_key()
    email = v.email("gen")
    card = v.card()
    rows = [
        {
            "id": "g1",
            "conversation": {"id": "C9", "name": "ops 🚨"},
            "author": {"id": "u1", "name": "Ava"},
            "timestamp": "2026-01-05T08:00:00Z",
            "text": f"key {aws}",
        },
        {
            "id": "g2",
            "conversation": {"id": "C9", "name": "ops 🚨"},
            "author": {"id": "u2", "name": "Bo"},
            "timestamp": 1767600060,
            "text": f"mail \u00e9t\u00e9 {email}",
        },
        {
            "id": "g3",
            "conversation": {"id": "C9", "name": "ops 🚨"},
            "author": {"id": "u1", "name": "Ava"},
            "timestamp": "2026-01-05T08:02:00Z",
            "text": f"pasted from notes:\u2028line two\u0085card {card}",
        },
    ]
    sep = "\r\n" if raw else "\n"
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=not raw) + sep for r in rows), encoding="utf-8", newline=""
    )
    return (
        out,
        3,
        [
            Plant(aws, AWS, "u1", "g1", "C9"),
            Plant(email, EMAIL, "u2", "g2", "C9"),
            Plant(card, CARD, "u1", "g3", "C9"),
        ],
    )


def _generic_csv(
    root: Path, v: Values, rng: random.Random, delimiter: str = ","
) -> tuple[Path, int, list[Plant]]:
    out = root / "support_chat.csv"
    card = v.card()
    phone = v.us_phone()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", delimiter=delimiter)
    w.writerow(["id", "conversation", "author", "timestamp", "text"])
    w.writerow(["r1", "support", "Erin", "2026-01-05T10:00:00+01:00", f"card on file:\n{card}"])
    w.writerow(["r2", "support", "Frank", "2026-01-05T10:01:00+01:00", f'she said "call {phone}", ok?'])
    out.write_bytes(codecs.BOM_UTF8 + buf.getvalue().encode("utf-8"))
    return out, 2, [Plant(card, CARD, "Erin", "r1"), Plant(phone, PHONE, "Frank", "r2")]


def _generic_csv_gbk(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "客服记录.csv"
    mobile = v.cn_mobile()
    cn_id = v.cn_id()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["id", "conversation", "author", "timestamp", "text"])
    w.writerow(["k1", "客服", "王测试", "2026-01-05 10:00:00", f"电话{mobile}"])
    w.writerow(["k2", "客服", "李示例", "2026-01-05 10:01:00", f"身份证号：{cn_id}，谢谢"])
    out.write_bytes(buf.getvalue().encode("gbk"))
    return out, 2, [Plant(mobile, PHONE, "王测试", "k1"), Plant(cn_id, CN_ID, "李示例", "k2")]


# --- Messenger / Instagram (Download Your Information JSON) ------------------------------------


def _mojibake(value: object) -> object:
    """Meta writes every UTF-8 byte of a string as its own \\u00XX escape."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: _mojibake(v) for k, v in value.items()}
    return value


def _meta(root: Path, v: Values, rng: random.Random, app: str) -> tuple[Path, int, list[Plant]]:
    activity = "your_facebook_activity" if app == "facebook" else "your_instagram_activity"
    out = root / f"{app}-avalindqvist-2026-02-01"
    thread = out / activity / "messages" / "inbox" / "polaristeam_4815162342"
    (thread / "files").mkdir(parents=True)
    email = v.email("renee")
    mobile = v.cn_mobile()
    card = v.card()
    file_ssn = v.ssn()
    at = 1767600000000
    newest_first = [
        {
            "sender_name": "Renée Exemple",
            "timestamp_ms": at + 4000,
            "content": f"Merci ! 收到 👍 mail {email}",
            "is_geoblocked_for_viewer": False,
        },
        {
            "sender_name": "陈小雨",
            "timestamp_ms": at + 3000,
            "content": f"我的手机😀{mobile}，卡号 {card}",
            "reactions": [{"reaction": "❤", "actor": "Renée Exemple"}],
            "is_geoblocked_for_viewer": False,
        },
        {
            "sender_name": "Ava Lindqvist",
            "timestamp_ms": at + 2000,
            "files": [
                {
                    "uri": f"{activity}/messages/inbox/polaristeam_4815162342/files/"
                    f"passport_John_Smith_SSN_{file_ssn}.pdf",
                    "creation_timestamp": (at + 2000) // 1000,
                }
            ],
            "is_geoblocked_for_viewer": False,
        },
        {
            "sender_name": "Ava Lindqvist",
            "timestamp_ms": at + 1000,
            "content": _lorem(rng),
            "is_geoblocked_for_viewer": False,
        },
    ]
    doc = {
        "participants": [{"name": "Renée Exemple"}, {"name": "陈小雨"}, {"name": "Ava Lindqvist"}],
        "messages": newest_first,
        "title": "Polaris Team ✨",
        "is_still_participant": True,
        "thread_path": "inbox/polaristeam_4815162342",
        "magic_words": [],
    }
    (thread / "message_1.json").write_text(json.dumps(_mojibake(doc), indent=2), encoding="ascii")
    (thread / "files" / f"passport_John_Smith_SSN_{file_ssn}.pdf").write_bytes(b"%PDF-1.4\n")
    plants = [
        Plant(email, EMAIL, "Renée Exemple"),
        Plant(mobile, PHONE, "陈小雨"),
        Plant(card, CARD, "陈小雨"),
        Plant(file_ssn, SSN, "Ava Lindqvist", part="attachment name"),
    ]
    return out, 4, plants


# --- Google Chat (Takeout) -----------------------------------------------------------------------


def _googlechat(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "Takeout"
    space = out / "Google Chat" / "Groups" / "Space AAAAp0laris"
    space.mkdir(parents=True)
    people = [("Ava Lindqvist", "ava.lindqvist@example.com"), ("陈小雨", "xiaoyu.chen@example.com")]
    (space / "group_info.json").write_text(
        json.dumps(
            {
                "name": "Polaris 🚀",
                "members": [{"name": n, "email": e, "user_type": "Human"} for n, e in people],
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    aws = v.aws_key()
    mobile = v.cn_mobile()
    iban = v.iban()
    gc_ssn = v.ssn()
    gc_file = f"passport_John_Smith_SSN_{gc_ssn}.pdf"

    def when(minute: int) -> str:
        return f"Monday, January 5, 2026 at 4:{minute:02d}:00\u202fPM UTC"

    messages = [
        {
            "creator": {"name": people[0][0], "email": people[0][1], "user_type": "Human"},
            "created_date": when(1),
            "text": f"deploy key {aws}",
            "topic_id": "Tpol1",
            "message_id": "AAAAp0laris/Tpol1/Tpol1",
        },
        {
            "creator": {"name": people[1][0], "email": people[1][1], "user_type": "Human"},
            "created_date": when(2),
            "text": f"电话{mobile}\nIBAN {iban}",
            "topic_id": "Tpol1",
            "message_id": "AAAAp0laris/Tpol1/Mreply01",
            "annotations": [{"start_index": 0, "length": 2, "format_metadata": {"format_type": "BOLD"}}],
        },
        {
            "creator": {"name": people[0][0], "email": people[0][1], "user_type": "Human"},
            "created_date": when(3),
            "text": "",
            "attached_files": [{"original_name": gc_file, "export_name": f"File-{gc_file}"}],
            "topic_id": "Tpol2",
            "message_id": "AAAAp0laris/Tpol2/Tpol2",
        },
    ]
    (space / "messages.json").write_text(
        json.dumps({"messages": messages}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (space / f"File-{gc_file}").write_bytes(b"%PDF-1.4\n")
    plants = [
        Plant(aws, AWS, "Ava Lindqvist", "AAAAp0laris/Tpol1/Tpol1"),
        Plant(mobile, PHONE, "陈小雨", "AAAAp0laris/Tpol1/Mreply01"),
        Plant(iban, IBAN, "陈小雨", "AAAAp0laris/Tpol1/Mreply01"),
        Plant(gc_ssn, SSN, "Ava Lindqvist", "AAAAp0laris/Tpol2/Tpol2", part="attachment name"),
    ]
    return out, 3, plants


# --- Signal (signal-export) ---------------------------------------------------------------------


def _signal(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "signal-chats"
    chat = out / "Polaris Team"
    (chat / "media").mkdir(parents=True)
    email = v.email("ava")
    mobile = v.cn_mobile()
    file_ssn = v.ssn()
    card = v.card()
    name = f"passport_John_Smith_SSN_{file_ssn}.pdf"
    text = (
        f"[2026-01-05 10:23:45] Ava Lindqvist: mail me at {email}  \n\n"
        f"[2026-01-05 10:24:02] Me: 好的 我的手机{mobile}  \n\n"
        f"[2026-01-05 10:25:00] Ava Lindqvist: [2026-01-05T10-25-00.000_00_{name}]"
        f"(./media/2026-01-05T10-25-00.000_00_{name.replace(' ', '%20')})  \n\n"
        f"[2026-01-05 10:26:00] Me: \n\n> mail me at {email}\n\ncard for the deposit:\n{card}  \n"
        "(- Ava Lindqvist: 👍 -)\n\n"
        "[2026-01-05 10:27:00] Dara Okafor 🌻: Missed voice call  \n\n"
    )
    (chat / "chat.md").write_text(text, encoding="utf-8")
    (chat / "media" / f"2026-01-05T10-25-00.000_00_{name}").write_bytes(b"%PDF-1.4\n")
    plants = [
        Plant(email, EMAIL, "Ava Lindqvist", "L1"),
        Plant(mobile, PHONE, "Me", "L3"),
        Plant(file_ssn, SSN, "Ava Lindqvist", "L5"),
        Plant(card, CARD, "Me", "L7"),
    ]
    return out, 5, plants


# --- Rocket.Chat room export ---------------------------------------------------------------------


def _rocketchat(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    folder = root / "rc"
    (folder / "assets").mkdir(parents=True)
    github = v.github_token()
    mobile = v.cn_mobile()
    file_ssn = v.ssn()
    rows = [
        {
            "msg": "ava.lindqvist joined the channel",
            "username": "ava.lindqvist",
            "ts": "2026-01-05T10:00:00.000Z",
            "type": "uj",
        },
        {
            "msg": f"CI token {github} — rotate after",
            "username": "ava.lindqvist",
            "ts": "2026-01-05T10:01:05.120Z",
        },
        {"msg": f"电话：{mobile}", "username": "chen.xiaoyu", "ts": "2026-01-05T10:02:00.000Z"},
        {
            "msg": "",
            "username": "ava.lindqvist",
            "ts": "2026-01-05T10:03:00.000Z",
            "attachments": [
                {
                    "type": "file",
                    "title": f"passport_John_Smith_SSN_{file_ssn}.pdf",
                    "title_link": f"/file-upload/Fq1/passport_John_Smith_SSN_{file_ssn}.pdf",
                    "fileId": "Fq1",
                    "fileName": f"passport_John_Smith_SSN_{file_ssn}.pdf",
                }
            ],
        },
    ]
    (folder / "北极星.json").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    (folder / "assets" / f"Fq1-passport_John_Smith_SSN_{file_ssn}.pdf").write_bytes(b"%PDF-1.4\n")
    out = _zip_folder(folder, root / "rocketchat-export.zip")
    plants = [
        Plant(github, GITHUB, "ava.lindqvist"),
        Plant(mobile, PHONE, "chen.xiaoyu"),
        Plant(file_ssn, SSN, "ava.lindqvist", part="attachment name"),
    ]
    return out, 4, plants


# --- Matrix / Element -----------------------------------------------------------------------------


def _matrix(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "matrix-Polaris 北极星-export-2026-01-06.json"
    email = v.email("ava")
    iban = v.iban()
    aws = v.aws_key()

    def event(
        n: int, sender: str, etype: str, content: dict[str, object], **extra: object
    ) -> dict[str, object]:
        e: dict[str, object] = {
            "type": etype,
            "room_id": "!polaris:example.org",
            "sender": sender,
            "content": content,
            "origin_server_ts": 1767600000000 + n * 60000,
            "unsigned": {"age": 1000},
            "event_id": f"$ev{n:02d}-polaris",
        }
        e.update(extra)
        return e

    events = [
        event(
            0,
            "@ava:example.org",
            "m.room.member",
            {"membership": "join", "displayname": "Ava Lindqvist"},
            state_key="@ava:example.org",
        ),
        event(
            1,
            "@xiaoyu:example.org",
            "m.room.member",
            {"membership": "join", "displayname": "陈小雨"},
            state_key="@xiaoyu:example.org",
        ),
        event(
            2,
            "@ava:example.org",
            "m.room.message",
            {
                "msgtype": "m.text",
                "body": f"mail {email} 😀",
                "format": "org.matrix.custom.html",
                "formatted_body": f'mail <a href="mailto:{email}">{email}</a> 😀',
            },
        ),
        event(
            3,
            "@xiaoyu:example.org",
            "m.room.message",
            {
                "msgtype": "m.text",
                "body": f"> <@ava:example.org> mail\n\nIBAN {iban}",
                "m.relates_to": {"m.in_reply_to": {"event_id": "$ev02-polaris"}},
            },
        ),
        event(
            4,
            "@ava:example.org",
            "m.room.message",
            {
                "msgtype": "m.text",
                "body": f" * key {aws}",
                "m.new_content": {"msgtype": "m.text", "body": f"key {aws}"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$ev02-polaris"},
            },
        ),
    ]
    doc = {
        "room_name": "Polaris 北极星",
        "room_creator": "Ava Lindqvist",
        "topic": "",
        "export_date": "06/01/2026",
        "exported_by": "Ava Lindqvist",
        "messages": events,
    }
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    plants = [
        Plant(email, EMAIL, "@ava:example.org", "$ev02-polaris"),
        Plant(iban, IBAN, "@xiaoyu:example.org", "$ev03-polaris"),
        Plant(aws, AWS, "@ava:example.org"),
    ]
    return out, 5, plants


# --- iMessage (imessage-exporter txt) ---------------------------------------------------------------


def _imessage(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "imessage_export"
    out.mkdir()
    email = v.email("bo")
    ssn = v.ssn()
    text = (
        "Jan 05, 2026  6:00:00 PM You named the conversation Polaris\n\n"
        "Jan 05, 2026  6:01:00 PM\nBo Marchetti\n" + f"my e-mail is {email}\n\n"
        "Jan 05, 2026  6:02:00 PM (Read by you after 10 seconds)\nMe\n" + f"SSN {ssn}\nfor the form\n\n"
    )
    (out / "Polaris - 7.txt").write_text(text, encoding="utf-8")
    return out, 3, [Plant(email, EMAIL, "Bo Marchetti"), Plant(ssn, SSN, "Me")]


# --- Teams Graph API page ------------------------------------------------------------------------


def _teams_graph(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "graph_chat_messages.json"
    email = v.email("dara")
    card = v.card()

    def message(mid: str, i: int, html_body: str, **extra: object) -> dict[str, object]:
        m: dict[str, object] = {
            "id": mid,
            "replyToId": None,
            "etag": mid,
            "messageType": "message",
            "createdDateTime": f"2026-01-05T09:{int(mid) % 60:02d}:00.123Z",
            "lastModifiedDateTime": None,
            "lastEditedDateTime": None,
            "deletedDateTime": None,
            "subject": None,
            "summary": None,
            "chatId": "19:meeting_polaris@thread.v2",
            "importance": "normal",
            "locale": "en-us",
            "webUrl": None,
            "channelIdentity": None,
            "policyViolation": None,
            "eventDetail": None,
            "from": {
                "application": None,
                "device": None,
                "user": {
                    "@odata.type": "#microsoft.graph.teamworkUserIdentity",
                    "id": PEOPLE[i][0],
                    "displayName": PEOPLE[i][2],
                    "userIdentityType": "aadUser",
                },
            },
            "body": {"contentType": "html", "content": html_body},
            "attachments": [],
            "mentions": [],
            "reactions": [],
        }
        m.update(extra)
        return m

    page = {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#chats('19%3Ameeting_polaris%40thread.v2')/messages",
        "@odata.count": 3,
        "value": [
            message("1767604000003", 1, f"<p>card <b>{card}</b></p>"),
            message("1767604000002", 3, f"<div><div>contact:&nbsp;{email}</div></div>"),
            message(
                "1767604000001",
                0,
                "<systemEventMessage/>",
                messageType="systemEventMessage",
                eventDetail={"@odata.type": "#microsoft.graph.membersAddedEventMessageDetail"},
            ),
        ],
    }
    out.write_text(json.dumps(page, indent=2), encoding="utf-8")
    return (
        out,
        3,
        [
            Plant(card, CARD, PEOPLE[1][0], "1767604000003"),
            Plant(email, EMAIL, PEOPLE[3][0], "1767604000002"),
        ],
    )


# --- WeChat TXT (MemoTrace) --------------------------------------------------------------------------


def _wechat_txt(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "陈小雨.txt"
    mobile = v.cn_mobile()
    cn_id = v.cn_id()
    text = (
        f"2026-01-05 20:00:00 陈小雨\n我的手机{mobile}\n晚点打给我\n\n"
        f"2026-01-05 20:01:00 我\n身份证号码：{cn_id}\n\n"
        "2026-01-05 20:02:00\n你撤回了一条消息\n\n"
    )
    out.write_bytes(text.encode("utf-8"))
    return out, 3, [Plant(mobile, PHONE, "陈小雨"), Plant(cn_id, CN_ID, "我")]


# --- names (need name recognition) -----------------------------------------------------------------


def _names_whatsapp(root: Path, v: Values, rng: random.Random) -> tuple[Path, int, list[Plant]]:
    out = root / "WhatsApp Chat with Margaret.txt"
    t = datetime(2026, 1, 14, 9, 0)
    lines = [
        _wa_android_24(t, "Bo Marchetti: ")
        + "Please send the signed contract to Margaret Whitfield by Friday.",
        _wa_android_24(t + timedelta(minutes=1), "Ava Lindqvist: ")
        + "ok, and I'll ask Harold Finch about the keys",
        _wa_android_24(t + timedelta(minutes=2), "陈小雨: ") + "我叫王建国，住在北京市朝阳区建国路88号",
    ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    person = ("PERSON",)
    plants = [
        Plant("Margaret Whitfield", person, "Bo Marchetti"),
        Plant("Harold Finch", person, "Ava Lindqvist"),
        Plant("王建国", person, "陈小雨"),
        Plant("北京市朝阳区建国路88号", ("LOCATION", "ADDRESS", "CN_ADDRESS"), "陈小雨"),
    ]
    return out, 3, plants


# --- the cases -----------------------------------------------------------------------------------


def _whatsapp_cases(root: Path, v: Values, rng: random.Random) -> Iterator[Case]:
    variants = (
        ("whatsapp android 24h dd/mm", _wa_android_24, False, "android", "utf-8", False, False, "file"),
        ("whatsapp android 12h m/d narrow nbsp", _wa_us_12, False, "android", "utf-8", False, False, "file"),
        ("whatsapp ios brackets attached", _wa_ios, True, "ios", "utf-8", False, False, "file"),
        ("whatsapp ios us 12h", _wa_ios_us, True, "ios", "utf-8", False, False, "file"),
        ("whatsapp german dots crlf bom", _wa_de, False, "android", "utf-8", True, True, "file"),
        ("whatsapp utf-16 re-saved", _wa_android_24, False, "android", "utf-16", False, True, "file"),
        ("whatsapp ios zip", _wa_ios, True, "ios", "utf-8", False, False, "zip"),
        ("whatsapp android zip crlf", _wa_android_24, False, "android", "utf-8", False, True, "android zip"),
        ("whatsapp finnish ios no final newline", _wa_fi, True, "ios", "utf-8", False, False, "file no eol"),
    )
    for name, header, ios, attach, encoding, bom, crlf, kind in variants:
        text, count, plants = _whatsapp_text(v, rng, header, ios, attach)
        folder = root / name.replace(" ", "_").replace("/", "-")
        folder.mkdir(parents=True)
        if kind.endswith("no eol"):
            text = text.rstrip("\n")
        data = _encode(text, encoding, bom=bom, crlf=crlf)
        if kind == "zip":
            path = folder / "WhatsApp Chat - Polaris Team.zip"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("_chat.txt", data)
                zf.writestr(f"00000012-DOCUMENT-{plants[-1].value}.pdf", b"%PDF-1.4\n")
        elif kind == "android zip":
            path = folder / "WhatsApp Chat with Polaris Team.zip"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("WhatsApp Chat with Polaris Team.txt", data)
                zf.writestr(f"passport_John_Smith_SSN_{plants[5].value}.pdf", b"%PDF-1.4\n")
                zf.writestr("IMG-20260114-WA0001.jpg", b"\xff\xd8\xff\xe0")
        else:
            path = folder / ("WhatsApp Chat with Polaris Team.txt" if not ios else "_chat.txt")
            path.write_bytes(data)
        yield Case(name, path, "whatsapp", count, plants)


def build(root: Path, seed: int = 20260105) -> list[Case]:
    """Writes every case under ``root`` (one folder each) and returns them."""
    rng = random.Random(seed)
    v = Values(rng)
    cases: list[Case] = []

    def add(
        name: str, reader: str, maker: Callable[[Path, Values, random.Random], tuple[Path, int, list[Plant]]]
    ) -> Path:
        folder = root / name.replace(" ", "_")
        folder.mkdir(parents=True)
        path, count, plants = maker(folder, v, rng)
        cases.append(Case(name, path, reader, count, plants))
        return path

    slack = add("slack folder", "slack", _slack)
    zipped = root / "slack_zip"
    zipped.mkdir()
    cases.append(
        Case(
            "slack zip",
            _zip_folder(slack, zipped / "Acme Corp Slack export.zip"),
            "slack",
            cases[-1].messages,
            list(cases[-1].plants),
        )
    )
    nested = root / "slack_zip_nested"
    nested.mkdir()
    cases.append(
        Case(
            "slack zip nested folder",
            _zip_folder(slack, nested / "export.zip", nest=slack.name),
            "slack",
            cases[-2].messages,
            list(cases[-2].plants),
        )
    )
    add("telegram single chat", "telegram", _telegram_single)
    add("telegram full account", "telegram", _telegram_account)
    add(
        "telegram single chat minified",
        "telegram",
        lambda r, v_, g: _telegram_single(r, v_, g, minified=True),
    )
    folder = root / "telegram_mac_zip"
    folder.mkdir()
    chat_folder, count, plants = _telegram_single(folder, v, rng)
    mac = _mac_zip(chat_folder, folder / "ChatExport.zip")
    cases.append(Case("telegram zip made on a mac", mac, "telegram", count, plants))
    add("discord dce json", "discord", _discord_json)
    add("discord dce csv", "discord", _discord_csv)
    cases.extend(_whatsapp_cases(root / "whatsapp", v, rng))
    add("mattermost bulk jsonl", "mattermost", _mattermost)
    add("teams data export", "teams", _teams)
    add("lanying saved history", "lanying", _lanying)
    add("wechat csv utf-8 bom", "wechat", lambda r, v_, g: _wechat_csv(r, v_, g, "utf8"))
    add("wechat csv gb18030", "wechat", lambda r, v_, g: _wechat_csv(r, v_, g, "gb18030"))
    add("qq txt utf-16 crlf", "qq", lambda r, v_, g: _qq_txt(r, v_, g, "utf16"))
    add("qq txt gb18030 crlf", "qq", lambda r, v_, g: _qq_txt(r, v_, g, "gb18030"))
    add("qq txt utf-8 bom crlf", "qq", lambda r, v_, g: _qq_txt(r, v_, g, "utf8"))
    add("line txt crlf bom", "line", lambda r, v_, g: _line_txt(r, v_, g, True))
    add("line txt lf bom", "line", lambda r, v_, g: _line_txt(r, v_, g, False))
    add("messenger mojibake json", "messenger", lambda r, v_, g: _meta(r, v_, g, "facebook"))
    add("instagram mojibake json", "instagram", lambda r, v_, g: _meta(r, v_, g, "instagram"))
    add("google chat takeout", "googlechat", _googlechat)
    add("signal chat.md", "signal", _signal)
    add("rocket.chat room export zip", "rocketchat", _rocketchat)
    add("matrix element json", "matrix", _matrix)
    add("imessage txt", "imessage", _imessage)
    add("teams graph page", "teams", _teams_graph)
    add("wechat txt memotrace", "wechat", _wechat_txt)
    add("wechat html wechatmsg", "wechat", _wechat_html)
    add("generic jsonl", "jsonl", _generic_jsonl)
    add("generic jsonl raw unicode crlf", "jsonl", lambda r, v_, g: _generic_jsonl(r, v_, g, raw=True))
    add("generic csv bom crlf", "csv", _generic_csv)
    add("generic csv semicolons", "csv", lambda r, v_, g: _generic_csv(r, v_, g, ";"))
    add("generic csv gbk", "csv", _generic_csv_gbk)
    add("names whatsapp", "whatsapp", _names_whatsapp)
    cases[-1].ner = True
    return cases
