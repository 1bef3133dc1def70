"""Pull a Lanying IM (蓝莺IM) app's message history into the saved layout ``LanyingReader`` scans.

Lanying has no export; history is read through its server REST API with an app admin
token (``../shared/formats/lanying.md``). The walk:

1. ``GET /user/list?page_num=N&page_size=S`` until a short (or repeated) page → ``users.json``;
2. for each user, ``GET /message/unread`` with header ``user_id`` lists their recent
   conversations; an opposite id that is a listed user makes a one-to-one conversation,
   any other id is asked for with ``GET /group/info`` (header and query ``group_id``) and is
   a group when Lanying knows it (``groups.json``);
3. each conversation not yet saved is paged with ``GET /message/conversation?opposite_id=ID
   &msg_id_start=C&limit=L`` (header ``user_id``), newest first from ``C=0``, then
   ``C = data.next_msg_id`` until ``data.is_last``; the messages are written one JSON object a
   line, exactly as returned, to ``conversations/user-<a>-<b>.jsonl`` (a < b, so a chat seen
   from both of its users is saved once) or ``conversations/group-<id>.jsonl``.

Every call sends ``app_id`` and ``access-token``. Files are written atomically (a temporary
file, then a rename) with owner-only permissions. A conversation is first appended page by
page to a hidden ``.<name>.part`` file; ``state.json`` records the finished conversations
and the current one's cursor and part size after every page, so an interrupted pull re-run
with the same ``out_dir`` skips what is finished and continues the current conversation
from its last saved page. ``state.json`` is removed when the pull completes (a later run
starts afresh and picks up new messages).

HTTP 429, 5xx, connection failures and requests that miss their deadline are retried with
exponential back-off (``Retry-After`` honoured) up to ``max_retries`` times. Redirects are
refused, so the token is never sent to another host; the endpoint must be ``https://``
(plain ``http://`` only to a loopback host, for a local test server). The token is never
logged, written or put in an exception: messages the server returns are redacted before
they are shown, and their control characters escaped (:func:`reports.textsafe.one_line`).

A server that never says ``is_last``, answers huge pages or drips bytes cannot keep a pull
going for ever. Every limit is a parameter (and an option of ``chatsweep pull lanying``):

* ``max_pages_per_conversation``: that conversation is saved as far as it was read and
  the pull goes on with the next one;
* ``max_pages`` (pages of one run), ``max_response_bytes`` (a response is streamed and
  dropped once it passes the cap) and ``deadline`` (seconds for the whole run): the pull
  stops cleanly where it is, its state saved, so the same command resumes it;
* ``request_deadline``: seconds for one request from connecting to the last byte (a
  per-read timeout alone lets a server that sends a byte a second hold a request for ever);
  a request that misses it is retried like a connection failure.

A limit that was hit is named in :class:`PullSummary` (``stopped_by``, ``truncated``) and
written to ``.pull-report.json`` in the output folder, with records skipped for ids that
are not Lanying ids (ASCII digits, an int64). A hidden file, so the folder still reads as
a Lanying history; a later run that hits no limit removes it.
"""

from __future__ import annotations

import email.utils
import http.client
import io
import ipaddress
import json
import logging
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from reports.textsafe import one_line
from scanner import __version__
from scanner.errors import ChatsweepError

log = logging.getLogger(__name__)

USERS_FILE = "users.json"
GROUPS_FILE = "groups.json"
STATE_FILE = "state.json"
REPORT_FILE = ".pull-report.json"
CONVERSATIONS = "conversations"
STATE_VERSION = 1
# Back-off: base * 2**attempt seconds, capped; a server's Retry-After is honoured up to its cap.
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0
RETRY_AFTER_CAP = 300.0
TIMEOUT = 30.0  # seconds for one socket operation (connect, one read)
# Limits (see the module doc). A page of 100 messages is tens of kilobytes: 16 MiB leaves
# room for long texts and attachments' metadata while a runaway answer is cut early.
MAX_PAGES_PER_CONVERSATION = 10_000
MAX_PAGES = 100_000
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
DEADLINE = 8 * 3600.0
REQUEST_DEADLINE = 120.0
READ_CHUNK = 64 * 1024
# Lanying ids are int64 numbers; as text, ASCII digits only ("²" passes str.isdigit()).
_ASCII_ID = re.compile(r"[0-9]{1,19}")
INT64_MAX = 2**63 - 1
API_OK = 200
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDACTED = "[redacted]"
FILE_MODE = 0o600
DIR_MODE = 0o700

