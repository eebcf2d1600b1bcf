"""`search: kb` (the default): the site's own static index, written by the build from the text core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from supportkb.generator.core.articles import Article
from supportkb.generator.core.text import stem_word
from supportkb.generator.site import static_index
from supportkb.generator.site.build import build_site
from supportkb.generator.core.search_fields import SearchSection
from supportkb.generator.site.static_index import IndexedArticle, build_static_index, indexed_article
from tests.conftest import write_article
from tests.generator.site.badinput import SCRIPT_TITLE, make_bad_project
from tests.generator.site.conftest import site_texts


@pytest.fixture(scope="module")
def kb_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb-search")
    config = make_bad_project(root)
    (root / "kb/synonyms.yml").write_text("refund: [money back, reimbursement]\n", encoding="utf-8")
    # A draft kept off the site with MkDocs' exclude_docs stays out of its search too.
    write_article(root / "kb/articles/drafts/plans.md", "Quokka-lantern pricing draft.\n", id="150", title="Draft plans", category="billing")
    config.write_text(config.read_text(encoding="utf-8") + "exclude_docs: |\n  drafts/\n", encoding="utf-8")
    return build_site(config).site_dir


def index_meta(site: Path) -> dict:
    return json.loads((site / "search/kb/index.json").read_text(encoding="utf-8"))


def shard_of(site: Path, word: str) -> dict:
    keys = index_meta(site)["keys"]
    key = max((k for k in keys if word.startswith(k)), key=len)
    return json.loads((site / "search/kb/w" / f"{key.encode().hex()}.json").read_text(encoding="utf-8"))


def test_kb_is_the_default_and_replaces_materials_index(kb_site: Path) -> None:
    assert (kb_site / "search/kb/index.json").is_file()
    assert not (kb_site / "search/search_index.json").exists()
    page = BeautifulSoup((kb_site / "odd/script-title/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one(".md-search") is None, "Material's search is off"
    box = page.select_one("dialog[data-kb-search-dialog] input[data-kb-search]")
    assert box is not None and box.get("id") == "kb-search-input"
    assert page.select_one("[data-kb-search-state]") is not None
    assert page.select_one("script[src$='assets/supportkb/kb-search.js']") is not None
    assert page.title.get_text().startswith(SCRIPT_TITLE)  # type: ignore[union-attr]


def test_index_holds_public_articles_with_urls_and_sections(kb_site: Path) -> None:
    meta = index_meta(kb_site)
    # 2 public sample articles + 4 odd ones; not the internal one, the draft, home or categories.
    assert meta["n"] == 6
    docs = [json.loads((kb_site / f"search/kb/d/{n}.json").read_text(encoding="utf-8")) for n in range(meta["n"])]
    refunds = next(d for d in docs if d["t"] == "Refunds")
    assert refunds["u"] == "billing/refunds/"
    assert refunds["c"] == "Account and billing"
    assert [s[0] for s in refunds["s"]] == ["", "how-refunds-work"]
    assert refunds["s"][1][2] == "Within 5 days."
    assert ["Account and billing", "billing/"] in meta["categories"]


def test_words_map_to_their_stems_and_postings(kb_site: Path) -> None:
    meta = index_meta(kb_site)
    refunds = shard_of(kb_site, "refunds")
    assert refunds["w"]["refunds"] == stem_word("refunds") == "refund"
    assert refunds["w"]["refund"] == ""  # its own stem
    postings = shard_of(kb_site, "refund")["p"]["refund"]
    assert len(postings["a"]) == 2, "one article holds 'refund'"
    assert postings["s"][1] in (0, 1)
    assert "the" not in shard_of(kb_site, "the")["w"], "stop words are not indexed"
    assert [["refund"], ["money", "back"], ["reimburs"]] in meta["synonyms"]


def test_internal_and_draft_text_is_in_no_file_the_build_writes(kb_site: Path) -> None:
    texts = [text for _, text in site_texts(kb_site)]
    assert any("Within 5 days" in t for t in texts)
    for secret in ("Zebra-falcon", "zebra", "Chargeback runbook", "runbook", "Quokka", "quokka"):
        assert not any(secret in t for t in texts), secret


def _article(title: str, body: str, *, anchor: str = "") -> IndexedArticle:
    sections = (SearchSection("", title, body),) + ((SearchSection(anchor, anchor.title(), body),) if anchor else ())
    return IndexedArticle(url=f"{title.lower()}/", title=title, category="", fields={"title": title, "body": body}, sections=sections)


def test_big_shards_split_by_a_longer_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(static_index, "SHARD_TARGET_CHARS", 400)
    words = " ".join(f"sa{chr(97 + i)}{chr(97 + j)}x" for i in range(10) for j in range(10))
    index = build_static_index([_article("Salt", words), _article("Other", "pepper")])
    keys = json.loads(index.files["search/kb/index.json"])["keys"]
    assert "p" in keys and "o" in keys
    assert not [k for k in keys if k == "s"], "the 's' shard is too big and is split"
    assert any(len(k) > 2 and k.startswith("saa") for k in keys)
    for key in keys:
        shard = json.loads(index.files[f"search/kb/w/{key.encode().hex()}.json"])
        assert all(word.startswith(key) for word in shard["w"]), key
        assert all(stem.startswith(key) for stem in shard["p"]), key


def test_shard_keys_of_any_script_are_safe_file_names() -> None:
    index = build_static_index([_article("Rechnung", "إعداد الفواتير 🧾 ../../etc/passwd")])
    for path in index.files:
        assert path.startswith("search/kb/") and ".." not in path and "\\" not in path
        assert all(c.isascii() for c in path)
    keys = json.loads(index.files["search/kb/index.json"])["keys"]
    assert "إ" in "".join(keys)


def test_questions_and_aliases_are_indexed(tmp_path: Path) -> None:
    from supportkb.generator.core.articles import load_articles

    write_article(
        tmp_path / "a.md", "Body text.\n", id="1", title="Cancel a plan",
        aliases=["stop subscription"], questions=["how do I quit paying"],
    )
    article: Article = load_articles(tmp_path).articles[0]
    entry = indexed_article(article, url="a/")
    assert entry.fields["title"] == "Cancel a plan\nstop subscription"
    assert entry.fields["questions"] == "how do I quit paying"
    index = build_static_index([entry])
    shard = json.loads(index.files[f"search/kb/w/{'q'.encode().hex()}.json"])
    assert "quit" in shard["w"] and "quit" in shard["p"]


def test_an_empty_help_center_still_writes_an_index() -> None:
    index = build_static_index([])
    meta = json.loads(index.files["search/kb/index.json"])
    assert meta["n"] == 0 and meta["keys"] == []
