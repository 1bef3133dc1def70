"""SaaS and cloud API keys: OpenAI, Anthropic, Stripe, Twilio, SendGrid, Google, GCP, Azure, and more.

Most of these keys carry a vendor prefix and a fixed length, so the pattern alone is strong
evidence; where the vendor embeds a marker (OpenAI's ``T3BlbkFJ``, base64 of "OpenAI";
Anthropic's trailing ``AA``; Azure's ``Q~`` in client secrets) the score is higher. Secrets
without a prefix (a Twilio auth token, an Azure client secret of the old format) need the
vendor's keyword nearby. A GCP service-account key is a JSON document: the finding covers the
whole object, so a redacted copy loses the private key inside it.

Vendors outside the catalogue (Hugging Face, Shopify, Databricks …) are reported as
GENERIC_SECRET, with the vendor named in the explanation.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, rule
from recognizers.families._secrets import (
    LEFT,
    RIGHT,
    PairedSecretRecognizer,
    Token,
    TokenRecognizer,
    value_rule,
)

ENTITIES: tuple[str, ...] = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "STRIPE_KEY",
    "TWILIO_KEY",
    "SENDGRID_KEY",
    "GOOGLE_API_KEY",
    "GCP_SERVICE_ACCOUNT",
    "AZURE_SECRET",
    "GENERIC_SECRET",
)

_B64URL = "[A-Za-z0-9_-]"

# --- AI providers ------------------------------------------------------------------------------

_OPENAI_VENDOR = keywords("openai", "chatgpt", "gpt", "OPENAI_API_KEY", "open ai")


def _stripe_documented(value: str, match: re.Match[str]) -> bool:
    # Stripe's documentation has shown this test key for years; it is public.
    return value == "sk_test_4eC39HqLyjWDarjtT1zdp7dc"


class AiKeyRecognizer(TokenRecognizer):
    """OPENAI_API_KEY and ANTHROPIC_API_KEY by prefix and marker; other sk- keys as GENERIC_SECRET."""

    ENTITIES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GENERIC_SECRET")
    TOKENS = (
        # Project, service-account and admin keys (2024–): sk-proj-/sk-svcacct-/sk-admin-, then
        # base64url around the marker T3BlbkFJ. Legacy user keys: sk- + 20 + T3BlbkFJ + 20.
        Token(
            "openai_key_with_marker",
            "OPENAI_API_KEY",
            rf"""{LEFT}(?P<value>sk-(?:(?:proj|svcacct|admin|None)-)?{_B64URL}{{20,160}}
                T3BlbkFJ{_B64URL}{{20,160}}){RIGHT}""",
            0.95,
            "OpenAI API key: sk- prefix and the OpenAI marker (base64 of 'OpenAI') inside",
            min_entropy=3.5,
        ),
        Token(
            "openai_project_key",
            "OPENAI_API_KEY",
            rf"{LEFT}(?P<value>sk-(?:proj|svcacct|admin)-(?P<secret>{_B64URL}{{40,200}})){RIGHT}",
            0.85,
            "OpenAI project/service-account key prefix (sk-proj-, sk-svcacct-, sk-admin-)",
            min_entropy=3.8,
        ),
        # sk- + 48 base62 without the marker: OpenAI only when OpenAI is named nearby; other
        # vendors (DeepSeek, Moonshot …) use sk- + hex or base62 too.
        Token(
            "openai_legacy_shape",
            "OPENAI_API_KEY",
            rf"{LEFT}(?P<value>sk-(?P<secret>[A-Za-z0-9]{{48}})){RIGHT}",
            0.85,
            "sk- prefix and 48 base62 characters (the legacy OpenAI key length), OpenAI named nearby",
            min_entropy=4.0,
            context=_OPENAI_VENDOR,
            requires_context=True,
        ),
        Token(
            "sk_prefixed_key",
            "GENERIC_SECRET",
            rf"{LEFT}(?P<value>sk-(?P<secret>[A-Za-z0-9]{{32,64}})){RIGHT}",
            0.6,
            "sk- prefix and 32–64 base62 characters (an AI provider's secret key shape)",
            min_entropy=3.5,
        ),
        # Anthropic: sk-ant-api03- (API) / sk-ant-admin01- (admin) + 93 base64url + "AA".
        Token(
            "anthropic_api_key",
            "ANTHROPIC_API_KEY",
            rf"{LEFT}(?P<value>sk-ant-(?:api|admin)0[0-9]-(?P<secret>{_B64URL}{{93}})AA){RIGHT}",
            0.95,
            "Anthropic API key structure (sk-ant-api03-/sk-ant-admin01-, 93 characters, AA)",
            min_entropy=3.5,
        ),
        Token(
            "anthropic_key_other_length",
            "ANTHROPIC_API_KEY",
            rf"{LEFT}(?P<value>sk-ant-[a-z]{{2,8}}[0-9]{{2}}-(?P<secret>{_B64URL}{{60,140}})){RIGHT}",
            0.85,
            "Anthropic key prefix (sk-ant-…)",
            min_entropy=3.5,
        ),
    )
    CONTEXT = context(
        en=("openai", "anthropic", "claude", "gpt", "key"), zh=("openai", "密钥", "秘钥", "key")
    )
    PREFILTER = re.compile("sk-")


# --- payments and messaging --------------------------------------------------------------------

_TWILIO_WORDS = keywords("twilio", "auth token", "auth_token", "authtoken", "TWILIO_AUTH_TOKEN", "AccountSid")


class PaymentMessagingKeyRecognizer(TokenRecognizer):
    """STRIPE_KEY, TWILIO_KEY (API key SIDs) and SENDGRID_KEY by prefix and length."""

    ENTITIES = ("STRIPE_KEY", "TWILIO_KEY", "SENDGRID_KEY")
    TOKENS = (
        # Secret (sk_) and restricted (rk_) keys, live or test mode; publishable pk_ keys are
        # public by design and are not matched.
        Token(
            "stripe_live_key",
            "STRIPE_KEY",
            rf"{LEFT}(?P<value>(?:sk|rk)_live_(?P<secret>[A-Za-z0-9]{{24,247}})){RIGHT}",
            0.95,
            "Stripe live-mode secret or restricted key (sk_live_/rk_live_)",
        ),
        Token(
            "stripe_test_key",
            "STRIPE_KEY",
            rf"{LEFT}(?P<value>(?:sk|rk)_test_(?P<secret>[A-Za-z0-9]{{24,247}})){RIGHT}",
            0.8,
            "Stripe test-mode secret or restricted key (sk_test_/rk_test_)",
            excluded=_stripe_documented,
        ),
        Token(
            "stripe_webhook_secret",
            "STRIPE_KEY",
            rf"{LEFT}(?P<value>whsec_(?P<secret>[A-Za-z0-9]{{32,64}})){RIGHT}",
            0.9,
            "Stripe webhook signing secret (whsec_)",
        ),
        # Twilio API key SIDs: "SK" + 32 hex (the SID is the public half; with the key's
        # secret nearby it is a credential, and scanners report it as one).
        Token(
            "twilio_api_key_sid",
            "TWILIO_KEY",
            rf"{LEFT}(?P<value>SK(?P<secret>[0-9a-f]{{32}})){RIGHT}",
            0.75,
            "Twilio API key SID shape (SK + 32 hex)",
            context=_TWILIO_WORDS,
            context_score=0.9,
        ),
        # SendGrid: "SG." + 22 + "." + 43 base64url.
        Token(
            "sendgrid_api_key",
            "SENDGRID_KEY",
            rf"{LEFT}(?P<value>SG\.{_B64URL}{{22}}\.(?P<secret>{_B64URL}{{43}})){RIGHT}",
            0.95,
            "SendGrid API key structure (SG. + 22 + . + 43)",
            min_entropy=3.5,
        ),
    )
    CONTEXT = context(en=("stripe", "twilio", "sendgrid", "key"), zh=("stripe", "密钥", "秘钥"))
    PREFILTER = re.compile(r"_live_|_test_|whsec_|SK[0-9a-f]|SG\.")


class TwilioAuthTokenRecognizer(PairedSecretRecognizer):
    """TWILIO_KEY: a 32-hex auth token next to an Account SID (AC…) or a Twilio keyword."""

    ENTITIES = ("TWILIO_KEY",)
    ANCHORS = ("twilio", "sid")
    RULES = (value_rule("twilio_auth_token", "[0-9a-f]", "32"),)
    KEY_ID = re.compile(rf"{LEFT}AC[0-9a-f]{{32}}{RIGHT}")
    STRONG = keywords("TWILIO_AUTH_TOKEN", "twilio auth token", "twilio_auth_token", "twilio token")
    WEAK = keywords("auth token", "auth_token", "authtoken", "token", "secret", "密钥", "令牌")
    VENDOR = keywords("twilio")
    LABEL = "Twilio"
    CONTEXT = context(en=("twilio", "token", "auth"), zh=("twilio", "令牌", "密钥"))


# --- Google ------------------------------------------------------------------------------------

_GOOGLE_API_KEY = Token(
    "google_api_key",
    "GOOGLE_API_KEY",
    rf"{LEFT}(?P<value>AIza(?P<secret>{_B64URL}{{35}})){RIGHT}",
    0.9,
    "Google API key structure (AIza + 35 characters)",
    min_entropy=3.5,
)


class GoogleApiKeyRecognizer(TokenRecognizer):
    """GOOGLE_API_KEY: AIza keys (Maps, Firebase, Gemini …)."""

    ENTITIES = ("GOOGLE_API_KEY",)
    TOKENS = (_GOOGLE_API_KEY,)
    CONTEXT = context(en=("google", "gcp", "firebase", "maps", "key"), zh=("谷歌", "google", "密钥"))
    PREFILTER = re.compile("AIza")


# A service-account key file (IAM "Create key", JSON type): "type": "service_account" plus a
# private key and a client e-mail. Quotes may arrive escaped (\" inside JSON strings, &quot; in
# HTML exports).
_Q = r"""(?:"|\\"|&quot;)"""
_SA_TYPE = rule(
    "gcp_service_account_json",
    rf"(?P<value>{_Q}type{_Q}[ \t]*:[ \t]*{_Q}service_account{_Q})",
    0.9,
)
_SA_FIELD = re.compile(
    rf"{_Q}(?P<field>private_key_id|private_key|client_email|client_id|project_id){_Q}\s*:"
)
_PRIVATE_KEY_ID = re.compile(rf"{_Q}private_key_id{_Q}\s*:\s*{_Q}(?P<id>[0-9a-f]{{40}}){_Q}")
_MAX_JSON = 16 * 1024


def _json_object_span(text: str, inside: int) -> tuple[int, int] | None:
    """The span of the JSON object around ``inside`` (brace matching outside strings), bounded."""
    start = text.rfind("{", max(0, inside - _MAX_JSON), inside)
    if start < 0:
        return None
    depth, in_string, escaped = 0, False, False
    for i in range(start, min(len(text), start + _MAX_JSON)):
        c = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return start, i + 1
    return None


class GcpServiceAccountRecognizer(FamilyRecognizer):
    """GCP_SERVICE_ACCOUNT: a service-account key JSON; the finding covers the whole object."""

    ENTITIES = ("GCP_SERVICE_ACCOUNT",)
    RULES = (_SA_TYPE,)
    CONTEXT = context(en=("gcp", "google", "service", "account", "json"), zh=("服务账号", "密钥", "谷歌"))
    PREFILTER = re.compile("service_account")
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span()
        window_lo, window_hi = max(0, start - 4000), min(len(text), end + _MAX_JSON)
        fields = {m.group("field") for m in _SA_FIELD.finditer(text, window_lo, window_hi)}
        if "private_key" not in fields and "private_key_id" not in fields:
            return None  # a description of the format, not a key
        key_id = _PRIVATE_KEY_ID.search(text, window_lo, window_hi)
        if key_id is not None and validators.is_placeholder(key_id.group("id")):
            return None
        span = _json_object_span(text, start)
        if span is None:  # cut short: from the opening brace (or the type field) to the last field seen
            last = max((m.end() for m in _SA_FIELD.finditer(text, start, window_hi)), default=end)
            opening = text.rfind("{", max(0, start - 4000), start)
            span = (opening if opening >= 0 else start, max(end, last))
            return Verdict(
                1.0, "GCP service-account key JSON (type service_account, key fields; cut short)", span=span
            )
        return Verdict(
            1.0, "GCP service-account key JSON (type service_account with private key fields)", span=span
        )


# --- Azure -------------------------------------------------------------------------------------


class AzureSecretRecognizer(TokenRecognizer):
    """AZURE_SECRET: storage account keys, SAS signatures, Service Bus keys, Entra client secrets."""

    ENTITIES = ("AZURE_SECRET",)
    TOKENS = (
        # Storage connection strings and az CLI output: AccountKey= + 86 base64 + "==" (64 bytes).
        Token(
            "azure_storage_account_key",
            "AZURE_SECRET",
            r"""(?i:AccountKey)[ \t]*=[ \t]*(?P<value>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])""",
            0.95,
            "Azure storage account key (AccountKey=, 64 bytes of base64)",
            min_entropy=4.5,
        ),
        # Service Bus / Event Hubs / IoT Hub: SharedAccessKey= + 43 base64 + "=" (32 bytes).
        Token(
            "azure_shared_access_key",
            "AZURE_SECRET",
            r"""(?i:SharedAccessKey|PrimaryKey|SecondaryKey)[ \t]*=[ \t]*
            (?P<value>[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])""",
            0.9,
            "Azure shared access key (SharedAccessKey=, 32 bytes of base64)",
            min_entropy=4.0,
        ),
        # Microsoft Entra application secrets since 2022: 3 characters, a digit, "Q~", then
        # 31–34 characters (the "Q~" marks the new format).
        Token(
            "azure_client_secret",
            "AZURE_SECRET",
            r"""(?<![A-Za-z0-9_~.\-])(?P<value>[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])""",
            0.9,
            "Microsoft Entra (Azure AD) client secret structure (xxxNQ~…)",
            min_entropy=3.8,
        ),
        # Shared access signatures: a storage URL or token with sv= (version) and sig= (HMAC).
        Token(
            "azure_sas_signature",
            "AZURE_SECRET",
            r"""(?<![A-Za-z])sv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[^\s"'<>]{0,300}?(?<![A-Za-z])sig=(?P<value>[A-Za-z0-9%+/=]{40,100})""",
            0.85,
            "Azure shared access signature (sv=…&sig=…)",
            min_entropy=4.0,
        ),
    )
    CONTEXT = context(en=("azure", "storage", "entra", "secret"), zh=("azure", "微软", "密钥"))
    PREFILTER = re.compile(r"(?i:accountkey|sharedaccesskey|primarykey|secondarykey|sig=)|Q~")


