"""Structured credentials: JWT, CONNECTION_STRING, ``.env`` assignments and HTTP authorization.

- JWTs are decoded: the header must be a JSON object naming its ``alg`` and the payload a
  JSON object (RFC 7515/7519), so a dotted identifier that happens to start ``eyJ`` is not one.
  jwt.io's famous example token is documentation, not a leak.
- Connection strings and URLs with credentials: ``scheme://user:password@host`` for databases,
  brokers and file/mail servers (JDBC prefixes included), JDBC/ADO.NET key-value forms with a
  ``password=``, and Oracle's ``user/password@host``. The finding covers the whole string: the
  host says what the password opens. Placeholder passwords (``password``, ``${DB_PASS}``,
  ``<password>``, ``***``) are documentation.
- ``.env``-style lines (``NAME=value`` at the start of a line, ``export`` optional) whose NAME
  says secret, token, key or password: PASSWORD for password names, GENERIC_SECRET otherwise.
- ``Authorization: Basic …`` (decoded: user:password), ``curl -u user:password`` (PASSWORD);
  ``Authorization: Bearer …`` and ``otpauth://`` seeds (GENERIC_SECRET).
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import validators
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, rule
from recognizers.families._secrets import looks_random, not_a_secret

ENTITIES: tuple[str, ...] = ("JWT", "CONNECTION_STRING", "PASSWORD", "GENERIC_SECRET")

# --- JWT ---------------------------------------------------------------------------------------

# Header and payload are base64url JSON objects, so they start "ey" ('{"') or "ew" ('{\n' or
# '{ '); the signature may be empty only for alg "none".
_JWT = rule(
    "jwt",
    r"""
    (?<![A-Za-z0-9_\-.])
    (?P<value>e[wy][A-Za-z0-9_\-]{8,2000}\.e[wy][A-Za-z0-9_\-]{4,8000}\.[A-Za-z0-9_\-]{0,1000})
    (?![A-Za-z0-9_\-.])
    """,
    0.95,
)
# jwt.io's example (HS256, sub 1234567890, name John Doe) and its many copies in tutorials.
_DOCUMENTED_JWT_CLAIMS = ({"sub": "1234567890", "name": "John Doe"},)


class JwtRecognizer(FamilyRecognizer):
    """JWT: compact JWS tokens whose header and payload decode to JSON."""

    ENTITIES = ("JWT",)
    RULES = (_JWT,)
    CONTEXT = context(en=("jwt", "token", "bearer", "authorization"), zh=("令牌", "token", "jwt"))
    PREFILTER = re.compile(r"e[wy][A-Za-z0-9_\-]{8}")

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        alg = validators.jwt_header_alg(value)
        if alg is None:
            return None
        claims = validators.jwt_claims(value) or {}
        if any(all(claims.get(k) == v for k, v in doc.items()) for doc in _DOCUMENTED_JWT_CLAIMS):
            return None
        signature = value.rsplit(".", 1)[-1]
        # The token is its own evidence: Presidio's enhancer must not raise an unsigned one.
        if alg.lower() == "none" or not signature:
            why = "unsigned JWT (alg none): header and payload decode to JSON"
            return Verdict(0.5, why, validated=True, final=True)
        if len(signature) < 16:
            why = "JWT header and payload decode to JSON; signature too short"
            return Verdict(0.6, why, validated=True, final=True)
        why = "JWT: header (with alg) and payload decode to JSON, signed"
        return Verdict(rule.score, why, validated=True, final=True)


# --- connection strings ------------------------------------------------------------------------

# Schemes whose URLs carry credentials in chat: databases, caches, brokers, search engines,
# file and mail servers; "jdbc:" may precede (jdbc:postgresql://…); "+srv"/"+asyncpg" driver
# suffixes are allowed. http(s) URLs with user:password@ count too (basic auth in a URL).
_SCHEMES = (
    "postgres|postgresql|pg|mysql|mysqlx|mariadb|mongodb|redis|rediss|valkey|amqp|amqps|mssql|sqlserver"
    "|oracle|clickhouse|cockroachdb|neo4j|bolt|couchbase|couchdb|cassandra|influxdb|elasticsearch|opensearch"
    "|snowflake|db2|tds|nats|kafka|mqtt|mqtts|memcached|ldap|ldaps|ftp|ftps|sftp|smtp|smtps|imap|imaps|pop3"
    "|pop3s|ssh|svn|git|rabbitmq|sqlalchemy|presto|trino|hive|jdbc|https?|socks5h?|socks4"
)
_URL_WITH_CREDENTIALS = rule(
    "url_with_credentials",
    rf"""
    (?<![A-Za-z0-9+.\-])
    (?P<value>
        (?P<scheme>(?i:jdbc:)?(?i:{_SCHEMES})(?:\+[a-z0-9]{{1,20}})?)://
        (?P<user>[^\s:/@"'<>`]{{0,128}})
        :
        (?P<password>[^\s/"'<>`]{{1,256}})
        @
        (?P<host>[A-Za-z0-9\[][A-Za-z0-9.\-:\[\]_%]{{0,253}})
        (?P<rest>[/?][^\s"'<>`，。；）」]{{0,512}})?
    )
    """,
    0.9,
)
# jdbc:mysql://host/db?user=x&password=y, jdbc:sqlserver://host;user=sa;password=y, and the same
# parameters after any database URL.
_URL_PASSWORD_PARAM = rule(
    "url_password_parameter",
    rf"""
    (?<![A-Za-z0-9+.\-])
    (?P<value>
        (?i:jdbc:)?(?i:{_SCHEMES})(?:\+[a-z0-9]{{1,20}})?:(?://)?
        [^\s"'<>`]{{1,300}}?
        [?&;](?i:password|pwd|passwd)=(?P<password>[^\s&;"'<>`]{{1,128}})
        (?:[&;][^\s"'<>`，。；]{{0,300}})?
    )
    """,
    0.9,
)
# Oracle thin driver: jdbc:oracle:thin:user/password@host:1521/service.
_ORACLE_THIN = rule(
    "oracle_thin",
    r"""
    (?P<value>(?i:jdbc:oracle:(?:thin|oci)):(?P<user>[A-Za-z0-9_$#]{1,64})/(?P<password>[^\s@"'<>`]{1,128})
        @[^\s"'<>`，。；]{1,300})
    """,
    0.9,
)
# ADO.NET / ODBC: Server=…;Database=…;User Id=…;Password=…; (keys case-insensitive, any order).
_ADO = rule(
    "ado_connection_string",
    r"""
    (?<![A-Za-z])
    (?P<value>
        (?i:server|data[ ]source|host|address|addr|network[ ]address|endpoint|driver|provider|dsn)
        [ ]?=[^;\r\n]{1,200};
        (?:[ ]?[A-Za-z][A-Za-z ]{0,30}=[^;\r\n]{0,200};){0,12}?
        [ ]?(?i:password|pwd)[ ]?=[ ]?(?P<password>[^;\r\n"'`]{1,128})
        (?:;(?:[ ]?[A-Za-z][A-Za-z ]{0,30}=[^;\r\n"'`]{0,200};?){0,12})?
    )
    """,
    0.9,
)

_PLACEHOLDER_PASSWORD = re.compile(
    r"(?i)^(?:\*+|x+|\.+|…|password|passwd|pass|pwd|secret|changeme|\{[^}]*\}|<[^>]*>|\[[^\]]*\]|%s|:?\w*pass\w*:?)$"
)


def _password_refused(password: str) -> bool:
    """Documentation passwords: templates, masks, the word "password" itself, %-escaped templates."""
    password = password.strip()
    if not password or _PLACEHOLDER_PASSWORD.match(password):
        return True
    if "%7B" in password.upper() or "%24%7B" in password.upper():  # URL-encoded ${…}
        return True
    return validators.is_placeholder(password)


class ConnectionStringRecognizer(FamilyRecognizer):
    """CONNECTION_STRING: database/broker/server URLs and connection strings with a real password."""

    ENTITIES = ("CONNECTION_STRING",)
    RULES = (_URL_WITH_CREDENTIALS, _URL_PASSWORD_PARAM, _ORACLE_THIN, _ADO)
    CONTEXT = context(
        en=("database", "db", "connection", "dsn", "uri", "url", "postgres", "mysql", "mongodb", "redis"),
        zh=("数据库", "连接", "连接串", "链接"),
    )
    PREFILTER = re.compile(r"://|(?i:password|pwd)\s?=|(?i:jdbc:oracle)")
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        password = match.group("password")
        if _password_refused(password):
            return None
        value = match.group("value")
        start, end = match.span("value")
        # Trailing sentence punctuation and closing brackets are not part of the URL.
        while end > start and text[end - 1] in ".,;:!?)]}>*`'\"":
            if text[end - 1] == ")" and "(" in text[start:end]:
                break
            end -= 1
        if rule is _URL_WITH_CREDENTIALS:
            scheme = match.group("scheme").lower()
            user = match.group("user")
            if scheme in ("http", "https", "git", "ssh", "svn") and not user:
                return None
            if user and user.lower() == password.lower():
                return Verdict(
                    0.55,
                    f"{scheme} URL with credentials; the password equals the user name (a default)",
                    span=(start, end),
                )
            kind = "URL with user:password@host" if scheme.startswith("http") else f"{scheme} connection URL"
            return Verdict(rule.score, f"{kind} holding a password", span=(start, end))
        if rule is _ADO and len(value) > 2000:
            return None
        names = {
            _URL_PASSWORD_PARAM: "connection URL with a password parameter",
            _ORACLE_THIN: "Oracle JDBC thin URL with user/password",
            _ADO: "connection string (server=…; password=…)",
        }
        return Verdict(rule.score, f"{names[rule]} holding a password", span=(start, end))


# --- .env assignments ---------------------------------------------------------------------------

_ENV = rule(
    "env_assignment",
    r"""
    (?m:^)[ \t]*(?:export[ \t]+|set[ \t]+|\$env:)?
    (?P<name>[A-Za-z][A-Za-z0-9_]{0,80})
    [ \t]*[=:][ \t]*
    (?:"(?P<dq>[^"\r\n]{1,512})"|'(?P<sq>[^'\r\n]{1,512})'|(?P<bare>[^\s"'#]{1,512}))
    """,
    0.75,
    value="bare",
)
_PASSWORD_NAME = re.compile(r"(?i)pass(?:word|wd|phrase)?|pwd")
_SECRET_NAME = re.compile(
    r"(?i)secret|token|api_?key|apikey|access_?key|private_?key|auth|credential|signing_?key|encryption_?key"
    r"|master_?key|salt|(?:^|_)key$|_sk$|(?:^|_)ak$"
)
# Names that hold configuration about a secret rather than the secret.
_NOT_SECRET_NAME = re.compile(
    r"(?i)(?:_|^)(?:id|ids|url|uri|endpoint|host|port|path|file|dir|name|user|username|type|algorithm|alg"
    r"|expiry|expires|expiration|ttl|timeout|length|len|size|header|region|enabled|disabled|required|mode"
    r"|version|method|format|prefix|issuer|audience|scope|scopes|public|pub|env|location|account|email)$"
    r"|public"
)
_BOOLEAN = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "0", "1"})


class EnvAssignmentRecognizer(FamilyRecognizer):
    """PASSWORD / GENERIC_SECRET: ``NAME=value`` lines whose NAME says it holds a secret."""

    ENTITIES = ("PASSWORD", "GENERIC_SECRET")
    RULES = (_ENV,)
    CONTEXT = context(en=("env", "secret", "token", "key", "password"), zh=("环境变量", "密钥", "密码"))
    PREFILTER = re.compile(r"(?i:pass|pwd|secret|token|key|auth|credential|salt)[A-Za-z0-9_]*[ \t]*[=:]")
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        name = match.group("name")
        if not ("_" in name or name.isupper() or name.islower()):
            return None  # "Password: …" in prose is the password family's
        if name.lower() in ("password", "pwd", "pass", "passwd", "token", "secret", "key"):
            return None  # a bare word: prose ("token: …") is for the keyword families
        for group in ("dq", "sq", "bare"):
            if match.group(group) is not None:
                value, (start, end) = match.group(group), match.span(group)
                break
        value = value.strip()
        if _NOT_SECRET_NAME.search(name) or not value or value.lower() in _BOOLEAN:
            return None
        if "AWS_SECRET" in name.upper() or "AWS_ACCESS" in name.upper():
            return None  # the AWS recognizers judge these (key id structure, base64 length)
        if _PASSWORD_NAME.search(name):
            if len(value) < 4 or not_a_secret(value) in (
                "placeholder",
                "a link",
                "a reference to a variable or a call",
            ):
                return None
            return Verdict(
                0.75,
                "environment-style assignment to a password variable",
                span=(start, end),
                entity="PASSWORD",
            )
        if not _SECRET_NAME.search(name):
            return None
        if not_a_secret(value) is not None or not looks_random(value, min_len=12, min_entropy=3.0):
            return None
        return Verdict(
            0.75,
            "environment-style assignment to a secret/token/key variable; random value",
            span=(start, end),
            entity="GENERIC_SECRET",
        )


# --- HTTP authorization, curl, otpauth ------------------------------------------------------------

_BASIC = rule(
    "http_basic_authorization",
    r"""
    (?i:authorization|proxy-authorization)["']?[ \t]*[:=][ \t]*["']?(?i:basic)[ \t]+
    (?P<value>[A-Za-z0-9+/]{6,512}={0,2})
    (?![A-Za-z0-9+/=])
    """,
    0.9,
)
_BASIC_BARE = rule(
    "basic_credentials",
    r"""
    (?<![A-Za-z])(?i:basic)[ \t]+(?P<value>[A-Za-z0-9+/]{8,512}={0,2})(?![A-Za-z0-9+/=])
    """,
    0.7,
)
_BEARER = rule(
    "http_bearer_authorization",
    r"""
    (?<![A-Za-z])(?i:bearer)[ \t]+(?P<value>[A-Za-z0-9_\-.~+/]{16,2048}={0,2})(?![A-Za-z0-9_\-.~+/=])
    """,
    0.8,
)
_CURL_USER = rule(
    "curl_user_password",
    r"""
    (?<![A-Za-z0-9\-])(?:-u|--user)[ \t]+["']?(?P<user>[^\s:"']{1,64}):(?P<value>[^\s"']{1,128})
    """,
    0.85,
)
# Passwords on a command line: sshpass -p 'X', mysql -uroot -pX (glued by design), --password X.
_CLI_PASSWORD = rule(
    "command_line_password",
    r"""
    (?:
        (?<![A-Za-z0-9])(?:sshpass|mysql|mysqladmin|mysqldump|mariadb|mongosh|mongo|redis-cli)(?![A-Za-z0-9])
        [^\r\n|;&]{0,80}?[ \t](?:-p|-a)[ \t]*
      | (?<![A-Za-z0-9\-])--(?:password|passwd|pass)(?:[ \t]+|=)
    )
    (?:["'](?P<quoted>[^"'\r\n]{1,128})["']|(?P<value>[^\s"'|;&]{1,128}))
    """,
    0.85,
)
_OTPAUTH = rule(
    "otpauth_secret",
    r"""
    (?i:otpauth)://(?i:totp|hotp)/[^\s?]{0,200}\?[^\s]{0,300}?(?<![A-Za-z])(?i:secret)=(?P<value>[A-Za-z2-7]{16,128})
    """,
    0.9,
)


class AuthorizationRecognizer(FamilyRecognizer):
    """PASSWORD (HTTP Basic, curl -u) and GENERIC_SECRET (Bearer tokens, TOTP seeds)."""

    ENTITIES = ("PASSWORD", "GENERIC_SECRET")
    RULES = (_BASIC, _BASIC_BARE, _BEARER, _CURL_USER, _CLI_PASSWORD, _OTPAUTH)
    CONTEXT = context(en=("authorization", "header", "curl", "auth"), zh=("认证", "授权", "请求头"))
    PREFILTER = re.compile(r"(?i:basic|bearer|otpauth)|-u[ \t]|--user|--pass|-p|-a[ \t]")
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        value = match.group("value")
        if rule in (_BASIC, _BASIC_BARE):
            if not validators.basic_auth_ok(value):
                return None
            what = "HTTP Basic authorization header" if rule is _BASIC else "'Basic' credentials"
            return Verdict(rule.score, f"{what}; decodes to user:password", validated=True, entity="PASSWORD")
        if rule is _BEARER:
            if validators.jwt_header_alg(value) is not None:
                return None  # the JWT recognizer reports it, decoded
            if not_a_secret(value) is not None or not looks_random(value, min_len=16, min_entropy=3.3):
                return None
            return Verdict(
                rule.score, "Bearer token in an Authorization header or request", entity="GENERIC_SECRET"
            )
        if rule is _CLI_PASSWORD:
            if match.group("quoted") is not None:
                value, span = match.group("quoted"), match.span("quoted")
            else:
                span = match.span("value")
            if len(value) < 3 or validators.is_placeholder(value) or value.startswith(("$", "-", "<")):
                return None
            return Verdict(
                rule.score,
                "password passed on a command line (-p / --password)",
                span=span,
                entity="PASSWORD",
            )
        if rule is _CURL_USER:
            if len(value) < 3 or validators.is_placeholder(value) or value.startswith("$"):
                return None
            return Verdict(rule.score, "password in curl -u user:password", entity="PASSWORD")
        if validators.is_placeholder(value) or validators.shannon_entropy(value) < 3.0:
            return None
        return Verdict(
            rule.score, "TOTP/HOTP seed in an otpauth:// URI (two-factor secret)", entity="GENERIC_SECRET"
        )


def recognizers(language: str) -> list[EntityRecognizer]:
    """The structured-credential recognizers for ``language``."""
    return [
        JwtRecognizer(language),
        ConnectionStringRecognizer(language),
        EnvAssignmentRecognizer(language),
        AuthorizationRecognizer(language),
    ]