Progress = Callable[[int, int], None]
Sleep = Callable[[float], None]


class LanyingPullError(ChatsweepError):
    """The pull failed; nothing in the message comes from the token."""

    exit_code = 3


class LanyingUsageError(LanyingPullError):
    """Bad endpoint, app id or token: refused by the server (HTTP 401/403) or not a usable URL."""

    exit_code = 2


class LanyingUnreachableError(LanyingPullError):
    """The server could not be reached (or kept failing) after every retry."""

    exit_code = 3


class LanyingResponseError(LanyingPullError):
    """The server answered with something the pull cannot use."""

    exit_code = 3


@dataclass(frozen=True, slots=True)
class PullSummary:
    """What a pull did. ``messages`` counts the messages written by this run.

    ``stopped_by`` names the limit that ended the run early (then ``complete`` is false and
    running the same pull again resumes it); ``truncated`` lists the conversations cut at
    ``max_pages_per_conversation``; ``skipped`` says which records were left out and why
    (positions and reasons, never a value).
    """

    out_dir: Path
    users: int
    groups: int
    conversations: int  # saved in out_dir in total, including those of an earlier interrupted run
    resumed_conversations: int  # already saved by an earlier run and skipped
    messages: int
    requests: int
    retries: int
    resumed: bool
    stopped_by: str | None = None
    truncated: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    pages: int = 0

    @property
    def complete(self) -> bool:
        return self.stopped_by is None


class _LimitReached(Exception):
    """A configured limit ended the run: caught by :func:`pull_lanying`, never shown raw."""

    def __init__(self, limit: str, detail: str) -> None:
        super().__init__(limit)
        self.limit = limit
        self.detail = detail


# --- HTTP --------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would forward the access-token header to the new location."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


