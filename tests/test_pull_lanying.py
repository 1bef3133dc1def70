"""The Lanying puller against a local fake server that follows ../shared/formats/lanying.md.

The server runs in a thread on 127.0.0.1 (port 0). This module replaces the shared
``no_network`` guard with one that lets connections to 127.0.0.1 through and still fails
the test on any other connection or name lookup.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import ChatsweepError
from scanner.model import ConversationKind, Message, Skipped
from scanner.pull import (
    LanyingPullError,
    LanyingResponseError,
    LanyingUnreachableError,
    LanyingUsageError,
    PullSummary,
    pull_lanying,
)
from scanner.readers.base import Source
from scanner.readers.lanying import LanyingReader

APP_ID = "app-test-0001"
TOKEN = "tok-SECRET-5f3a9c71e2"
LOOPBACK = "127.0.0.1"
BIG_USER = 2**53 + 5  # ids beyond a float's exact range
BIG_GROUP = 2**53 + 7
PAGE = 5  # limit_per_page used by the tests: conversations span several pages


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Like tests/conftest.py's guard, but connections to 127.0.0.1 (the fake server) pass."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo
    real_create_connection = socket.create_connection

    def allowed(sock: socket.socket | None, address: object) -> bool:
        if sock is not None and sock.family == getattr(socket, "AF_UNIX", None):
            return True
        return isinstance(address, tuple) and len(address) >= 2 and address[0] == LOOPBACK

    def guarded(self: socket.socket, address: Any) -> Any:
        if allowed(self, address):
            return real_connect(self, address)
        attempts.append(repr(address))
        raise NetworkBlocked(f"network access attempted: {address!r}")

    def guarded_ex(self: socket.socket, address: Any) -> Any:
        if allowed(self, address):
            return real_connect_ex(self, address)
        attempts.append(repr(address))
        raise NetworkBlocked(f"network access attempted: {address!r}")

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == LOOPBACK:
            return real_getaddrinfo(host, *args, **kwargs)
        attempts.append(f"lookup {host!r}")
        raise NetworkBlocked("DNS lookup attempted")

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        if allowed(None, address):
            return real_create_connection(address, *args, **kwargs)
        attempts.append(repr(address))
        raise NetworkBlocked(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    yield
    assert not attempts, f"network access attempted during the test: {attempts}"


# --- the fake server -------------------------------------------------------------------------


def _message(mid: int, sender: int, to: int, ts: int, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "msg_id": mid,
        "from_xid": {"uid": sender, "device_sn": 1},
        "to_xid": {"uid": to, "device_sn": 0},
        "content": text,
        "ctype": "TEXT",
        "attachment": "",
        "config": "",
        "ext": "",
        "status": "READ",
        "timestamp": ts,
        **extra,
    }


def _dataset() -> tuple[
    list[dict[str, Any]], dict[int, dict[str, Any]], dict[tuple[str, int, int], list[Any]]
]:
    users = [
        {"user_id": 1001, "username": "alice.moe", "status": 0},
        {"user_id": 1002, "username": "bob.loe", "status": 0},
        {"user_id": 1003, "username": "carol.zoe", "status": 1},
        {"user_id": 1004, "username": "dan.poe", "status": 0},
        {"user_id": 1005, "username": "eve.roe", "status": 0},
        {"user_id": 1006, "username": "fay.doe", "status": 0},
        {"user_id": BIG_USER, "username": "big.id", "status": 0},
    ]
    groups: dict[int, dict[str, Any]] = {
        5001: {"name": "Ops 运维", "members": [1001, 1002, 1003]},
        BIG_GROUP: {"name": "Big group", "members": [1004, BIG_USER]},
    }
    sizes = {
        ("user", 1001, 1002): 12,
        ("user", 1001, 1003): 3,
        ("user", 1002, BIG_USER): 7,
        ("user", 1004, 1005): 5,  # exactly one full page
        ("user", 1006, 1998): 2,  # 1998 and 1999 are no longer listed users (removed accounts)
        ("user", 1006, 1999): 1,
        ("group", 5001, 0): 11,
        ("group", BIG_GROUP, 0): 4,
    }
    conversations: dict[tuple[str, int, int], list[Any]] = {}
    next_id = 2**60 + 1
    for n, (key, size) in enumerate(sizes.items()):
        kind, a, b = key
        msgs = []
        for i in range(size):
            if kind == "group":
                members = groups[a]["members"]
                sender, to = members[i % len(members)], a
            else:
                sender, to = (a, b) if i % 2 == 0 else (b, a)
            extra: dict[str, Any] = {}
            if i == 1:
                extra["ext"] = json.dumps({"note": f"order ORD-{n}{i}", "count": i})
            msgs.append(
                _message(
                    next_id, sender, to, 1_700_000_000_000 + n * 10_000_000 + i * 1000, f"m{n}-{i}", **extra
                )
            )
            next_id += 1 + (i % 3)  # ids grow, with gaps
        conversations[key] = msgs  # oldest first
    return users, groups, conversations


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class FakeLanying:
    users: list[dict[str, Any]]
    groups: dict[int, dict[str, Any]]
    conversations: dict[tuple[str, int, int], list[Any]]
    script: dict[int, Reply] = field(default_factory=dict)  # request number (1-based) → canned reply
    fail_after: int | None = None  # every request after this many answers 503
    prefix: str = "/api"
    log: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        with self.lock:
            self.log.append((path, query, headers))
            n = len(self.log)
        if n in self.script:
            return self.script[n]
        if self.fail_after is not None and n > self.fail_after:
            return Reply(503, {}, {"code": 503, "message": "unavailable"})
        if headers.get("app_id") != APP_ID or headers.get("access-token") != TOKEN:
            # Echo what was presented, as careless servers do: the puller must redact it.
            return Reply(401, {}, {"code": 401, "message": f"invalid token {headers.get('access-token')}"})
        if not path.startswith(self.prefix + "/"):
            return Reply(404, {}, {"code": 404, "message": "not found"})
        route = path[len(self.prefix) :]
        handler = {
            "/user/list": self.user_list,
            "/message/unread": self.unread,
            "/message/conversation": self.conversation,
            "/group/info": self.group_info,
        }.get(route)
        if handler is None:
            return Reply(404, {}, {"code": 404, "message": "not found"})
        try:
            return Reply(200, {}, handler(query, headers))
        except LookupError:
            return Reply(404, {}, {"code": 404, "message": "not found"})

    @staticmethod
    def ok(data: Any) -> dict[str, Any]:
        return {"code": 200, "message": None, "data": data}

    def user_list(self, query: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        page, size = int(query["page_num"]), int(query["page_size"])
        return self.ok(self.users[(page - 1) * size : page * size])

    def member_of(self, uid: int) -> list[tuple[str, int, int]]:
        keys = []
        for key in self.conversations:
            kind, a, b = key
            if (kind == "user" and uid in (a, b)) or (kind == "group" and uid in self.groups[a]["members"]):
                keys.append(key)
        return keys

    def unread(self, query: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        uid = int(headers["user_id"])
        items = []
        for kind, a, b in self.member_of(uid):
            other = a if kind == "group" else (b if a == uid else a)
            items.append({"conversation_id": {"uid": other, "device_sn": 0}, "num": 0})
        return self.ok(items)

    def conversation(self, query: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        uid, other = int(headers["user_id"]), int(query["opposite_id"])
        start, limit = int(query["msg_id_start"]), int(query["limit"])
        if other in self.groups:
            key = ("group", other, 0)
        else:
            a, b = sorted((uid, other))
            key = ("user", a, b)
        newest_first = list(reversed(self.conversations.get(key, [])))
        if start:
            newest_first = [m for m in newest_first if m["msg_id"] <= start]
        page, rest = newest_first[:limit], newest_first[limit:]
        return self.ok(
            {
                "is_last": not rest,
                "next_msg_id": rest[0]["msg_id"] if rest else 0,
                "messages_size": len(page),
                "messages": page,
            }
        )

    def group_info(self, query: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        gid = int(headers.get("group_id") or query["group_id"])
        if gid == 1999:
            raise LookupError  # answered with HTTP 404
        if gid not in self.groups:
            return {"code": 20017, "message": "group not exist", "data": None}
        return self.ok(
            {"group_id": gid, "name": self.groups[gid]["name"], "owner_id": self.groups[gid]["members"][0]}
        )

    def total_messages(self) -> int:
        return sum(len(m) for m in self.conversations.values())

    def all_ids(self) -> set[str]:
        return {str(m["msg_id"]) for msgs in self.conversations.values() for m in msgs}


def _make_handler(fake: FakeLanying) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            reply = fake.handle(url.path, query, {k.lower(): v for k, v in self.headers.items()})
            body = json.dumps(reply.body).encode("utf-8")
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@dataclass
class Server:
    fake: FakeLanying
    endpoint: str


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[ThreadingHTTPServer] = []

    def start(**kwargs: Any) -> Server:
        users, groups, conversations = _dataset()
        fake = FakeLanying(users, groups, conversations, **kwargs)
        httpd = ThreadingHTTPServer((LOOPBACK, 0), _make_handler(fake))
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(httpd)
        return Server(fake, f"http://{LOOPBACK}:{httpd.server_address[1]}{fake.prefix}")

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def pull(server: Server, out: Path, **kwargs: Any) -> PullSummary:
    kwargs.setdefault("sleep", Sleeps())
    kwargs.setdefault("page_size", 3)
    kwargs.setdefault("limit_per_page", PAGE)
    return pull_lanying(server.endpoint, APP_ID, kwargs.pop("token", TOKEN), out, **kwargs)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- a clean pull -----------------------------------------------------------------------------


def test_clean_pull_writes_the_layout_the_reader_reads(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    out = tmp_path / "out"
    progress: list[tuple[int, int]] = []
    summary = pull(server, out, progress=lambda c, m: progress.append((c, m)))
    fake = server.fake
    assert summary.users == len(fake.users) and summary.groups == 2
    assert summary.conversations == len(fake.conversations) and summary.messages == fake.total_messages()
    assert not summary.resumed and summary.retries == 0
    files = set(tree(out))
    assert files == {
        "users.json",
        "groups.json",
        "conversations/user-1001-1002.jsonl",
        "conversations/user-1001-1003.jsonl",
        f"conversations/user-1002-{BIG_USER}.jsonl",
        "conversations/user-1004-1005.jsonl",
        "conversations/user-1006-1998.jsonl",
        "conversations/user-1006-1999.jsonl",
        "conversations/group-5001.jsonl",
        f"conversations/group-{BIG_GROUP}.jsonl",
    }  # no state.json, .part or .tmp left behind
    users = json.loads((out / "users.json").read_text("utf-8"))
    assert [u["user_id"] for u in users] == [u["user_id"] for u in fake.users]
    assert users[-1] == {"user_id": BIG_USER, "username": "big.id"}
    groups = json.loads((out / "groups.json").read_text("utf-8"))
    assert [(g["group_id"], g["name"]) for g in groups] == [(5001, "Ops 运维"), (BIG_GROUP, "Big group")]
    # Lines are the API's message objects, newest first, ids exact.
    lines = (out / "conversations" / "user-1001-1002.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == list(reversed(fake.conversations[("user", 1001, 1002)]))
    # Progress: after every page and conversation, monotonic, ending at the totals.
    assert progress == sorted(progress) and progress[-1] == (len(fake.conversations), fake.total_messages())
    # Read back with the reader.
    source = Source.open(out)
    reader = LanyingReader()
    assert reader.sniff(source)
    items = list(reader.read(source))
    assert not [i for i in items if isinstance(i, Skipped)]
    msgs = [m for m in items if isinstance(m, Message)]
    assert len(msgs) == fake.total_messages()
    assert {m.message_id for m in msgs} == fake.all_ids()
    ext = [p for m in msgs for p in m.parts if p.location.endswith("#/ext")]
    assert len(ext) == sum(len(c) > 1 for c in fake.conversations.values())  # the second message has ext
    assert all("order ORD-" in p.text for p in ext)
    by_conv = {m.conversation.id: m.conversation for m in msgs}
    assert by_conv["group-5001"].name == "Ops 运维" and by_conv["group-5001"].kind is ConversationKind.GROUP
    assert by_conv["user-1001-1002"].name == "alice.moe, bob.loe"
    assert {m.author.name for m in msgs if m.conversation.id == f"user-1002-{BIG_USER}"} == {
        "bob.loe",
        "big.id",
    }


def test_requests_follow_the_document(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    pull(server, tmp_path / "out")
    log = server.fake.log
    assert all(h.get("app_id") == APP_ID and h.get("access-token") == TOKEN for _, _, h in log)
    user_pages = [q for p, q, _ in log if p == "/api/user/list"]
    assert [q["page_num"] for q in user_pages] == ["1", "2", "3"]  # 7 users, pages of 3: the third is short
    unread = [h["user_id"] for p, _, h in log if p == "/api/message/unread"]
    assert unread == [str(u["user_id"]) for u in server.fake.users]
    pages = [(q, h) for p, q, h in log if p == "/api/message/conversation"]
    assert all(q["limit"] == str(PAGE) for q, _ in pages)
    firsts = [q["opposite_id"] for q, _ in pages if q["msg_id_start"] == "0"]
    assert len(firsts) == len(server.fake.conversations)  # a chat seen from both users is pulled once
    group_info = [(q, h) for p, q, h in log if p == "/api/group/info"]
    assert {h["group_id"] for _, h in group_info} == {"5001", str(BIG_GROUP), "1998", "1999"}
    assert all(q["group_id"] == h["group_id"] for q, h in group_info)


# --- errors and back-off ----------------------------------------------------------------------


def test_backs_off_on_429_and_5xx(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve(
        script={
            2: Reply(429, {"Retry-After": "7"}, {"code": 429, "message": "slow down"}),
            5: Reply(500, {}, {"code": 500}),
            6: Reply(503, {}, {"code": 503}),
            9: Reply(200, {}, {"code": 500, "message": "busy", "data": None}),  # an API-level error
        }
    )
    sleeps = Sleeps()
    clean = tmp_path / "clean"
    pull(serve(), clean)
    summary = pull(server, tmp_path / "out", sleep=sleeps)
    assert sleeps == [7.0, 1.0, 2.0, 1.0]  # Retry-After honoured, then exponential per call
    assert summary.retries == 4
    assert tree(tmp_path / "out") == tree(clean)


def test_gives_up_after_max_retries(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve(fail_after=0)
    sleeps = Sleeps()
    with pytest.raises(LanyingUnreachableError) as info:
        pull(server, tmp_path / "out", sleep=sleeps, max_retries=5)
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert info.value.exit_code == 3
    assert "HTTP 503" in str(info.value) and "5 retries" in str(info.value)
    assert len(server.fake.log) == 6


def test_unreachable_server(tmp_path: Path) -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind((LOOPBACK, 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    sleeps = Sleeps()
    with pytest.raises(LanyingUnreachableError) as info:
        pull_lanying(
            f"http://{LOOPBACK}:{port}", APP_ID, TOKEN, tmp_path / "out", sleep=sleeps, max_retries=2
        )
    assert info.value.exit_code == 3 and "connection failed" in str(info.value)
    assert sleeps == [1.0, 2.0]


def test_bad_credentials(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    wrong = "tok-WRONG-0b1c2d3e4f"
    with pytest.raises(LanyingUsageError) as info:
        pull(server, tmp_path / "out", token=wrong)
    assert info.value.exit_code == 2 and "HTTP 401" in str(info.value)
    assert wrong not in _exception_text(info.value)
    assert len(server.fake.log) == 1  # no retry on 401
    assert not (tmp_path / "out" / "state.json").exists()  # nothing to resume: a corrected run starts clean
    pull(server, tmp_path / "out", sleep=Sleeps())


def test_api_level_auth_error_is_redacted(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve(script={1: Reply(200, {}, {"code": 403, "message": f"token {TOKEN} has no admin rights"})})
    with pytest.raises(LanyingUsageError) as info:
        pull(server, tmp_path / "out")
    text = _exception_text(info.value)
    assert TOKEN not in text and "[redacted] has no admin rights" in str(info.value)


@pytest.mark.parametrize(
    "endpoint",
    ["ftp://127.0.0.1/api", "file:///etc/passwd", "127.0.0.1:8080", "http://", "https://host/api?x=1", ""],
)
def test_endpoint_must_be_http(endpoint: str, tmp_path: Path) -> None:
    with pytest.raises(LanyingUsageError) as info:
        pull_lanying(endpoint, APP_ID, TOKEN, tmp_path / "out", sleep=Sleeps())
    assert info.value.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_empty_token_or_app_id(tmp_path: Path) -> None:
    for app_id, token in ((APP_ID, " "), ("", TOKEN), (APP_ID, "")):
        with pytest.raises(LanyingUsageError):
            pull_lanying("https://example.invalid", app_id, token, tmp_path / "out", sleep=Sleeps())


def test_redirects_are_not_followed(serve: Callable[..., Server], tmp_path: Path) -> None:
    other = serve()
    server = serve(script={1: Reply(302, {"Location": other.endpoint + "/user/list"}, {})})
    with pytest.raises(LanyingUsageError) as info:
        pull(server, tmp_path / "out")
    assert "redirect" in str(info.value)
    assert other.fake.log == []  # the token never reached the redirect target


def test_wrong_endpoint_path(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    with pytest.raises(LanyingUsageError) as info:
        pull_lanying(server.endpoint + "/v9", APP_ID, TOKEN, tmp_path / "out", sleep=Sleeps())
    assert "404" in str(info.value)


def test_not_json(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve(script={1: Reply(200, {}, "<html>")})
    with pytest.raises(LanyingResponseError):
        pull(server, tmp_path / "out")
    assert issubclass(LanyingResponseError, LanyingPullError) and issubclass(LanyingPullError, ChatsweepError)


# --- interruption and resume --------------------------------------------------------------------


def _second_page_request(serve: Callable[..., Server], tmp_path: Path) -> int:
    """The number of the first request that asks for a conversation's second page (clean run)."""
    probe = serve()
    pull(probe, tmp_path / "probe")
    for n, (path, query, _) in enumerate(probe.fake.log, start=1):
        if path == "/api/message/conversation" and query["msg_id_start"] != "0":
            return n
    raise AssertionError("no conversation spans two pages")


