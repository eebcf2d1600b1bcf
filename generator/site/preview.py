"""`kb serve`: MkDocs' live-reload preview server with the supportkb plugin."""

from __future__ import annotations

import errno
import logging
import socket
from pathlib import Path

from supportkb.generator.core.errors import KBError


def serve_preview(config_file: Path, *, dev_addr: str = "127.0.0.1:8000", full_rebuilds: bool = False) -> None:
    """Serve a live preview until interrupted; refuses a busy port with a clear message.

    After the first build only changed pages are rebuilt (MkDocs' dirty builds), so an edited
    article shows up in about a second. The price: until the next full build, the preview's search
    and other pages' navigation may lag behind. full_rebuilds: rebuild everything on every change.
    """
    from mkdocs.commands.serve import serve

    host, _, port_text = dev_addr.rpartition(":")
    host = host.strip("[]")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise KBError(f"bad address {dev_addr!r}", hint="use IP:PORT, e.g. 127.0.0.1:8000")
    check_port_free(host, int(port_text))
    if not full_rebuilds:
        logging.getLogger("mkdocs.commands.build").addFilter(_quiet_dirty_warning)
    mode = "rebuilding everything on each change" if full_rebuilds else "rebuilding only changed pages"
    print(f"Serving the help center at http://{dev_addr}/ ({mode}; Ctrl+C to stop)", flush=True)  # noqa: T201
    serve(
        config_file=str(config_file),
        dev_addr=dev_addr,
        livereload=True,
        build_type=None if full_rebuilds else "dirty",
        watch=[str(path) for path in _content_files(config_file) if path.exists()],
    )


def _quiet_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns on every dirty rebuild; kb serve chose dirty builds and says so once."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def check_port_free(host: str, port: int) -> None:
    """Raise KBError naming the port if nothing can listen on host:port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise KBError(
                    f"port {port} on {host} is already in use (another kb serve or mkdocs serve?)",
                    hint=f"stop the other server or pass --dev-addr {host}:{port + 1}",
                ) from exc
            if exc.errno == errno.EACCES:
                raise KBError(f"not allowed to listen on port {port}", hint="use a port above 1023, e.g. --dev-addr 127.0.0.1:8000") from exc
            raise KBError(f"cannot listen on {host}:{port}: {exc.strerror}", hint="use 127.0.0.1 and a free port") from exc


def _content_files(config_file: Path) -> list[Path]:
    """Files outside docs_dir that change the site: categories.yml and synonyms.yml."""
    from supportkb.generator.core.project import project_from_config

    project = project_from_config(config_file.resolve())
    return [project.categories_file, project.synonyms_file]