class AzureLegacySecretRecognizer(PairedSecretRecognizer):
    """AZURE_SECRET: an older client secret (32–44 characters) after an Azure secret keyword."""

    ENTITIES = ("AZURE_SECRET",)
    ANCHORS = ("azure", "entra", "arm_client", "microsoft", "微软", "aad", "tenant")
    RULES = (value_rule("azure_client_secret_legacy", r"[A-Za-z0-9_~.+/\-]", "32,44"),)
    STRONG = keywords(
        "AZURE_CLIENT_SECRET",
        "azure_client_secret",
        "ARM_CLIENT_SECRET",
        "AZURE_STORAGE_KEY",
        "AZURE_OPENAI_API_KEY",
        "AZURE_OPENAI_KEY",
    )
    WEAK = keywords(
        "client secret", "client_secret", "clientSecret", "secret", "api key", "key", "密钥", "秘钥"
    )
    VENDOR = keywords("azure", "entra", "microsoft", "微软", "AAD", "tenant")
    LABEL = "Azure"
    MIN_ENTROPY = 3.8
    MIN_CLASSES = 3
    CONTEXT = AzureSecretRecognizer.CONTEXT


# --- other vendors (reported as GENERIC_SECRET) --------------------------------------------------


def _vendor(
    name: str, vendor: str, prefix: str, body: str, score: float = 0.9, entropy: float = 3.3
) -> Token:
    """A vendor token: ``prefix`` (a regex of the literal start) then ``body`` (the random part)."""
    # Not inside a path or a file name ("…/video_box.ico-7a38….png").
    return Token(
        name,
        "GENERIC_SECRET",
        rf"{LEFT}(?<![./])(?P<value>{prefix}(?P<secret>{body})){RIGHT}(?!\.[a-z]{{2,4}}(?![A-Za-z0-9]))",
        score,
        f"{vendor} credential prefix and length",
        min_entropy=entropy,
        prefix=prefix,
    )