def test_interrupted_pull_resumes_and_matches_a_clean_run(
    serve: Callable[..., Server], tmp_path: Path
) -> None:
    clean = tmp_path / "clean"
    clean_summary = pull(serve(), clean)
    fail_at = _second_page_request(serve, tmp_path)
    out = tmp_path / "out"
    first = serve(fail_after=fail_at - 1)
    with pytest.raises(LanyingUnreachableError):
        pull(first, out, max_retries=2)
    state = json.loads((out / "state.json").read_text("utf-8"))
    assert state["current"] is not None and state["current"]["pages"] == 1  # the first page was saved
    assert state["users_done"] is True
    part = out / "conversations" / f".{state['current']['key']}.jsonl.part"
    assert part.stat().st_size == state["current"]["part_size"] > 0
    # What an interrupted pull saved already reads: finished conversations, not the part file.
    partial = [m for m in LanyingReader().read(Source.open(out)) if isinstance(m, Message)]
    assert {m.conversation.id for m in partial} == set(state["finished"])
    first.fake.fail_after = None  # the server is back
    first.fake.log.clear()
    second = first
    summary = pull(second, out)
    assert summary.resumed and summary.messages < clean_summary.messages
    assert summary.conversations == clean_summary.conversations
    assert tree(out) == tree(clean)
    assert not [p for p in second.fake.log if p[0] == "/api/user/list"]  # users.json reused
    resumed_first = next(q for p, q, _ in second.fake.log if p == "/api/message/conversation")
    assert resumed_first["msg_id_start"] != "0"  # continued from the saved cursor


