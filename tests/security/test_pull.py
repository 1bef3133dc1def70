"""A hostile or broken Lanying server against the puller: it ends, bounded, and says why.

Endless paging, huge and dripping responses, plain-HTTP endpoints, ids that only look like
digits, and error messages carrying terminal escapes or the token. The servers run on
127.0.0.1 in threads; tests/test_pull_lanying.py's guard lets only those connections through.
Every value is synthetic.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from scanner.pull import LanyingResponseError, LanyingUnreachableError, LanyingUsageError, pull_lanying
from scanner.pull.lanying import REPORT_FILE, STATE_FILE, _check_endpoint, _uid
from tests import test_pull_lanying as lanying
from tests.test_pull_lanying import (
    APP_ID,
    LOOPBACK,
    TOKEN,
    Reply,
    Server,
    Sleeps,
    _exception_text,
    pull,
    tree,
)

# The fake Lanying server, and the guard that lets only its loopback connections through.
serve = lanying.serve
no_network = lanying.no_network

# --- servers that misbehave -----------------------------------------------------------------


class _Raw:
    """A loopback server whose handler writes raw bytes: ``respond(handler)`` does the talking."""

    def __init__(self, respond: Callable[[BaseHTTPRequestHandler], None]) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                with contextlib.suppress(OSError):  # the client gave up: that is the point
                    respond(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.requests = 0
        self.sent = 0
        self.httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.endpoint = f"http://{LOOPBACK}:{self.httpd.server_address[1]}/api"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[BaseHTTPRequestHandler], None]], _Raw]]:
    servers: list[_Raw] = []

    def start(respond: Callable[[BaseHTTPRequestHandler], None]) -> _Raw:
        servers.append(_Raw(respond))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def _endless(query: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
    """A conversation that never says is_last: each page points at one more."""
    start = int(query["msg_id_start"]) or 10**12
    message = {"msg_id": start, "from_xid": {"uid": 1001}, "to_xid": {"uid": 1002}, "content": "fake"}
    return {"code": 200, "data": {"is_last": False, "next_msg_id": start - 1, "messages": [message]}}


# --- 6. limits ---------------------------------------------------------------------------------


def test_endless_conversations_are_cut_per_conversation(serve: Callable[..., Server], tmp_path: Path) -> None:
    server = serve()
    server.fake.conversation = _endless  # type: ignore[method-assign]
    out = tmp_path / "out"
    summary = pull(server, out, max_pages_per_conversation=4)
    conversations = len(server.fake.conversations)
    pages = [q for p, q, _ in server.fake.log if p == "/api/message/conversation"]
    assert len(pages) == 4 * conversations  # bounded, not 26,848 requests
    assert summary.complete and summary.stopped_by is None
    assert len(summary.truncated) == conversations
    report = json.loads((out / REPORT_FILE).read_text("utf-8"))
    assert report["complete"] is True
    assert sorted(report["truncated_conversations"]) == sorted(summary.truncated)
    assert report["limits"]["max_pages_per_conversation"] == 4
    assert not (out / STATE_FILE).exists()
    # what was read is kept: four messages per conversation
    for name, data in tree(out).items():
        if name.startswith("conversations/"):
            assert data.count(b"\n") == 4, name


def test_total_page_limit_stops_cleanly_and_resumes_to_a_whole_pull(
    serve: Callable[..., Server], tmp_path: Path
) -> None:
    clean = tmp_path / "clean"
    pull(serve(), clean)
    out = tmp_path / "out"
    runs = []
    for _ in range(20):
        summary = pull(serve(), out, max_pages=5)
        runs.append(summary)
        assert summary.pages <= 5
        if summary.complete:
            break
        assert summary.stopped_by == "max_pages"
        assert (out / STATE_FILE).exists()
        report = json.loads((out / REPORT_FILE).read_text("utf-8"))
        assert report["stopped_by"] == "max_pages" and report["complete"] is False
    assert len(runs) > 2 and runs[-1].complete
    assert tree(out) == tree(clean)  # the report file is gone once a run completes


def test_response_size_is_capped_by_content_length(serve: Callable[..., Server], tmp_path: Path) -> None:
    padding = "x" * 20_000
    server = serve(script={1: Reply(200, {}, {"code": 200, "data": [], "pad": padding})})
    out = tmp_path / "out"
    summary = pull(server, out, max_response_bytes=10_000)
    assert summary.stopped_by == "max_response_bytes" and not summary.complete
    assert json.loads((out / REPORT_FILE).read_text("utf-8"))["stopped_by"] == "max_response_bytes"


def test_an_unannounced_huge_response_is_streamed_with_a_cap(
    raw_server: Callable[[Callable[[BaseHTTPRequestHandler], None]], _Raw], tmp_path: Path
) -> None:
    chunk = b" " * 65536

    def flood(handler: BaseHTTPRequestHandler) -> None:
        # No Content-Length: the body ends when the connection does (up to 256 MiB here).
        handler.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
        for _ in range(4096):
            handler.wfile.write(chunk)
            server.sent += len(chunk)

    server = raw_server(flood)
    began = time.monotonic()
    summary = pull_lanying(
        server.endpoint, APP_ID, TOKEN, tmp_path / "out", sleep=Sleeps(), max_response_bytes=100_000
    )
    assert summary.stopped_by == "max_response_bytes"
    assert time.monotonic() - began < 20
    time.sleep(0.2)
    assert server.sent < 64 * 1024 * 1024  # the client hung up long before the end


def _drip(header_first: bool) -> Callable[[BaseHTTPRequestHandler], None]:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        if header_first:
            handler.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
            body = b'{"code": 200, "data": []}' + b" " * 1000
        else:
            body = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n" + b"X-Pad: " + b"y" * 1000
        for byte in body[:60]:  # one byte every 0.2 s: each read is quick, the answer never ends
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.2)

    return respond


@pytest.mark.parametrize("header_first", [True, False])
def test_a_dripping_server_meets_the_request_deadline(
    raw_server: Callable[[Callable[[BaseHTTPRequestHandler], None]], _Raw], tmp_path: Path, header_first: bool
) -> None:
    server = raw_server(_drip(header_first))
    began = time.monotonic()
    with pytest.raises(LanyingUnreachableError) as info:
        pull_lanying(
            server.endpoint,
            APP_ID,
            TOKEN,
            tmp_path / "out",
            sleep=Sleeps(),
            max_retries=1,
            request_deadline=0.6,
        )
    assert time.monotonic() - began < 6  # two requests of 0.6 s, not 60 bytes x 0.2 s each
    assert "no complete answer within 0.6s" in str(info.value)
    assert server.requests == 2


def test_the_overall_deadline_ends_the_pull_cleanly(
    raw_server: Callable[[Callable[[BaseHTTPRequestHandler], None]], _Raw], tmp_path: Path
) -> None:
    server = raw_server(_drip(True))
    began = time.monotonic()
    summary = pull_lanying(
        server.endpoint, APP_ID, TOKEN, tmp_path / "out", sleep=Sleeps(), deadline=0.8, request_deadline=30
    )
    assert time.monotonic() - began < 6
    assert summary.stopped_by == "deadline"
    assert json.loads((tmp_path / "out" / REPORT_FILE).read_text("utf-8"))["stopped_by"] == "deadline"


def test_limits_through_the_command_line(
    serve: Callable[..., Server],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from scanner.cli import main

    server = serve()
    out = tmp_path / "history"
    monkeypatch.setenv("CHATSWEEP_LANYING_TOKEN", TOKEN)
    args = ["pull", "lanying", "--endpoint", server.endpoint, "--app-id", APP_ID, "-o", str(out)]
    assert main([*args, "--max-pages", "5"]) == 3  # not everything was pulled
    err = capsys.readouterr().err
    assert "--max-pages" in err and ".pull-report.json" in err and "resume" in err
    assert main(args) == 0
    assert not (out / REPORT_FILE).exists()


# --- 7. https only -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint", ["http://example.invalid/api", "http://10.0.0.8/api", "http://localhost.example.invalid/api"]
)
def test_plain_http_is_refused_in_one_line(endpoint: str, tmp_path: Path) -> None:
    with pytest.raises(LanyingUsageError) as info:
        pull_lanying(endpoint, APP_ID, TOKEN, tmp_path / "out", sleep=Sleeps())
    message = str(info.value)
    assert info.value.exit_code == 2 and "https://" in message and "\n" not in message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://api.example.invalid/v1",
        "http://127.0.0.1:8080/api",
        "http://127.9.8.7/api",
        "http://[::1]:8080/api",
        "http://localhost:8080/api",
        "http://LOCALHOST/api",
    ],
)
def test_https_and_loopback_http_are_accepted(endpoint: str) -> None:
    assert _check_endpoint(endpoint) == endpoint


# --- 8. ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["²", "１２", "١٢", "-5", -5, 2**63, str(2**63), "", "12a", True, None, 1.5]
)
def test_ids_that_only_look_like_digits_are_refused(value: object) -> None:
    assert _uid(value) is None


@pytest.mark.parametrize(("value", "uid"), [(1001, "1001"), (" 1001 ", "1001"), ({"uid": "42"}, "42")])
def test_ascii_ids_are_kept(value: object, uid: str) -> None:
    assert _uid(value) == uid


def test_a_unicode_digit_id_is_skipped_with_a_reason(
    serve: Callable[..., Server],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from scanner.cli import main

    server = serve()
    server.fake.users.insert(1, {"user_id": "²", "username": "fake.super", "status": 0})
    real_unread = server.fake.unread

    def unread(query: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        answer = real_unread(query, headers)
        answer["data"].append({"conversation_id": {"uid": "١٢"}, "num": 1})
        return answer

    server.fake.unread = unread  # type: ignore[method-assign]
    out = tmp_path / "out"
    summary = pull(server, out, page_size=50)
    assert summary.complete
    assert summary.users == len(server.fake.users) - 1
    assert summary.skipped[0] == "user list page 1 item 1: user_id is not a Lanying id"
    assert all("not a Lanying id" in s for s in summary.skipped) and len(summary.skipped) == 1 + summary.users
    assert "²" not in json.dumps(summary.skipped, ensure_ascii=False)
    report = json.loads((out / REPORT_FILE).read_text("utf-8"))
    assert report["skipped"] == list(summary.skipped)
    # through the CLI: no internal error (70), the skip is said, exit 3
    monkeypatch.setenv("CHATSWEEP_LANYING_TOKEN", TOKEN)
    args = ["pull", "lanying", "--endpoint", server.endpoint, "--app-id", APP_ID]
    code = main([*args, "-o", str(tmp_path / "b")])
    assert code == 3
    assert "skipped" in capsys.readouterr().err


# --- 9. server messages ------------------------------------------------------------------------------


ESCAPES = "\x1b[2J\x1b[31m\x1b]0;fake-title\x07\x9b1m\u202e"


@pytest.mark.parametrize("echo", [TOKEN, urllib.parse.quote(TOKEN + "/+", safe="")])
def test_server_error_text_is_escaped_and_never_echoes_the_token(
    serve: Callable[..., Server],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    echo: str,
) -> None:
    from scanner.cli import main

    token = TOKEN + "/+" if "%" in echo else TOKEN
    message = f"{ESCAPES}bad request for token {echo}\nsecond line"
    server = serve(script={1: Reply(200, {}, {"code": 20001, "message": message, "data": None})})
    with pytest.raises(LanyingResponseError) as info:
        pull_lanying(server.endpoint, APP_ID, token, tmp_path / "out", sleep=Sleeps())
    text = _exception_text(info.value)
    assert token not in text and echo not in text
    shown = str(info.value)
    assert "\\x1b[2J" in shown and "\\u202e" in shown and "\\x0a" in shown
    assert not any(c in shown for c in "\x1b\x07\x9b\u202e\n")

    server = serve(script={1: Reply(200, {}, {"code": 20001, "message": message, "data": None})})
    monkeypatch.setenv("CHATSWEEP_LANYING_TOKEN", token)
    args = ["pull", "lanying", "--endpoint", server.endpoint, "--app-id", APP_ID]
    code = main([*args, "-o", str(tmp_path / "c")])
    captured = capsys.readouterr()
    assert code == 3
    assert not any(c in captured.err + captured.out for c in "\x1b\x07\x9b\u202e")
    assert token not in captured.err + captured.out and echo not in captured.err + captured.out


def test_unreachable_loopback_port_still_fails_cleanly(tmp_path: Path) -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind((LOOPBACK, 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(LanyingUnreachableError):
        pull_lanying(
            f"http://{LOOPBACK}:{port}", APP_ID, TOKEN, tmp_path / "o", sleep=Sleeps(), max_retries=0
        )


def test_a_tls_handshake_that_drips_meets_the_request_deadline(tmp_path: Path) -> None:
    """A never-ending TLS record, a byte every 0.2 s: each read is quick, the handshake never ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((LOOPBACK, 0))
    listener.listen(4)
    listener.settimeout(10)
    accepted: list[int] = []

    def drip() -> None:
        with contextlib.suppress(OSError):
            while len(accepted) < 2:
                conn, _ = listener.accept()
                accepted.append(1)
                with conn, contextlib.suppress(OSError):
                    conn.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16 KiB follows…
                    for _ in range(100):
                        conn.sendall(b"\x00")
                        time.sleep(0.2)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    began = time.monotonic()
    try:
        with pytest.raises(LanyingUnreachableError) as info:
            pull_lanying(
                f"https://{LOOPBACK}:{listener.getsockname()[1]}/api",
                APP_ID,
                TOKEN,
                tmp_path / "out",
                sleep=Sleeps(),
                max_retries=1,
                request_deadline=0.6,
            )
    finally:
        listener.close()
    assert time.monotonic() - began < 6
    assert "no complete answer within 0.6s" in str(info.value)
