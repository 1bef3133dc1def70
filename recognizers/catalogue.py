"""The entity catalogue: every entity type chatsweep reports, with category, severity and rule id.

Names are stable (DESIGN.md): add entries, never rename. Rule ids are grouped by hundreds
as in bandit: CS1xx personal, CS2xx secret, CS3xx business, CS4xx fraud. Plain strings
here, because ``recognizers`` must not import ``scanner``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EntityInfo:
    entity: str
    rule: str
    category: str  # personal | secret | business | fraud
    severity: str  # critical | high | medium | low
    description: str
    example: str  # synthetic, visibly fake


_E = EntityInfo

CATALOGUE: tuple[EntityInfo, ...] = (
    # personal ---------------------------------------------------------------------
    _E(
        "PERSON",
        "CS101",
        "personal",
        "low",
        "Person name (NER, participant list or Chinese name rules)",
        "Jane Placeholder / 张三丰",
    ),
    _E("EMAIL_ADDRESS", "CS102", "personal", "medium", "E-mail address", "jane.doe@example.com"),
    _E(
        "PHONE_NUMBER",
        "CS103",
        "personal",
        "medium",
        "Phone number (international or Chinese mobile/landline)",
        "+86 138 0013 8000",
    ),
    _E("LOCATION", "CS104", "personal", "low", "Street address or place", "上海市浦东新区世纪大道100号"),
    _E("DATE_OF_BIRTH", "CS105", "personal", "medium", "Date of birth (with context)", "DOB: 1990-01-01"),
    _E("IP_ADDRESS", "CS106", "personal", "low", "IP address", "203.0.113.7"),
    _E("CREDIT_CARD", "CS107", "personal", "high", "Payment card number (Luhn-valid)", "4111 1111 1111 1111"),
    _E(
        "IBAN_CODE",
        "CS108",
        "personal",
        "high",
        "IBAN bank account (checksum-valid)",
        "GB82 WEST 1234 5698 7654 32",
    ),
    _E("US_SSN", "CS109", "personal", "high", "US Social Security number", "536-90-4418"),
    _E("US_PASSPORT", "CS110", "personal", "high", "US passport number (with context)", "passport 912803456"),
    _E(
        "US_DRIVER_LICENSE",
        "CS111",
        "personal",
        "medium",
        "US driver licence (with context)",
        "driver license D1234567",
    ),
    _E("UK_NHS", "CS112", "personal", "high", "UK NHS number (checksum-valid)", "943 476 5919"),
    _E("UK_NINO", "CS113", "personal", "high", "UK National Insurance number", "QQ 12 34 56 C"),
    _E(
        "CN_RESIDENT_ID",
        "CS114",
        "personal",
        "high",
        "Chinese resident identity card number (GB 11643 checksum)",
        "11010519491231002X",
    ),
    _E(
        "CN_BANK_CARD",
        "CS115",
        "personal",
        "high",
        "Chinese bank / UnionPay card number (Luhn-valid)",
        "6222 0212 3456 7890 128",
    ),
    _E(
        "CN_PASSPORT", "CS116", "personal", "high", "Chinese passport number (with context)", "护照 E12345678"
    ),
    _E("HK_ID", "CS117", "personal", "high", "Hong Kong identity card number (check digit)", "A123456(3)"),
    _E("TW_ID", "CS118", "personal", "high", "Taiwan national ID (check digit)", "A123456789"),
    _E("CN_LICENSE_PLATE", "CS119", "personal", "low", "Chinese vehicle licence plate", "京A12345"),
    _E(
        "MEDICAL_RECORD_NUMBER",
        "CS120",
        "personal",
        "high",
        "Medical record number (with context)",
        "MRN 00123456",
    ),
    _E(
        "HEALTH_INFO",
        "CS121",
        "personal",
        "high",
        "Health information about a person",
        "diagnosed with diabetes",
    ),
    _E(
        "SPECIAL_CATEGORY",
        "CS122",
        "personal",
        "high",
        "GDPR Art. 9 / PIPL Art. 28 special category data",
        "trade union member",
    ),
    # personal identifiers beyond the core set
    _E(
        "CN_TRAVEL_PERMIT",
        "CS123",
        "personal",
        "high",
        "Hong Kong/Macau/Taiwan travel permit (港澳通行证, 台湾通行证, 回乡证, 台胞证; with context)",
        "港澳通行证 C12345678",
    ),
    _E(
        "MO_ID",
        "CS124",
        "personal",
        "high",
        "Macau resident identity card number (with context)",
        "澳门身份证 1234567(8)",
    ),
    _E(
        "HEALTH_PLAN_ID",
        "CS125",
        "personal",
        "high",
        "Health plan / insurance member number (HIPAA; 医保/社保卡号; with context)",
        "member ID XYZ123456789",
    ),
    # secret -----------------------------------------------------------------------
    _E(
        "PASSWORD",
        "CS201",
        "secret",
        "critical",
        "Password or PIN shared in prose (English or Chinese)",
        "password: Hunter2-Example!",
    ),
    _E(
        "PRIVATE_KEY",
        "CS202",
        "secret",
        "critical",
        "Private key block (PEM, OpenSSH, PGP)",
        "-----BEGIN RSA PRIVATE KEY-----",
    ),
    _E("JWT", "CS203", "secret", "high", "JSON Web Token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"),
    _E(
        "CONNECTION_STRING",
        "CS204",
        "secret",
        "critical",
        "Database or broker URL with credentials",
        "postgres://app:s3cret@db.example:5432/app",
    ),
    _E("AWS_ACCESS_KEY", "CS205", "secret", "critical", "AWS access key id", "AKIA…"),
    _E(
        "AWS_SECRET_KEY",
        "CS206",
        "secret",
        "critical",
        "AWS secret access key (near a key id or keyword)",
        "wJalr…",
    ),
    _E("GITHUB_TOKEN", "CS207", "secret", "critical", "GitHub token (CRC32 checksum)", "ghp_…"),
    _E("GITLAB_TOKEN", "CS208", "secret", "critical", "GitLab token", "glpat-…"),
    _E("SLACK_TOKEN", "CS209", "secret", "critical", "Slack token", "xoxb-…"),
    _E(
        "CHAT_WEBHOOK",
        "CS210",
        "secret",
        "high",
        "Chat robot webhook (Slack, Teams, DingTalk, Feishu, WeCom)",
        "https://hooks.slack.com/services/…",
    ),
    _E("STRIPE_KEY", "CS211", "secret", "critical", "Stripe secret or restricted key", "sk_live_…"),
    _E("OPENAI_API_KEY", "CS212", "secret", "critical", "OpenAI API key", "sk-proj-…"),
    _E("GOOGLE_API_KEY", "CS213", "secret", "high", "Google API key", "AIza…"),
    _E(
        "GCP_SERVICE_ACCOUNT",
        "CS214",
        "secret",
        "critical",
        "GCP service-account key JSON",
        '"type": "service_account"',
    ),
    _E(
        "AZURE_SECRET",
        "CS215",
        "secret",
        "critical",
        "Azure client secret or connection string",
        "AccountKey=…",
    ),
    _E("ALIBABA_ACCESS_KEY", "CS216", "secret", "critical", "Alibaba Cloud AccessKey", "LTAI…"),
    _E("TENCENT_SECRET", "CS217", "secret", "critical", "Tencent Cloud SecretId / SecretKey", "AKID…"),
    _E(
        "VERIFICATION_CODE",
        "CS218",
        "secret",
        "medium",
        "One-time / verification code (验证码)",
        "验证码 482913",
    ),
    _E("GENERIC_SECRET", "CS219", "secret", "high", "High-entropy secret next to a keyword", "api_key=…"),
    # secret types from CS220 on
    _E("ANTHROPIC_API_KEY", "CS220", "secret", "critical", "Anthropic API key", "sk-ant-api03-…"),
    _E("TWILIO_KEY", "CS221", "secret", "critical", "Twilio API key (SK…) or auth token", "SK…"),
    _E("SENDGRID_KEY", "CS222", "secret", "critical", "SendGrid API key", "SG.….…"),
    _E("NPM_TOKEN", "CS223", "secret", "critical", "npm access token (CRC32 checksum)", "npm_…"),
    _E("PYPI_TOKEN", "CS224", "secret", "critical", "PyPI API token (macaroon)", "pypi-AgEIcHlwaS5vcmc…"),
    _E("DISCORD_TOKEN", "CS225", "secret", "critical", "Discord bot token", "MTIz….G….…"),
    _E("TELEGRAM_BOT_TOKEN", "CS226", "secret", "critical", "Telegram bot token", "123456789:AA…"),
    _E(
        "WECHAT_APP_SECRET",
        "CS227",
        "secret",
        "critical",
        "WeChat AppSecret (near an AppID or keyword)",
        "AppSecret: 3f…",
    ),
    _E("HUAWEI_SECRET", "CS228", "secret", "critical", "Huawei Cloud AK/SK (by context)", "华为云 SK：…"),
    _E("BAIDU_SECRET", "CS229", "secret", "critical", "Baidu Cloud AK/SK or API key", "bce-v3/ALTAK-…"),
    _E(
        "CHAT_APP_SECRET",
        "CS230",
        "secret",
        "critical",
        "Chat platform app secret (DingTalk, Feishu/Lark, WeCom)",
        "AppSecret: …",
    ),
    # business ---------------------------------------------------------------------
    _E(
        "CN_USCC",
        "CS301",
        "business",
        "medium",
        "Unified social credit code (GB 32100 checksum)",
        "91350100M000100Y43",
    ),
    _E(
        "CONFIDENTIAL_MARKER",
        "CS302",
        "business",
        "medium",
        "Confidentiality marker (机密, internal only, NDA …)",
        "CONFIDENTIAL",
    ),
    _E("INTERNAL_URL", "CS303", "business", "low", "Internal host or URL", "http://intranet.corp.local/"),
    _E("CUSTOM", "CS304", "business", "medium", "User-defined term or pattern", "Project Bluebird"),
    # fraud ------------------------------------------------------------------------
    _E("FRAUD_INDICATOR", "CS401", "fraud", "high", "Fraud / social-engineering indicator", "转账到安全账户"),
)

BY_ENTITY: dict[str, EntityInfo] = {e.entity: e for e in CATALOGUE}


def info(entity: str) -> EntityInfo:
    """Catalogue entry for ``entity``; unknown types are medium-severity CUSTOM-like findings."""
    found = BY_ENTITY.get(entity)
    if found is not None:
        return found
    return EntityInfo(entity, "CS399", "business", "medium", "Other entity", "")
