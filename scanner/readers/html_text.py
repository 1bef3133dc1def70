"""Plain text of HTML message bodies (Teams, e-mail-like exports), as a reader sees it,
and the link targets a body hides behind their labels."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {
        *("p", "div", "blockquote", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "thead"),
        *("tbody", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section"),
        *("article", "header", "footer", "aside", "nav", "main", "figure", "figcaption"),
        *("address", "details", "summary", "form", "fieldset", "center"),
    }
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template"})
_CELL_TAGS = frozenset({"td", "th"})
_ALT_TAGS = frozenset({"img", "emoji", "area"})
_WS = re.compile(r"([ \t\n\r\f\u00a0]+)")
# A body that is plain text, or one <p> of it, converts without the parser (same result).
_SIMPLE_HTML = re.compile(r"(?:<p>)?([^<>&]*)(?:</p>)?")


class _HtmlText(HTMLParser):
    """Plain text of an HTML fragment, as a reader would see it (see ``html_to_text``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.line_has_text = False  # something other than white space on the current line
        self.space = False  # a collapsible space is pending before the next text
        self.pre = 0
        self.skip = 0
        self.pre_start = False

    def _emit(self, text: str) -> None:
        if self.space and self.line_has_text:
            self.out.append(" ")
        self.space = False
        self.out.append(text)
        self.line_has_text = True

    def _break(self, force: bool = False) -> None:
        if force or self.line_has_text:
            self.out.append("\n")
        self.line_has_text = False
        self.space = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "br":
            self._break(force=True)
        elif tag == "pre":
            self._break()
            self.pre += 1
            self.pre_start = True
        elif tag in _BLOCK_TAGS:
            self._break()
        elif tag in _CELL_TAGS:
            self.space = True
        elif tag in _ALT_TAGS and not self.skip:
            alt = next((v for k, v in attrs if k == "alt" and v), "")
            if alt:
                self.handle_data(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            return
        self.handle_starttag(tag, attrs)
        if tag not in _ALT_TAGS and tag != "br":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._break()
        elif tag in _BLOCK_TAGS:
            self._break()
        elif tag in _CELL_TAGS:
            self.space = True

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.pre:
            if self.pre_start and data.startswith("\n"):
                data = data[1:]  # HTML drops the newline right after <pre>
            self.pre_start = False
            if data:
                self._emit(data.replace("\u00a0", " "))
                self.line_has_text = not data.endswith("\n")
            return
        for piece in _WS.split(data):
            if not piece:
                continue
            if _WS.fullmatch(piece):
                self.space = True
            else:
                self._emit(piece)


def html_to_text(content: str) -> str:
    """The plain text of a Teams HTML body; offsets of findings refer to this text.

    Block elements (``p``, ``div``, ``li``, ``blockquote``, ``pre`` …) and ``<br>`` break
    lines; elsewhere white space (``&nbsp;`` included) collapses to one space, as a browser
    shows it; entities are unescaped; ``<img>`` and Teams' ``<emoji>`` give their ``alt``
    text; ``<at>`` mentions, links and other inline tags keep their text; ``<pre>`` content
    is kept verbatim. Leading and trailing line breaks are dropped.
    """
    simple = _SIMPLE_HTML.fullmatch(content)
    if simple is not None:  # most bodies: one paragraph of text, nothing to parse
        return " ".join(p for p in _WS.split(simple.group(1)) if p and not _WS.fullmatch(p))
    parser = _HtmlText()
    try:
        parser.feed(content)
        parser.close()
        text = "".join(parser.out)
    except Exception:  # html.parser can assert on malformed markup; fall back to tag stripping
        text = html.unescape(re.sub(r"<[^>]*>", " ", content))
    return text.strip("\n")


_HREF = re.compile(r"""(?i)<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def html_links(content: str) -> list[str]:
    """The ``href`` of each link in an HTML fragment, entities unescaped, in order."""
    return [html.unescape(next(g for g in m.groups() if g is not None)) for m in _HREF.finditer(content)]
