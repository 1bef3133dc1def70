"""The fingerprint key: the user's own secret, never one that ships with chatsweep.

Fingerprints are HMACs of values such as phone numbers. Under a key anyone can read (one in
our source) a report's fingerprints are brute-forced in seconds (10^8 mobile numbers), so
the key is the user's: ``--key-file`` (setting ``key_file``) beats the environment
(``CHATSWEEP_FINGERPRINT_KEY``, the key itself) which beats a ``key_file`` in the config
file; without any of them each user gets a random key, made on first use at
``<user config dir>/chatsweep/fingerprint.key``.

A key is the text of its file or variable without surrounding whitespace, as UTF-8 bytes,
so ``CHATSWEEP_FINGERPRINT_KEY="$(cat fingerprint.key)"`` and ``--key-file fingerprint.key``
are the same key. Errors name the file or the variable, never the key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from scanner.errors import UsageError

if TYPE_CHECKING:
    from scanner.settings import Settings

ENV_VAR = "CHATSWEEP_FINGERPRINT_KEY"
KEY_FILE_NAME = "fingerprint.key"
# Short keys are guessable, and a key is meant to be pasted from a secret store, not typed.
MIN_KEY_CHARS = 16
# A key is a line of text: anything longer is the wrong file (and /dev/zero must not be read).
_MAX_KEY_FILE_BYTES = 4096

_cache: dict[tuple[object, ...], bytes] = {}
# What platformdirs reads to find the user config folder, on Linux, macOS and Windows.
_PATH_ENV = ("XDG_CONFIG_HOME", "HOME", "LOCALAPPDATA", "APPDATA", "USERPROFILE")
_paths: dict[tuple[str | None, ...], Path] = {}
_lock = threading.Lock()


def user_key_path() -> Path:
    """Where this user's own key lives (made on first use)."""
    # Called for every detection: remember the answer for the environment it came from.
    env = tuple(os.environ.get(name) for name in _PATH_ENV)
    path = _paths.get(env)
    if path is None:
        path = Path(platformdirs.user_config_dir("chatsweep", appauthor=False)) / KEY_FILE_NAME
        _paths[env] = path
    return path


def check_key(text: str, where: str) -> bytes:
    """The key bytes of ``text``, or a UsageError naming ``where`` (never the text)."""
    text = text.strip()
    if len(text) < MIN_KEY_CHARS:
        raise UsageError(f"{where} must hold a key of at least {MIN_KEY_CHARS} characters")
    return text.encode("utf-8")


def resolve_key(settings: Settings) -> bytes:
    """The fingerprint key for a scan with ``settings``; resolved once per process and source.

    ``settings.fingerprint_key`` (from the environment, via ``settings.resolve``) or
    ``settings.key_file`` when set; else ``CHATSWEEP_FINGERPRINT_KEY`` for settings built
    directly; else the user's own key, created on first use.
    """
    if settings.fingerprint_key is not None:
        if len(settings.fingerprint_key) < MIN_KEY_CHARS:
            raise UsageError(f"the fingerprint key must be at least {MIN_KEY_CHARS} characters")
        return settings.fingerprint_key
    env = os.environ.get(ENV_VAR)
    if settings.key_file is not None:
        source: tuple[str, str] = ("file", settings.key_file)
    elif env is not None:
        source = ("env", env)
    else:
        source = ("user", str(user_key_path()))
    cached = _cache.get(source)
    if cached is not None:
        return cached
    with _lock:
        if settings.key_file is not None:
            key = read_key_file(Path(settings.key_file).expanduser())
        elif env is not None:
            key = check_key(env, ENV_VAR)
        else:
            key = load_or_create_user_key(user_key_path())
        _cache[source] = key
    return key


def clear_cache() -> None:
    """Forget resolved keys (tests switch between installs in one process)."""
    with _lock:
        _cache.clear()
        _paths.clear()


def read_key_file(path: Path) -> bytes:
    """The key held in ``path``: a regular file, private to its owner, with a long enough key."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UsageError(f"cannot read key file {path}: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"key file {path} is not a regular file")
        # On POSIX a key others can read is not a secret; Windows has no such mode bits.
        if os.name == "posix" and st.st_mode & 0o077:
            raise UsageError(
                f"key file {path} is accessible by other users; run 'chmod 600 {path}' and try again"
            )
        data = os.read(fd, _MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read key file {path}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise UsageError(f"key file {path} is larger than {_MAX_KEY_FILE_BYTES} bytes; is it a key file?")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"key file {path} is not UTF-8 text") from None
    if not text.strip():
        raise UsageError(f"key file {path} is empty")
    return check_key(text, f"key file {path}")


def load_or_create_user_key(path: Path) -> bytes:
    """The user's key at ``path``, made first if absent: 32 random bytes as hex, 0600 in 0700.

    Safe when several first runs race: the key is written to a private temporary file and
    hard-linked into place, which fails if another run got there first; that run's key wins
    and the file never appears half-written.
    """
    for _ in range(50):
        if path.exists():
            try:
                return read_key_file(path)
            except UsageError:
                # Only the O_EXCL fallback below can show a file before its key is written.
                if path.stat().st_size == 0:
                    time.sleep(0.02)
                    continue
                raise
        _create(path)
    return read_key_file(path)


def _create(path: Path) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise UsageError(f"cannot create the key folder {folder}: {exc.strerror}") from None
    key = secrets.token_hex(32) + "\n"
    try:
        fd, tmp = tempfile.mkstemp(prefix=".fingerprint-", suffix=".tmp", dir=folder)  # mode 0600
    except OSError as exc:
        raise UsageError(f"cannot write the fingerprint key in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return  # another first run won; its key is the key
        except OSError:
            _create_exclusive(path, key)  # file systems without hard links
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _create_exclusive(path: Path, key: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise UsageError(f"cannot write the fingerprint key {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