class _DeadlineSocket:
    """A connected socket whose every read must end by ``deadline`` (``time.monotonic``).

    http.client reads through ``makefile``; each ``recv_into`` gets the time left as its
    timeout, so a server that drips bytes is cut off when the request's time is up.
    """

    def __init__(self, sock: socket.socket, deadline: float, timeout: float) -> None:
        self._sock = sock
        self._deadline = deadline
        self._timeout = timeout

    def recv_into(self, buffer: Any, *args: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request deadline passed")
        self._sock.settimeout(min(left, self._timeout))
        return self._sock.recv_into(buffer, *args)  # an SSL socket reads nothing for nbytes=0

    def makefile(self, mode: str = "rb", buffering: int | None = None, **_: Any) -> IO[bytes]:
        self._sock._io_refs += 1  # type: ignore[attr-defined]  # as socket.makefile does
        raw = socket.SocketIO(self, "rb")  # type: ignore[arg-type]
        return io.BufferedReader(raw, buffering or io.DEFAULT_BUFFER_SIZE)

    def _decref_socketios(self) -> None:
        self._sock._decref_socketios()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineRequest(urllib.request.Request):
    deadline: float = 0.0


def _with_deadline(http_class: Any, deadline: float) -> Callable[..., http.client.HTTPConnection]:
    """A connection maker for ``do_open`` whose socket reads all end by ``deadline``.

    Connecting (and a TLS handshake, which CPython bounds as a whole by the socket's
    timeout) gets the time left as its timeout from the request; after that every read does.
    """

    def make(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection = http_class(*args, **kwargs)
        connect = conn.connect

        def connect_with_deadline() -> None:
            connect()
            conn.sock = _DeadlineSocket(conn.sock, deadline, conn.timeout or TIMEOUT)

        conn.connect = connect_with_deadline  # type: ignore[method-assign]
        return conn

    return make


class _DeadlineHandlerMixin:
    def do_open(self, http_class: Any, req: urllib.request.Request, **kwargs: Any) -> Any:
        deadline = getattr(req, "deadline", 0.0) or time.monotonic() + REQUEST_DEADLINE
        return super().do_open(_with_deadline(http_class, deadline), req, **kwargs)  # type: ignore[misc]


class _DeadlineHTTPHandler(_DeadlineHandlerMixin, urllib.request.HTTPHandler):
    pass


class _DeadlineHTTPSHandler(_DeadlineHandlerMixin, urllib.request.HTTPSHandler):
    pass


def _read_capped(response: Any, cap: int) -> bytes:
    """The body, read in chunks; ``_LimitReached`` as soon as it passes ``cap`` bytes."""
    length = response.headers.get("Content-Length") if response.headers is not None else None
    if length and _ASCII_ID.fullmatch(length.strip()) and int(length) > cap:
        raise _LimitReached("max_response_bytes", f"a response announced {int(length):,} bytes")
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = response.read1(READ_CHUNK) if hasattr(response, "read1") else response.read(READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > cap:
            raise _LimitReached("max_response_bytes", f"a response passed {cap:,} bytes")
        chunks.append(chunk)


class _Secret:
    """The token: its repr never shows it (tracebacks that print locals, dataclass reprs)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__


@dataclass(slots=True)
class _Client:
    endpoint: str
    app_id: str
    token: _Secret
    max_retries: int
    sleep: Sleep
    timeout: float = TIMEOUT
    max_response_bytes: int = MAX_RESPONSE_BYTES
    request_deadline: float = REQUEST_DEADLINE
    deadline_at: float = float("inf")  # time.monotonic() by which the whole run ends
    requests: int = 0
    retries: int = 0
    opener: urllib.request.OpenerDirector = field(
        default_factory=lambda: urllib.request.build_opener(
            _NoRedirect(), _DeadlineHTTPHandler(), _DeadlineHTTPSHandler()
        )
    )

    def redact(self, text: str) -> str:
        """``text`` without the token (as sent, or %-encoded as a server may echo a URL)."""
        secret = self.token.reveal()
        if not secret:
            return text
        for form in {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}:
            text = text.replace(form, REDACTED)
        return text

    def server_text(self, text: str, limit: int = 200) -> str:
        """Text a server sent, fit to show: token redacted, controls escaped, one line."""
        return one_line(self.redact(text), limit)

    def get(
        self,
        path: str,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        accept_api_error: bool = False,
    ) -> Any:
        """The ``data`` of a successful call. With ``accept_api_error``, an API error code
        (HTTP 200 with ``code`` other than 200) or HTTP 404 returns None instead of raising."""
        url = self.endpoint + path + ("?" + urllib.parse.urlencode(params) if params else "")
        all_headers = {  # the token is added to the request alone, never kept in a local
            "app_id": self.app_id,
            "Accept": "application/json",
            "User-Agent": f"chatsweep/{__version__}",
            **(headers or {}),
        }
        attempt = 0
        while True:
            outcome = self._attempt(path, url, all_headers, accept_api_error)
            if not isinstance(outcome, _Retry):
                return outcome.data
            if attempt >= self.max_retries:
                raise LanyingUnreachableError(
                    f"Lanying API {self._where(path)}: {outcome.reason}, still after {self.max_retries} "
                    "retries; run the same command again later to resume"
                )
            wait = outcome.after if outcome.after is not None else min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
            if time.monotonic() + wait >= self.deadline_at:
                raise _LimitReached("deadline", f"{outcome.reason}; the next retry would pass the deadline")
            attempt += 1
            self.retries += 1
            log.info("lanying %s: %s; retry %d in %.1fs", path, outcome.reason, attempt, wait)
            self.sleep(wait)

    def _where(self, path: str) -> str:
        return f"{_display(self.endpoint)}{path}"

    def _attempt(
        self, path: str, url: str, headers: dict[str, str], accept_api_error: bool
    ) -> _Data | _Retry:
        now = time.monotonic()
        if now >= self.deadline_at:
            raise _LimitReached("deadline", "the time for the whole pull ran out")
        deadline = min(now + self.request_deadline, self.deadline_at)
        self.requests += 1
        request = _DeadlineRequest(url, headers=headers, method="GET")
        request.deadline = deadline
        request.add_header("access-token", self.token.reveal())
        try:
            with self.opener.open(request, timeout=min(self.timeout, max(deadline - now, 0.001))) as response:
                body = _read_capped(response, self.max_response_bytes)
        except urllib.error.HTTPError as exc:
            status, retry_after = exc.code, _retry_after(exc.headers)
            exc.close()
            return self._http_error(path, status, retry_after, accept_api_error)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            if time.monotonic() >= deadline:
                if deadline >= self.deadline_at:
                    raise _LimitReached("deadline", "the time for the whole pull ran out") from None
                return _Retry(f"no complete answer within {self.request_deadline:g}s", None)
            reason = getattr(exc, "reason", None) or exc
            return _Retry(f"connection failed ({type(reason).__name__})", None)
        return self._parse(path, body, accept_api_error)

    def _http_error(
        self, path: str, status: int, retry_after: float | None, accept_api_error: bool
    ) -> _Data | _Retry:
        if status in (401, 403):
            raise LanyingUsageError(
                f"Lanying API {self._where(path)} refused the credentials (HTTP {status}); "
                "check --app-id and the token in CHATSWEEP_LANYING_TOKEN"
            )
        if status in RETRY_STATUSES:
            return _Retry(f"HTTP {status}", retry_after)
        if 300 <= status < 400:
            raise LanyingUsageError(
                f"Lanying API {self._where(path)} redirected (HTTP {status}); redirects are not followed "
                "so the token cannot leak: give the final API URL as --endpoint"
            )
        if status == 404 and accept_api_error:  # e.g. /group/info of an id that is no group
            return _Data(None)
        if status == 404:
            raise LanyingUsageError(
                f"Lanying API {self._where(path)} was not found (HTTP 404); check --endpoint "
                "(the app's api_endpoint from the Lanying console)"
            )
        raise LanyingResponseError(f"Lanying API {self._where(path)} answered HTTP {status}")

    def _parse(self, path: str, body: bytes, accept_api_error: bool) -> _Data | _Retry:
        try:
            payload = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise LanyingResponseError(f"Lanying API {self._where(path)} did not answer with JSON") from None
        if not isinstance(payload, dict):
            raise LanyingResponseError(f"Lanying API {self._where(path)} answered an unexpected JSON shape")
        code = payload.get("code")
        if code == API_OK:
            return _Data(payload.get("data"))
        message = payload.get("message")
        detail = f": {self.server_text(message)}" if isinstance(message, str) and message else ""
        if code in (401, 403):
            raise LanyingUsageError(
                f"Lanying API {self._where(path)} refused the credentials (code {code}{detail}); "
                "check --app-id and the token in CHATSWEEP_LANYING_TOKEN"
            )
        if code in RETRY_STATUSES:  # Lanying's own error codes are larger numbers; these mirror HTTP
            return _Retry(f"API code {code}", None)
        if accept_api_error:
            return _Data(None)
        raise LanyingResponseError(f"Lanying API {self._where(path)} returned code {code!r}{detail}")


@dataclass(frozen=True, slots=True)
class _Data:
    data: Any


@dataclass(frozen=True, slots=True)
class _Retry:
    reason: str
    after: float | None


def _retry_after(headers: Any) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), capped."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - datetime.now(UTC)).total_seconds(), RETRY_AFTER_CAP))


def _display(endpoint: str) -> str:
    """The endpoint without any user:password part (never shown)."""
    parts = urllib.parse.urlsplit(endpoint)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_endpoint(endpoint: str) -> str:
    try:
        parts = urllib.parse.urlsplit(endpoint.strip())
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 literal
        host = None
        parts = urllib.parse.urlsplit("")
    if parts.scheme not in ("http", "https") or not host:
        raise LanyingUsageError(
            "--endpoint must be an https:// URL (the app's api_endpoint from the Lanying console)"
        )
    if parts.scheme == "http" and not _is_loopback(host):
        # The admin token travels in a header: over plain HTTP anyone on the path reads it.
        raise LanyingUsageError(
            "--endpoint must use https:// (plain http:// sends the admin token in clear text; "
            "it is accepted only for a loopback host such as 127.0.0.1)"
        )
    if parts.query or parts.fragment:
        raise LanyingUsageError("--endpoint must be a base URL without a query or fragment")
    return endpoint.strip().rstrip("/")


# --- files -----------------------------------------------------------------------------------


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (owner-only)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _line(message: Any) -> bytes:
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _uid(value: Any) -> str | None:
    """A Lanying id (``uid`` of an xid object, or the id itself) as ASCII digits, else None.

    Ids are int64 numbers; a string of other digits ("²", "١٢") passes ``str.isdigit()`` but
    is no id, and a negative or larger number is none either.
    """
    if isinstance(value, dict):
        value = value.get("uid")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 <= value <= INT64_MAX else None
    if isinstance(value, str):
        text = value.strip()
        if _ASCII_ID.fullmatch(text) and int(text) <= INT64_MAX:
            return text
    return None


def _items(data: Any, *keys: str) -> list[Any]:
    """A list from ``data``: the list itself, or the first list under one of ``keys``."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in keys:
            if isinstance(data.get(key), list):
                return list(data[key])
    return []


# --- state -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Current:
    key: str
    user_id: str
    opposite_id: str
    cursor: int | str
    part_size: int
    last_ids: list[str]
    pages: int


@dataclass(slots=True)
class _State:
    endpoint: str
    app_id: str
    users_done: bool = False
    finished: list[str] = field(default_factory=list)
    current: _Current | None = None
    truncated: list[str] = field(default_factory=list)  # cut at max_pages_per_conversation

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "endpoint": self.endpoint,
            "app_id": self.app_id,
            "users_done": self.users_done,
            "finished": self.finished,
            "truncated": self.truncated,
            "current": None
            if self.current is None
            else {
                "key": self.current.key,
                "user_id": self.current.user_id,
                "opposite_id": self.current.opposite_id,
                "cursor": self.current.cursor,
                "part_size": self.current.part_size,
                "last_ids": self.current.last_ids,
                "pages": self.current.pages,
            },
        }


def _load_state(path: Path, endpoint: str, app_id: str) -> _State | None:
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
            raise ValueError("version")
        state = _State(
            endpoint=str(raw["endpoint"]),
            app_id=str(raw["app_id"]),
            users_done=bool(raw.get("users_done")),
            finished=[str(k) for k in raw.get("finished") or []],
            truncated=[str(k) for k in raw.get("truncated") or []],
        )
        cur = raw.get("current")
        if isinstance(cur, dict):
            state.current = _Current(
                key=str(cur["key"]),
                user_id=str(cur["user_id"]),
                opposite_id=str(cur["opposite_id"]),
                cursor=cur["cursor"],
                part_size=int(cur["part_size"]),
                last_ids=[str(i) for i in cur.get("last_ids") or []],
                pages=int(cur.get("pages") or 0),
            )
    except (OSError, ValueError, KeyError, TypeError):
        raise LanyingUsageError(
            f"{path} is not a resume state this version can use; remove it (or choose another -o) "
            "to start the pull afresh"
        ) from None
    if state.app_id != app_id:
        raise LanyingUsageError(
            f"{path.parent} holds an unfinished pull of another app id; "
            "choose another -o, or remove its state.json to start afresh"
        )
    if state.endpoint != endpoint:  # the same app reached another way (another host name, a proxy)
        log.info("lanying pull: resuming with another endpoint than the interrupted run")
        state.endpoint = endpoint
    return state


# --- the pull -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Pull:
    client: _Client
    out_dir: Path
    page_size: int
    limit: int
    progress: Progress | None
    state: _State
    max_pages_per_conversation: int = MAX_PAGES_PER_CONVERSATION
    max_pages: int = MAX_PAGES
    pages: int = 0  # pages fetched by this run (user list and conversations)
    skipped: list[str] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    user_ids: set[str] = field(default_factory=set)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    not_groups: set[str] = field(default_factory=set)
    messages: int = 0

    @property
    def conversations_dir(self) -> Path:
        return self.out_dir / CONVERSATIONS

    def save_state(self) -> None:
        _write_atomic(self.out_dir / STATE_FILE, _json_bytes(self.state.to_json()))

    def report(self) -> None:
        if self.progress is not None:
            self.progress(len(self.state.finished), self.messages)

    def take_page(self) -> None:
        """Count one page against ``max_pages``; stop the run (resumably) past it."""
        if self.pages >= self.max_pages:
            raise _LimitReached("max_pages", f"{self.max_pages:,} pages fetched in this run")
        self.pages += 1

    # users ------------------------------------------------------------------------------------

    def list_users(self) -> None:
        path = self.out_dir / USERS_FILE
        if self.state.users_done and path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = None
            if isinstance(loaded, list):
                self._set_users(loaded)
                return
        users: list[dict[str, Any]] = []
        seen: set[str] = set()
        page = 1
        while True:
            self.take_page()
            data = self.client.get("/user/list", {"page_num": page, "page_size": self.page_size})
            batch = _items(data, "list", "users", "items", "content", "data")
            fresh = 0
            for index, item in enumerate(batch):
                uid = _uid(item.get("user_id")) if isinstance(item, dict) else None
                if uid is None:
                    self.skip(f"user list page {page} item {index}: user_id is not a Lanying id")
                    continue
                if uid in seen:
                    continue
                seen.add(uid)
                fresh += 1
                user: dict[str, Any] = {"user_id": item["user_id"], "username": item.get("username")}
                if isinstance(item.get("nick_name"), str):
                    user["nick_name"] = item["nick_name"]
                users.append(user)
            if len(batch) < self.page_size or fresh == 0:
                break
            page += 1
        _write_atomic(path, _json_bytes(users))
        self._set_users(users)
        self.state.users_done = True
        self.save_state()
        log.info("lanying pull: %d users listed", len(users))

    def skip(self, reason: str) -> None:
        self.skipped.append(reason)
        log.info("lanying pull: skipped a record (%s)", reason)

    def _set_users(self, users: list[Any]) -> None:
        self.users = [u for u in users if isinstance(u, dict) and _uid(u.get("user_id")) is not None]
        self.user_ids = {str(_uid(u["user_id"])) for u in self.users}

    # groups -------------------------------------------------------------------------------------

    def load_groups(self) -> None:
        path = self.out_dir / GROUPS_FILE
        if not path.exists():
            return
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        for item in loaded if isinstance(loaded, list) else []:
            gid = _uid(item.get("group_id")) if isinstance(item, dict) else None
            if gid is not None:
                self.groups[gid] = item

    def is_group(self, gid: str) -> bool:
        if gid in self.groups:
            return True
        if gid in self.not_groups:
            return False
        data = self.client.get("/group/info", {"group_id": gid}, {"group_id": gid}, accept_api_error=True)
        if not isinstance(data, dict):
            self.not_groups.add(gid)
            return False
        name = data.get("name")
        self.groups[gid] = {
            "group_id": data.get("group_id", int(gid)),
            "name": name if isinstance(name, str) else None,
        }
        ordered = sorted(self.groups.values(), key=lambda g: int(_uid(g.get("group_id")) or 0))
        _write_atomic(self.out_dir / GROUPS_FILE, _json_bytes(ordered))
        return True

    # conversations ----------------------------------------------------------------------------

    def walk(self) -> None:
        self.conversations_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        finished = set(self.state.finished)
        current = self.state.current
        if current is not None:
            self.resume(current)
            finished.add(current.key)
        for user in self.users:
            uid = str(_uid(user["user_id"]))
            data = self.client.get("/message/unread", headers={"user_id": uid})
            for index, item in enumerate(_items(data, "list", "conversations")):
                other = _uid(item.get("conversation_id")) if isinstance(item, dict) else None
                if other is None:
                    self.skip(
                        f"conversation list of user {uid} item {index}: conversation id is not a Lanying id"
                    )
                    continue
                if other in self.user_ids:
                    key = "user-" + "-".join(sorted((uid, other), key=int))
                elif self.is_group(other):
                    key = f"group-{other}"
                else:  # neither a listed user nor a group (a removed user): a one-to-one chat
                    key = "user-" + "-".join(sorted((uid, other), key=int))
                if key in finished:
                    continue
                finished.add(key)
                self.state.current = _Current(key, uid, other, 0, 0, [], 0)
                self.save_state()
                self.page(self.state.current)

    def resume(self, current: _Current) -> None:
        final = self.conversations_dir / f"{current.key}.jsonl"
        part = self.part_path(current.key)
        if final.exists() and not part.exists():  # renamed, state not yet updated
            self.finish(current)
            return
        log.info("lanying pull: resuming a conversation at page %d", current.pages + 1)
        self.page(current)

    def part_path(self, key: str) -> Path:
        return self.conversations_dir / f".{key}.jsonl.part"

    def page(self, current: _Current) -> None:
        part = self.part_path(current.key)
        fd = os.open(part, os.O_RDWR | os.O_CREAT, FILE_MODE)
        with os.fdopen(fd, "r+b") as fh:
            if os.fstat(fh.fileno()).st_size < current.part_size:  # the part file was lost: start over
                log.info("lanying pull: a saved part is missing; the conversation is pulled again")
                current.cursor, current.part_size, current.last_ids, current.pages = 0, 0, [], 0
            fh.truncate(current.part_size)  # drop a page written after the last saved state
            fh.seek(current.part_size)
            while True:
                if current.pages >= self.max_pages_per_conversation:
                    # A server that never says is_last: keep what was read, go on with the rest.
                    log.info("lanying pull: a conversation was cut at %d pages", current.pages)
                    if current.key not in self.state.truncated:
                        self.state.truncated.append(current.key)
                    break
                self.take_page()
                data = self.client.get(
                    "/message/conversation",
                    {"opposite_id": current.opposite_id, "msg_id_start": current.cursor, "limit": self.limit},
                    {"user_id": current.user_id},
                )
                batch = _items(data, "messages")
                previous = set(current.last_ids)
                ids: list[str] = []
                written = 0
                for message in batch:
                    mid = _uid(message.get("msg_id")) if isinstance(message, dict) else None
                    if mid is not None:
                        ids.append(mid)
                        if mid in previous:  # a page boundary repeated by the server
                            continue
                    fh.write(_line(message))
                    written += 1
                fh.flush()
                os.fsync(fh.fileno())
                self.messages += written
                nxt = data.get("next_msg_id") if isinstance(data, dict) else None
                last = not isinstance(data, dict) or bool(data.get("is_last"))
                if not batch or nxt is None or nxt == current.cursor:
                    last = True  # the server cannot page further
                current.cursor = nxt if isinstance(nxt, int | str) and not isinstance(nxt, bool) else 0
                current.part_size = fh.tell()
                current.last_ids = ids
                current.pages += 1
                if last:
                    break
                self.save_state()
                self.report()
        os.replace(part, self.conversations_dir / f"{current.key}.jsonl")
        self.finish(current)

    def finish(self, current: _Current) -> None:
        self.state.finished.append(current.key)
        self.state.current = None
        self.save_state()
        self.report()


def pull_lanying(
    endpoint: str,
    app_id: str,
    token: str,
    out_dir: Path,
    *,
    page_size: int = 50,
    limit_per_page: int = 100,
    max_retries: int = 5,
    sleep: Sleep = time.sleep,
    progress: Progress | None = None,
    timeout: float = TIMEOUT,
    max_pages_per_conversation: int = MAX_PAGES_PER_CONVERSATION,
    max_pages: int = MAX_PAGES,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
    deadline: float = DEADLINE,
    request_deadline: float = REQUEST_DEADLINE,
) -> PullSummary:
    """Pull every reachable conversation of a Lanying app into ``out_dir`` (see the module doc).

    ``progress(conversations_done, messages)`` is called after every page and conversation,
    ``messages`` counting those written by this run. Raises ``LanyingUsageError`` (exit 2) for
    a bad endpoint, app id or token, ``LanyingUnreachableError`` (exit 3) when the server
    cannot be reached after ``max_retries`` retries, ``LanyingResponseError`` (exit 3) for
    answers it cannot use; after any of them, running it again resumes.

    The limits (module doc) end a run cleanly instead: the summary's ``stopped_by`` names
    the one hit, ``.pull-report.json`` in ``out_dir`` records it, and running again resumes.
    ``deadline`` and ``request_deadline`` are seconds; ``timeout`` bounds one socket operation.
    """
    base = _check_endpoint(endpoint)
    if not app_id.strip():
        raise LanyingUsageError("--app-id is empty")
    if not token.strip():
        raise LanyingUsageError("the Lanying admin token is empty (set CHATSWEEP_LANYING_TOKEN)")
    if page_size < 1 or limit_per_page < 1 or max_retries < 0:
        raise LanyingUsageError("page_size and limit_per_page must be positive, max_retries not negative")
    if min(max_pages_per_conversation, max_pages, max_response_bytes) < 1:
        raise LanyingUsageError("the page and response size limits must be at least 1")
    if not (deadline > 0 and request_deadline > 0 and timeout > 0):
        raise LanyingUsageError("the deadlines and the timeout must be positive numbers of seconds")
    started = time.monotonic()
    client = _Client(
        base,
        app_id,
        _Secret(token),
        max_retries,
        sleep,
        timeout,
        max_response_bytes=max_response_bytes,
        request_deadline=request_deadline,
        deadline_at=started + deadline,
    )
    del token  # from here on only the client holds it, behind a redacting repr
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise LanyingUsageError(f"cannot create {out_dir}: {exc.strerror or type(exc).__name__}") from None
    state = _load_state(out_dir / STATE_FILE, _display(base), app_id)
    resumed = state is not None
    pull = _Pull(
        client,
        out_dir,
        page_size,
        limit_per_page,
        progress,
        state or _State(endpoint=_display(base), app_id=app_id),
        max_pages_per_conversation=max_pages_per_conversation,
        max_pages=max_pages,
    )
    already = len(pull.state.finished)
    if resumed:
        log.info("lanying pull: resuming; %d conversations already saved", already)
    stopped: _LimitReached | None = None
    try:
        pull.list_users()  # saves the state once the credentials have worked
        pull.load_groups()
        pull.walk()
    except _LimitReached as limit:  # the state of the last finished page is saved: resumable
        stopped = limit
        log.info("lanying pull: stopped by the %s limit; run again to resume", limit.limit)
    else:
        (out_dir / STATE_FILE).unlink(missing_ok=True)
    _write_report(
        out_dir,
        stopped,
        pull,
        {
            "max_pages_per_conversation": max_pages_per_conversation,
            "max_pages": max_pages,
            "max_response_bytes": max_response_bytes,
            "deadline_seconds": deadline,
            "request_deadline_seconds": request_deadline,
        },
    )
    log.info(
        "lanying pull: %d conversations, %d messages written, %d requests, %d retries",
        len(pull.state.finished),
        pull.messages,
        client.requests,
        client.retries,
    )
    return PullSummary(
        out_dir=out_dir,
        users=len(pull.users),
        groups=len(pull.groups),
        conversations=len(pull.state.finished),
        resumed_conversations=already,
        messages=pull.messages,
        requests=client.requests,
        retries=client.retries,
        resumed=resumed,
        stopped_by=stopped.limit if stopped else None,
        truncated=tuple(pull.state.truncated),
        skipped=tuple(pull.skipped),
        pages=pull.pages,
    )


def _write_report(out_dir: Path, stopped: _LimitReached | None, pull: _Pull, limits: dict[str, Any]) -> None:
    """``.pull-report.json``: what kept the pull from being whole; removed when nothing did."""
    path = out_dir / REPORT_FILE
    if stopped is None and not pull.state.truncated and not pull.skipped:
        path.unlink(missing_ok=True)
        return
    report = {
        "complete": stopped is None,
        "stopped_by": stopped.limit if stopped else None,
        "detail": stopped.detail if stopped else None,
        "resume": "run the same pull again (with a higher limit) to continue" if stopped else None,
        "truncated_conversations": pull.state.truncated,
        "skipped": pull.skipped,
        "limits": limits,
    }
    _write_atomic(path, _json_bytes(report))