@pytest.mark.parametrize("fail_after", [0, 1, 3, 4, 7, 11, 13, 16, 19, 22, 24, 26])  # a clean run makes 27
def test_resume_after_failure_at_any_point(
    serve: Callable[..., Server], tmp_path: Path, fail_after: int
) -> None:
    clean = tmp_path / "clean"
    assert pull(serve(), clean).requests == 27
    out = tmp_path / "out"
    with pytest.raises(LanyingUnreachableError):
        pull(serve(fail_after=fail_after), out, max_retries=1)
    pull(serve(), out)  # another server process (another port): the same app, resumed
    assert tree(out) == tree(clean)


def test_resume_after_a_crash_before_the_state_was_saved(
    serve: Callable[..., Server], tmp_path: Path
) -> None:
    """A page appended to the part file but not recorded in state.json is fetched again, not doubled."""
    clean = tmp_path / "clean"
    pull(serve(), clean)
    out = tmp_path / "out"
    with pytest.raises(LanyingUnreachableError):
        pull(serve(fail_after=_second_page_request(serve, tmp_path) - 1), out, max_retries=0)
    state = json.loads((out / "state.json").read_text("utf-8"))
    part = out / "conversations" / f".{state['current']['key']}.jsonl.part"
    with part.open("ab") as fh:
        fh.write(b'{"msg_id": 1, "content": "half-written page"}\n')
    pull(serve(), out)
    assert tree(out) == tree(clean)


