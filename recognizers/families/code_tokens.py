"""Developer-platform tokens: GITHUB_TOKEN, SLACK_TOKEN and Slack incoming webhooks (CHAT_WEBHOOK).

These tokens announce themselves with a prefix, so the patterns need no keyword. GitHub's
classic tokens also carry a CRC32 checksum, which separates a live-format token from an
invented one. Later issues add GitLab, npm, and DingTalk/Feishu/WeCom/Teams webhooks.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, rule

ENTITIES: tuple[str, ...] = ("GITHUB_TOKEN", "SLACK_TOKEN", "CHAT_WEBHOOK")

# --- GitHub ----------------------------------------------------------------------------

# ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server), ghr_
# (refresh): 4-character prefix + 36 base62 characters, the last 6 a CRC32 checksum.
# Case-sensitive; "_" counts as part of a token on both sides (snake_case identifiers).
_GITHUB_CLASSIC = rule(
    "github_token",
    r"""
    (?<![A-Za-z0-9_])
    (?P<value>gh[pousr]_[A-Za-z0-9]{36})
    (?![A-Za-z0-9_])
    """,
    1.0,
)

# Fine-grained personal access tokens: github_pat_ + 22 base62 + "_" + 59 base62 (82 after the
# prefix). No public checksum, but the shape is long and specific.
_GITHUB_PAT = rule(
    "github_fine_grained_pat",
    r"""
    (?<![A-Za-z0-9_])
    (?P<value>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})
    (?![A-Za-z0-9_])
    """,
    0.9,
)


class GitHubTokenRecognizer(FamilyRecognizer):
    """GITHUB_TOKEN: classic tokens by CRC32 checksum, fine-grained PATs by structure."""

    ENTITIES = ("GITHUB_TOKEN",)
    RULES = (_GITHUB_CLASSIC, _GITHUB_PAT)
    CONTEXT = context(en=("github", "token", "pat"), zh=("github", "令牌", "token"))
    PREFILTER = re.compile("gh[pousr]_|github_pat_")

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if rule is _GITHUB_CLASSIC:
            if not validators.github_token_ok(value):
                return None  # a mistyped or invented token: not usable, not a leak
            return Verdict(rule.score, "GitHub token prefix and CRC32 checksum valid", validated=True)
        secret = value[len("github_pat_") :]
        if validators.is_placeholder(secret) or validators.shannon_entropy(secret) < 4.0:
            return None
        return Verdict(rule.score, "GitHub fine-grained personal access token structure (22 + 59 characters)")


# --- Slack -----------------------------------------------------------------------------

# One candidate pattern for every xox?- token (b bot, p user, a app/workspace, o/s legacy,
# r refresh, e and xoxe.xoxb/xoxe.xoxp rotating) and the xapp- app-level token; ``check``
# then compares it with the documented shapes. Hyphens are part of the token.
_SLACK_ANY = rule(
    "slack_token",
    r"""
    (?<![A-Za-z0-9_\-.])
    (?P<value>(?:xox[abeoprs](?:\.xox[bp])?|xapp)-[A-Za-z0-9\-]{20,250})
    (?![A-Za-z0-9_\-])
    """,
    0.6,
)
# Documented shapes (Slack token-types documentation; gitleaks rules slack-bot-token,
# slack-user-token, slack-app-token, slack-config-*-token):
_SLACK_SHAPES = (
    re.compile(r"xoxb-[0-9]{8,13}-[0-9]{8,14}-[A-Za-z0-9]{24,34}"),  # bot
    re.compile(r"xox[pe]-[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{28,34}"),  # user / enterprise
    re.compile(r"xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{160,170}"),  # rotating (config) access token
    re.compile(r"xoxe-[0-9]-[A-Za-z0-9]{140,150}"),  # refresh token
    re.compile(r"xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,16}-[a-f0-9]{64}"),  # app-level token
    re.compile(r"xox[aors]-(?:[0-9]{1,13}-){1,3}[A-Za-z0-9]{24,64}"),  # app, legacy, refresh
)


class SlackTokenRecognizer(FamilyRecognizer):
    """SLACK_TOKEN: xoxb-/xoxp-/xoxa-/xoxe-/xapp- tokens, documented shapes scored highest."""

    ENTITIES = ("SLACK_TOKEN",)
    RULES = (_SLACK_ANY,)
    CONTEXT = context(en=("slack", "token", "bot"), zh=("slack", "令牌", "token"))
    PREFILTER = re.compile("xox|xapp-")

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        secret = value.rsplit("-", 1)[-1]
        if (
            validators.is_placeholder(value)
            or validators.is_placeholder(secret)
            or validators.is_sequential(secret)
        ):
            return None
        if any(shape.fullmatch(value) for shape in _SLACK_SHAPES):
            return Verdict(0.9, "Slack token in a documented shape (prefix, numeric ids, secret part)")
        # An unfamiliar layout: keep it only if it still has a numeric id and a random part.
        if (
            re.search(r"-[0-9]{6,}-", value)
            and len(secret) >= 16
            and validators.shannon_entropy(secret) >= 3.5
        ):
            return Verdict(
                rule.score, "Slack token prefix with numeric id and random part (undocumented layout)"
            )
        return None


# --- chat webhooks (Slack for now) ---------------------------------------------------------

# Classic incoming webhooks: hooks.slack.com/services/T<team>/B<hook>/<24-char secret>;
# workflow and trigger URLs: hooks.slack.com/workflows|triggers/<…>. The scheme is optional
# (people paste bare hosts); the host is case-insensitive, the path is not.
_SLACK_WEBHOOK = rule(
    "slack_incoming_webhook",
    r"""
    (?<![A-Za-z0-9_\-./])
    (?P<value>
        (?i:https?://)? (?i:hooks\.slack\.com)
        /services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/(?P<secret>[A-Za-z0-9]{24})
    )
    (?![A-Za-z0-9_\-])
    """,
    0.9,
)
_SLACK_WORKFLOW = rule(
    "slack_workflow_webhook",
    r"""
    (?<![A-Za-z0-9_\-./])
    (?P<value>
        (?i:https?://)? (?i:hooks\.slack\.com)
        /(?:workflows|triggers)/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/[0-9]{10,20}/(?P<secret>[A-Za-z0-9]{24,32})
    )
    (?![A-Za-z0-9_\-])
    """,
    0.85,
)


class ChatWebhookRecognizer(FamilyRecognizer):
    """CHAT_WEBHOOK: Slack incoming and workflow webhook URLs (anyone holding one can post)."""

    ENTITIES = ("CHAT_WEBHOOK",)
    RULES = (_SLACK_WEBHOOK, _SLACK_WORKFLOW)
    CONTEXT = context(en=("webhook", "hook", "slack"), zh=("webhook", "机器人", "钩子", "slack"))
    PREFILTER = re.compile("hooks.slack.com", re.IGNORECASE)

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        secret = match.group("secret")
        if validators.is_placeholder(secret) or validators.is_sequential(secret):
            return None  # Slack's documentation uses T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
        return Verdict(rule.score, f"Slack webhook URL ({rule.name.replace('_', ' ')}) with a secret path")


def recognizers(language: str) -> list[EntityRecognizer]:
    """GitHub, Slack token and chat-webhook recognizers for ``language``."""
    return [GitHubTokenRecognizer(language), SlackTokenRecognizer(language), ChatWebhookRecognizer(language)]
