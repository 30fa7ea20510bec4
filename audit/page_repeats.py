"""Put back the copies of a repeated paragraph that Trafilatura dropped.

Trafilatura 2.x deletes an element that repeats the one just before it, even with
``deduplicate=False``: exactly the defect ``duplicate_paragraph`` (AQ201) looks for.
This module finds such runs in the parsed page and restores the missing copies in
the extracted blocks.
"""

from __future__ import annotations

from lxml import etree

#: Page elements that become one block each; a run of identical ones is a pasted repeat.
_REPEAT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li")
#: Trafilatura drops an element repeating the one before it when its text is longer
#: than this (``settings.MIN_DUPLICATE_LENGTH``); shorter repeats survive on their own.
MIN_REPEAT_CHARS = 50


def _key(text: str) -> str:
    """Compare texts without whitespace: ``<br>`` becomes a space in Trafilatura's
    output but nothing in ``text_content()``."""
    return "".join(text.split())


def _signature(
    node: etree._Element, parent: etree._Element | None
) -> tuple[str, str, str | None, str | None]:
    return (
        node.tag,
        node.get("class") or "",
        parent.tag if parent is not None else None,
        (parent.get("class") or "") if parent is not None else None,
    )


def _page_repeats(tree: etree._Element) -> dict[str, int]:
    """Runs of identical, consecutive blocks on the page: ``{key: copies}``, for texts
    of at least :data:`MIN_REPEAT_CHARS` that form exactly one run. Consecutive means
    no other block element in between (in document order, skipping the first one's
    own descendants); both copies must also have the same tag, class and wrapper,
    so a responsive desktop/mobile pair with different wrappers is not counted. A run
    of mostly link text is recorded with 0 copies (never restored).

    It runs on every page, so the cheap tests come first: a text is read only for
    neighbours of the same kind, and ancestors are searched only for non-siblings."""
    nodes = list(tree.iter(*_REPEAT_TAGS))
    parents = [node.getparent() for node in nodes]
    signatures = [_signature(node, parent) for node, parent in zip(nodes, parents, strict=True)]
    keys: list[str | None] = [None] * len(nodes)

    def key_at(i: int) -> str:
        if keys[i] is None:
            keys[i] = _key(nodes[i].text_content())
        return keys[i]  # type: ignore[return-value]

    def inside(k: int, j: int) -> bool:
        """Whether block ``k``, which follows block ``j``, is one of its descendants."""
        return parents[k] is not parents[j] and (
            parents[k] is nodes[j] or nodes[j] in nodes[k].iterancestors(*_REPEAT_TAGS)
        )

    runs: dict[str, list[int]] = {}
    i = 0
    while i < len(nodes):
        copies, j = 1, i
        while True:
            # the next block that is not inside the current copy
            k = j + 1
            while k < len(nodes) and inside(k, j):
                k += 1
            if k >= len(nodes) or signatures[k] != signatures[i]:
                break
            if len(key_at(i)) < MIN_REPEAT_CHARS or key_at(k) != key_at(i):
                break
            copies, j = copies + 1, k
        if copies > 1:
            # a line that is mostly link text is a citation or a teaser, not prose
            linked = sum(len(_key(a.text_content())) for a in nodes[i].iter("a"))
            runs.setdefault(key_at(i), []).append(copies if linked * 2 < len(key_at(i)) else 0)
            i = j + 1
        else:
            i += 1
    return {key: lengths[0] for key, lengths in runs.items() if len(lengths) == 1 and lengths[0] > 1}


def restore_repeats(
    tree: etree._Element | None, raw: list[tuple[str, str, int | None]]
) -> list[tuple[str, str, int | None]]:
    """Put back the copies of a block pasted twice in a row that Trafilatura dropped.

    Trafilatura 2.x deletes an element repeating the previous one even with
    ``deduplicate=False``, which hides exactly the defect AQ201 looks for. A copy is
    put back, right after its twin and of the same kind, only when the page has one
    run of identical consecutive blocks and the extraction kept exactly one of them,
    not at the edges of the body and not a line of mostly link text."""
    if tree is None or not raw:
        return raw
    repeats = _page_repeats(tree)
    if not repeats:
        return raw
    found: dict[str, list[int]] = {}
    for index, (_, text, _) in enumerate(raw):
        key = _key(text)
        if key in repeats:
            found.setdefault(key, []).append(index)
    # The first and last blocks of the body are left alone: a repeat there is most
    # often the template's (an excerpt printed above a body that opens with the same
    # lead, a closing line added after the editor's own), not a pasted paragraph.
    body = [index for index, (kind, _, _) in enumerate(raw) if kind != "heading"]
    edges = {body[0], body[-1]} if body else set()
    extra = {at[0]: repeats[key] - 1 for key, at in found.items() if len(at) == 1 and at[0] not in edges}
    if not extra:
        return raw
    restored: list[tuple[str, str, int | None]] = []
    for index, block in enumerate(raw):
        restored.append(block)
        restored.extend([block] * extra.get(index, 0))
    return restored


