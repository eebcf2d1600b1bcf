"""Atomic replacement of the site folder: stage beside it, swap on success, discard on failure.

A build killed mid-way (SIGKILL, power loss) cannot clean up, so each build first removes the
leftovers of earlier ones: the staging folders (`.site.tmp-<pid>-*`) and swapped-out old sites
(`.site.old-<pid>-*`) whose build process is gone. The pid in the name is what tells a dead
build's folder from a live concurrent build's, which must not be touched; a folder whose pid is
still running is kept unless it is older than a day (the pid was reused: no build runs that
long). Folders named by older versions, without a pid, are removed once an hour old.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from supportkb.generator.core.atomic import is_process_running

LEGACY_STALE_SECONDS = 60 * 60
"""A leftover without a pid in its name is removed once this old."""
REUSED_PID_SECONDS = 24 * 60 * 60
"""A leftover whose pid runs again is removed once this old: that pid is another process now."""


class SiteSwapError(Exception):
    """The staged site could not be created or swapped in."""


@dataclass
class SiteSwap:
    """A build staged in a temporary sibling of site_dir."""

    site_dir: Path
    staging_dir: Path

    @classmethod
    def begin(cls, site_dir: Path) -> SiteSwap:
        site_dir = site_dir.absolute()
        if site_dir.exists() and not site_dir.is_dir():
            raise SiteSwapError(f"{site_dir} exists and is not a folder; move or delete it so the site can be written there")
        parent = site_dir.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(site_dir)
            staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.tmp-{os.getpid()}-", dir=parent))
        except OSError as exc:
            raise SiteSwapError(
                f"cannot create a build folder beside {site_dir}: {exc.strerror or exc}; "
                f"make {parent} writable or choose another site_dir"
            ) from exc
        return cls(site_dir=site_dir, staging_dir=staging)

    def commit(self) -> None:
        """Put the staged build in place of site_dir; the old site is removed only after."""
        old: Path | None = None
        try:
            if self.site_dir.exists():
                if not self.site_dir.is_dir():
                    raise SiteSwapError(f"{self.site_dir} exists and is not a folder; move or delete it")
                old = Path(tempfile.mkdtemp(prefix=f".{self.site_dir.name}.old-{os.getpid()}-", dir=self.site_dir.parent))
                os.replace(self.site_dir, old / "site")
            os.replace(self.staging_dir, self.site_dir)
        except OSError as exc:
            if old is not None and (old / "site").exists() and not self.site_dir.exists():
                os.replace(old / "site", self.site_dir)  # Put the previous site back.
            self.abandon()
            raise SiteSwapError(f"cannot replace {self.site_dir}: {exc.strerror or exc}; check its permissions") from exc
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)

    def abandon(self) -> None:
        """Discard the staged build, leaving site_dir as it was."""
        shutil.rmtree(self.staging_dir, ignore_errors=True)


def remove_leftovers(site_dir: Path, *, now: float | None = None) -> list[Path]:
    """Remove the staging and old-site folders that killed builds left beside site_dir; returns them."""
    pattern = re.compile(rf"^\.{re.escape(site_dir.name)}\.(?:tmp|old)-(?:(\d+)-)?")
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(site_dir.parent))
    except OSError:
        return removed  # Creating the staging folder next will say what is wrong with the parent.
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue  # Gone already: another build cleaned it.
        pid = match.group(1)
        if pid is None:
            stale = age > LEGACY_STALE_SECONDS
        else:
            stale = not is_process_running(int(pid)) or age > REUSED_PID_SECONDS
        if stale:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed
