"""What to do about a finding: the action (delete, redact, rotate) and a short checklist.

A leaked secret is rotated first: deleting the message does not un-leak a key that anyone
in the conversation (or any integration reading it) may have copied, so the checklist
starts at the provider's console and ends with deleting the message. Identifiers that
single out a person (national ids, cards, health data) are deleted from the platform;
contact details and names are redacted (edited out) where the platform allows it, or
deleted. The texts exist in English and Chinese; they are instructions, never values.
"""

from __future__ import annotations

from dataclasses import dataclass

from recognizers.catalogue import info

DELETE, REDACT, ROTATE = "delete", "redact", "rotate"
ACTIONS = (DELETE, REDACT, ROTATE)


@dataclass(frozen=True, slots=True)
class Remedy:
    action: str
    en: str
    zh: str

    def text(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


_DELETE_MSG_EN = "then delete the message on the platform (and in any copy of the export)."
_DELETE_MSG_ZH = "然后在平台上删除该消息（以及导出文件的所有副本）。"


def _rotate(where_en: str, where_zh: str) -> Remedy:
    return Remedy(
        ROTATE,
        f"Rotate now: {where_en}; check the provider's logs for use since the message was posted; "
        + _DELETE_MSG_EN,
        f"立即轮换：{where_zh}；在服务商日志中检查该消息发出后的使用记录；" + _DELETE_MSG_ZH,
    )


# Per provider: where the key is revoked and replaced.
_SECRETS: dict[str, Remedy] = {
    "AWS_ACCESS_KEY": _rotate(
        "IAM console → Users → Security credentials: create a new access key, deploy it, deactivate "
        "and delete the leaked one; review CloudTrail",
        "IAM 控制台 → 用户 → 安全凭证：新建访问密钥并部署，停用并删除泄露的密钥；审查 CloudTrail",
    ),
    "AWS_SECRET_KEY": _rotate(
        "IAM console: deactivate and delete the access key this secret belongs to, issue a new one; "
        "review CloudTrail",
        "IAM 控制台：停用并删除该秘密所属的访问密钥，签发新密钥；审查 CloudTrail",
    ),
    "GITHUB_TOKEN": _rotate(
        "GitHub → Settings → Developer settings → tokens: revoke the token (an organisation owner can "
        "revoke it too); review the security log",
        "GitHub → Settings → Developer settings → tokens：吊销该令牌（组织所有者也可吊销）；审查安全日志",
    ),
    "GITLAB_TOKEN": _rotate(
        "GitLab → Preferences → Access tokens (or the project/group token page): revoke and recreate",
        "GitLab → 偏好设置 → 访问令牌（或项目/群组令牌页）：吊销并重建",
    ),
    "SLACK_TOKEN": _rotate(
        "api.slack.com/apps → the app → OAuth & Permissions: revoke tokens / regenerate; for a user "
        "token, revoke it from the app management page",
        "api.slack.com/apps → 对应应用 → OAuth & Permissions：吊销并重新生成令牌",
    ),
    "STRIPE_KEY": _rotate(
        "Stripe Dashboard → Developers → API keys: roll the key (set the old one to expire now)",
        "Stripe 控制台 → Developers → API keys：滚动密钥（旧密钥立即过期）",
    ),
    "OPENAI_API_KEY": _rotate(
        "platform.openai.com → API keys: revoke the key, create a new one; review usage",
        "platform.openai.com → API keys：吊销该密钥并新建；检查用量",
    ),
    "ANTHROPIC_API_KEY": _rotate(
        "console.anthropic.com → API keys: disable and delete the key, create a new one; review usage",
        "console.anthropic.com → API keys：停用并删除该密钥，新建密钥；检查用量",
    ),
    "GOOGLE_API_KEY": _rotate(
        "Google Cloud console → APIs & Services → Credentials: regenerate or delete the key, restrict "
        "the new one",
        "Google Cloud 控制台 → API 和服务 → 凭据：重新生成或删除该密钥，并限制新密钥",
    ),
    "GCP_SERVICE_ACCOUNT": _rotate(
        "Google Cloud console → IAM → Service accounts → Keys: delete the leaked key, create a new "
        "one; review Cloud Audit Logs",
        "Google Cloud 控制台 → IAM → 服务账号 → 密钥：删除泄露的密钥并新建；审查 Cloud Audit Logs",
    ),
    "AZURE_SECRET": _rotate(
        "Azure portal → the app registration or storage account: delete the client secret or "
        "regenerate the account key; review sign-in logs",
        "Azure 门户 → 应用注册或存储账户：删除客户端密码或重新生成账户密钥；审查登录日志",
    ),
    "ALIBABA_ACCESS_KEY": _rotate(
        "Alibaba Cloud RAM console → AccessKey: disable and delete the key, create a new one; review "
        "ActionTrail",
        "阿里云 RAM 控制台 → AccessKey：禁用并删除该密钥，新建密钥；审查操作审计 ActionTrail",
    ),
    "TENCENT_SECRET": _rotate(
        "Tencent Cloud CAM console → API keys: disable and delete the SecretId/SecretKey, create a "
        "new pair; review CloudAudit",
        "腾讯云访问管理 CAM → API 密钥：禁用并删除 SecretId/SecretKey，新建密钥对；审查云审计",
    ),
    "HUAWEI_SECRET": _rotate(
        "Huawei Cloud IAM → My credentials → Access keys: delete the key, create a new one",
        "华为云 IAM → 我的凭证 → 访问密钥：删除该密钥并新建",
    ),
    "BAIDU_SECRET": _rotate(
        "Baidu AI Cloud → Security authentication → Access Key: disable and delete, create a new one",
        "百度智能云 → 安全认证 → Access Key：禁用并删除，新建密钥",
    ),
    "CHAT_WEBHOOK": _rotate(
        "the chat app's integration settings (Slack, Teams, DingTalk, Feishu, WeCom …): delete the "
        "webhook and create a new URL",
        "在聊天应用（Slack、Teams、钉钉、飞书、企业微信等）的集成设置中删除该 Webhook 并新建地址",
    ),
    "PRIVATE_KEY": _rotate(
        "generate a new key pair, replace the public key wherever it is trusted (servers, CAs, "
        "deploy keys), revoke the certificate if any",
        "生成新的密钥对，在所有信任该公钥的地方（服务器、CA、部署密钥）替换，如有证书则吊销",
    ),
    "PASSWORD": _rotate(
        "change the password on the system it opens (and wherever it was reused); end open sessions",
        "在其所属系统（以及所有复用该密码的地方）修改密码；注销现有会话",
    ),
    "CONNECTION_STRING": _rotate(
        "change the database user's password (or the connection key), update the applications; "
        "review the database's access log",
        "修改数据库用户密码（或连接密钥）并更新应用；审查数据库访问日志",
    ),
    "JWT": _rotate(
        "revoke the session or refresh token the JWT belongs to; if it is long-lived, rotate the signing key",
        "吊销该 JWT 所属的会话或刷新令牌；若为长期令牌，轮换签名密钥",
    ),
    "TWILIO_KEY": _rotate(
        "Twilio console → API keys & tokens: delete the key (or rotate the auth token)",
        "Twilio 控制台 → API keys & tokens：删除该密钥（或轮换 auth token）",
    ),
    "SENDGRID_KEY": _rotate(
        "SendGrid → Settings → API Keys: delete the key, create a new one",
        "SendGrid → Settings → API Keys：删除该密钥并新建",
    ),
    "NPM_TOKEN": _rotate(
        "npmjs.com → Access Tokens: delete the token", "npmjs.com → Access Tokens：删除该令牌"
    ),
    "PYPI_TOKEN": _rotate(
        "pypi.org → Account settings → API tokens: remove the token",
        "pypi.org → 账户设置 → API tokens：删除该令牌",
    ),
    "DISCORD_TOKEN": _rotate(
        "Discord Developer Portal → the application → Bot: reset the token",
        "Discord 开发者门户 → 对应应用 → Bot：重置令牌",
    ),
    "TELEGRAM_BOT_TOKEN": _rotate(
        "@BotFather: /revoke for the bot, deploy the new token", "通过 @BotFather 执行 /revoke，部署新令牌"
    ),
    "WECHAT_APP_SECRET": _rotate(
        "WeChat Official Accounts / Mini Program platform → Development settings: reset the AppSecret",
        "微信公众平台 / 小程序后台 → 开发设置：重置 AppSecret",
    ),
    "CHAT_APP_SECRET": _rotate(
        "the chat platform's developer console (Feishu, DingTalk, WeCom …): reset the app secret",
        "在聊天平台开发者后台（飞书、钉钉、企业微信等）重置应用密钥",
    ),
    "VERIFICATION_CODE": Remedy(
        DELETE,
        "A one-time code expires, but check the account it protects was not taken over; then delete "
        "the message.",
        "一次性验证码会过期，但需确认其保护的账户未被盗用；然后删除该消息。",
    ),
}
_GENERIC_SECRET = _rotate(
    "find the system the secret belongs to and revoke or change it there",
    "找到该密钥所属的系统，在那里吊销或修改",
)

# Identifiers that single out a person: the message goes.
_DELETE_PERSONAL = Remedy(
    DELETE,
    "Delete the message on the platform (and in copies of the export); if it was shared widely, "
    "assess whether the data subject must be told.",
    "在平台上删除该消息（以及导出文件的副本）；若传播范围较广，评估是否需要告知个人信息主体。",
)
_REDACT = Remedy(
    REDACT,
    "Edit the message to remove the value (or delete it where editing is not possible); migrate "
    "a redacted copy of the export.",
    "编辑消息删去该信息（无法编辑时删除消息）；迁移时使用脱敏后的导出副本。",
)
_FRAUD = Remedy(
    DELETE,
    "Warn the people in the conversation, report the account to the platform, keep a copy for "
    "evidence if needed, then delete the message.",
    "提醒会话中的成员，向平台举报该账号，必要时保留证据副本，然后删除该消息。",
)


def remedy(entity: str) -> Remedy:
    """The action and checklist for a finding of ``entity``."""
    entry = info(entity)
    if entry.category == "secret":
        return _SECRETS.get(entity, _GENERIC_SECRET)
    if entry.category == "fraud":
        return _FRAUD
    if entry.category == "personal" and entry.severity in ("critical", "high"):
        return _DELETE_PERSONAL
    return _REDACT