def _insert_before(
    raw: list[tuple[str, str, int | None]], inserts: dict[int, list[tuple[str, str, int | None]]]
) -> list[tuple[str, str, int | None]]:
    """``raw`` with each list of ``inserts`` put right before the block at its index."""
    if not inserts:
        return raw
    restored: list[tuple[str, str, int | None]] = []
    for index, block in enumerate(raw):
        restored.extend(inserts.get(index, []))
        restored.append(block)
    return restored


_PARAGRAPH_TAGS = ("p", "blockquote")


def _linked(node: etree._Element, key: str) -> bool:
    """Mostly link text: a citation or a teaser, not prose."""
    return sum(len(_key(a.text_content())) for a in node.iter("a")) * 2 >= len(key)


def restore_separated_copies(
    tree: etree._Element | None, raw: list[tuple[str, str, int | None]]
) -> list[tuple[str, str, int | None]]:
    """Put back a paragraph repeated further down the same container that the
    extraction kept only once.

    When Trafilatura falls back from its main pass (a body with no container it
    recognises) its paragraph scrape keeps the first copy of a repeated text, so a
    paragraph pasted twice, a few paragraphs apart, reaches the audit once. The page
    itself says where the lost copy stood: it is put back only when both copies are
    paragraphs of the same parent element, the copy's neighbours on the page are both
    in the extraction, each exactly once, and right next to each other there (so only
    the copy between them is missing). A line that is mostly links is left alone."""
    if tree is None or len(raw) < 3:
        return raw
    position: dict[str, list[int]] = {}
    for index, (_, text, _) in enumerate(raw):
        position.setdefault(_key(text), []).append(index)
    inserts: dict[int, list[tuple[str, str, int | None]]] = {}
    # Parents in document order (a set's order would vary between runs).
    for parent in dict.fromkeys(node.getparent() for node in tree.iter(*_PARAGRAPH_TAGS)):
        if parent is None:
            continue
        children = [c for c in parent if isinstance(c.tag, str) and c.tag in _REPEAT_TAGS]
        if len(children) < 4:
            continue
        texts = [_key(c.text_content()) for c in children]
        seen: dict[str, int] = {}
        for i, key in enumerate(texts[:-1]):  # the last child has no next neighbour to place it by
            if len(key) < MIN_REPEAT_CHARS or children[i].tag not in _PARAGRAPH_TAGS:
                continue
            first = seen.setdefault(key, i)
            if first == i or i - first < 2 or len(position.get(key, ())) != 1 or _linked(children[i], key):
                continue  # the first copy, a run of copies (restore_repeats), or not lost once
            before, after = position.get(texts[i - 1], []), position.get(texts[i + 1], [])
            if len(before) == 1 and len(after) == 1 and after[0] == before[0] + 1:
                kind, text, _ = raw[position[key][0]]
                inserts.setdefault(after[0], []).append((kind, text, None))
    return _insert_before(raw, inserts)


_BODY_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def restore_headline_headings(
    tree: etree._Element | None, raw: list[tuple[str, str, int | None]], headlines: list[str]
) -> list[tuple[str, str, int | None]]:
    """Put back body headings that repeat the headline and that the extraction lost.

    Trafilatura keeps an ``<h2>`` in the body, but when it falls back to its other
    extractors (readability, jusText) on a page it could not read, headings are
    dropped: the very copies ``repeated_heading`` (AQ101) looks for. A copy is put
    back only where the page places it: right before the block its next element
    became (found exactly once in the extraction), and only when no heading with the
    same text stands there already."""
    forms = {_key(h).casefold() for h in headlines if h and _key(h)}
    if tree is None or not raw or not forms:
        return raw
    keys = [_key(text) for _, text, _ in raw]
    inserts: dict[int, list[tuple[str, str, int | None]]] = {}
    for node in tree.iter(*_BODY_HEADINGS):
        text = " ".join(node.text_content().split())
        if _key(text).casefold() not in forms:
            continue
        following = node.getnext()
        while following is not None and not _key(
            following.text_content() if isinstance(following.tag, str) else ""
        ):
            following = following.getnext()
        if following is None or not isinstance(following.tag, str):
            continue
        at = [i for i, key in enumerate(keys) if key == _key(following.text_content())]
        if len(at) != 1:
            continue
        before = raw[at[0] - 1] if at[0] > 0 else None
        if before is not None and before[0] == "heading" and _key(before[1]).casefold() in forms:
            continue  # the extraction kept it
        inserts.setdefault(at[0], []).append(("heading", text, int(node.tag[1])))
    return _insert_before(raw, inserts)