_HEX = "[a-f0-9]"
_B62 = "[A-Za-z0-9]"


class VendorTokenRecognizer(TokenRecognizer):
    """GENERIC_SECRET: credentials of vendors outside the catalogue, by documented prefix.

    The shapes are the vendors' documented token formats (as gitleaks, TruffleHog and
    CredSweeper also record them). Each prefix is specific enough to report the token with
    nothing around it; the prefilter is derived from the prefixes, so every token has one.
    """

    ENTITIES = ("GENERIC_SECRET",)
    TOKENS = (
        _vendor("huggingface_token", "Hugging Face access token", "hf_", "[A-Za-z]{34}"),
        _vendor("huggingface_org_token", "Hugging Face organisation token", "api_org_", "[A-Za-z]{34}"),
        _vendor("google_oauth_client_secret", "Google OAuth client secret", "GOCSPX-", "[A-Za-z0-9_-]{28}"),
        _vendor("google_oauth_access_token", "Google OAuth access token", r"ya29\.", "[A-Za-z0-9_-]{50,300}"),
        _vendor("shopify_token", "Shopify access token", "shp(?:at|ca|pa|ss)_", "[a-fA-F0-9]{32}"),
        _vendor("databricks_token", "Databricks personal access token", "dapi", f"{_HEX}{{32}}(?:-[0-9])?"),
        _vendor("digitalocean_token", "DigitalOcean token", "do[opr]_v1_", f"{_HEX}{{64}}"),
        _vendor("hashicorp_vault_token", "HashiCorp Vault token", r"hv[sbr]\.", "[A-Za-z0-9_-]{24,300}"),
        _vendor(
            "terraform_cloud_token",
            "Terraform Cloud / HCP API token",
            r"[A-Za-z0-9]{14}\.atlasv1\.",
            "[A-Za-z0-9_=-]{60,70}",
        ),
        _vendor("postman_api_key", "Postman API key", "PMAK-", f"{_HEX}{{24}}-{_HEX}{{34}}"),
        _vendor("groq_api_key", "Groq API key", "gsk_", f"{_B62}{{52}}"),
        _vendor("xai_api_key", "xAI API key", "xai-", f"{_B62}{{80}}"),
        _vendor("perplexity_api_key", "Perplexity API key", "pplx-", f"{_B62}{{48}}"),
        _vendor("linear_api_key", "Linear API key", "lin_api_", f"{_B62}{{40}}"),
        _vendor("notion_token", "Notion integration token", "(?:ntn_|secret_)", f"{_B62}{{43,46}}"),
        _vendor("atlassian_api_token", "Atlassian API token", "ATATT3", r"[A-Za-z0-9_\-=]{180,200}"),
        _vendor("sentry_token", "Sentry auth token", "sntry[su]_", r"[A-Za-z0-9_=+/\-.]{60,200}"),
        _vendor("grafana_token", "Grafana token", "gl(?:sa|c)_", r"[A-Za-z0-9_+/=\-]{32,400}"),
        _vendor("grafana_api_key", "Grafana API key", "eyJrIjoi", f"{_B62}{{70,400}}={{0,3}}"),
        _vendor("docker_pat", "Docker Hub personal access token", "dckr_pat_", "[A-Za-z0-9_-]{27}"),
        _vendor("mailgun_key", "Mailgun API key", "key-", f"{_HEX}{{32}}", score=0.75),
        _vendor(
            "age_secret_key",
            "age encryption secret key",
            "AGE-SECRET-KEY-1",
            "[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        ),
        _vendor("volcengine_access_key", "Volcengine access key", "AKLT", "[A-Za-z0-9_-]{40,60}", score=0.8),
        # Payments, commerce and finance.
        _vendor("shippo_token", "Shippo API token", "shippo_(?:live|test)_", "[a-fA-F0-9]{40}"),
        _vendor("square_token", "Square access token", "(?:EAAA|sq0atp-)", "[A-Za-z0-9_-]{22,60}", score=0.8),
        _vendor("square_oauth_secret", "Square OAuth secret", "sq0csp-", "[A-Za-z0-9_-]{43}"),
        _vendor("flutterwave_key", "Flutterwave secret key", "FLWSECK(?:_TEST)?-", f"{_HEX}{{32}}-X"),
        _vendor("duffel_token", "Duffel API token", "duffel_(?:test|live)_", "[A-Za-z0-9_=-]{43}"),
        _vendor("easypost_key", "EasyPost API key", "EZ[AT]K", f"{_B62}{{54}}"),
        _vendor(
            "gocardless_token",
            "GoCardless access token",
            "(?:live|sandbox)_",
            "[A-Za-z0-9_=-]{40}",
            score=0.6,
        ),
        _vendor("facebook_access_token", "Facebook access token", "EAA[MC]", f"{_B62}{{100,400}}", score=0.8),
        # Developer platforms and infrastructure.
        _vendor("bitbucket_app_password", "Bitbucket app password", "ATBB", "[A-Za-z0-9_=.-]{24,40}"),
        _vendor("supabase_token", "Supabase access token", "sbp_", f"{_HEX}{{40}}"),
        _vendor("supabase_secret_key", "Supabase secret key", "sb_secret_", "[A-Za-z0-9_-]{31,40}"),
        _vendor(
            "sourcegraph_token",
            "Sourcegraph access token",
            "sgp_",
            "(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}",
        ),
        _vendor("heroku_token", "Heroku API key", "HRKU-AA", "[A-Za-z0-9_-]{58}"),
        _vendor(
            "flyio_token", "Fly.io access token", "(?:fo1_|fm1[ar]_|fm2_)", r"[A-Za-z0-9_+/\-]{43,800}={0,3}"
        ),
        _vendor("doppler_token", "Doppler token", r"dp\.(?:pt|ct|st|sa|scim|audit)\.", f"{_B62}{{40,44}}"),
        _vendor("dynatrace_token", "Dynatrace API token", r"dt0c01\.", r"[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}"),
        _vendor(
            "planetscale_token", "PlanetScale token", "pscale_(?:tkn|pw|oauth)_", r"[A-Za-z0-9_=.\-]{32,64}"
        ),
        _vendor("pulumi_token", "Pulumi access token", "pul-", f"{_HEX}{{40}}"),
        _vendor("prefect_token", "Prefect API key", "pnu_", f"{_B62}{{36}}"),
        _vendor("readme_key", "ReadMe API key", "rdme_", "[a-z0-9]{70}"),
        _vendor("rubygems_key", "RubyGems API key", "rubygems_", f"{_HEX}{{48}}"),
        _vendor("clojars_token", "Clojars deploy token", "CLOJARS_", "[a-z0-9]{60}"),
        _vendor("nuget_key", "NuGet API key", "oy2", "[a-z0-9]{43}", score=0.7, entropy=3.5),
        _vendor("octopus_deploy_key", "Octopus Deploy API key", "API-", "[A-Z0-9]{26}", score=0.7),
        _vendor("infracost_key", "Infracost API key", "ico-", f"{_B62}{{32}}"),
        _vendor("intra42_secret", "42 Intra client secret", "s-s4t2(?:ud|af)-", f"{_HEX}{{64}}"),
        _vendor("newrelic_key", "New Relic key", "NR(?:AK|II|JS|AA)-", "[A-Za-z0-9]{19,32}", score=0.85),
        _vendor("artifactory_api_key", "JFrog Artifactory API key", "AKCp", f"{_B62}{{69}}"),
        _vendor(
            "artifactory_reference_token",
            "JFrog Artifactory reference token",
            "cmVmd",
            f"{_B62}{{59}}",
            score=0.8,
        ),
        _vendor(
            "cloudflare_origin_ca_key", "Cloudflare Origin CA key", r"v1\.0-", f"{_HEX}{{24}}-{_HEX}{{146}}"
        ),
        _vendor("cloudflare_global_key", "Cloudflare API key", "cfk_", f"{_B62}{{40,56}}"),
        _vendor("circleci_token", "CircleCI personal token", "CCIPAT_", f"{_B62}{{22}}_{_HEX}{{40}}"),
        _vendor(
            "defined_networking_key",
            "Defined Networking API key",
            "dnkey-",
            "[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}",
        ),
        _vendor("frameio_token", "Frame.io API token", "fio-u-", "[A-Za-z0-9=_-]{64}"),
        _vendor("settlemint_token", "SettleMint token", "sm_(?:aat|pat|sat)_", f"{_B62}{{16}}"),
        _vendor("adobe_client_secret", "Adobe client secret", "p8e-", f"{_B62}{{32}}"),
        _vendor(
            "onepassword_service_token",
            "1Password service account token",
            "ops_eyJ",
            r"[A-Za-z0-9+/]{250,}={0,3}",
        ),
        _vendor(
            "onepassword_secret_key",
            "1Password secret key",
            "A3-",
            "[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
        ),
        _vendor("aws_bedrock_key", "Amazon Bedrock API key", "ABSK", r"[A-Za-z0-9+/]{109,269}={0,2}"),
        _vendor("langsmith_key", "LangSmith API key", "lsv2_(?:pt|sk)_", f"{_HEX}{{32}}_{_HEX}{{10}}"),
        _vendor("pinecone_key", "Pinecone API key", "pcsk_", "[A-Za-z0-9]{4,8}_[A-Za-z0-9]{60,80}"),
        _vendor(
            "mapbox_secret_token",
            "Mapbox secret token",
            r"sk\.eyJ",
            r"[A-Za-z0-9_-]{40,120}\.[A-Za-z0-9_-]{20,40}",
        ),
        _vendor(
            "dropbox_short_lived_token",
            "Dropbox short-lived access token",
            r"sl\.(?:u\.)?",
            "[A-Za-z0-9_=-]{130,1400}",
        ),
        _vendor(
            "sendinblue_key", "Brevo (Sendinblue) API key", "xkeysib-", f"{_HEX}{{64}}-[A-Za-z0-9]{{16}}"
        ),
        _vendor("ubidots_token", "Ubidots API token", "BBFF-", f"{_B62}{{30}}"),
        _vendor("replicate_token", "Replicate API token", "r8_", f"{_B62}{{37}}"),
        _vendor("scalingo_token", "Scalingo API token", "tk-us-", "[A-Za-z0-9_-]{48}"),
        _vendor("beamer_token", "Beamer API token", "b_", "[A-Za-z0-9=_-]{44}", score=0.6, entropy=3.8),
        _vendor("contentful_token", "Contentful personal access token", "CFPAT-", "[A-Za-z0-9_-]{43}"),
        _vendor("typeform_token", "Typeform personal token", "tfp_", r"[A-Za-z0-9_\-.=]{59}"),
        _vendor(
            "authress_key",
            "Authress service client key",
            "(?:sc|ext|scauth|authress)_",
            r"[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_-][A-Za-z0-9-]{10,32}\.[A-Za-z0-9+/_=-]{30,120}",
        ),
        _vendor("airtable_pat", "Airtable personal access token", "pat", f"{_B62}{{14}}\\.{_HEX}{{64}}"),
        _vendor("openrouter_key", "OpenRouter API key", "sk-or-v1-", f"{_HEX}{{64}}"),
        _vendor(
            "fastly_token",
            "Fastly API token (with a vendor prefix)",
            "fastly_",
            "[A-Za-z0-9_-]{32}",
            score=0.7,
        ),
        _vendor("twitch_token", "Twitch OAuth token", "oauth:", "[a-z0-9]{30}", score=0.7),
    )
    CONTEXT = context(en=("token", "key", "secret", "api"), zh=("令牌", "密钥", "秘钥"))


class MailchimpKeyRecognizer(TokenRecognizer):
    """GENERIC_SECRET: Mailchimp API keys, 32 hex and the data centre (``-us21``) at the end."""

    ENTITIES = ("GENERIC_SECRET",)
    TOKENS = (
        Token(
            "mailchimp_key",
            "GENERIC_SECRET",
            rf"{LEFT}(?P<value>(?P<secret>{_HEX}{{32}})-us[0-9]{{1,2}}){RIGHT}",
            0.85,
            "Mailchimp API key structure (32 hex, -us + data centre)",
        ),
    )
    CONTEXT = VendorTokenRecognizer.CONTEXT
    PREFILTER = re.compile("-us[0-9]")


def recognizers(language: str) -> list[EntityRecognizer]:
    """The SaaS and cloud API key recognizers for ``language``."""
    return [
        AiKeyRecognizer(language),
        PaymentMessagingKeyRecognizer(language),
        TwilioAuthTokenRecognizer(language),
        GoogleApiKeyRecognizer(language),
        GcpServiceAccountRecognizer(language),
        AzureSecretRecognizer(language),
        AzureLegacySecretRecognizer(language),
        VendorTokenRecognizer(language),
        MailchimpKeyRecognizer(language),
    ]
