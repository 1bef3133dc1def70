"""Links that open a message on its platform, for the deletion list and the report.

Only links that work: a Slack link needs the workspace's domain (config ``slack_workspace``;
Slack exports do not say it), so without one there is none (a relative ``/archives/…``
path opens nothing). A link a reader took from the export itself (Teams ``webUrl``) is
kept as it is when it is an https URL of the platform.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from scanner.model import ConversationKind, Message

_SLACK_DOMAIN = re.compile(
    r"\A(?:https?://)?([a-z0-9][a-z0-9-]*(?:\.enterprise)?)(?:\.slack\.com)?/?\Z", re.I
)
_SLACK_TS = re.compile(r"\A(\d{1,12})\.(\d{6})\Z")
_DIGITS = re.compile(r"\A-?\d{1,20}\Z")
_SNOWFLAKE = re.compile(r"\A\d{15,21}\Z")
_TG_USERNAME = re.compile(r"\A@?([A-Za-z][A-Za-z0-9_]{3,31})\Z")
_TRUSTED_HOSTS = ("teams.microsoft.com", "teams.cloud.microsoft", "teams.live.com")


def slack_workspace(value: str | None) -> str | None:
    """The workspace's subdomain from "acme", "acme.slack.com" or "https://acme.slack.com/"."""
    if not value:
        return None
    m = _SLACK_DOMAIN.match(value.strip())
    return m.group(1).lower() if m else None


def slack(workspace: str | None, channel: str, ts: str, thread_ts: str | None = None) -> str | None:
    """``https://<workspace>.slack.com/archives/<channel>/p<ts without the dot>``."""
    domain = slack_workspace(workspace)
    m = _SLACK_TS.match(ts)
    if domain is None or m is None or not re.fullmatch(r"[A-Z0-9]{6,20}", channel):
        return None
    link = f"https://{domain}.slack.com/archives/{channel}/p{m.group(1)}{m.group(2)}"
    if thread_ts and thread_ts != ts and _SLACK_TS.match(thread_ts):
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link


def telegram(
    chat_id: str, message_id: str, username: str | None = None, supergroup: bool = False
) -> str | None:
    """``https://t.me/<username>/<id>`` for a public chat, ``https://t.me/c/<chat>/<id>`` for a
    supergroup or channel (its id without the ``-100`` the Bot API puts before it); private
    chats and basic groups have no message links."""
    if not _DIGITS.match(message_id) or message_id.startswith("-"):
        return None
    if username and (m := _TG_USERNAME.match(username)):
        return f"https://t.me/{m.group(1)}/{message_id}"
    if not _DIGITS.match(chat_id):
        return None
    bare = chat_id.removeprefix("-100") if chat_id.startswith("-100") else None
    if bare is None and supergroup and not chat_id.startswith("-"):
        bare = chat_id
    return f"https://t.me/c/{bare}/{message_id}" if bare else None


def discord(guild: str | None, channel: str, message_id: str) -> str | None:
    """``https://discord.com/channels/<guild or @me>/<channel>/<message>``."""
    if not (_SNOWFLAKE.match(channel) and _SNOWFLAKE.match(message_id)):
        return None
    where = guild if guild and _SNOWFLAKE.match(guild) else "@me" if guild == "@me" else None
    return f"https://discord.com/channels/{where}/{channel}/{message_id}" if where else None


def teams(web_url: str | None) -> str | None:
    """The export's own ``webUrl`` when it is an https link to Teams."""
    if not web_url:
        return None
    try:
        parts = urlsplit(web_url)
    except ValueError:  # an export's own text: "https://[" is no URL
        return None
    if parts.scheme != "https" or parts.hostname not in _TRUSTED_HOSTS or parts.username is not None:
        return None
    return web_url


def for_message(message: Message, workspace: str | None = None) -> str | None:
    """The message's link on its platform, or None where there is none (or it is not known)."""
    if message.permalink:
        return message.permalink if urlsplit(message.permalink).scheme == "https" else None
    platform = message.platform.lower()
    conversation = message.conversation
    if platform == "slack":
        return slack(workspace, conversation.id, message.message_id, message.thread_id)
    if platform == "telegram":
        return telegram(
            conversation.id, message.message_id, supergroup=conversation.kind is ConversationKind.CHANNEL
        )
    if platform == "discord" and conversation.kind is ConversationKind.DM:
        # A direct message's guild is "@me"; a server channel's guild the export names.
        return discord("@me", conversation.id, message.message_id)
    return None


def safe(link: str) -> str:
    """``link`` with characters a CSV or HTML cell must not carry percent-encoded."""
    return quote(link, safe=":/?&=#@%+.,-_~")
