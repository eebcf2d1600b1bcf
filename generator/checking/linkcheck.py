"""External links (`kb check --external`): checked concurrently, within a time budget, cached."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from supportkb.generator.core.articles import LoadResult
from supportkb.generator.core.atomic import write_text_atomic
from supportkb.generator.core.errors import Diagnostic

CACHE_FILE_NAME = "external-links.json"
_CACHE_VERSION = 1
_BROKEN = frozenset({404, 410})
"""Statuses that prove a link is broken. 401/403/429 mostly mean 'no robots', so they pass."""
_INVALID = "invalid URL"
_PER_HOST = 2
"""At most this many requests to one host at once: be polite to other people's servers."""
if TYPE_CHECKING:
    import httpx

USER_AGENT = "supportkb-linkcheck/0.1 (help-center link checker)"


@dataclass(frozen=True)
class LinkCheckSettings:
    timeout: float = 10.0
    """Seconds for one request (connect, read)."""
    concurrency: int = 8
    budget: float = 60.0
    """Seconds for the whole run; links not checked by then are reported as such."""
    cache_hours: float = 24.0
    """How long a definite answer (works / broken) is reused."""


@dataclass(frozen=True)
class LinkStatus:
    """What one URL answered."""

    url: str
    status: int | None
    """Final HTTP status after redirects; None when no answer came."""
    error: str = ""
    """Why there was no answer ('timed out', 'connection refused', 'not checked: ...')."""
    checked_at: float = 0.0

    @property
    def is_broken(self) -> bool:
        return self.status in _BROKEN or self.error.startswith(_INVALID)

    @property
    def is_unreachable(self) -> bool:
        return not self.is_broken and (self.status is None or self.status >= 500)

    @property
    def is_definite(self) -> bool:
        """Worth caching: an answer other than a server error, or a URL that can never work."""
        return self.is_broken or (self.status is not None and self.status < 500)


def external_urls(loaded: LoadResult) -> list[str]:
    """Every distinct http(s) URL the articles link to, fragment removed, in first-seen order."""
    seen: dict[str, None] = {}
    for article in loaded.articles:
        for link in article.links:
            url = _request_url(link.target)
            if url:
                seen.setdefault(url, None)
    return list(seen)


def _request_url(target: str) -> str | None:
    target = target.strip()
    if not target.lower().startswith(("http://", "https://")):
        return None
    return target.split("#", 1)[0]


def check_urls(
    urls: Iterable[str],
    *,
    settings: LinkCheckSettings = LinkCheckSettings(),
    cache_file: Path | None = None,
    now: Callable[[], float] = time.time,
) -> dict[str, LinkStatus]:
    """The status of each URL: from the cache when fresh, else asked over HTTP (HEAD, then GET)."""
    urls = list(dict.fromkeys(urls))
    cached = _read_cache(cache_file) if cache_file else {}
    fresh_after = now() - settings.cache_hours * 3600
    results = {u: cached[u] for u in urls if u in cached and cached[u].checked_at >= fresh_after}
    to_check = [u for u in urls if u not in results]
    if to_check:
        results.update(_run_coroutine(_check_all(to_check, settings, now)))
        if cache_file is not None:
            cached.update({u: s for u, s in results.items() if s.is_definite})
            _write_cache(cache_file, {u: s for u, s in cached.items() if s.checked_at >= fresh_after})
    return results


async def _check_all(urls: list[str], settings: LinkCheckSettings, now: Callable[[], float]) -> dict[str, LinkStatus]:
    import httpx

    overall = asyncio.Semaphore(settings.concurrency)
    per_host: dict[str, asyncio.Semaphore] = {}
    results: dict[str, LinkStatus] = {}
    timeout = httpx.Timeout(settings.timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}

    async with httpx.AsyncClient(follow_redirects=True, timeout=timeout, headers=headers, max_redirects=10) as client:

        async def one(url: str) -> None:
            host = urlsplit(url).netloc.lower()
            host_limit = per_host.setdefault(host, asyncio.Semaphore(_PER_HOST))
            async with overall, host_limit:
                results[url] = await _ask(client, url, now)

        tasks = [asyncio.ensure_future(one(url)) for url in urls]
        _done, pending = await asyncio.wait(tasks, timeout=settings.budget)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
    for url in urls:
        results.setdefault(url, LinkStatus(url, None, f"not checked: the {settings.budget:g} s budget ran out", now()))
    return results


async def _ask(client: httpx.AsyncClient, url: str, now: Callable[[], float]) -> LinkStatus:
    import httpx

    try:
        response = await client.head(url)
        if response.status_code >= 400:
            # Many servers answer HEAD wrongly (405, 403, even 404); GET is the real question.
            async with client.stream("GET", url) as streamed:
                response = streamed
        return LinkStatus(url, response.status_code, "", now())
    except httpx.TimeoutException:
        return LinkStatus(url, None, "timed out", now())
    except httpx.TooManyRedirects:
        return LinkStatus(url, None, "too many redirects", now())
    except httpx.InvalidURL as exc:
        return LinkStatus(url, None, f"{_INVALID}: {exc}", now())
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        return LinkStatus(url, None, f"no answer: {reason}", now())


def link_findings(loaded: LoadResult, statuses: dict[str, LinkStatus]) -> list[Diagnostic]:
    """One finding per link in an article whose URL is broken (error) or could not be checked (warning)."""
    found: list[Diagnostic] = []
    for article in loaded.articles:
        shown = loaded.shown_path(article)
        for link in article.links:
            url = _request_url(link.target)
            status = statuses.get(url) if url else None
            if status is None:
                continue
            if status.is_broken:
                detail = status.error or f"HTTP {status.status}"
                found.append(Diagnostic(shown, link.line, link.col, "error", f"broken external link {link.target} ({detail})", "fix or remove the link; the page is gone", "broken-external-link"))
            elif status.is_unreachable:
                detail = status.error or f"HTTP {status.status}"
                found.append(Diagnostic(shown, link.line, link.col, "warning", f"could not check {link.target} ({detail})", "open it in a browser; run kb check --external again later", "unreachable-external-link"))
    return found


def _read_cache(path: Path) -> dict[str, LinkStatus]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # A damaged cache only costs a re-check; it is rewritten below.
    if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
        return {}
    statuses: dict[str, LinkStatus] = {}
    for url, entry in (data.get("links") or {}).items():
        try:
            statuses[url] = LinkStatus(url=url, status=entry["status"], error=entry.get("error", ""), checked_at=float(entry["checked_at"]))
        except (KeyError, TypeError, ValueError):
            continue
    return statuses


def _write_cache(path: Path, statuses: dict[str, LinkStatus]) -> None:
    payload = {"version": _CACHE_VERSION, "links": {u: {k: v for k, v in asdict(s).items() if k != "url"} for u, s in sorted(statuses.items())}}
    try:
        write_text_atomic(path, json.dumps(payload, indent=1))
    except OSError:
        pass  # A read-only checkout still gets its findings; only the cache is lost.


def _run_coroutine(coroutine: Any) -> Any:
    """asyncio.run, also from code that already runs an event loop (a notebook, Playwright's sync API)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
