"""Why a file could not be read, in words a person can act on (never its content)."""

from __future__ import annotations

import stat
import zipfile
import zlib

# What a stream read mid-file raises when the file or the archive is damaged (zip CRC errors).
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)


def os_reason(exc: OSError) -> str:
    """Why a file could not be read, in words a person can act on (never content)."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    return f"cannot read: {os_detail(exc)}"


def os_detail(exc: OSError) -> str:
    """The operating system's reason, lower case: "permission denied", "no such file or folder" …"""
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    text = exc.strerror or type(exc).__name__
    return f"{text[:1].lower()}{text[1:]}"


SYMLINK = "symbolic link; not followed"


def special_file_reason(mode: int) -> str:
    """Why a file system object that is not a regular file is not read."""
    if stat.S_ISLNK(mode):
        return SYMLINK
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file; not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file; not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file; not read"
    return "not a regular file; not read"