def test_state_of_another_app_is_refused(serve: Callable[..., Server], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(LanyingUnreachableError):
        pull(serve(fail_after=3), out, max_retries=0)
    with pytest.raises(LanyingUsageError) as info:
        pull_lanying(serve().endpoint, "another-app", TOKEN, out, sleep=Sleeps())
    assert "another app id" in str(info.value)


def test_a_finished_pull_starts_afresh(serve: Callable[..., Server], tmp_path: Path) -> None:
    out = tmp_path / "out"
    pull(serve(), out)
    before = tree(out)
    again = pull(serve(), out)
    assert not again.resumed and tree(out) == before


# --- the token ------------------------------------------------------------------------------------


def _exception_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + str(exc) + repr(exc.args)


def test_token_never_written_logged_or_raised(
    serve: Callable[..., Server], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out"
    with pytest.raises(LanyingUnreachableError) as info:
        pull(serve(fail_after=20, script={3: Reply(429, {"Retry-After": "1"}, {})}), out, max_retries=1)
    assert TOKEN not in _exception_text(info.value)
    assert (out / "state.json").exists()
    for name, data in tree(out).items():  # state.json and the hidden part file of the interrupted run
        assert TOKEN.encode() not in data, name
    pull(serve(), out)
    for name, data in tree(out).items():
        assert TOKEN.encode() not in data, name
    assert TOKEN not in caplog.text
    assert "lanying pull" in caplog.text  # the pull does log (counts only)


def test_files_are_owner_only(serve: Callable[..., Server], tmp_path: Path) -> None:
    out = tmp_path / "out"
    pull(serve(), out)
    for path in out.rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & 0o077 == 0, path.name


def test_lost_part_file_restarts_the_conversation(serve: Callable[..., Server], tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    pull(serve(), clean)
    out = tmp_path / "out"
    with pytest.raises(LanyingUnreachableError):
        pull(serve(fail_after=_second_page_request(serve, tmp_path) - 1), out, max_retries=0)
    state = json.loads((out / "state.json").read_text("utf-8"))
    (out / "conversations" / f".{state['current']['key']}.jsonl.part").unlink()
    pull(serve(), out)
    assert tree(out) == tree(clean)


# --- through the command line -------------------------------------------------------------------


def test_cli_pull_then_scan(
    serve: Callable[..., Server],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`chatsweep pull lanying` takes the token from the environment only, then the folder scans."""
    from scanner.cli import main

    server = serve()
    out = tmp_path / "history"
    args = ["pull", "lanying", "--endpoint", server.endpoint, "--app-id", APP_ID, "-o", str(out)]
    monkeypatch.delenv("CHATSWEEP_LANYING_TOKEN", raising=False)
    assert main(args) == 2
    assert "CHATSWEEP_LANYING_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("CHATSWEEP_LANYING_TOKEN", TOKEN)
    assert main(args) == 0
    captured = capsys.readouterr()
    assert TOKEN not in captured.err + captured.out
    code = main(["scan", str(out), "--no-ner", "--format", "json", "-o", "-", "--fail-on", "never"])
    report = capsys.readouterr().out
    assert code == 0
    assert '"format": "lanying"' in report
