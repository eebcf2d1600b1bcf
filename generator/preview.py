"""`kb serve`: MkDocs' live-reload preview server with the supportkb plugin."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from generator.errors import KBError


def serve_preview(config_file: Path, *, dev_addr: str = "127.0.0.1:8000") -> None:
    """Serve a live preview until interrupted; refuses a busy port with a clear message."""
    from mkdocs.commands.serve import serve

    host, _, port_text = dev_addr.rpartition(":")
    if not host or not port_text.isdigit():
        raise KBError(f"bad address {dev_addr!r}", hint="use IP:PORT, e.g. 127.0.0.1:8000")
    with socket.socket() as probe:
        try:
            probe.bind((host, int(port_text)))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise KBError(f"port {port_text} on {host} is already in use", hint="stop the other server or pass --dev-addr 127.0.0.1:8001") from exc
            raise KBError(f"cannot listen on {dev_addr}: {exc.strerror}") from exc
    print(f"Serving the help center at http://{dev_addr}/ (Ctrl+C to stop)", flush=True)  # noqa: T201
    serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
