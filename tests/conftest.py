"""Shared fixtures: the network guard, golden-file updating, paths."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

# The user's fingerprint key is made on first use in the user config folder: tests (and the
# CLI processes they start, which inherit the environment) make theirs in a throw-away one,
# never in the real ~/.config.
_CONFIG_HOME = tempfile.mkdtemp(prefix="chatsweep-test-config-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG_HOME
atexit.register(shutil.rmtree, _CONFIG_HOME, True)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = REPO.parent / "shared" / "fixtures" / "real"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/goldens from current output",
    )


@pytest.fixture(scope="session", autouse=True)
def shared_analyzers() -> Iterator[None]:
    """Scanners made in this process (directly or by the in-process CLI) share one analyzer per
    configuration instead of loading spaCy, jieba and the recognizers for every scan."""
    from scanner import pipeline
    from tests.helpers import shared_analyzer

    patch = pytest.MonkeyPatch()
    patch.setattr(pipeline, "ChatAnalyzer", shared_analyzer)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


class NetworkBlocked(RuntimeError):
    pass


_LOCAL_HOSTS = (None, "", "0.0.0.0", "::", "127.0.0.1", "::1")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any socket connection fails: chatsweep must work offline (DESIGN.md, principle 1).

    Unix sockets stay allowed (local process pools use them); everything that would
    reach another host raises.
    """

    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(self: socket.socket, address: object) -> object:
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect(self, address)  # type: ignore[arg-type]
        attempts.append(repr(address))
        raise NetworkBlocked(f"network access attempted: {address!r}")

    def guarded_ex(self: socket.socket, address: object) -> object:
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect_ex(self, address)  # type: ignore[arg-type]
        attempts.append(repr(address))
        raise NetworkBlocked(f"network access attempted: {address!r}")

    real_getaddrinfo = socket.getaddrinfo

    def no_dns(*args: object, **kwargs: object) -> object:
        # Numeric and wildcard hosts resolve locally (servers binding a listening socket, as
        # Dask's in-process LocalCluster does); any name that would need DNS is refused.
        if args and args[0] in _LOCAL_HOSTS:
            return real_getaddrinfo(*args, **kwargs)  # type: ignore[arg-type]
        attempts.append(f"lookup {args[:1]!r}")
        raise NetworkBlocked("DNS lookup attempted")

    def no_create_connection(*args: object, **kwargs: object) -> object:
        attempts.append(f"connect {args[:1]!r}")
        raise NetworkBlocked("network connection attempted")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setattr(socket, "create_connection", no_create_connection)
    yield
    # Libraries may swallow the error (tldextract falls back quietly): the attempt itself fails the test.
    assert not attempts, f"network access attempted during the test: {attempts}"


@pytest.fixture
def real_fixtures() -> Path:
    """The third-party sample exports in ../shared; the test is skipped when they are absent."""
    if not REAL.is_dir():
        pytest.skip("../shared/fixtures/real is not present")
    return REAL
