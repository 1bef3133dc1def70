"""Developer-platform tokens: GITHUB_TOKEN, GITLAB_TOKEN, NPM_TOKEN, PYPI_TOKEN and SLACK_TOKEN.

These tokens announce themselves with a prefix, so the patterns need no keyword. GitHub's
classic tokens and npm's tokens carry a CRC32 checksum, which separates a live-format token
from an invented one; PyPI tokens are macaroons whose first bytes name the issuing index.
Chat webhooks (Slack, Teams, DingTalk …) live in ``webhooks``.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, keywords, rule
from recognizers.families._secrets import LEFT, RIGHT, Token, TokenRecognizer

ENTITIES: tuple[str, ...] = ("GITHUB_TOKEN", "GITLAB_TOKEN", "NPM_TOKEN", "PYPI_TOKEN", "SLACK_TOKEN")

# --- GitHub ----------------------------------------------------------------------------

# ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server), ghr_
# (refresh): 4-character prefix + 36 base62 characters, the last 6 a CRC32 checksum.
# Case-sensitive; "_" counts as part of a token on both sides (snake_case identifiers).
_GITHUB_CLASSIC = rule(
    "github_token",
    r"""
    (?:(?<![A-Za-z0-9_])|(?<=[Kk][Ee][Yy])|(?<=[Tt][Oo][Kk][Ee][Nn])|(?<=TOKEN))
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
    (?:(?<![A-Za-z0-9_\-.])|(?<=[Kk][Ee][Yy])|(?<=[Tt][Oo][Kk][Ee][Nn])|(?<=TOKEN))
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


# --- GitLab --------------------------------------------------------------------------------

# Personal, project and group access tokens: glpat- + 20 base64url (GitLab 14–16), or the
# routable format of GitLab 17+: glpat- + 27–300 base64url, ".", a 2-character version and a
# 7-character base36 CRC. Other documented prefixes: deploy (gldt-), runner authentication
# (glrt-), CI job (glcbt-), feed (glft-), incoming mail (glimt-), OAuth secrets (gloas-),
# SCIM (glsoat-), feature flags (glffct-), cluster agent (glagent-), pipeline triggers (glptt-
# + 40 hex), runner registration (GR1348941 + 20).
_GITLAB_PREFIXES = "glpat|gldt|glrt|glcbt|glft|glimt|gloas|glsoat|glffct"
_GITLAB_TOKENS = (
    Token(
        "gitlab_routable_token",
        "GITLAB_TOKEN",
        rf"{LEFT}(?P<value>(?:{_GITLAB_PREFIXES})-(?P<secret>[A-Za-z0-9_-]{{27,300}})\.[0-9a-z]{{2}}[0-9a-z]{{7}}){RIGHT}",
        0.95,
        "GitLab token, routable format (prefix, payload, version and CRC)",
        min_entropy=3.5,
    ),
    Token(
        "gitlab_token",
        "GITLAB_TOKEN",
        rf"{LEFT}(?P<value>(?:{_GITLAB_PREFIXES})-(?P<secret>[A-Za-z0-9_-]{{20,64}})){RIGHT}",
        0.9,
        "GitLab token prefix (glpat-, gldt-, glrt- …) and length",
        min_entropy=3.3,
    ),
    Token(
        "gitlab_agent_token",
        "GITLAB_TOKEN",
        rf"{LEFT}(?P<value>glagent-(?P<secret>[A-Za-z0-9_-]{{50,64}})){RIGHT}",
        0.9,
        "GitLab cluster agent token prefix",
        min_entropy=3.5,
    ),
    Token(
        "gitlab_pipeline_trigger",
        "GITLAB_TOKEN",
        rf"{LEFT}(?P<value>glptt-(?P<secret>[0-9a-f]{{40}})){RIGHT}",
        0.9,
        "GitLab pipeline trigger token (glptt- + 40 hex)",
    ),
    Token(
        "gitlab_runner_registration",
        "GITLAB_TOKEN",
        rf"{LEFT}(?P<value>GR1348941(?P<secret>[A-Za-z0-9_-]{{20}})){RIGHT}",
        0.9,
        "GitLab runner registration token (GR1348941 prefix)",
    ),
)


class GitLabTokenRecognizer(TokenRecognizer):
    """GITLAB_TOKEN: every documented GitLab token prefix."""

    ENTITIES = ("GITLAB_TOKEN",)
    TOKENS = _GITLAB_TOKENS
    CONTEXT = context(en=("gitlab", "token", "pat"), zh=("gitlab", "令牌", "token"))
    PREFILTER = re.compile(r"gl[a-z]{1,6}-|GR1348941")


# --- npm and PyPI --------------------------------------------------------------------------

# npm legacy tokens are UUIDs; they count only as the value of _authToken in an .npmrc line.
_NPMRC = keywords("_authToken", "NPM_TOKEN", "npm token", "npm_token", "NODE_AUTH_TOKEN")


class PackageRegistryTokenRecognizer(TokenRecognizer):
    """NPM_TOKEN (npm_ + CRC32, or an .npmrc _authToken) and PYPI_TOKEN (pypi- macaroons)."""

    ENTITIES = ("NPM_TOKEN", "PYPI_TOKEN")
    TOKENS = (
        # Checksummed like GitHub's tokens; a token whose checksum fails still has the
        # documented shape, so it is kept at a lower score rather than dropped.
        Token(
            "npm_access_token",
            "NPM_TOKEN",
            rf"{LEFT}(?P<value>npm_(?P<secret>[A-Za-z0-9]{{36}})){RIGHT}",
            0.8,
            "npm access token prefix and length (npm_ + 36 base62)",
            min_entropy=3.5,
            validate=validators.npm_token_ok,
            invalid_score=0.8,
        ),
        Token(
            "npm_legacy_auth_token",
            "NPM_TOKEN",
            r"""(?i:_authToken)[ \t]*=[ \t]*["']?
            (?P<value>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9\-])""",
            0.85,
            "npm legacy auth token (UUID as the _authToken of an .npmrc line)",
        ),
        # "pypi-" + base64url of a macaroon; the decoded prefix names pypi.org or test.pypi.org.
        Token(
            "pypi_upload_token",
            "PYPI_TOKEN",
            rf"{LEFT}(?P<value>pypi-(?P<secret>AgE[A-Za-z0-9_-]{{50,500}})){RIGHT}",
            0.85,
            "PyPI API token prefix (pypi-AgE…)",
            min_entropy=3.5,
            validate=validators.pypi_token_ok,
            validated_score=1.0,
            invalid_score=0.8,
        ),
    )
    CONTEXT = context(en=("npm", "pypi", "token", "registry"), zh=("npm", "pypi", "令牌"))
    PREFILTER = re.compile(r"npm_|(?i:_authtoken)|pypi-AgE")


def recognizers(language: str) -> list[EntityRecognizer]:
    """GitHub, GitLab, npm, PyPI and Slack token recognizers for ``language``."""
    return [
        GitHubTokenRecognizer(language),
        GitLabTokenRecognizer(language),
        PackageRegistryTokenRecognizer(language),
        SlackTokenRecognizer(language),
    ]
