"""Secrets in chat: chatsweep side by side with detect-secrets and CredSweeper, on the same messages.

Builds a labelled synthetic bilingual chat corpus of its own (nothing is read from anywhere):
conversations of English, Chinese and mixed messages in which secrets of every family
chatsweep claims are pasted the way people paste them in chat: in prose ("the vpn password
is …", "wifi密码是…"), glued to Chinese text, in Markdown code fences, backticks and HTML, as
``.env`` blocks and JSON, and split across messages (a question, then the answer). Between
them: small talk, and hard negatives (placeholders such as ``${DB_PASSWORD}``, ``<your-token>``,
``xxxx`` and ``******``, documented examples such as AKIAIOSFODNN7EXAMPLE, hashes, UUIDs,
commit SHAs, order and tracking numbers, base64 images, "I reset my password" …).

Every secret is labelled with its exact span and family (chatsweep's entity type). Then:
  - chatsweep runs through its real pipeline (``scanner.pipeline.Scanner`` on the corpus
    written as generic JSONL, ``ner=False``), context rules included;
  - detect-secrets 1.5 runs its default plugins and filters over each message, line by line,
    as ``detect-secrets scan`` does for a text file;
  - CredSweeper runs over each message with its default rules and ML validation, and again in
    its document mode (``--doc``, its mode for prose).
A detection is a true positive when it overlaps a labelled span. chatsweep must also name
the right family; for the peers any secret-type hit counts for the family of the label it
overlaps, and a hit that overlaps no label is a false positive of the family its type maps to.

Two corpora are scored: a development corpus (``--seed``) and a held-out corpus built with
another seed (``--holdout-seed``); templates, prefixes, separators, wrappers and languages are
drawn independently for each.

With ``--dataset NAME:SPLIT`` it scores a cached public dataset instead (see
``benchmarks/datasets``; e.g. ``peer_secrets:dev``, vendor keys from gitleaks' and TruffleHog's
test cases pasted into chat): every tool is scored like the peers (any secret type counts for a
SECRET label), and hits on text without a label are counted as false positives.

Usage: python benchmarks/secrets_benchmark.py [--messages N] [--seed S] [--holdout-seed H]
                                               [--tools chatsweep,detect-secrets,credsweeper]
                                               [--show-errors N] [--dataset NAME:SPLIT]
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import random
import re
import string
import sys
import tempfile
import time
import warnings
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# --- corpus model ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Label:
    start: int
    end: int
    entity: str


@dataclass(slots=True)
class Msg:
    id: str
    conversation: str
    author: str
    timestamp: int
    text: str
    labels: tuple[Label, ...] = ()
    kind: str = "filler"  # filler | secret | negative | question | answer


@dataclass(frozen=True, slots=True)
class V:
    """A value to put into a template: the text and its family (None: not a secret)."""

    text: str
    entity: str | None = None


def render(template: str, values: dict[str, V]) -> tuple[str, tuple[Label, ...]]:
    """Fill ``{name}`` placeholders; labels get the exact span of each secret value."""
    out: list[str] = []
    labels: list[Label] = []
    pos = 0
    for part in re.split(r"(\{[a-z0-9_]+\})", template):
        if part.startswith("{") and part.endswith("}") and part[1:-1] in values:
            value = values[part[1:-1]]
            if value.entity is not None:
                labels.append(Label(pos, pos + len(value.text), value.entity))
            out.append(value.text)
            pos += len(value.text)
        else:
            out.append(part)
            pos += len(part)
    return "".join(out), tuple(labels)


def shift(labels: Iterable[Label], by: int) -> tuple[Label, ...]:
    return tuple(Label(label.start + by, label.end + by, label.entity) for label in labels)


# --- random values of every family ------------------------------------------------------------------

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
BASE32 = string.ascii_uppercase + "234567"


class Gen:
    """Random, structurally valid credentials (synthetic: generated here, never issued)."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def s(self, alphabet: str, n: int) -> str:
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def b62(self, n: int) -> str:
        while True:
            value = self.s(B62, n)
            if (
                any(c.isdigit() for c in value)
                and any(c.isupper() for c in value)
                and any(c.islower() for c in value)
            ):
                return value

    def hexs(self, n: int) -> str:
        return self.s(HEX, n)

    def crc_token(self, prefix: str) -> str:
        body = self.b62(30)
        number, check = zlib.crc32(body.encode()), ""
        while number:
            number, digit = divmod(number, 62)
            check = B62[digit] + check
        return prefix + body + check.rjust(6, "0")

    def b64url(self, raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def uuid(self) -> str:
        h = self.hexs(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{self.r.choice('89ab')}{h[17:20]}-{h[20:]}"

    # cloud
    def aws_id(self) -> str:
        return self.r.choice(["AKIA", "AKIA", "AKIA", "ASIA"]) + self.s(BASE32, 16)

    def aws_secret(self) -> str:
        while True:
            value = self.s(B64, 40)
            if sum(c in "+/" for c in value) <= 4:
                return value

    def ltai(self) -> str:
        return "LTAI" + self.r.choice(["5t", "4G", "5t", ""]) + self.b62(18 if self.r.random() < 0.8 else 12)

    def akid(self) -> str:
        return "AKID" + self.b62(32)

    def huawei_ak(self) -> str:
        return self.s(string.ascii_uppercase + string.digits, 20)

    # code platforms
    def github(self) -> str:
        return self.crc_token(self.r.choice(["ghp_", "ghp_", "ghp_", "gho_", "ghs_", "ghu_"]))

    def github_pat(self) -> str:
        return "github_pat_" + self.b62(22) + "_" + self.b62(59)

    def gitlab(self) -> str:
        return self.r.choice(["glpat-", "glpat-", "gldt-"]) + self.s(B62 + "-_", 20)

    def npm(self) -> str:
        return self.crc_token("npm_")

    def pypi(self) -> str:
        body = (
            b"\x02\x01\x08pypi.org\x02\x01\x25"
            + self.uuid().encode()
            + b"\x00\x00\x06 "
            + self.r.randbytes(40)
        )
        return "pypi-" + self.b64url(body)

    def slack_token(self) -> str:
        if self.r.random() < 0.6:
            return f"xoxb-{self.r.randint(10**10, 10**12)}-{self.r.randint(10**12, 10**13)}-{self.b62(24)}"
        ids = "-".join(str(self.r.randint(10**10, 10**12)) for _ in range(3))
        return f"xoxp-{ids}-{self.hexs(32)}"

    # SaaS
    def openai(self) -> str:
        if self.r.random() < 0.6:
            return "sk-proj-" + self.s(B64URL, 74) + "T3BlbkFJ" + self.s(B64URL, 74)
        return "sk-" + self.b62(20) + "T3BlbkFJ" + self.b62(20)

    def anthropic(self) -> str:
        return "sk-ant-api03-" + self.s(B64URL, 93) + "AA"

    def stripe(self) -> str:
        kind = self.r.choice(["sk_live_", "sk_live_", "rk_live_", "sk_test_"])
        if self.r.random() < 0.15:
            return "whsec_" + self.b62(32)
        return kind + self.b62(self.r.choice([24, 34, 99]))

    def twilio_sk(self) -> str:
        return "SK" + self.hexs(32)

    def sendgrid(self) -> str:
        return "SG." + self.s(B64URL, 22) + "." + self.s(B64URL, 43)

    def google(self) -> str:
        return "AIza" + self.s(B64URL, 35)

    def azure_account_key(self) -> str:
        return base64.b64encode(self.r.randbytes(64)).decode()

    def azure_client_secret(self) -> str:
        return self.s(B62, 3) + str(self.r.randint(7, 8)) + "Q~" + self.s(B62 + "_~.-", 34)

    def discord(self) -> str:
        snowflake = str(self.r.randint(10**17, 10**18))
        return self.b64url(snowflake.encode()) + "." + self.s(B64URL, 6) + "." + self.s(B64URL, 38)

    def telegram(self) -> str:
        return f"{self.r.randint(10**8, 10**10 - 1)}:AA" + self.s(B64URL, 33)

    def jwt(self) -> str:
        alg = self.r.choice(["HS256", "RS256", "ES256"])
        header = {"alg": alg, "typ": "JWT"}
        payload = {
            "sub": self.r.choice(["user", "svc", "admin", "bot"]) + str(self.r.randint(1, 99999)),
            "iat": self.r.randint(1_600_000_000, 1_750_000_000),
            self.r.choice(["role", "scope", "tenant"]): self.r.choice(
                ["admin", "read write", "ops", "cn-east"]
            ),
        }
        sig = self.s(B64URL, 43 if alg == "HS256" else (86 if alg == "ES256" else 342))
        enc = self.b64url(json.dumps(header, separators=(",", ":")).encode())
        return enc + "." + self.b64url(json.dumps(payload, separators=(",", ":")).encode()) + "." + sig

    def pem(self) -> str:
        kind = self.r.choice(["RSA ", "", "EC ", "OPENSSH "])
        if kind == "OPENSSH ":
            raw = b"openssh-key-v1\x00" + self.r.randbytes(self.r.choice([380, 1600]))
            width = 70
        else:
            raw = b"\x30\x82\x04\xa4\x02\x01\x00" + self.r.randbytes(self.r.choice([120, 600, 1190]))
            width = 64
        body = base64.b64encode(raw).decode()
        lines = [body[i : i + width] for i in range(0, len(body), width)]
        return (
            f"-----BEGIN {kind}PRIVATE KEY-----\n" + "\n".join(lines) + f"\n-----END {kind}PRIVATE KEY-----"
        )

    def password(self) -> str:
        r = self.r
        words = [
            "Summer",
            "Winter",
            "Dragon",
            "Tiger",
            "Sunny",
            "Ocean",
            "Panda",
            "Maple",
            "Rocket",
            "Coffee",
        ]
        pinyin = [
            "zhang",
            "wang",
            "liwei",
            "xiaoming",
            "huawei",
            "beijing",
            "shanghai",
            "admin",
            "qwer",
            "aini",
        ]
        style = r.randrange(7)
        if style == 0:
            return r.choice(words) + str(r.randint(1990, 2026)) + r.choice("!@#$%&*")
        if style == 1:
            return self.s(string.ascii_letters + string.digits + "!@#$%^&*", r.randint(10, 16))
        if style == 2:
            return r.choice(pinyin) + str(r.randint(100, 99999))
        if style == 3:
            return (
                r.choice(words).lower().replace("o", "0").replace("e", "3")
                + r.choice(["!", "#", "_"])
                + str(r.randint(1, 99))
            )
        if style == 4:
            return r.choice(pinyin).capitalize() + "@" + str(r.randint(1000, 9999))
        if style == 5:
            return self.b62(r.randint(8, 12))
        return r.choice(words) + r.choice(["-", "_", "."]) + r.choice(words).lower() + str(r.randint(1, 9))

    def code(self) -> str:
        while True:
            value = "".join(self.r.choice(string.digits) for _ in range(self.r.choice([4, 6, 6, 6, 8])))
            if len(set(value)) > 2 and value not in "01234567890" and value not in "9876543210":
                return value

    def generic(self) -> str:
        style = self.r.randrange(4)
        if style == 0:
            return self.b62(self.r.choice([20, 24, 32, 40]))
        if style == 1:
            return self.hexs(self.r.choice([32, 40]))
        if style == 2:
            return self.s(B64URL, 32) + self.r.choice(["", "AA", "x9"])
        return self.r.choice(["key_", "tok_", "app_", "svc-"]) + self.b62(24)


# --- vocabulary --------------------------------------------------------------------------------------

WHAT_EN = [
    "vpn",
    "wifi",
    "staging db",
    "jenkins",
    "admin",
    "router",
    "prod mysql",
    "jump host",
    "nas",
    "guest wifi",
    "grafana",
]
WHAT_ZH = [
    "VPN",
    "wifi",
    "服务器",
    "测试库",
    "堡垒机",
    "路由器",
    "后台",
    "管理员",
    "邮箱",
    "NAS",
    "门禁",
    "生产环境数据库",
]
USERS = ["admin", "root", "ops", "deploy", "zhangwei", "test01", "sa", "dev"]
SVC = [
    "Google",
    "Alipay",
    "WeChat",
    "GitHub",
    "Microsoft",
    "Apple",
    "Binance",
    "招商银行",
    "支付宝",
    "淘宝",
    "京东",
]
FILLER_EN = [
    "morning all, standup in 5",
    "can someone review my PR before lunch?",
    "thanks! merged",
    "lol that's hilarious",
    "meeting moved to 3pm, room 4.12",
    "I'll be 10 min late",
    "ok sounds good",
    "ping me when the build is green",
    "who broke main again 😅",
    "deploying to staging now",
    "can you share the slides from yesterday?",
    "the dashboard is down, looking into it",
    "nice work on the release!",
    "lunch?",
    "brb",
    "sure, give me a sec",
    "the token refresh job runs every hour",
    "let's rotate the keys next sprint",
    "please don't paste secrets here",
    "the password policy changed, 12 chars minimum now",
    "what time is the demo?",
    "I pushed a fix, see PR #4821",
]
FILLER_ZH = [
    "大家好，今天下午三点开会",
    "收到，谢谢",
    "这个版本修复了登录问题",
    "我先去吃饭了",
    "好的，马上看一下",
    "明天上午十点评审，记得带电脑",
    "测试环境又挂了",
    "辛苦了👍",
    "这个需求下周上线",
    "谁有空帮忙看下这个bug",
    "密码策略改了，至少12位",
    "不要在群里发密钥",
    "token每小时刷新一次",
    "验证码收不到怎么办",
    "我重置了一下密码",
    "发版窗口是周四晚上",
    "文档我发群文件了",
    "好的没问题",
    "哈哈哈",
    "今天加班吗",
]


# --- secret messages by family -----------------------------------------------------------------------

Maker = Callable[["Corpus"], tuple[str, tuple[Label, ...]]]


class Corpus:
    """Builds conversations; every method that makes a secret returns text and exact labels."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.g = Gen(self.r)

    def pick(self, seq: Sequence[str]) -> str:
        return self.r.choice(seq)

    def wrap(self, value: str, entity: str, allow: bool = True) -> tuple[str, dict[str, V]]:
        """A value, maybe wrapped in backticks, quotes, bold or HTML (the label stays on the value)."""
        if allow and self.r.random() < 0.3:
            left, right = self.pick(["`", '"', "**", "<code>", "“", "「"]), ""
            right = {"`": "`", '"': '"', "**": "**", "<code>": "</code>", "“": "”", "「": "」"}[left]
            return f"{left}{{v}}{right}", {"v": V(value, entity)}
        return "{v}", {"v": V(value, entity)}

    def prose(
        self, entity: str, value: str, en: Sequence[str], zh: Sequence[str]
    ) -> tuple[str, tuple[Label, ...]]:
        slot, values = self.wrap(value, entity)
        template = self.pick(en if self.r.random() < 0.5 else zh).replace("{v}", slot)
        values["what"] = V(self.pick(WHAT_EN if template.isascii() else WHAT_ZH))
        values["user"] = V(self.pick(USERS))
        values["svc"] = V(self.pick(SVC))
        return render(template, values)

    # --- families ---------------------------------------------------------------------------------

    def password(self) -> tuple[str, tuple[Label, ...]]:
        en = [
            "the {what} password is {v}",
            "{what} password: {v}",
            "pw for {what}: {v}",
            "password={v}",
            "I changed the {what} password to {v}",
            "use {v} as the password",
            "new password -> {v} (don't share)",
            "password for {what} is {v}, rotate it after the demo",
            "login {user} / password {v}",
            "the password's {v} btw",
            "user/pass: {user}/{v}",
            "Password:\n{v}",
            "passcode: {v}",
            "DB_PASSWORD={v}",
            "{what} pwd is {v}",
            "pass is {v}",
            "password → {v}",
            "pwd: {v}",
            "login: {user} pw: {v}",
            "creds: {user}/{v}",
            "here's the {what} password: {v}",
            "set the password to {v}",
            "password for {user}@{what}: {v}",
            "the passphrase is {v}",
            "sudo password is {v}",
            "ssid {what} / pwd {v}",
            "admin password\n{v}",
            "password\t{v}",
        ]
        zh = [
            "{what}密码是{v}",
            "{what}密码：{v}",
            "密码 {v}",
            "账号 {user} 密码 {v}",
            "登录密码为{v}，别外传",
            "wifi密码：{v}",
            "初始密码{v}，登录后改掉",
            "新密码改成{v}了",
            "账号/密码：{user}/{v}",
            "用户名{user}，密码{v}",
            "{what}的密碼：{v}",
            "口令是{v}",
            "默认密码：{v}",
            "密码就是{v}，大小写敏感",
            "{what}密码为 {v} 记得改",
            "{what}的登录密码：{v}",
            "密码发你：{v}",
            "密码{v}",
            "给你密码：{v}",
            "管理员账号{user}密码{v}",
            "WiFi名称{what}，密码{v}",
            "密码是 {v} 哦",
            "登录名：{user} 密码：{v}",
            "帐密 {user}/{v}",
            "{what}账号：{user}\n密码：{v}",
            "密码已重置为{v}",
        ]
        return self.prose("PASSWORD", self.g.password(), en, zh)

    def pan_code(self) -> tuple[str, tuple[Label, ...]]:
        code = self.g.s(string.ascii_lowercase + string.digits, 4)
        if not any(c.isdigit() for c in code) or not any(c.isalpha() for c in code):
            code = code[:3] + self.pick("abcdefghjkmnpqrstuvwxyz23456789")
        link = "https://pan.baidu.com/s/1" + self.g.s(B64URL, 22)
        template = self.pick(
            [
                "链接: {link} 提取码: {v}",
                "资料在这 {link} 提取码：{v}",
                "{link}\n提取码 {v} 复制这段内容后打开百度网盘",
            ]
        )
        return render(template, {"link": V(link), "v": V(code, "PASSWORD")})

    def verification_code(self) -> tuple[str, tuple[Label, ...]]:
        code = self.g.code()
        en = [
            "your verification code is {v}",
            "{v} is your {svc} verification code",
            "OTP: {v}",
            "2FA code {v}",
            "login code: {v}, expires in 5 minutes",
            "use {v} to verify your account",
            "the code from the sms is {v}",
            "security code: {v}",
            "one-time code {v} — can you log in for me?",
            "verification code: {v}",
            "Your {svc} code is {v}",
            "{v} is your one-time passcode",
            "Enter code {v} to sign in",
            "authentication code {v}",
            "got the sms, code is {v}",
            "confirmation code: {v}",
        ]
        zh = [
            "验证码：{v}",
            "【{svc}】您的验证码为{v}，5分钟内有效，请勿泄露",
            "短信验证码是{v}",
            "{v}是你的登录验证码",
            "动态码{v}",
            "校验码 {v}",
            "刚收到验证码{v}，帮我登一下",
            "验证码{v}，你那边输入一下",
            "登录验证码：{v}。",
            "验证码 {v}（请勿告诉他人）",
            "您正在登录，验证码{v}",
            "【{svc}】{v}（登录验证码）",
            "手机验证码：{v}",
            "短信码{v}",
        ]
        if self.r.random() < 0.1:
            return render("G-{v} is your Google verification code.", {"v": V(code, "VERIFICATION_CODE")})
        return self.prose("VERIFICATION_CODE", code, en, zh)

    def generic(self) -> tuple[str, tuple[Label, ...]]:
        en = [
            "api key: {v}",
            "the token is {v}",
            '{"api_key": "{v}"}',
            "client_secret={v}",
            "secret for the {what} bot: {v}",
            "X-API-Key: {v}",
            "webhook secret {v}",
            "access_token={v}",
            "here's the api token {v}",
            "apikey = {v}",
            "https://api.acme.io/v1/export?token={v}",
            "Authorization: token {v}",
            "secret key {v}",
            "app_key={v}",
            "signing secret: {v}",
            "the {what} access key is {v}",
            "credentials: {v}",
        ]
        zh = [
            "密钥是{v}",
            "令牌：{v}",
            "接口密钥{v}",
            "{what}的token是{v}",
            "秘钥：{v}",
            "新的API Key：{v}，旧的作废",
            "app secret 是 {v}",
            "访问令牌{v}，有效期一天",
            "API密钥：{v}",
            "appkey：{v}",
            "{what}的secret：{v}",
            "密钥 {v} 记得保存",
            "接口token {v}",
        ]
        return self.prose("GENERIC_SECRET", self.g.generic(), en, zh)

    def aws(self) -> tuple[str, tuple[Label, ...]]:
        key_id, secret = V(self.g.aws_id(), "AWS_ACCESS_KEY"), V(self.g.aws_secret(), "AWS_SECRET_KEY")
        templates = [
            "AWS_ACCESS_KEY_ID={id}\nAWS_SECRET_ACCESS_KEY={sk}",
            "access key {id} secret {sk}",
            "aws key: {id}",
            "AK：{id}\nSK：{sk}",
            "亚马逊的访问密钥{id}，秘密访问密钥{sk}",
            "[default]\naws_access_key_id = {id}\naws_secret_access_key = {sk}",
            "用这个AK {id}",
            "aws creds for the s3 bucket: {id} / {sk}",
            '{"AccessKeyId": "{id}", "SecretAccessKey": "{sk}"}',
        ]
        return render(self.pick(templates), {"id": key_id, "sk": secret})

    def github(self) -> tuple[str, tuple[Label, ...]]:
        token = self.g.github() if self.r.random() < 0.8 else self.g.github_pat()
        en = [
            "token: {v}",
            "export GITHUB_TOKEN={v}",
            "use my PAT {v} for the release",
            "gh auth login --with-token {v}",
            "{v}",
        ]
        zh = ["用这个令牌{v}", "GitHub token：{v}，用完删", "我的github token是{v}", "CI 里配一下 {v}"]
        return self.prose("GITHUB_TOKEN", token, en, zh)

    def gitlab(self) -> tuple[str, tuple[Label, ...]]:
        en = ["gitlab token {v}", "GITLAB_TOKEN={v}", "deploy token: {v}"]
        zh = ["gitlab的令牌{v}", "私有仓库用这个token：{v}"]
        return self.prose("GITLAB_TOKEN", self.g.gitlab(), en, zh)

    def slack(self) -> tuple[str, tuple[Label, ...]]:
        en = ["bot token {v}", "SLACK_BOT_TOKEN={v}", "slack token: {v}"]
        zh = ["机器人令牌：{v}", "slack的token{v}"]
        return self.prose("SLACK_TOKEN", self.g.slack_token(), en, zh)

    def webhook(self) -> tuple[str, tuple[Label, ...]]:
        g = self.g
        kind = self.r.randrange(6)
        if kind == 0:
            upper = string.ascii_uppercase + string.digits
            url = f"https://hooks.slack.com/services/T{g.s(upper, 8)}/B{g.s(upper, 10)}/{g.b62(24)}"
        elif kind == 1:
            url = (
                f"https://{self.pick(['contoso', 'acme', 'chatsweep'])}.webhook.office.com"
                f"/webhookb2/{g.uuid()}@{g.uuid()}"
                f"/IncomingWebhook/{g.hexs(32)}/{g.uuid()}"
            )
        elif kind == 2:
            url = f"https://oapi.dingtalk.com/robot/send?access_token={g.hexs(64)}"
        elif kind == 3:
            url = f"https://open.{self.pick(['feishu.cn', 'larksuite.com'])}/open-apis/bot/v2/hook/{g.uuid()}"
        elif kind == 4:
            url = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={g.uuid()}"
        else:
            url = f"https://discord.com/api/webhooks/{self.r.randint(10**17, 10**18)}/{g.s(B64URL, 68)}"
        en = [
            "webhook: {v}",
            "post alerts to {v}",
            "the bot posts via {v}",
            "{v}",
            "hook url is {v} don't share it",
        ]
        zh = ["机器人地址{v}", "群机器人webhook：{v}，别发到外面", "告警推送到{v}", "钉钉/飞书机器人：{v}"]
        return self.prose("CHAT_WEBHOOK", url, en, zh)

    def stripe(self) -> tuple[str, tuple[Label, ...]]:
        en = ["stripe key {v}", "STRIPE_SECRET_KEY={v}", "use {v} for payments", "stripe: {v}"]
        zh = ["stripe密钥：{v}", "支付用的key是{v}"]
        return self.prose("STRIPE_KEY", self.g.stripe(), en, zh)

    def openai(self) -> tuple[str, tuple[Label, ...]]:
        en = ["OPENAI_API_KEY={v}", "openai key: {v}", "try my key {v}", "{v}"]
        zh = ["我的openai key是{v}", "GPT的key：{v}，先用着", "chatgpt接口密钥{v}"]
        return self.prose("OPENAI_API_KEY", self.g.openai(), en, zh)

    def anthropic(self) -> tuple[str, tuple[Label, ...]]:
        en = ["ANTHROPIC_API_KEY={v}", "claude key {v}", "anthropic: {v}"]
        zh = ["claude的key：{v}", "Anthropic密钥{v}"]
        return self.prose("ANTHROPIC_API_KEY", self.g.anthropic(), en, zh)

    def google(self) -> tuple[str, tuple[Label, ...]]:
        en = [
            "maps api key {v}",
            'const firebaseConfig = { apiKey: "{v}" };',
            "GOOGLE_API_KEY={v}",
            "gemini key: {v}",
        ]
        zh = ["谷歌API密钥：{v}", "地图key{v}"]
        return self.prose("GOOGLE_API_KEY", self.g.google(), en, zh)

    def gcp(self) -> tuple[str, tuple[Label, ...]]:
        pem = self.g.pem().replace("\n", "\\n").replace("OPENSSH ", "").replace("RSA ", "").replace("EC ", "")
        project = self.pick(["acme-prod", "chatsweep-test", "data-lake-42"])
        doc = {
            "type": "service_account",
            "project_id": project,
            "private_key_id": self.g.hexs(40),
            "private_key": "@@PEM@@",
            "client_email": f"svc@{project}.iam.gserviceaccount.com",
            "client_id": str(self.r.randint(10**20, 10**21)),
        }
        compact = self.r.random() < 0.4
        body = json.dumps(doc, indent=None if compact else 2).replace("@@PEM@@", pem)
        template = self.pick(
            ["key.json:\n```\n{v}\n```", "服务账号密钥：\n{v}", "{v}", "here's the SA key {v}"]
        )
        return render(template, {"v": V(body, "GCP_SERVICE_ACCOUNT")})

    def azure(self) -> tuple[str, tuple[Label, ...]]:
        g = self.g
        kind = self.r.randrange(3)
        if kind == 0:
            key = V(g.azure_account_key(), "AZURE_SECRET")
            return render(
                self.pick(
                    [
                        "DefaultEndpointsProtocol=https;AccountName={name};AccountKey={v};EndpointSuffix=core.windows.net",
                        "存储连接串 DefaultEndpointsProtocol=https;AccountName={name};AccountKey={v}",
                    ]
                ),
                {"v": key, "name": V(self.pick(["acmeprod", "chatsweepdata", "logs01"]))},
            )
        if kind == 1:
            en = [
                "client secret {v} expires in 6 months",
                "AZURE_CLIENT_SECRET={v}",
                "app registration secret: {v}",
            ]
            zh = ["客户端密码{v}，别外传", "Azure应用密钥：{v}"]
            return self.prose("AZURE_SECRET", g.azure_client_secret(), en, zh)
        sig = V(g.s(B64, 43).replace("+", "%2B").replace("/", "%2F") + "%3D", "AZURE_SECRET")
        template = "https://{name}.blob.core.windows.net/c/f.zip?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig={v}"
        return render(template, {"v": sig, "name": V(self.pick(["acmeprod", "chatsweepdata"]))})

    def alibaba(self) -> tuple[str, tuple[Label, ...]]:
        key_id, secret = V(self.g.ltai(), "ALIBABA_ACCESS_KEY"), V(self.g.b62(30), "ALIBABA_ACCESS_KEY")
        templates = [
            "阿里云 AccessKey ID：{id}\nAccessKey Secret：{sk}",
            "oss creds: AK {id} SK {sk}",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET={sk}",
            "阿里云的key {id}",
            "AccessKeyId={id}&AccessKeySecret={sk}",
            "aliyun ak={id} sk={sk}",
        ]
        return render(self.pick(templates), {"id": key_id, "sk": secret})

    def tencent(self) -> tuple[str, tuple[Label, ...]]:
        key_id, secret = V(self.g.akid(), "TENCENT_SECRET"), V(self.g.b62(32), "TENCENT_SECRET")
        templates = [
            "腾讯云 SecretId: {id} SecretKey: {sk}",
            "TENCENTCLOUD_SECRET_ID={id}\nTENCENTCLOUD_SECRET_KEY={sk}",
            "cos密钥 SecretId={id}",
            "qcloud secret id {id}, secret key {sk}",
        ]
        return render(self.pick(templates), {"id": key_id, "sk": secret})

    def huawei(self) -> tuple[str, tuple[Label, ...]]:
        ak, sk = V(self.g.huawei_ak(), "HUAWEI_SECRET"), V(self.g.b62(40), "HUAWEI_SECRET")
        templates = [
            "华为云 AK：{ak} SK：{sk}",
            "HUAWEICLOUD_SDK_AK={ak}\nHUAWEICLOUD_SDK_SK={sk}",
            "huawei obs access key {ak} secret key {sk}",
        ]
        return render(self.pick(templates), {"ak": ak, "sk": sk})

    def baidu(self) -> tuple[str, tuple[Label, ...]]:
        if self.r.random() < 0.35:
            key = V("bce-v3/ALTAK-" + self.g.b62(21) + "/" + self.g.hexs(40), "BAIDU_SECRET")
            return render(
                self.pick(["千帆的key：{v}", "qianfan api key {v}", "QIANFAN_API_KEY={v}"]), {"v": key}
            )
        ak, sk = V(self.g.b62(24), "BAIDU_SECRET"), V(self.g.b62(32), "BAIDU_SECRET")
        templates = [
            "百度智能云 API Key：{ak} Secret Key：{sk}",
            "百度AI的API Key {ak}，Secret Key {sk}",
            "baidu ocr api key={ak} secret key={sk}",
        ]
        return render(self.pick(templates), {"ak": ak, "sk": sk})

    def twilio(self) -> tuple[str, tuple[Label, ...]]:
        if self.r.random() < 0.5:
            en = ["twilio api key {v}", "TWILIO_API_KEY={v}"]
            zh = ["twilio的key：{v}"]
            return self.prose("TWILIO_KEY", self.g.twilio_sk(), en, zh)
        sid, token = V("AC" + self.g.hexs(32)), V(self.g.hexs(32), "TWILIO_KEY")
        templates = [
            "Twilio Account SID {sid}, Auth Token {tok}",
            "TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={tok}",
            "twilio账号 {sid} token {tok}",
        ]
        return render(self.pick(templates), {"sid": sid, "tok": token})

    def sendgrid(self) -> tuple[str, tuple[Label, ...]]:
        en = ["SENDGRID_API_KEY={v}", "sendgrid key {v}", "mail api key: {v}"]
        zh = ["发邮件用{v}", "sendgrid密钥：{v}"]
        return self.prose("SENDGRID_KEY", self.g.sendgrid(), en, zh)

    def npm_pypi(self) -> tuple[str, tuple[Label, ...]]:
        if self.r.random() < 0.5:
            en = ["//registry.npmjs.org/:_authToken={v}", "npm token {v}", "NPM_TOKEN={v}"]
            zh = ["npm发布令牌：{v}", "npm的token是{v}"]
            return self.prose("NPM_TOKEN", self.g.npm(), en, zh)
        en = ["pypi token: {v}", "TWINE_PASSWORD={v}", "upload with {v}"]
        zh = ["pypi上传token：{v}"]
        return self.prose("PYPI_TOKEN", self.g.pypi(), en, zh)

    def bots(self) -> tuple[str, tuple[Label, ...]]:
        if self.r.random() < 0.5:
            en = ["bot token {v}", "TELEGRAM_BOT_TOKEN={v}", "curl https://api.telegram.org/bot{v}/getMe"]
            zh = ["电报机器人token：{v}", "TG机器人{v}"]
            return self.prose("TELEGRAM_BOT_TOKEN", self.g.telegram(), en, zh)
        en = ["DISCORD_TOKEN={v}", "discord bot token: {v}"]
        zh = ["discord机器人令牌{v}"]
        return self.prose("DISCORD_TOKEN", self.g.discord(), en, zh)

    def app_secrets(self) -> tuple[str, tuple[Label, ...]]:
        if self.r.random() < 0.5:
            appid, secret = V("wx" + self.g.hexs(16)), V(self.g.hexs(32), "WECHAT_APP_SECRET")
            templates = [
                "小程序AppID：{id}，AppSecret：{sk}",
                "appid {id}\nsecret {sk}",
                "公众号开发者密码(AppSecret)是{sk}",
                "WECHAT_APP_ID={id}\nWECHAT_APP_SECRET={sk}",
            ]
            return render(self.pick(templates), {"id": appid, "sk": secret})
        appid, secret = V("cli_" + self.g.hexs(16)), V(self.g.b62(32), "CHAT_APP_SECRET")
        templates = [
            "飞书应用 App ID: {id} App Secret: {sk}",
            "FEISHU_APP_ID={id}\nFEISHU_APP_SECRET={sk}",
            "lark app {id} secret {sk}",
        ]
        return render(self.pick(templates), {"id": appid, "sk": secret})

    def private_key(self) -> tuple[str, tuple[Label, ...]]:
        templates = [
            "here is the key:\n{v}",
            "私钥如下：\n{v}",
            "```\n{v}\n```",
            "{v}",
            "id_rsa 👇\n{v}\n用完删掉",
        ]
        return render(self.pick(templates), {"v": V(self.g.pem(), "PRIVATE_KEY")})

    def jwt(self) -> tuple[str, tuple[Label, ...]]:
        en = [
            "Authorization: Bearer {v}",
            "token: {v}",
            "https://app.example.com/sso?jwt={v}",
            "session token {v}",
            "{v}",
        ]
        zh = ["登录态token：{v}，过期了再找我", "用这个jwt调接口 {v}", "请求头加上 Authorization: Bearer {v}"]
        return self.prose("JWT", self.g.jwt(), en, zh)

    def connection(self) -> tuple[str, tuple[Label, ...]]:
        pw = self.g.password().replace("@", "").replace("/", "").replace(":", "").replace("#", "")
        user = self.pick(["app", "root", "svc", "admin", "etl", "reader"])
        host = self.pick(
            [
                "db.internal",
                "10.0.3.12",
                "mysql-prod.acme.local",
                "cluster0.ab1cd.mongodb.net",
                "cache01",
                "mq.internal",
            ]
        )
        kind = self.r.randrange(7)
        url = {
            0: f"postgres://{user}:{pw}@{host}:5432/app",
            1: f"mysql://{user}:{pw}@{host}:3306/orders",
            2: f"mongodb+srv://{user}:{pw}@{host}/prod?retryWrites=true",
            3: f"redis://:{pw}@{host}:6379/0",
            4: f"amqp://{user}:{pw}@{host}:5672/vhost",
            5: f"jdbc:mysql://{host}:3306/erp?user={user}&password={pw}",
            6: f"Server=tcp:{host},1433;Database=app;User ID={user};Password={pw};Encrypt=true",
        }[kind]
        en = ["DATABASE_URL={v}", "conn string: {v}", "use {v}", "{v}", "the dsn is {v}"]
        zh = ["数据库连接串{v}，别外传", "连接：{v}", "测试库 {v}"]
        return self.prose("CONNECTION_STRING", url, en, zh)

    def env_block(self) -> tuple[str, tuple[Label, ...]]:
        password, secret = V(self.g.password(), "PASSWORD"), V(self.g.b62(32), "GENERIC_SECRET")
        templates = [
            ".env:\n```\nDB_HOST=db.internal\nDB_PASSWORD={pw}\nJWT_SECRET={sk}\nDEBUG=false\n```",
            "export REDIS_PASSWORD={pw}\nexport SESSION_SECRET={sk}",
            "配置：\nMYSQL_PASSWORD={pw}\nAPP_SECRET_KEY={sk}",
        ]
        return render(self.pick(templates), {"pw": password, "sk": secret})

    def basic_auth(self) -> tuple[str, tuple[Label, ...]]:
        creds = f"{self.pick(USERS)}:{self.g.password()}"
        value = V(base64.b64encode(creds.encode()).decode(), "PASSWORD")
        templates = [
            "Authorization: Basic {v}",
            "curl -H 'Authorization: Basic {v}' https://api.internal/health",
            "请求头 Authorization: Basic {v}",
        ]
        return render(self.pick(templates), {"v": value})

    MAKERS: tuple[tuple[str, float], ...] = (
        ("password", 6.0),
        ("pan_code", 0.5),
        ("verification_code", 4.0),
        ("generic", 4.0),
        ("aws", 2.0),
        ("github", 2.0),
        ("gitlab", 1.0),
        ("slack", 1.0),
        ("webhook", 2.5),
        ("stripe", 1.0),
        ("openai", 1.0),
        ("anthropic", 0.7),
        ("google", 1.0),
        ("gcp", 0.7),
        ("azure", 1.5),
        ("alibaba", 1.5),
        ("tencent", 1.2),
        ("huawei", 0.8),
        ("baidu", 0.8),
        ("twilio", 0.8),
        ("sendgrid", 0.7),
        ("npm_pypi", 1.0),
        ("bots", 1.2),
        ("app_secrets", 1.2),
        ("private_key", 1.5),
        ("jwt", 1.5),
        ("connection", 2.0),
        ("env_block", 1.0),
        ("basic_auth", 0.6),
    )

    def secret(self) -> tuple[str, tuple[Label, ...]]:
        names = [n for n, _ in self.MAKERS]
        weights = [w for _, w in self.MAKERS]
        name = self.r.choices(names, weights)[0]
        text, labels = getattr(self, name)()
        return self.frame(text, labels)

    def frame(self, text: str, labels: tuple[Label, ...]) -> tuple[str, tuple[Label, ...]]:
        """Sometimes a lead-in, a code fence, a quote or an HTML paragraph around the message."""
        roll = self.r.random()
        if roll < 0.08 and "```" not in text:
            prefix, suffix = "```\n", "\n```"
        elif roll < 0.13:
            prefix, suffix = "<p>", "</p>"
        elif roll < 0.18:
            prefix, suffix = "> ", ""
        elif roll < 0.35:
            prefix = self.pick(
                ["fyi ", "FYI: ", "给你：", "刚查到 ", "@bob ", "for the record: ", "上线用的 ", "这个 "]
            )
            suffix = ""
        elif roll < 0.45:
            prefix, suffix = "", self.pick([" 别外传", " (don't share)", "，用完删掉", " thx", " 🙏", "。"])
        else:
            prefix, suffix = "", ""
        return prefix + text + suffix, shift(labels, len(prefix))

    # --- hard negatives ---------------------------------------------------------------------------

    def negative(self) -> str:
        g = self.g
        templates: list[Callable[[], str]] = [
            lambda: self.pick(
                [
                    "password: ${DB_PASSWORD}",
                    "DB_PASSWORD=${DB_PASSWORD}",
                    "token: <your-token>",
                    "api_key=YOUR_API_KEY",
                    "password: ******",
                    "密码：******",
                    "密钥：<your-secret>",
                    "token: xxxx-xxxx-xxxx",
                    "password: changeme",
                    "export AWS_SECRET_ACCESS_KEY=<secret>",
                    "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
                    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                    "postgres://user:password@localhost:5432/db",
                    "mysql://root:${MYSQL_PASSWORD}@db:3306/app",
                    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                    "密码是：xxxxxx",
                    "AccountKey=<your-account-key>",
                    "Authorization: Bearer <token>",
                    "验证码：******",
                    "client_secret: {{ vault.client_secret }}",
                ]
            ),
            lambda: self.pick(
                [
                    "AKIAIOSFODNN7EXAMPLE",
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "the docs use AKIAIOSFODNN7EXAMPLE as the key id",
                    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
                    "sk_test_4eC39HqLyjWDarjtT1zdp7dc is stripe's doc key",
                ]
            ),
            lambda: self.pick(
                [
                    "md5: {h}",
                    "sha1 {h}",
                    "commit {h}",
                    "fixed in {h7}",
                    "git checkout {h}",
                    "文件MD5 {h}",
                    "镜像 digest sha256:{h64}",
                    "sha256sum: {h64}",
                    "reverted {h7}, see {h}",
                    "hash is {h}",
                    'etag "{h}"',
                    "checksum {h64} ok",
                ]
            ).format(h=g.hexs(self.r.choice([32, 40])), h7=g.hexs(7), h64=g.hexs(64)),
            lambda: self.pick(
                [
                    "request id {u}",
                    "trace_id={u}",
                    "工单号 {u}",
                    "uuid: {u}",
                    "session {u} timed out",
                    "correlation-id: {u}",
                    "设备ID {u}",
                ]
            ).format(u=g.uuid()),
            lambda: self.pick(
                [
                    "order #{n16}",
                    "tracking 1Z{t}",
                    "快递单号 SF{n12}",
                    "订单号{n18}，已发货",
                    "invoice INV-{n8}",
                    "运单号：YT{n13}",
                    "退款单号 {n20}",
                ]
            ).format(
                n16=g.s(string.digits, 16),
                t=g.s(string.ascii_uppercase + string.digits, 16),
                n12=g.s(string.digits, 12),
                n18=g.s(string.digits, 18),
                n8=g.s(string.digits, 8),
                n13=g.s(string.digits, 13),
                n20=g.s(string.digits, 20),
            ),
            lambda: (
                "![screenshot](data:image/png;base64,iVBORw0KGgo" + g.s(B64, self.r.randint(200, 600)) + "=)"
            ),
            lambda: "data:image/jpeg;base64,/9j/4AAQSkZJRg" + g.s(B64, self.r.randint(150, 400)),
            lambda: self.pick(
                [
                    "I reset my password",
                    "forgot my password again lol",
                    "password is required",
                    "Your password is incorrect.",
                    "the token expired, regenerate it",
                    "don't paste secrets in chat pls",
                    "密码错误，请重试",
                    "验证码已发送，请注意查收",
                    "验证码5分钟内有效",
                    "忘记密码了怎么办",
                    "私钥不要发群里",
                    "token过期了",
                    "error code 5003",
                    "status code 404",
                    "promo code SAVE2024",
                    "zip code 94107",
                    "I changed my password",
                    "what's the wifi password?",
                    "密码是多少？",
                    "the API key is in the vault",
                    "请输入6位验证码",
                    "key rotation is scheduled for friday",
                    "passwords must be 12 characters",
                    "我把密钥放在配置中心了",
                    "the secret manager is down",
                    "can you reset my 2FA?",
                    "the verification code never arrived",
                    "the password field is required",
                    "密码强度不够，至少8位",
                    "your code is on GitHub",
                    "the code is 200 lines long",
                    "code review at 3pm",
                    "use a password manager",
                    "secret santa this friday 🎁",
                    "key takeaway: ship it",
                    "token bucket rate limit is 1000/min",
                    "密钥轮换周期是90天",
                    "令牌桶限流",
                    "I'll send the password over signal",
                    "password reset link expired",
                    "验证码不对，再发一次",
                    "the wifi password changed again",
                ]
            ),
            lambda: self.pick(
                [
                    "ts 1709631234.123456",
                    "version 2.14.1",
                    "v3.2.0-rc1 released",
                    "meet at 10:30",
                    "¥1999 包邮",
                    "build #48213 passed",
                    "PR #4821",
                    "room 4.12",
                    "call me at 15:45",
                    "会议号 482 913 771",
                ]
            ),
            lambda: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + g.s(B64, 300) + " ops@bastion",
            lambda: (
                "-----BEGIN CERTIFICATE-----\n"
                + "\n".join(g.s(B64, 64) for _ in range(6))
                + "\n-----END CERTIFICATE-----"
            ),
            lambda: self.pick(
                [
                    "https://docs.google.com/document/d/{d}/edit",
                    "https://youtu.be/{y}",
                    "see https://github.com/acme/app/pull/{n}",
                    "https://confluence.acme.local/pages/viewpage.action?pageId={n}",
                    "https://example.com/reset?lang=zh&page={n}",
                    "https://pan.baidu.com/s/1{d}",
                ]
            ).format(d=g.s(B64URL, 44), y=g.s(B64URL, 11), n=g.s(string.digits, 6)),
            lambda: self.pick(
                [
                    'token = os.environ["API_TOKEN"]',
                    "password = getpass.getpass()",
                    "secret = config.get('secret')",
                    "const token = process.env.TOKEN;",
                    "api_key = settings.API_KEY",
                    "密码 = input('请输入密码')",
                ]
            ),
            lambda: self.pick(
                [
                    "container {h12} restarted",
                    "job id {b} failed",
                    "image tag {h12}",
                    "pod api-{h5}-{b5} crashloop",
                    "cache key user:{n}:profile",
                    "S3 object key logs/{n}/{h12}.gz",
                ]
            ).format(
                h12=g.hexs(12),
                b=g.b62(20),
                h5=g.hexs(5),
                b5=g.s(string.ascii_lowercase + string.digits, 5),
                n=g.s(string.digits, 7),
            ),
            lambda: "my number is 138" + g.s(string.digits, 8) + ", call me",
        ]
        return self.r.choice(templates)()

    # --- split across messages -------------------------------------------------------------------

    def question_answer(self) -> list[tuple[str, tuple[Label, ...], str]]:
        """A question, maybe a filler reply, then the answer (labelled) or a non-answer."""
        code_question = self.r.random() < 0.3
        if code_question:
            question = self.pick(
                [
                    "can you send me the code",
                    "what's the 2fa code?",
                    "验证码多少？",
                    "验证码发我一下",
                    "otp pls",
                ]
            )
        else:
            question = self.pick(
                [
                    "what's the vpn password?",
                    "whats the wifi pw",
                    "can you send me the admin password",
                    "anyone have the staging db password?",
                    "密码是多少？",
                    "wifi密码发一下",
                    "门禁密码多少",
                    "服务器密码给我一下",
                    "堡垒机的密码是啥",
                    "pw for jenkins?",
                ]
            )
        turns: list[tuple[str, tuple[Label, ...], str]] = [(question, (), "question")]
        if self.r.random() < 0.25:
            turns.append((self.pick(["one sec", "稍等", "checking", "我找找"]), (), "filler"))
        if self.r.random() < 0.2:
            turns.append(
                (
                    self.pick(
                        [
                            "I'll DM you",
                            "it's in 1password",
                            "check the vault",
                            "私聊你",
                            "在群公告里",
                            "ask ops",
                            "thanks!",
                        ]
                    ),
                    (),
                    "negative",
                )
            )
            return turns
        if code_question:
            value, entity = self.g.code(), "VERIFICATION_CODE"
        else:
            value, entity = self.g.password(), "PASSWORD"
        template = self.pick(["{v}", "{v}", "`{v}`", "it's {v}", "{v} 别外传", "try {v}", "是 {v}"])
        text, labels = render(template, {"v": V(value, entity)})
        turns.append((text, labels, "answer"))
        return turns


# --- the held-out template bank ------------------------------------------------------------------------
# Written separately from the development templates and not used while the recognizers were tuned:
# other phrasings, other wrappers, command lines, system-style notices, typos (登陆), traditional
# characters, credentials without a keyword. It measures how far the recognizers generalise.


class HoldoutCorpus(Corpus):
    """Same families and value generators, different chat phrasing."""

    def password(self) -> tuple[str, tuple[Label, ...]]:
        en = [
            "fyi the new wifi pass for the office is {v}",
            "Jenkins admin creds → user: {user} pass: {v}",
            "root pw on the new box: {v}",
            "PW: {v}",
            "Here are the credentials for staging — username: {user}, password: {v}",
            "password {v} (case sensitive)",
            "ssh {user}@10.0.0.12 with password {v}",
            "mysql -u {user} -p{v} -h db.internal",
            "sshpass -p '{v}' ssh {user}@bastion",
            "Password for the shared account is {v} lol",
            "{what} login\nuser: {user}\npass: {v}",
            "new pw set: {v}",
            "temporary password: {v} — you'll be asked to change it",
            "the zip is encrypted, pw is {v}",
            "pass = {v}",
            "can't log in? try {user} with {v}",
            "pwd for {what}? it's {v}",
        ]
        zh = [
            "服务器root密码{v}，登上去先改掉",
            "wifi：{what} 密码：{v}",
            "WIFI密码 {v}",
            "数据库账号{user}，密码是{v}",
            "你的初始密码为：{v}，请及时修改",
            "压缩包解压密码：{v}",
            "邮箱密码我改成{v}了",
            "密码:{v}",
            "登陆密码{v}",
            "管理后台 {user}/{v}",
            "堡垒机密码是 {v} 别发群里",
            "开机密码{v}",
            "密碼是{v}，記得改",
            "用户名：{user}\n密码：{v}",
            "{what}的密码我设成了{v}",
            "账号{user} 密码{v} 登录试试",
        ]
        if self.r.random() < 0.08:
            pin = V(self.g.code(), "PASSWORD")
            return render(
                self.pick(["PIN码是{v}", "我的支付密码是{v}", "门禁密码 {v}#", "pin: {v}"]), {"v": pin}
            )
        return self.prose("PASSWORD", self.g.password(), en, zh)

    def verification_code(self) -> tuple[str, tuple[Label, ...]]:
        en = [
            "{v} is your verification code. Don't share it with anyone.",
            "Use verification code {v} for {svc} authentication.",
            "Your {svc} security code: {v}",
            "[{svc}] Code: {v}. Valid for 10 minutes.",
            "2FA: {v}",
            "otp {v} pls hurry",
            "Your one-time password is {v}",
            "login verification code {v}",
            "hey can you read me the code? it says {v}",
        ]
        zh = [
            "【{svc}】验证码{v}，用于登录，5分钟内有效。如非本人操作，请忽略本短信。",
            "验证码是{v}，快帮我输一下",
            "{v}（{svc}验证码）",
            "你的校验码：{v}",
            "手机动态密码{v}",
            "短信验证码 {v}",
            "登录验证码 {v} 请勿泄露",
            "验证码为:{v}",
        ]
        return self.prose("VERIFICATION_CODE", self.g.code(), en, zh)

    def generic(self) -> tuple[str, tuple[Label, ...]]:
        en = [
            "API_TOKEN: {v}",
            "here's my api key {v} don't abuse it",
            "token for the bot → {v}",
            'secret = "{v}"',
            "'x-api-key': '{v}'",
            "headers: { Authorization: 'Token {v}' }",
            "the shared secret is {v}",
            "access key: {v}",
        ]
        zh = [
            "接口的key是{v}",
            "appSecret：{v}",
            "签名密钥 {v}",
            "这是token：{v}",
            "秘钥给你 {v}",
            "调用凭证：{v}",
        ]
        return self.prose("GENERIC_SECRET", self.g.generic(), en, zh)

    def aws(self) -> tuple[str, tuple[Label, ...]]:
        key_id, secret = V(self.g.aws_id(), "AWS_ACCESS_KEY"), V(self.g.aws_secret(), "AWS_SECRET_KEY")
        templates = [
            "aws configure → key id {id}, secret {sk}",
            "AWS keys:\n```\n{id}\n{sk}\n```",
            "S3 AK/SK：{id} / {sk}",
            "the IAM user's access key is {id}",
            "export AWS_ACCESS_KEY_ID={id} AWS_SECRET_ACCESS_KEY={sk}",
        ]
        return render(self.pick(templates), {"id": key_id, "sk": secret})

    def github(self) -> tuple[str, tuple[Label, ...]]:
        token = V(self.g.github(), "GITHUB_TOKEN")
        templates = [
            "PAT: {v}",
            "git clone https://{v}@github.com/acme/app.git",
            "令牌：{v}",
            "GH_TOKEN={v} gh pr list",
            "new token {v} (repo scope)",
        ]
        return render(self.pick(templates), {"v": token})

    def webhook(self) -> tuple[str, tuple[Label, ...]]:
        text, labels = super().webhook()
        (label,) = labels
        url = V(text[label.start : label.end], "CHAT_WEBHOOK")
        templates = [
            "alert webhook → {v}",
            "Teams/Slack connector URL: {v}",
            "钉钉群机器人 {v}",
            'curl -X POST -d \'{"text":"hi"}\' {v}',
            "告警地址：{v}",
        ]
        return render(self.pick(templates), {"v": url})

    def connection(self) -> tuple[str, tuple[Label, ...]]:
        text, labels = super().connection()
        (label,) = labels
        url = V(text[label.start : label.end], "CONNECTION_STRING")
        templates = [
            'psql "{v}"',
            "mongo uri {v}",
            "REDIS_URL={v}",
            "连接字符串：{v}",
            "spring.datasource.url={v}",
            "the etl job uses {v}",
        ]
        return render(self.pick(templates), {"v": url})

    def jwt(self) -> tuple[str, tuple[Label, ...]]:
        token = V(self.g.jwt(), "JWT")
        templates = [
            "curl -H 'Authorization: Bearer {v}' https://api.acme.io/me",
            "cookie: session={v}",
            "token={v}",
            "抓包拿到的token {v}",
            "id_token: {v}",
        ]
        return render(self.pick(templates), {"v": token})

    def alibaba(self) -> tuple[str, tuple[Label, ...]]:
        key_id, secret = V(self.g.ltai(), "ALIBABA_ACCESS_KEY"), V(self.g.b62(30), "ALIBABA_ACCESS_KEY")
        templates = [
            "AccessKey：{id}\nSecret：{sk}",
            "阿里云子账号 AK {id} SK {sk}",
            "oss ak {id}",
            "sls 的 accessKeyId={id} accessKeySecret={sk}",
        ]
        return render(self.pick(templates), {"id": key_id, "sk": secret})

    def tencent(self) -> tuple[str, tuple[Label, ...]]:
        key_id, secret = V(self.g.akid(), "TENCENT_SECRET"), V(self.g.b62(32), "TENCENT_SECRET")
        templates = [
            "SecretId：{id}\nSecretKey：{sk}",
            "腾讯云API密钥 {id} {sk}",
            "COS 用 {id} / {sk}",
            "tencent cloud secret id={id}",
        ]
        return render(self.pick(templates), {"id": key_id, "sk": secret})

    def huawei(self) -> tuple[str, tuple[Label, ...]]:
        ak, sk = V(self.g.huawei_ak(), "HUAWEI_SECRET"), V(self.g.b62(40), "HUAWEI_SECRET")
        templates = ["华为云访问密钥 AK={ak}, SK={sk}", "OBS: ak {ak} sk {sk}", "华为云的SK是{sk}"]
        return render(self.pick(templates), {"ak": ak, "sk": sk})

    def baidu(self) -> tuple[str, tuple[Label, ...]]:
        if self.r.random() < 0.35:
            key = V("bce-v3/ALTAK-" + self.g.b62(21) + "/" + self.g.hexs(40), "BAIDU_SECRET")
            return render(self.pick(["文心一言 key：{v}", "ERNIE_API_KEY={v}"]), {"v": key})
        ak, sk = V(self.g.b62(24), "BAIDU_SECRET"), V(self.g.b62(32), "BAIDU_SECRET")
        return render(
            self.pick(["百度OCR的API_KEY={ak} SECRET_KEY={sk}", "百度语音 apikey {ak} secretkey {sk}"]),
            {"ak": ak, "sk": sk},
        )

    def app_secrets(self) -> tuple[str, tuple[Label, ...]]:
        if self.r.random() < 0.5:
            appid, secret = V("wx" + self.g.hexs(16)), V(self.g.hexs(32), "WECHAT_APP_SECRET")
            templates = [
                "公众号 appid={id} secret={sk}",
                "小程序的AppSecret：{sk}（AppID {id}）",
                "wechat mp secret {sk}",
            ]
            return render(self.pick(templates), {"id": appid, "sk": secret})
        appid, secret = V("cli_" + self.g.hexs(16)), V(self.g.b62(32), "CHAT_APP_SECRET")
        templates = [
            "飞书机器人 app_id: {id}\napp_secret: {sk}",
            "lark app_secret={sk}",
            "飞书应用凭证 {id} / {sk}",
        ]
        return render(self.pick(templates), {"id": appid, "sk": secret})

    def frame(self, text: str, labels: tuple[Label, ...]) -> tuple[str, tuple[Label, ...]]:
        roll = self.r.random()
        if roll < 0.06 and "```" not in text:
            prefix, suffix = "```bash\n", "\n```"
        elif roll < 0.1:
            prefix, suffix = "<div>", "</div>"
        elif roll < 0.14:
            prefix, suffix = "[引用] ", ""
        elif roll < 0.3:
            prefix = self.pick(["@all ", "temp: ", "记一下 ", "urgent: ", "回复 @李雷：", "Re: ", "顺便 "])
            suffix = ""
        elif roll < 0.4:
            prefix, suffix = "", self.pick([" 谢谢", " ty", "，收到回个1", " !!", "（临时的）", " 👀"])
        else:
            prefix, suffix = "", ""
        return prefix + text + suffix, shift(labels, len(prefix))

    def negative(self) -> str:
        g = self.g
        options: list[Callable[[], str]] = [
            lambda: self.pick(
                [
                    "your password must contain 8 characters",
                    "密码已过期，请修改",
                    "reset link: https://acme.com/reset?token=expired",
                    "the api key field is empty",
                    "config: api_key: null",
                    'password: ""',
                    "password: ${{ secrets.DB_PASSWORD }}",
                    "PASSWORD=$(cat /run/secrets/db)",
                    "AWS key id format is AKIA + 16 chars",
                    "验证码长度是6位",
                    "the verification code is sent to your phone",
                    "otp generation uses HMAC-SHA1",
                    "密码找回流程在wiki上",
                    "who has the key to the server room?",
                    "token limit exceeded (4096)",
                    "秘钥文件放在 /etc/app/secret.key",
                    "I'll share the creds in 1password",
                    "api key rotated, old one revoked",
                    "验证码收到了，谢谢",
                ]
            ),
            lambda: self.pick(
                [
                    "Order ID: 112-{a}-{b}",
                    "Tracking: 9400 1000 {c} {c} 00",
                    "ticket JIRA-{n4}",
                    "我的工号是 {n8}",
                    "房间号 {n4}",
                    "发票号码 {n8}",
                    "取件码 8-2-{n4}",
                    "航班 CA{n4}",
                ]
            ).format(
                a=g.s(string.digits, 7),
                b=g.s(string.digits, 7),
                c=g.s(string.digits, 4),
                n4=g.s(string.digits, 4),
                n8=g.s(string.digits, 8),
            ),
            lambda: self.pick(
                [
                    "commit {h7} fixed the bug",
                    "sha: {h}",
                    "uuid {u}",
                    "docker pull acme/api@sha256:{h64}",
                    "md5sum {h32}  app.tar.gz",
                    "对比一下哈希 {h32}",
                    "trace {u} 报错了",
                ]
            ).format(h7=g.hexs(7), h=g.hexs(40), u=g.uuid(), h64=g.hexs(64), h32=g.hexs(32)),
            lambda: "图片：data:image/png;base64,iVBORw0KGgo" + g.s(B64, self.r.randint(120, 500)),
            lambda: self.pick(
                [
                    "see https://drive.google.com/file/d/{d}/view",
                    "https://www.bilibili.com/video/BV{y}",
                    "meeting link https://zoom.us/j/{n}",
                ]
            ).format(d=g.s(B64URL, 33), y=g.s(B62, 10), n=g.s(string.digits, 10)),
            lambda: self.pick(["ok", "👍", "收到", "thanks", "下午开会", "lgtm", "ship it"]),
        ]
        return self.r.choice(options)()

    def question_answer(self) -> list[tuple[str, tuple[Label, ...], str]]:
        code_question = self.r.random() < 0.3
        if code_question:
            question = self.pick(
                ["验证码是多少", "code?", "what was the code again", "把验证码发我", "sms code pls"]
            )
        else:
            question = self.pick(
                [
                    "hey what's the password for the conference room tv?",
                    "pw?",
                    "密码多少来着",
                    "谁有测试账号的密码",
                    "do you know the guest wifi password",
                    "能把wifi密码发我吗",
                    "登录密码是啥",
                    "what's the root password on db2?",
                ]
            )
        turns: list[tuple[str, tuple[Label, ...], str]] = [(question, (), "question")]
        if self.r.random() < 0.2:
            turns.append(
                (
                    self.pick(["no idea", "ask IT", "不知道", "我也忘了", "check confluence", "👍"]),
                    (),
                    "negative",
                )
            )
            return turns
        value, entity = (
            (self.g.code(), "VERIFICATION_CODE") if code_question else (self.g.password(), "PASSWORD")
        )
        template = self.pick(["{v}", "{v} I think", "应该是{v}", "试试 {v}", "→ {v}", "{v}（大小写敏感）"])
        text, labels = render(template, {"v": V(value, entity)})
        turns.append((text, labels, "answer"))
        return turns


def build_corpus(seed: int, messages: int = 3000, holdout: bool = False) -> list[Msg]:
    """A deterministic labelled corpus of about ``messages`` messages (``holdout``: held-out templates)."""
    corpus = HoldoutCorpus(seed) if holdout else Corpus(seed)
    out: list[Msg] = []
    authors = [
        "Alice Example",
        "Bob Example",
        "李雷",
        "韩梅梅",
        "Carol Test",
        "王小明",
        "Dave Sample",
        "赵敏",
    ]
    conversation, left, clock = "", 0, 1_709_600_000
    while len(out) < messages:
        if left <= 0:
            conversation = f"C{len(out):05d}"
            left = corpus.r.randint(8, 25)
        roll = corpus.r.random()
        if roll < 0.33:
            batch = [(corpus.pick(FILLER_EN if corpus.r.random() < 0.5 else FILLER_ZH), (), "filler")]
        elif roll < 0.70:
            text, labels = corpus.secret()
            batch = [(text, labels, "secret")]
        elif roll < 0.92:
            batch = [(corpus.negative(), (), "negative")]
        else:
            batch = list(corpus.question_answer())
        for text, labels, kind in batch:
            clock += corpus.r.randint(5, 600)
            out.append(Msg(f"m{len(out):05d}", conversation, corpus.pick(authors), clock, text, labels, kind))
            left -= 1
    return out


def write_jsonl(corpus: Sequence[Msg], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for m in corpus:
            record = {
                "id": m.id,
                "conversation": m.conversation,
                "author": m.author,
                "timestamp": m.timestamp,
                "text": m.text,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


# --- the tools ---------------------------------------------------------------------------------------

Hit = tuple[int, int, str]  # start, end, family (the tool's type mapped to a chatsweep entity)


def run_chatsweep(corpus: Sequence[Msg]) -> dict[str, list[Hit]]:
    """chatsweep's real pipeline over the corpus written as generic JSONL (no NER)."""
    from recognizers.catalogue import info
    from scanner.pipeline import Scanner
    from scanner.settings import Settings

    hits: dict[str, list[Hit]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chat.jsonl"
        write_jsonl(corpus, path)
        result = Scanner(Settings(ner=False, formats=("json",))).scan([path])
    for finding in result.findings:
        if info(finding.entity_type).category != "secret":
            continue
        for occurrence in finding.occurrences:
            hits[occurrence.message_id].append((occurrence.start, occurrence.end, finding.entity_type))
    return hits


DETECT_SECRETS_TYPES = {
    "AWS Access Key": "AWS_ACCESS_KEY",
    "Azure Storage Account access key": "AZURE_SECRET",
    "Basic Auth Credentials": "CONNECTION_STRING",
    "Discord Bot Token": "DISCORD_TOKEN",
    "GitHub Token": "GITHUB_TOKEN",
    "GitLab Token": "GITLAB_TOKEN",
    "JSON Web Token": "JWT",
    "NPM tokens": "NPM_TOKEN",
    "OpenAI Token": "OPENAI_API_KEY",
    "Private Key": "PRIVATE_KEY",
    "PyPI upload token": "PYPI_TOKEN",
    "SendGrid API Key": "SENDGRID_KEY",
    "Slack Token": "SLACK_TOKEN",
    "Stripe Access Key": "STRIPE_KEY",
    "Telegram Bot Token": "TELEGRAM_BOT_TOKEN",
    "Twilio API Key": "TWILIO_KEY",
}
NOT_SECRET_TYPES = {"Public IP (ipv4)", "UUID"}


def _locate(line: str, value: str, line_offset: int) -> tuple[int, int]:
    at = line.find(value) if value else -1
    if at < 0:
        return line_offset, line_offset + len(line)
    return line_offset + at, line_offset + at + len(value)


def _line_offsets(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def run_detect_secrets(corpus: Sequence[Msg]) -> dict[str, list[Hit]]:
    """detect-secrets' default plugins and filters on each message, as ``detect-secrets scan`` on a .txt."""
    from detect_secrets.core.scan import _process_line_based_plugins, get_filters
    from detect_secrets.settings import default_settings, get_settings

    hits: dict[str, list[Hit]] = defaultdict(list)
    with default_settings():
        # The messages are not files on disk: skip only the "file exists" filter, as scan_line does.
        get_settings().disable_filters("detect_secrets.filters.common.is_invalid_file")
        get_filters.cache_clear()
        for m in corpus:
            lines = _line_offsets(m.text)
            numbered = [(i + 1, line) for i, (_, line) in enumerate(lines)]
            for secret in _process_line_based_plugins(lines=numbered, filename="chat-message.txt"):
                if secret.type in NOT_SECRET_TYPES:
                    continue
                offset, line = lines[secret.line_number - 1]
                start, end = _locate(line, secret.secret_value or "", offset)
                hits[m.id].append((start, end, DETECT_SECRETS_TYPES.get(secret.type, "GENERIC_SECRET")))
    return hits


CREDSWEEPER_TYPES = {
    "AWS Client ID": "AWS_ACCESS_KEY",
    "AWS Multi": "AWS_SECRET_KEY",
    "Alibaba Access Key ID": "ALIBABA_ACCESS_KEY",
    "Alibaba Multi": "ALIBABA_ACCESS_KEY",
    "Google API Key": "GOOGLE_API_KEY",
    "Google Multi": "GOOGLE_API_KEY",
    "JSON Web Token": "JWT",
    "PEM Private Key": "PRIVATE_KEY",
    "BASE64 encoded PEM Private Key": "PRIVATE_KEY",
    "BASE64 Private Key": "PRIVATE_KEY",
    "SendGrid API Key": "SENDGRID_KEY",
    "Slack Token": "SLACK_TOKEN",
    "Slack Webhook": "CHAT_WEBHOOK",
    "Discord Webhook": "CHAT_WEBHOOK",
    "Stripe Credentials": "STRIPE_KEY",
    "Twilio Credentials": "TWILIO_KEY",
    "Twilio Multi": "TWILIO_KEY",
    "Telegram Bot API Token": "TELEGRAM_BOT_TOKEN",
    "PyPi API Token": "PYPI_TOKEN",
    "NPM Token": "NPM_TOKEN",
    "Github Classic Token": "GITHUB_TOKEN",
    "Github Fine-granted Token": "GITHUB_TOKEN",
    "Github App Installation Token": "GITHUB_TOKEN",
    "Gitlab Prefix Token": "GITLAB_TOKEN",
    "Azure Access Token": "AZURE_SECRET",
    "Azure Secret Value": "AZURE_SECRET",
    "Azure Storage Account Key": "AZURE_SECRET",
    "OpenAI Token": "OPENAI_API_KEY",
    "Anthropic API Key": "ANTHROPIC_API_KEY",
    "Discord Bot Token": "DISCORD_TOKEN",
    "Tencent WeChat API App ID": "WECHAT_APP_SECRET",
    "URL Credentials": "CONNECTION_STRING",
    "SQL Password": "CONNECTION_STRING",
    "Basic Authorization": "PASSWORD",
    "Password": "PASSWORD",
    "PASSWD_PAIR": "PASSWORD",
    "ID_PASSWD_PAIR": "PASSWORD",
    "ID_PAIR_PASSWD_PAIR": "PASSWORD",
    "IP_ID_PASSWORD_TRIPLE": "PASSWORD",
    "CURL User Password": "PASSWORD",
    "CMD Password": "PASSWORD",
    "OTP / 2FA Secret": "GENERIC_SECRET",
}


def run_credsweeper(corpus: Sequence[Msg], doc: bool = False) -> dict[str, list[Hit]]:
    """CredSweeper's default rules and ML validation (or its document mode) on each message."""
    warnings.simplefilter("ignore")
    logging.getLogger("credsweeper").setLevel(logging.ERROR)
    from credsweeper import CredSweeper
    from credsweeper.file_handler.byte_content_provider import ByteContentProvider
    from credsweeper.file_handler.string_content_provider import StringContentProvider

    sweeper = CredSweeper(doc=doc)
    by_path = {f"{m.id}.txt": m for m in corpus}
    for m in corpus:
        if doc:
            provider = ByteContentProvider(content=m.text.encode("utf-8"), file_path=f"{m.id}.txt")
        else:
            provider = StringContentProvider(lines=m.text.split("\n"), file_path=f"{m.id}.txt")
        sweeper.credential_manager.extend_credentials(sweeper.file_scan(provider))
    sweeper.post_processing(None)
    hits: dict[str, list[Hit]] = defaultdict(list)
    for candidate in sweeper.credential_manager.get_credentials():
        if candidate.rule_name in NOT_SECRET_TYPES:
            continue
        family = CREDSWEEPER_TYPES.get(candidate.rule_name, "GENERIC_SECRET")
        for data in candidate.line_data_list:
            m = by_path.get(str(data.path))
            if m is None:
                continue
            lines = _line_offsets(m.text)
            offset, line = lines[min(max(data.line_num, 1), len(lines)) - 1]
            value = data.value or ""
            if data.value_start >= 0 and line[data.value_start : data.value_start + len(value)] == value:
                start = offset + data.value_start
                hits[m.id].append((start, start + len(value), family))
            else:
                hits[m.id].append((*_locate(line, value, offset), family))
    return hits


TOOLS: dict[str, Callable[[Sequence[Msg]], dict[str, list[Hit]]]] = {
    "chatsweep": run_chatsweep,
    "detect-secrets": run_detect_secrets,
    "credsweeper": run_credsweeper,
    "credsweeper --doc": lambda corpus: run_credsweeper(corpus, doc=True),
}


# --- scoring -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Counts:
    tp_hits: int = 0
    fp_hits: int = 0
    found: int = 0
    missed: int = 0

    def precision(self) -> float | None:
        total = self.tp_hits + self.fp_hits
        return self.tp_hits / total if total else None

    def recall(self) -> float | None:
        total = self.found + self.missed
        return self.found / total if total else None

    def f1(self) -> float | None:
        p, r = self.precision(), self.recall()
        if not p or not r:
            return 0.0 if (p is not None or r is not None) else None
        return 2 * p * r / (p + r)


@dataclass(slots=True)
class Score:
    families: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    overall: Counts = field(default_factory=Counts)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, family, message id)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(corpus: Sequence[Msg], hits: dict[str, list[Hit]], strict: bool) -> Score:
    """Precision over hits, recall over labels; ``strict``: the hit must name the label's family."""
    result = Score()
    for m in corpus:
        mine = hits.get(m.id, [])
        for start, end, family in mine:
            matched = [
                la
                for la in m.labels
                if _overlaps((start, end), (la.start, la.end)) and (not strict or la.entity == family)
            ]
            counted = matched[0].entity if matched and not strict else family
            bucket = result.families[counted]
            if matched:
                bucket.tp_hits += 1
                result.overall.tp_hits += 1
            else:
                bucket.fp_hits += 1
                result.overall.fp_hits += 1
                result.errors.append(("FP", family, m.id))
        for label in m.labels:
            ok = any(
                _overlaps((s, e), (label.start, label.end)) and (not strict or f == label.entity)
                for s, e, f in mine
            )
            bucket = result.families[label.entity]
            if ok:
                bucket.found += 1
                result.overall.found += 1
            else:
                bucket.missed += 1
                result.overall.missed += 1
                result.errors.append(("FN", label.entity, m.id))
    return result


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.3f}"


def print_table(
    title: str, corpus: Sequence[Msg], scores: dict[str, Score], timings: dict[str, float]
) -> None:
    labelled = sorted({la.entity for m in corpus for la in m.labels})
    tools = list(scores)
    n_labels = sum(len(m.labels) for m in corpus)
    print(f"\n## {title}: {len(corpus)} messages, {n_labels} labelled secrets, {len(labelled)} families")
    head = f"{'family':<20} {'n':>4} | " + " | ".join(f"{t:^23}" for t in tools)
    print(head)
    print(f"{'':<20} {'':>4} | " + " | ".join(f"{'P':>7} {'R':>7} {'F1':>7}" for _ in tools))
    print("-" * len(head))
    for family in labelled:
        n = sum(1 for m in corpus for la in m.labels if la.entity == family)
        cells = []
        for tool in tools:
            c = scores[tool].families.get(family, Counts())
            cells.append(f"{_fmt(c.precision()):>7} {_fmt(c.recall()):>7} {_fmt(c.f1()):>7}")
        print(f"{family:<20} {n:>4} | " + " | ".join(cells))
    print("-" * len(head))
    cells = []
    for tool in tools:
        c = scores[tool].overall
        cells.append(f"{_fmt(c.precision()):>7} {_fmt(c.recall()):>7} {_fmt(c.f1()):>7}")
    print(f"{'OVERALL (micro)':<20} {n_labels:>4} | " + " | ".join(cells))
    print("time (s)".ljust(27) + " | ".join(f"{timings.get(t, 0):^23.1f}" for t in tools))


def show_errors(corpus: Sequence[Msg], hits: dict[str, list[Hit]], result: Score, limit: int) -> None:
    by_id = {m.id: m for m in corpus}
    shown: dict[str, int] = defaultdict(int)
    for kind, family, mid in result.errors:
        key = f"{kind} {family}"
        if shown[key] >= limit:
            continue
        shown[key] += 1
        m = by_id[mid]
        spans = [(m.text[s:e][:60], f) for s, e, f in hits.get(mid, [])]
        labels = [(m.text[la.start : la.end][:40], la.entity) for la in m.labels]
        print(f"  {kind:<2} {family:<18} {mid} {m.text[:160]!r}\n      labels={labels} hits={spans}")


def evaluate(
    corpus: Sequence[Msg], tools: Sequence[str], strict: bool | None = None
) -> tuple[dict[str, Score], dict[str, float], dict[str, dict[str, list[Hit]]]]:
    """Each tool's hits, score and time; ``strict`` (default: chatsweep only) also requires the
    right family."""
    scores: dict[str, Score] = {}
    timings: dict[str, float] = {}
    all_hits: dict[str, dict[str, list[Hit]]] = {}
    for tool in tools:
        began = time.perf_counter()
        try:
            hits = TOOLS[tool](corpus)
        except ImportError as exc:
            print(f"# {tool}: not available ({exc}); skipped", file=sys.stderr)
            continue
        timings[tool] = time.perf_counter() - began
        all_hits[tool] = hits
        scores[tool] = score(corpus, hits, strict=(tool == "chatsweep") if strict is None else strict)
    return scores, timings, all_hits


def dataset_corpus(name: str, split: str) -> list[Msg]:
    """A cached dataset split as chat messages (the examples' conversations and authors kept)."""
    from benchmarks.datasets import read_split

    examples = read_split(name, split)
    if examples is None:
        raise SystemExit(f"{name}/{split} is not in the cache: run benchmarks.datasets.{name}.fetch() first")
    out: list[Msg] = []
    clock = 1_709_600_000
    for ex in examples:
        conversation = ex.conversation or ex.id
        author = "Bob Example" if ex.author == "b" else "Alice Example"
        clock += 60
        labels = tuple(Label(s.start, s.end, s.label) for s in ex.spans)
        kind = "secret" if labels else "negative"
        out.append(Msg(f"m{len(out):05d}", conversation, author, clock, ex.text, labels, kind))
    return out


def run_dataset(spec: str, tools: Sequence[str], show: int) -> int:
    name, _, split = spec.partition(":")
    corpus = dataset_corpus(name, split or "dev")
    scores, timings, all_hits = evaluate(corpus, tools, strict=False)
    print_table(f"{name}/{split or 'dev'} (any secret type counts)", corpus, scores, timings)
    print(
        "hits on no label (false positives): "
        + ", ".join(f"{t} {s.overall.fp_hits}" for t, s in scores.items())
    )
    if show and "chatsweep" in scores:
        show_errors(corpus, all_hits["chatsweep"], scores["chatsweep"], show)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20240605)
    parser.add_argument("--holdout-seed", type=int, default=7919)
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument(
        "--show-errors", type=int, default=0, help="print up to N chatsweep errors per kind and family"
    )
    parser.add_argument("--no-holdout", action="store_true")
    parser.add_argument(
        "--dataset",
        help="score a cached public dataset instead (NAME:SPLIT, e.g. peer_secrets:dev); "
        "any secret type counts for a SECRET label",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(unknown)}")
    if args.dataset:
        return run_dataset(args.dataset, tools, args.show_errors)
    runs = [(f"development corpus (dev templates, seed {args.seed})", args.seed, False)]
    if not args.no_holdout:
        runs.append(
            (f"held-out corpus (held-out templates, seed {args.holdout_seed})", args.holdout_seed, True)
        )
    for title, seed, holdout in runs:
        corpus = build_corpus(seed, args.messages, holdout=holdout)
        scores, timings, hits = evaluate(corpus, tools)
        print_table(title, corpus, scores, timings)
        if "chatsweep" in scores:
            lenient = score(corpus, hits["chatsweep"], strict=False).overall
            print(
                f"chatsweep scored like the peers (any secret type counts): P {_fmt(lenient.precision())} "
                f"R {_fmt(lenient.recall())} F1 {_fmt(lenient.f1())}"
            )
            if args.show_errors:
                show_errors(corpus, hits["chatsweep"], scores["chatsweep"], args.show_errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
