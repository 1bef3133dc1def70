"""Chat platforms: robot webhooks (CHAT_WEBHOOK), bot tokens and app secrets.

A robot webhook URL is a credential: whoever holds it can post into the channel as the robot
(and phish its members). Slack, Teams (incoming webhooks and Workflows/Power Automate
triggers), Discord, Google Chat, DingTalk, Feishu/Lark and WeCom all embed the secret in the
URL, so the finding covers the whole URL. DingTalk's signing secret (``SEC`` + 64 hex) is
reported with the webhooks.

Bot tokens have shapes of their own: Telegram ``<bot id>:<35 characters>``, Discord
``<base64 of the bot id>.<timestamp>.<HMAC>`` (the first part is decoded and checked).

App secrets have no shape beyond length, so they need their app id nearby (WeChat ``wx`` +
16 hex, Feishu ``cli_`` + 16, DingTalk ``ding`` + 16, WeCom corp id ``ww`` + 16) or the
platform's own keyword (``AppSecret``, ``corpsecret``, ``开发者密码``).
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import context, keywords
from recognizers.families._secrets import (
    LEFT,
    RIGHT,
    PairedSecretRecognizer,
    Token,
    TokenRecognizer,
    value_rule,
)

ENTITIES: tuple[str, ...] = (
    "CHAT_WEBHOOK",
    "TELEGRAM_BOT_TOKEN",
    "DISCORD_TOKEN",
    "WECHAT_APP_SECRET",
    "CHAT_APP_SECRET",
)

# A URL starts after a non-URL character; the scheme is optional (people paste bare hosts);
# hosts are case-insensitive, paths are not.
_URL_LEFT = r"(?<![A-Za-z0-9_\-./])"
_URL_RIGHT = r"(?![A-Za-z0-9_\-])"
_SCHEME = r"(?i:https?://)?"
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _hook(name: str, pattern: str, why: str, score: float = 0.9, entropy: float = 3.0) -> Token:
    return Token(
        name,
        "CHAT_WEBHOOK",
        rf"{_URL_LEFT}(?P<value>{_SCHEME}{pattern}){_URL_RIGHT}",
        score,
        why,
        min_entropy=entropy,
    )


class ChatWebhookRecognizer(TokenRecognizer):
    """CHAT_WEBHOOK: robot webhooks of Slack, Teams, Discord, Google Chat, DingTalk, Feishu/Lark, WeCom."""

    ENTITIES = ("CHAT_WEBHOOK",)
    TOKENS = (
        # Slack incoming webhooks: /services/T<team>/B<hook>/<24-char secret>.
        _hook(
            "slack_incoming_webhook",
            r"(?i:hooks\.slack\.com)/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/(?P<secret>[A-Za-z0-9]{24})",
            "Slack incoming webhook URL with a secret path",
        ),
        # Slack workflow and trigger URLs.
        _hook(
            "slack_workflow_webhook",
            r"(?i:hooks\.slack\.com)/(?:workflows|triggers)/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/[0-9]{10,20}"
            r"/(?P<secret>[A-Za-z0-9]{24,32})",
            "Slack workflow webhook URL with a secret path",
            score=0.85,
        ),
        # Teams incoming webhooks (Office 365 connectors): <tenant>.webhook.office.com/webhookb2/
        # <group>@<tenant>/IncomingWebhook/<32 hex>/<guid>[/V2…], and the older outlook.office.com.
        _hook(
            "teams_incoming_webhook",
            rf"(?i:[a-z0-9\-]{{1,63}}\.webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook)"
            rf"/{_GUID}@{_GUID}/IncomingWebhook/(?P<secret>[0-9a-fA-F]{{32}})/{_GUID}(?:/V2[A-Za-z0-9_\-]{{20,80}})?",
            "Microsoft Teams incoming webhook URL",
        ),
        # Teams Workflows (Power Automate) triggers: …/workflows/<32 hex>/triggers/manual/paths/
        # invoke?…&sig=<43>; hosted on logic.azure.com or environment.api.powerplatform.com.
        _hook(
            "teams_workflow_webhook",
            r"(?i:[a-z0-9\-.]{1,120}\.(?:logic\.azure\.com|api\.powerplatform\.com))(?::443)?"
            r"/[A-Za-z0-9/_\-]{0,80}workflows/[0-9a-f]{32}/triggers/manual/paths/invoke"
            r"\?[A-Za-z0-9=&%._\-]{0,200}?sig=(?P<secret>[A-Za-z0-9_\-%]{40,64})",
            "Microsoft Teams Workflows (Power Automate) webhook URL with its signature",
            score=0.9,
        ),
        # Discord: /api/webhooks/<snowflake id>/<68-char token>.
        _hook(
            "discord_webhook",
            r"(?i:(?:ptb\.|canary\.)?discord(?:app)?\.com)/api(?:/v[0-9]{1,2})?/webhooks/[0-9]{17,20}"
            r"/(?P<secret>[A-Za-z0-9_\-]{60,80})",
            "Discord webhook URL with its token",
        ),
        # Google Chat: /v1/spaces/<space>/messages?key=<AIza…>&token=<…>.
        _hook(
            "google_chat_webhook",
            r"(?i:chat\.googleapis\.com)/v1/spaces/[A-Za-z0-9_\-]{6,20}/messages\?key=AIza[A-Za-z0-9_\-]{35}"
            r"&token=(?P<secret>[A-Za-z0-9_\-%=]{20,80})",
            "Google Chat webhook URL with key and token",
        ),
        # DingTalk custom robots: oapi.dingtalk.com/robot/send?access_token=<64 hex>.
        _hook(
            "dingtalk_robot_webhook",
            r"(?i:oapi\.dingtalk\.com)/robot/send\?access_token=(?P<secret>[0-9a-f]{64})",
            "DingTalk robot webhook URL with its access token",
        ),
        # Feishu / Lark custom bots: open.feishu.cn | open.larksuite.com | open.larkoffice.com
        # /open-apis/bot/v2/hook/<uuid>.
        _hook(
            "feishu_bot_webhook",
            r"(?i:open\.(?:feishu\.cn|larksuite\.com|larkoffice\.com))/open-apis/bot/v2/hook/"
            rf"(?P<secret>{_GUID}|[A-Za-z0-9\-]{{20,40}})",
            "Feishu/Lark bot webhook URL with its hook id",
        ),
        # WeCom (企业微信) group robots: qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<uuid>.
        _hook(
            "wecom_robot_webhook",
            rf"(?i:qyapi\.weixin\.qq\.com)/cgi-bin/webhook/send\?key=(?P<secret>{_GUID})",
            "WeCom group robot webhook URL with its key",
        ),
        # DingTalk robot signing secret ("加签"): SEC + 64 hex.
        Token(
            "dingtalk_robot_sign_secret",
            "CHAT_WEBHOOK",
            rf"{LEFT}(?P<value>SEC(?P<secret>[0-9a-f]{{64}})){RIGHT}",
            0.85,
            "DingTalk robot signing secret (SEC + 64 hex)",
        ),
    )
    CONTEXT = context(
        en=("webhook", "hook", "bot", "robot", "slack", "teams"),
        zh=("webhook", "机器人", "钩子", "钉钉", "飞书", "企业微信"),
    )
    PREFILTER = re.compile(
        r"(?i:hooks\.slack|webhook|outlook\.office|logic\.azure|powerplatform|discord|chat\.googleapis"
        r"|dingtalk|open\.feishu|larksuite|larkoffice|qyapi\.weixin)|SEC[0-9a-f]{16}"
    )


# --- bot tokens --------------------------------------------------------------------------------

_TELEGRAM_WORDS = keywords("telegram", "bot", "botfather", "tg", "电报", "机器人", "token", "令牌")


class BotTokenRecognizer(TokenRecognizer):
    """TELEGRAM_BOT_TOKEN and DISCORD_TOKEN by their structure."""

    ENTITIES = ("TELEGRAM_BOT_TOKEN", "DISCORD_TOKEN")
    TOKENS = (
        # Telegram (BotFather): "<bot id, 8–10 digits>:<35 base64url>"; ids of current bots start
        # at 1–8 digits … 10; the secret starts "AA" in every token issued since 2016. Also in
        # Bot API URLs: api.telegram.org/bot<token>/method.
        Token(
            "telegram_bot_token",
            "TELEGRAM_BOT_TOKEN",
            r"(?:(?<![A-Za-z0-9_\-:])|(?<=[^0-9]:)|(?<=^:)|(?<=/bot))(?P<value>[0-9]{8,10}:(?P<secret>AA[A-Za-z0-9_\-]{33}))"
            r"(?![A-Za-z0-9_\-])",
            0.9,
            "Telegram bot token structure (bot id, colon, AA + 33 characters)",
            min_entropy=3.5,
        ),
        Token(
            "telegram_bot_token_other",
            "TELEGRAM_BOT_TOKEN",
            r"(?:(?<![A-Za-z0-9_\-:])|(?<=[^0-9]:)|(?<=^:)|(?<=/bot))(?P<value>[0-9]{8,10}:(?P<secret>[A-Za-z0-9_\-]{35}))"
            r"(?![A-Za-z0-9_\-])",
            0.6,
            "bot id, colon and 35 characters (the Telegram bot token layout)",
            min_entropy=3.8,
            context=_TELEGRAM_WORDS,
            context_score=0.85,
        ),
        # Discord bot tokens: base64(bot id) "." 6-character timestamp "." 27–38 HMAC characters.
        Token(
            "discord_bot_token",
            "DISCORD_TOKEN",
            rf"{LEFT}(?P<value>[MNO][A-Za-z0-9_\-]{{23,27}}\.[A-Za-z0-9_\-]{{6}}\.(?P<secret>[A-Za-z0-9_\-]{{27,40}})){RIGHT}",
            0.6,
            "Discord bot token layout (three dot-separated parts)",
            min_entropy=3.5,
            validate=validators.discord_token_ok,
            validated_score=0.95,
        ),
    )
    CONTEXT = context(en=("telegram", "discord", "bot", "token"), zh=("电报", "机器人", "令牌", "token"))
    PREFILTER = re.compile(r"[0-9]{8}:|\.[A-Za-z0-9_\-]{6}\.")


# --- app secrets -------------------------------------------------------------------------------

_APP_SECRET_WORDS = ("AppSecret", "App Secret", "app_secret", "appsecret", "secret")


class WeChatAppSecretRecognizer(PairedSecretRecognizer):
    """WECHAT_APP_SECRET: 32-hex AppSecret near a WeChat AppID (wx + 16 hex) or keyword."""

    ENTITIES = ("WECHAT_APP_SECRET",)
    ANCHORS = ("wx", "wechat", "weixin", "appsecret", "app_secret", "微信", "公众号", "小程序", "开发者密码")
    RULES = (value_rule("wechat_app_secret", "[0-9a-f]", "32"),)
    KEY_ID = re.compile(rf"{LEFT}wx[0-9a-f]{{16}}{RIGHT}")
    STRONG = keywords(
        "开发者密码", "WECHAT_APP_SECRET", "WECHAT_SECRET", "WX_APP_SECRET", "wx_secret", "WX_SECRET"
    )
    WEAK = keywords(*_APP_SECRET_WORDS, "密钥", "秘钥", "AppSecret(小程序密钥)", "小程序密钥")
    VENDOR = keywords("微信", "wechat", "weixin", "公众号", "小程序", "mini program", "AppID", "wx")
    LABEL = "WeChat AppSecret"
    CONTEXT = context(
        en=("wechat", "weixin", "appsecret", "appid"), zh=("微信", "公众号", "小程序", "开发者密码")
    )


class ChatAppSecretRecognizer(PairedSecretRecognizer):
    """CHAT_APP_SECRET: DingTalk, Feishu/Lark and WeCom app secrets near their app id or keyword."""

    ENTITIES = ("CHAT_APP_SECRET",)
    ANCHORS = (
        "cli_",
        "ding",
        "ww",
        "feishu",
        "lark",
        "wecom",
        "wework",
        "qywx",
        "corp",
        "飞书",
        "钉钉",
        "企业微信",
        "企微",
    )
    RULES = (
        value_rule("feishu_app_secret", "[A-Za-z0-9]", "32"),  # Feishu/Lark App Secret
        value_rule("wecom_corp_secret", r"[A-Za-z0-9_\-]", "43"),  # WeCom corpsecret
        value_rule("dingtalk_app_secret", r"[A-Za-z0-9_\-]", "64"),  # DingTalk AppSecret
    )
    # Feishu app ids: cli_ + 16 hex; DingTalk AppKey: ding + 16; WeCom corp id: ww + 16 hex.
    KEY_ID = re.compile(rf"{LEFT}(?:cli_[0-9a-f]{{16}}|ding[a-z0-9]{{16}}|ww[0-9a-f]{{16}}){RIGHT}")
    STRONG = keywords(
        "corpsecret",
        "corp_secret",
        "FEISHU_APP_SECRET",
        "LARK_APP_SECRET",
        "DINGTALK_APP_SECRET",
        "DINGTALK_SECRET",
        "WECOM_SECRET",
        "WEWORK_SECRET",
    )
    WEAK = keywords(*_APP_SECRET_WORDS, "Client Secret", "client_secret", "密钥", "秘钥", "应用密钥")
    VENDOR = keywords(
        "飞书", "feishu", "lark", "钉钉", "dingtalk", "企业微信", "企微", "wecom", "wework", "qywx"
    )
    LABEL = "chat app (DingTalk, Feishu/Lark, WeCom)"
    MIN_ENTROPY = 3.5
    MIN_CLASSES = 2
    CONTEXT = context(
        en=("feishu", "lark", "dingtalk", "wecom", "secret"), zh=("飞书", "钉钉", "企业微信", "密钥")
    )

    def refuse(self, value: str) -> bool:
        return validators.is_hex_digest(value)  # a SHA-256 is not a DingTalk secret, and so on


def recognizers(language: str) -> list[EntityRecognizer]:
    """Webhook, bot-token and app-secret recognizers for ``language``."""
    return [
        ChatWebhookRecognizer(language),
        BotTokenRecognizer(language),
        WeChatAppSecretRecognizer(language),
        ChatAppSecretRecognizer(language),
    ]
