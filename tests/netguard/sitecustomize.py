"""Loaded by subprocess tests through PYTHONPATH: any non-Unix socket connection fails and is recorded."""

import os
import socket

_log = os.environ.get("CHATSWEEP_TEST_NETLOG")
_real = socket.socket.connect


def _record(what: str) -> None:
    if _log:
        with open(_log, "a", encoding="utf-8") as fh:
            fh.write(what + "\n")


def _guard(self, address):  # type: ignore[no-untyped-def]
    if self.family == getattr(socket, "AF_UNIX", None):
        return _real(self, address)
    _record(repr(address))
    raise OSError("network disabled in chatsweep tests")


def _no_dns(*args, **kwargs):  # type: ignore[no-untyped-def]
    _record(f"lookup {args[:1]!r}")
    raise OSError("network disabled in chatsweep tests")


socket.socket.connect = _guard  # type: ignore[method-assign]
socket.getaddrinfo = _no_dns
socket.create_connection = _no_dns
