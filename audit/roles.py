"""The role of each extracted block on its page: prose or page furniture.

A caption, a byline, a standfirst, a list entry or a widget message goes without a
full stop by design, in every language; the page's HTML says which a line is far
more reliably than its words do. Each block text is traced back to the element it
came from, and that element and its ancestors (up to, not including, the article
body) are read for the tag, the ARIA role and the class and id tokens that HTML
conventions give such lines. ``None`` means the block could not be traced (plain
text input, text Trafilatura rewrote); callers treat it as prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

Role = str

#: Elements whose text never reaches a reader.
_HIDDEN = frozenset({"script", "style", "noscript", "template"})
#: Indexed texts longer than this are body containers, never one block.
_MAX_KEY_CHARS = 4000
#: A block whose exact text is not found is matched on a prefix this long.
_PREFIX_CHARS = 40

_TAG_ROLES: dict[str, Role] = {
    "figcaption": "caption",
    "caption": "caption",
    "li": "list_item",
    "dd": "list_item",
    "dt": "list_item",
    "td": "table",
    "th": "table",
    "aside": "pull_quote",
    "form": "widget",
    "button": "widget",
    "nav": "widget",
    "select": "widget",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
}
_ARIA_ROLES: dict[str, Role] = {
    "alert": "widget",
    "status": "widget",
    "dialog": "widget",
    "alertdialog": "widget",
    "navigation": "widget",
}
#: Class and id tokens, in the order they are tried (a "caption-credit" is a caption).
_TOKEN_ROLES: tuple[tuple[Role, frozenset[str]], ...] = (
    ("caption", frozenset({"caption", "figcaption", "captiontext"})),
    ("credit", frozenset({"credit", "byline", "author", "reporter", "contributor", "dateline"})),
    ("pull_quote", frozenset({"pullquote", "blockquote"})),
    (
        "standfirst",
        frozenset({"lead", "standfirst", "summary", "dek", "excerpt", "subtitle", "subheadline", "deck"}),
    ),
    (
        "widget",
        frozenset(
            {
                "share",
                "sharing",
                "social",
                "newsletter",
                "subscribe",
                "subscription",
                "related",
                "comment",
                "error",
                "notice",
                "alert",
                "modal",
                "popup",
                "widget",
                "promo",
                "toast",
                "recommended",
                "recommendation",
                "overlay",
                "scrim",
                "bio",
            }
        ),
    ),
)
#: Embedded posts (a tweet, an Instagram or TikTok post): another author's words,
#: punctuated by their own habits, quoted whole.
_EMBED_TOKENS = frozenset(
    {"tweet", "twittertweet", "instagram", "instagrammedia", "tiktok", "embed", "oembed"}
)
#: Whole class names (not tokens: "hide-on-mobile" is visible on a desktop) that hide an element.
_HIDDEN_CLASSES = frozenset({"hide", "hidden", "is-hidden", "d-none", "u-hidden"})
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: Inline wrappers that, holding a whole paragraph, set it apart as a note or credit.
_ASIDE_INLINE = frozenset({"em", "i", "small"})
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def _key(text: str) -> str:
    """Compare texts without whitespace: ``<br>`` and indentation differ between
    Trafilatura's output and the page's own text."""
    return "".join(text.split())


#: Roles of running text; ``None`` (a block that could not be traced) counts as prose.
_PROSE_ROLES = frozenset({None, "prose", "pull_quote"})


def reads_as_prose(role: Role | None) -> bool:
    """The page does not mark the line as furniture (a caption, credit, standfirst, list
    entry, table cell, widget, embedded post, a line that is or ends on a link); an
    untraced block counts as prose. A pull quote is prose too: it repeats the story's
    own sentences (AQ501 judges it only as an excerpt left open)."""
    return role in _PROSE_ROLES


def class_tokens(value: str) -> set[str]:
    """ "article-caption" -> {article, caption}; "articleCaption" likewise. Plurals
    fold to the singular, and adjacent words are also joined ("pull-quote" ->
    "pullquote") so either spelling of a compound matches."""
    parts = [w.lower() for w in _WORD.findall(value)]
    parts = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in parts]
    return set(parts) | {a + b for a, b in zip(parts, parts[1:], strict=False)}


def _element_tokens(node: etree._Element) -> set[str]:
    return class_tokens(f"{node.get('class') or ''} {node.get('id') or ''}")


def _hidden(node: etree._Element) -> bool:
    """The page hides the element: no reader sees it unless a script shows it (a
    "sent to a friend" confirmation, a modal's message)."""
    if node.get("hidden") is not None or (node.get("aria-hidden") or "").strip().lower() == "true":
        return True
    if _DISPLAY_NONE.search(node.get("style") or ""):
        return True
    return bool(_HIDDEN_CLASSES.intersection((node.get("class") or "").split()))


def _own_role(node: etree._Element) -> Role | None:
    """The role one element declares by its tag, ARIA role or class and id, or by
    being hidden from the reader."""
    tag = node.tag if isinstance(node.tag, str) else ""
    aria = (node.get("role") or "").strip().lower()
    if aria in _ARIA_ROLES:
        return _ARIA_ROLES[aria]
    if _hidden(node):
        return "widget"
    tokens = _element_tokens(node)
    if tokens & _EMBED_TOKENS:
        return "embed"
    if tag == "blockquote":
        return "pull_quote" if tokens & {"pullquote", "pull", "aside"} else None
    if tag in _TAG_ROLES:
        return _TAG_ROLES[tag]
    for role, names in _TOKEN_ROLES:
        if tokens & names:
            return role
    return None


class PageIndex:
    """The page's elements by normalised text, built once per page."""

    def __init__(self, tree: etree._Element, texts: Sequence[str] | None = None) -> None:
        """``texts``, when given, are the only texts :meth:`find` will be asked
        about: only elements whose text (or prefix) one of them could match are
        indexed, which skips the ancestor walk for most of the page's elements."""
        self.lengths: dict[etree._Element, int] = {}
        self.keys: dict[etree._Element, str] = {}
        self.exact: dict[str, etree._Element] = {}
        self.prefix: dict[str, etree._Element] = {}
        self._measure(tree)
        wanted_exact: set[str] | None = None
        wanted_prefix: set[str] | None = None
        if texts is not None:
            wanted_exact = {_key(t) for t in texts}
            wanted_prefix = {k[:_PREFIX_CHARS] for k in wanted_exact if len(k) >= _PREFIX_CHARS}
        for node in tree.iter():
            key = self.keys.get(node)
            if key:
                if wanted_exact is None or key in wanted_exact:
                    _keep_deepest(self.exact, key, node)
                if len(key) >= _PREFIX_CHARS and (
                    wanted_prefix is None or key[:_PREFIX_CHARS] in wanted_prefix
                ):
                    _keep_deepest(self.prefix, key[:_PREFIX_CHARS], node)

    def _measure(self, tree: etree._Element) -> None:
        """Every element's whitespace-free text, children before parents. The
        per-element work is written out inline (no helper calls, locals bound
        once): it runs for every element of every page."""
        lengths, keys = self.lengths, self.keys
        join = "".join
        for node in reversed(list(tree.iter())):
            if not isinstance(node.tag, str) or node.tag in _HIDDEN:
                lengths[node] = 0
                continue
            text = node.text
            parts: list[str] | None = [join(text.split())] if text else []
            for child in node:
                child_key = keys.get(child)
                if child_key is not None:
                    parts.append(child_key)
                elif lengths.get(child):
                    parts = None
                    break
                tail = child.tail
                if tail:
                    parts.append(join(tail.split()))
            if parts is None:  # a child too long to keep: only the length is needed
                lengths[node] = sum(lengths.get(c, 0) + len(_key(c.tail or "")) for c in node)
                lengths[node] += len(_key(node.text or ""))
                continue
            key = join(parts)
            lengths[node] = len(key)
            if len(key) <= _MAX_KEY_CHARS:
                keys[node] = key

    def find(self, text: str) -> etree._Element | None:
        key = _key(text)
        if not key:
            return None
        found = self.exact.get(key)
        if found is None and len(key) >= _PREFIX_CHARS:
            found = self.prefix.get(key[:_PREFIX_CHARS])
        return found


def _keep_deepest(index: dict[str, etree._Element], key: str, node: etree._Element) -> None:
    """The first element with this text, or the innermost of nested ones sharing it
    (a ``<p>`` inside its ``<figcaption>``); a later copy elsewhere does not replace it."""
    stored = index.get(key)
    if stored is None or any(a is stored for a in node.iterancestors()):
        index[key] = node


def _wholly_inline(node: etree._Element, index: PageIndex) -> bool:
    """A paragraph set entirely in ``<em>``/``<i>``/``<small>``: an editor's note or credit."""
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in _ASIDE_INLINE:
        return True
    children = [c for c in node if isinstance(c.tag, str)]
    return (
        len(children) == 1
        and children[0].tag in _ASIDE_INLINE
        and index.keys.get(children[0]) == index.keys.get(node)
    )


def _wholly_linked(node: etree._Element, index: PageIndex) -> bool:
    """The whole line is one link: a teaser or a related headline, which names
    another page rather than saying something itself."""
    if node.tag == "a" and node.get("href") is not None:
        return True
    children = [c for c in node if isinstance(c.tag, str)]
    return (
        len(children) == 1
        and children[0].tag == "a"
        and children[0].get("href") is not None
        and index.keys.get(children[0]) == index.keys.get(node)
    )


def _ends_on_link(node: etree._Element, index: PageIndex) -> bool:
    """The element's last visible text is a link's text ("... Read our Privacy Policy",
    "... haga clic aquí", "More about Charlie Savage"): the line points to another
    page, and a link's label goes without a full stop by design. Walks in from the
    end: the last child's tail, else into the last visible child that holds text
    (a hidden one is skipped; its tail is still read)."""
    current = node
    while True:
        for child in reversed(current):
            if (child.tail or "").strip():
                return _within_link(current, node)
            if isinstance(child.tag, str) and index.lengths.get(child, 0) > 0 and not _hidden(child):
                current = child
                break
        else:
            return bool((current.text or "").strip()) and _within_link(current, node)


#: Links that stay on the page (a footnote mark, an anchor, a script): no other page.
_IN_PAGE_HREF = re.compile(r"\s*(?:#|javascript:)", re.I)


def _within_link(element: etree._Element, top: etree._Element) -> bool:
    """``element`` or an ancestor of it, up to ``top``, links to another page."""
    current: etree._Element | None = element
    while current is not None:
        href = current.get("href") if current.tag == "a" else None
        if href is not None and not _IN_PAGE_HREF.match(href):
            return True
        if current is top:
            return False
        current = current.getparent()
    return False


#: A block ending on one of these closes its sentence, link or not.
_CLOSING_MARKS = frozenset(".!?…。”\"'»)]")


def _signpost(node: etree._Element, index: PageIndex, text: str) -> bool:
    """The block is the whole element (not a prefix match), is left unpunctuated
    and ends on a link to another page."""
    stripped = text.rstrip()
    return (
        bool(stripped)
        and stripped[-1] not in _CLOSING_MARKS
        and index.keys.get(node) == _key(text)
        and _ends_on_link(node, index)
    )


def role_of(node: etree._Element, index: PageIndex, body_chars: int) -> Role:
    """The nearest role declared by the element or an ancestor below the article
    body (the first ancestor holding at least half the article's text)."""
    if _wholly_inline(node, index):
        return "credit"
    current: etree._Element | None = node
    while current is not None and isinstance(current.tag, str) and current.tag not in ("body", "html"):
        held = index.lengths.get(current, 0)
        if held * 2 >= body_chars and held > index.lengths.get(node, 0):
            break
        if _wholly_linked(current, index):
            return "link"
        role = _own_role(current)
        if role is not None:
            return role
        current = current.getparent()
    return "prose"


def block_roles(tree: etree._Element | None, texts: Sequence[str]) -> list[Role | None]:
    """For each extracted block text, its role on the page ("prose", "caption",
    "credit", "standfirst", "list_item", "pull_quote", "table", "widget",
    "embed", "link", "signpost" (prose that ends on a link), "heading"), or ``None`` where the block cannot be traced to an element."""
    if tree is None or not texts:
        return [None] * len(texts)
    index = PageIndex(tree, texts)
    body_chars = sum(len(_key(t)) for t in texts)
    out: list[Role | None] = []
    for text in texts:
        node = index.find(text)
        role = None if node is None else role_of(node, index, body_chars)
        if role == "prose" and _signpost(node, index, text):  # type: ignore[arg-type]
            role = "signpost"
        out.append(role)
    return _furniture_is_a_minority(out, texts, body_chars)


def _furniture_is_a_minority(
    roles: list[Role | None], texts: Sequence[str], body_chars: int
) -> list[Role | None]:
    """A role that covers half the article's text is the site's markup for its
    body (a gallery whose every paragraph sits in a "list-deck", a page set in
    italics), not furniture: those blocks are prose."""
    held: dict[Role, int] = {}
    for role, text in zip(roles, texts, strict=True):
        if role is not None:
            held[role] = held.get(role, 0) + len(_key(text))
    body_like = {role for role, chars in held.items() if role != "prose" and chars * 2 >= body_chars}
    return ["prose" if role in body_like else role for role in roles]
