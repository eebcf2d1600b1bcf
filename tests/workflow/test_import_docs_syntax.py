"""The Markdown rewrites docs-tool imports share: admonitions, tabs, MDX, GitBook blocks, callouts, links."""

from __future__ import annotations

from supportkb.generator.importers.mdlinks import rewrite_markdown
from supportkb.generator.importers.mdsyntax import (
    docusaurus_admonitions,
    gitbook_blocks,
    jsx_tabs,
    mdx_to_markdown,
    obsidian_callouts,
)


def test_docusaurus_admonitions_nest_and_leave_code_alone() -> None:
    text, problems = docusaurus_admonitions(":::tip Pro tip\nUse **keys**.\n\n::::warning[Careful]\ninner\n::::\n:::\n\n```\n:::note\n```\n")
    assert text == '!!! tip "Pro tip"\n\n    Use **keys**.\n\n    !!! warning "Careful"\n\n        inner\n\n\n```\n:::note\n```\n'
    assert problems == []


def test_unclosed_and_stray_admonitions_are_noted() -> None:
    text, problems = docusaurus_admonitions(":::info\nnever closed\n")
    assert text.startswith("!!! info\n\n    never closed")
    assert problems == ["an unclosed ':::' admonition was closed at the end of the page"]
    _, problems = docusaurus_admonitions("text\n:::\n")
    assert problems == ["a closing ':::' admonition without its opening was removed"]


def test_jsx_tabs_become_content_tabs_with_dedented_bodies() -> None:
    text, _ = jsx_tabs('<Tabs>\n  <TabItem value="mac" label="macOS" default>\n    Run `brew install x`.\n  </TabItem>\n  <TabItem value="win">Download it.</TabItem>\n</Tabs>\nafter')
    assert text == '=== "macOS"\n\n    Run `brew install x`.\n\n=== "win"\n\n    Download it.\n\nafter'


def test_mdx_imports_exports_and_components_are_counted() -> None:
    text, problems = mdx_to_markdown("import X from '@site/x';\nexport const meta = {\n  a: 1,\n};\nHello <Highlight color=\"red\">world</Highlight> <Video id=\"1\" />.\n{/* hidden */}\n```jsx\n<Kept />\n```\n")
    assert text == "Hello world .\n\n```jsx\n<Kept />\n```\n"
    assert problems == ["3 MDX component(s) reduced to Markdown (<Highlight> ×1, <Video> ×1, export ×1): check that nothing is missing"]


def test_gitbook_hint_tabs_embed_figure_and_unknown_blocks() -> None:
    source = (
        '{% hint style="danger" %}\nStop\n{% endhint %}\n{% tabs %}\n{% tab title="A" %}\na\n{% endtab %}\n{% endtabs %}\n'
        '{% embed url="https://youtu.be/x" %}\n{% swagger method="get" %}\nkept\n{% endswagger %}\n'
        '<figure><img src="../.gitbook/assets/image%20(2).png" alt=""><figcaption><p>Screen</p></figcaption></figure>\n'
    )
    text, problems = gitbook_blocks(source)
    assert '!!! danger\n\n    Stop\n' in text
    assert '=== "A"\n\n    a\n' in text
    assert "[https://youtu.be/x](https://youtu.be/x)" in text
    assert "![Screen](<../.gitbook/assets/image (2).png>)" in text
    assert "kept" in text and "{%" not in text
    assert problems == ["GitBook block(s) removed, their text kept: {% swagger %} ×1"]


def test_obsidian_callouts_foldable_nested_and_plain_quotes() -> None:
    text, _ = obsidian_callouts("> [!FAQ]- Why?\n> Because.\n> > [!tip]\n> > nested\n\n> a plain quote\n")
    assert text.startswith('??? question "Why?"\n\n    Because.\n\n    !!! tip\n\n        nested')
    assert text.endswith("> a plain quote\n")


def test_link_rewriting_skips_code_and_keeps_titles() -> None:
    seen: list[str] = []

    def link(target: str) -> str | None:
        seen.append(target)
        return "new.md" if target == "old.md" else None

    text = rewrite_markdown(
        '[a](old.md "Title") `[b](old.md)`\n```\n[c](old.md)\n```\n[d](<with space.md>)\n[ref]: old.md\n<a href="old.md">e</a>\n[f](page_(v2).md)',
        rewrite_link=link,
        rewrite_image=lambda t: None,
    ).markdown
    assert text.split("\n")[0] == '[a](new.md "Title") `[b](old.md)`'
    assert "[c](old.md)" in text and "[d](with%20space.md)" in text
    assert "[ref]: new.md" in text and '<a href="new.md">e</a>' in text
    assert seen == ["old.md", "with space.md", "old.md", "old.md", "page_(v2).md"]


def test_syntax_shown_as_code_is_left_as_it_is() -> None:
    page = "Write `{% hint style=\"info\" %}` or `<Tabs>` or `<YouTube />` or `<script>`.\n"
    assert gitbook_blocks(page) == (page, [])
    assert jsx_tabs(page) == (page, [])
    assert mdx_to_markdown(page) == (page, [])


def test_fenced_code_moves_into_the_tab_with_its_indent() -> None:
    text, _ = jsx_tabs('<Tabs>\n<TabItem value="py">\n\n```python\nprint("<Tabs>")\n```\n\n</TabItem>\n</Tabs>\n')
    assert text == '=== "py"\n\n    ```python\n    print("<Tabs>")\n    ```\n\n'


def test_docusaurus_directive_title_attribute() -> None:
    text, _ = docusaurus_admonitions(':::warning{title="Before you start"}\nBack up first.\n:::\n')
    assert text.startswith('!!! warning "Before you start"\n\n    Back up first.')


def test_code_inside_an_obsidian_callout_comes_back_as_written() -> None:
    note = "> [!tip] Build\n> Run `kb build` then `kb serve`\n> ```\n> > [!note] shown, not a callout\n> ```\n\nAfter `x`."
    converted, _ = obsidian_callouts(note)
    assert converted == (
        '!!! tip "Build"\n\n    Run `kb build` then `kb serve`\n    ```\n    > [!note] shown, not a callout\n    ```\n\n\nAfter `x`.'
    )
