"""Atomic replacement of the site folder: stage beside it, swap on success, discard on failure."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


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
            staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.tmp-", dir=parent))
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
                old = Path(tempfile.mkdtemp(prefix=f".{self.site_dir.name}.old-", dir=self.site_dir.parent))
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
