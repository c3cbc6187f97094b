"""Slack mrkdwn, Block Kit and legacy attachments → sanitised HTML for the web client.

Everything from the user is escaped as it is emitted, and the result goes through nh3 with
an explicit allow-list anyway, so no user input reaches a browser as live markup: no
scripts, no event handlers, no style attributes, links only to http/https/mailto (opened in
a new tab with rel="noopener noreferrer nofollow"), images only from http/https.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import nh3

# --- the sanitiser --------------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "button",
        "code",
        "del",
        "div",
        "em",
        "h3",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "span",
        "strong",
        "ul",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "class"},
    "span": {"class", "data-user-id", "data-channel-id", "data-usergroup-id", "data-emoji"},
    "div": {"class", "data-block-id", "data-color"},
    "button": {"class", "data-action-id", "data-block-id", "data-value", "data-url"},
    "ul": {"class"},
    "ol": {"class"},
    "p": {"class"},
    "pre": {"class"},
    "blockquote": {"class"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = ("http://", "https://")
LINK_REL = "noopener noreferrer nofollow"
# Tags whose content is dropped with them (not just unwrapped) if they ever appear.
DROP_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "svg", "math", "template"}
)
# Unicode direction overrides and isolates can disguise text (e.g. a link's visible label).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Extra rules nh3's global lists cannot express: images load only over http(s)."""
    if tag == "img" and attribute == "src":
        return value if value.lower().startswith(IMAGE_SCHEMES) else None
    if attribute == "data-url":
        return value if value.lower().startswith(IMAGE_SCHEMES) else None
    return value


def sanitize(fragment: str) -> str:
    """Clean an HTML fragment with Parley's allow-list (idempotent)."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        link_rel=LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}, "button": {"type": "button"}},
        url_schemes=set(LINK_SCHEMES),
        strip_comments=True,
    )


# --- helpers --------------------------------------------------------------------------------


@dataclass
class RenderContext:
    """Names to show for mentioned users, channels and user groups (ids map to names)."""

    user_names: dict[str, str] = field(default_factory=dict)
    channel_names: dict[str, str] = field(default_factory=dict)
    subteam_handles: dict[str, str] = field(default_factory=dict)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def clean_text(text: str) -> str:
    """Drop NULs (our placeholder marker) and bidi control characters."""
    return BIDI_CONTROLS.sub("", text.replace("\x00", ""))


def unescape_slack(text: str) -> str:
    """Slack escapes exactly three characters in message text: & < >."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def safe_url(url: str, *, image: bool = False) -> str | None:
    """`url` if it uses an allowed scheme (http/https, plus mailto for links), else None."""
    candidate = clean_text(url).strip()
    if any(ch in candidate for ch in "\n\r\t\"'<> `"):
        return None
    lowered = candidate.lower()
    if lowered.startswith(IMAGE_SCHEMES):
        return candidate
    if not image and lowered.startswith("mailto:"):
        return candidate
    return None


def link(url: str, label: str) -> str:
    href = safe_url(url)
    if href is None:
        return esc(label)
    return f'<a href="{esc(href)}">{esc(label)}</a>'


# --- mrkdwn inline --------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_ANGLE = re.compile(r"<([^<>\n]{1,3000})>")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")


class _Inline:
    """Renders one line of mrkdwn; special tokens become placeholders until the end."""

    def __init__(self, context: RenderContext) -> None:
        self.context = context
        self.parts: list[str] = []

    def hold(self, fragment: str) -> str:
        self.parts.append(fragment)
        return f"\x00{len(self.parts) - 1}\x00"

    def render(self, text: str) -> str:
        text = _CODE_SPAN.sub(
            lambda m: self.hold(f"<code>{esc(unescape_slack(m[1]))}</code>"), text
        )
        text = _ANGLE.sub(lambda m: self.hold(self.token(unescape_slack(m[1]))), text)
        text = unescape_slack(text)
        text = _BARE_URL.sub(lambda m: self.hold(link(m[0], m[0])), text)
        text = esc(text)
        text = _BOLD.sub(r"<strong>\1</strong>", text)
        text = _ITALIC.sub(r"<em>\1</em>", text)
        text = _STRIKE.sub(r"<del>\1</del>", text)
        # Placeholders may nest (a link label is plain text, but be safe): resolve repeatedly.
        for _ in range(3):
            if "\x00" not in text:
                break
            text = _PLACEHOLDER.sub(lambda m: self.parts[int(m[1])], text)
        return text.replace("\x00", "")

    def token(self, inner: str) -> str:
        """`<…>` forms: mentions, channel links, special mentions, dates, links."""
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user_id = target[1:]
            name = self.context.user_names.get(user_id) or label or user_id
            return f'<span class="mention" data-user-id="{esc(user_id)}">@{esc(name)}</span>'
        if target.startswith("#"):
            channel_id = target[1:]
            name = self.context.channel_names.get(channel_id) or label or channel_id
            return (
                f'<span class="channel-mention" data-channel-id="{esc(channel_id)}">'
                f"#{esc(name)}</span>"
            )
        if target.startswith("!"):
            return self.special(target[1:], label, self.context)
        if safe_url(target) is not None:
            return link(target, label or target)
        return esc(f"<{inner}>")  # not a Slack form: show it literally

    @staticmethod
    def special(command: str, label: str, context: RenderContext | None = None) -> str:
        name = command.split("^", 1)[0]
        if name in {"here", "channel", "everyone"}:
            return f'<span class="mention mention-special">@{esc(name)}</span>'
        if name == "subteam":
            return _Inline.subteam(command.partition("^")[2], label, context)
        if name == "date":
            return esc(label or command.split("^", 2)[1] if "^" in command else label)
        return esc(label or command)

    @staticmethod
    def subteam(group_id: str, label: str, context: RenderContext | None) -> str:
        """A user group shows as `@handle` (its current one), else its label."""
        handle = context.subteam_handles.get(group_id) if context else None
        shown = f"@{handle}" if handle else (label or "@group")
        return (
            f'<span class="mention mention-group" data-usergroup-id="{esc(group_id)}">'
            f"{esc(shown)}</span>"
        )


def render_inline(text: str, context: RenderContext) -> str:
    return _Inline(context).render(clean_text(text))


# --- mrkdwn blocks (code fences, quotes, lines) ---------------------------------------------

_FENCE = re.compile(r"```(.*?)```", re.DOTALL)
_QUOTE = re.compile(r"^(?:&gt;|>)(?!(?:&gt;|>){2}) ?")
_QUOTE_REST = re.compile(r"^(?:&gt;|>){3} ?")


def _render_lines(lines: list[str], context: RenderContext) -> str:
    """Lines separated by <br>, with `>` lines grouped into blockquotes."""
    out: list[str] = []
    quote: list[str] = []

    def flush_quote() -> None:
        if quote:
            out.append("<blockquote>" + "<br>".join(quote) + "</blockquote>")
            quote.clear()

    plain: list[str] = []

    def flush_plain() -> None:
        if plain:
            out.append("<br>".join(plain))
            plain.clear()

    for index, line in enumerate(lines):
        rest = _QUOTE_REST.match(line)
        if rest:
            flush_plain()
            flush_quote()
            remainder = [line[rest.end() :], *lines[index + 1 :]]
            quote.extend(render_inline(item, context) for item in remainder)
            flush_quote()
            return "".join(out)
        quoted = _QUOTE.match(line)
        if quoted:
            flush_plain()
            quote.append(render_inline(line[quoted.end() :], context))
            continue
        flush_quote()
        plain.append(render_inline(line, context))
    flush_plain()
    flush_quote()
    return "".join(out)


def mrkdwn_to_html(text: str, context: RenderContext) -> str:
    """Slack mrkdwn → HTML (unsanitised; `render_message` sanitises the whole message)."""
    text = clean_text(text)
    pieces: list[str] = []
    position = 0
    for fence in _FENCE.finditer(text):
        before = text[position : fence.start()]
        if before.strip("\n"):
            pieces.append(_render_lines(before.strip("\n").split("\n"), context))
        pieces.append(f"<pre>{esc(unescape_slack(fence[1].strip(chr(10))))}</pre>")
        position = fence.end()
    tail = text[position:]
    if tail.strip("\n"):
        pieces.append(_render_lines(tail.strip("\n").split("\n"), context))
    return "".join(pieces)


def plain_to_html(text: str) -> str:
    return "<br>".join(esc(line) for line in clean_text(text).split("\n"))


# --- Block Kit ------------------------------------------------------------------------------


def _text_object(obj: Any, context: RenderContext) -> str:
    """A composition text object: `plain_text` is escaped, `mrkdwn` is rendered."""
    if isinstance(obj, str):
        return plain_to_html(obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_html(obj["text"], context)
    return plain_to_html(obj["text"])


def _image(url: Any, alt: Any, css: str) -> str:
    src = safe_url(url, image=True) if isinstance(url, str) else None
    if src is None:
        return ""
    return f'<img class="{css}" src="{esc(src)}" alt="{esc(alt if isinstance(alt, str) else "")}">'


def _button(element: dict[str, Any], block_id: str, context: RenderContext) -> str:
    attrs = [
        f'data-action-id="{esc(str(element.get("action_id", "")))}"',
        f'data-block-id="{esc(block_id)}"',
    ]
    if isinstance(element.get("value"), str):
        attrs.append(f'data-value="{esc(element["value"])}"')
    url = safe_url(element["url"]) if isinstance(element.get("url"), str) else None
    if url is not None:
        attrs.append(f'data-url="{esc(url)}"')
    style = element.get("style")
    css = "button" + (f" button-{style}" if style in {"primary", "danger"} else "")
    label = _text_object(element.get("text"), context)
    return f'<button type="button" class="{css}" {" ".join(attrs)}>{label}</button>'


def _accessory(accessory: Any, block_id: str, context: RenderContext) -> str:
    if not isinstance(accessory, dict):
        return ""
    if accessory.get("type") == "image":
        return _image(accessory.get("image_url"), accessory.get("alt_text"), "accessory")
    if accessory.get("type") == "button":
        return _button(accessory, block_id, context)
    return ""


def _section(block: dict[str, Any], block_id: str, context: RenderContext) -> str:
    parts = []
    if block.get("text") is not None:
        parts.append(f'<div class="section-text">{_text_object(block["text"], context)}</div>')
    fields = block.get("fields")
    if isinstance(fields, list) and fields:
        items = "".join(f'<div class="field">{_text_object(f, context)}</div>' for f in fields[:10])
        parts.append(f'<div class="fields">{items}</div>')
    parts.append(_accessory(block.get("accessory"), block_id, context))
    return "".join(parts)


def _context(block: dict[str, Any], context: RenderContext) -> str:
    items = []
    for element in block.get("elements") or []:
        if isinstance(element, dict) and element.get("type") == "image":
            items.append(_image(element.get("image_url"), element.get("alt_text"), "context-img"))
        else:
            items.append(f"<span>{_text_object(element, context)}</span>")
    return "".join(items)


def _actions(block: dict[str, Any], block_id: str, context: RenderContext) -> str:
    buttons = [
        _button(element, block_id, context)
        for element in block.get("elements") or []
        if isinstance(element, dict) and element.get("type") == "button"
    ]
    return "".join(buttons)


_RICH_STYLES = (("code", "code"), ("strike", "del"), ("italic", "em"), ("bold", "strong"))


def _rich_element(element: Any, context: RenderContext) -> str:
    """One element of a rich_text section: text with style, link, user, channel, emoji…"""
    if not isinstance(element, dict):
        return ""
    kind = element.get("type")
    if kind == "text" and isinstance(element.get("text"), str):
        out = plain_to_html(element["text"])
        raw_style = element.get("style")
        style: dict[str, Any] = raw_style if isinstance(raw_style, dict) else {}
        for key, tag in _RICH_STYLES:
            if style.get(key):
                out = f"<{tag}>{out}</{tag}>"
        return out
    if kind == "link" and isinstance(element.get("url"), str):
        text = element.get("text")
        return link(element["url"], text if isinstance(text, str) and text else element["url"])
    if kind == "user" and isinstance(element.get("user_id"), str):
        return _Inline(context).token("@" + element["user_id"])
    if kind == "channel" and isinstance(element.get("channel_id"), str):
        return _Inline(context).token("#" + element["channel_id"])
    if kind == "usergroup" and isinstance(element.get("usergroup_id"), str):
        return _Inline.subteam(element["usergroup_id"], "", context)
    if kind == "broadcast" and isinstance(element.get("range"), str):
        return _Inline.special(element["range"], "")
    if kind == "emoji" and isinstance(element.get("name"), str):
        return f":{esc(element['name'])}:"
    return ""


def _rich_children(elements: Any, context: RenderContext) -> str:
    return "".join(_rich_element(e, context) for e in elements or [] if isinstance(e, dict))


def _rich_text(block: dict[str, Any], context: RenderContext, depth: int = 0) -> str:
    out = []
    for item in block.get("elements") or []:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        inner = _rich_children(item.get("elements"), context)
        if kind == "rich_text_section":
            out.append(f"<p>{inner}</p>")
        elif kind == "rich_text_preformatted":
            out.append(f"<pre>{inner}</pre>")
        elif kind == "rich_text_quote":
            out.append(f"<blockquote>{inner}</blockquote>")
        elif kind == "rich_text_list" and depth < 5:
            tag = "ol" if item.get("style") == "ordered" else "ul"
            entries = "".join(
                f"<li>{_rich_children(child.get('elements'), context)}</li>"
                for child in item.get("elements") or []
                if isinstance(child, dict)
            )
            out.append(f"<{tag}>{entries}</{tag}>")
    return "".join(out)


def _block(block: Any, context: RenderContext) -> str:
    if not isinstance(block, dict):
        return ""
    kind = block.get("type")
    block_id = str(block.get("block_id") or "")
    if kind == "section":
        inner = _section(block, block_id, context)
    elif kind == "context":
        inner = _context(block, context)
    elif kind == "divider":
        return "<hr>"
    elif kind == "header":
        inner = f"<h3>{_text_object(block.get('text'), context)}</h3>"
    elif kind == "image":
        title = _text_object(block.get("title"), context)
        inner = _image(block.get("image_url"), block.get("alt_text"), "block-img")
        inner = (f'<div class="image-title">{title}</div>' if title else "") + inner
    elif kind == "actions":
        inner = _actions(block, block_id, context)
    elif kind == "rich_text":
        inner = _rich_text(block, context)
    elif kind == "markdown" and isinstance(block.get("text"), str):
        inner = mrkdwn_to_html(block["text"], context)
    else:
        return ""
    return (
        f'<div class="block block-{esc(str(kind))}" data-block-id="{esc(block_id)}">{inner}</div>'
    )


def blocks_to_html(blocks: list[Any], context: RenderContext) -> str:
    return "".join(_block(block, context) for block in blocks)


# --- legacy attachments ---------------------------------------------------------------------

_NAMED_COLORS = {"good", "warning", "danger"}
_HEX_COLOR = re.compile(r"^#?[0-9a-fA-F]{3,8}$")


def _attachment_text(attachment: dict[str, Any], key: str, context: RenderContext) -> str:
    value = attachment.get(key)
    if not isinstance(value, str) or not value:
        return ""
    mrkdwn_in = attachment.get("mrkdwn_in")
    use_mrkdwn = key in mrkdwn_in if isinstance(mrkdwn_in, list) else key in {"text", "pretext"}
    return mrkdwn_to_html(value, context) if use_mrkdwn else plain_to_html(value)


def _attachment(attachment: Any, context: RenderContext) -> str:
    if not isinstance(attachment, dict):
        return ""
    color = attachment.get("color")
    color_attr = ""
    if isinstance(color, str) and (color in _NAMED_COLORS or _HEX_COLOR.match(color)):
        color_attr = f' data-color="{esc(color)}"'
    parts: list[str] = []
    pretext = _attachment_text(attachment, "pretext", context)
    if pretext:
        parts.append(f'<div class="attachment-pretext">{pretext}</div>')
    body: list[str] = []
    author = attachment.get("author_name")
    if isinstance(author, str) and author:
        author_link = attachment.get("author_link")
        label = link(author_link, author) if isinstance(author_link, str) else esc(author)
        body.append(f'<div class="attachment-author">{label}</div>')
    title = attachment.get("title")
    if isinstance(title, str) and title:
        title_link = attachment.get("title_link")
        label = link(title_link, title) if isinstance(title_link, str) else esc(title)
        body.append(f'<div class="attachment-title">{label}</div>')
    text = _attachment_text(attachment, "text", context)
    if text:
        body.append(f'<div class="attachment-text">{text}</div>')
    body.append(_attachment_fields(attachment.get("fields"), attachment, context))
    body.append(_image(attachment.get("image_url"), attachment.get("fallback"), "attachment-img"))
    body.append(_image(attachment.get("thumb_url"), "", "attachment-thumb"))
    if isinstance(attachment.get("blocks"), list):
        body.append(blocks_to_html(attachment["blocks"], context))
    footer = attachment.get("footer")
    if isinstance(footer, str) and footer:
        body.append(f'<div class="attachment-footer">{plain_to_html(footer)}</div>')
    parts.append(f'<div class="attachment-body">{"".join(body)}</div>')
    return f'<div class="attachment"{color_attr}>{"".join(parts)}</div>'


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _attachment_fields(fields: Any, attachment: dict[str, Any], context: RenderContext) -> str:
    if not isinstance(fields, list) or not fields:
        return ""
    mrkdwn_in = attachment.get("mrkdwn_in")
    values_mrkdwn = isinstance(mrkdwn_in, list) and "fields" in mrkdwn_in
    items = []
    for item in fields[:50]:
        if not isinstance(item, dict):
            continue
        title = _str(item.get("title"))
        value = _str(item.get("value"))
        shown = mrkdwn_to_html(value, context) if values_mrkdwn else plain_to_html(value)
        css = "field field-short" if item.get("short") else "field"
        items.append(
            f'<div class="{css}"><div class="field-title">{esc(title)}</div>'
            f'<div class="field-value">{shown}</div></div>'
        )
    return f'<div class="fields">{"".join(items)}</div>'


# --- attachments as structured parts (what the web client draws cards from) -----------------


def render_attachment_parts(attachment: Any, context: RenderContext) -> dict[str, Any]:
    """One attachment's text parts, each sanitised HTML on its own.

    `{pretext_html, text_html, fields: [{title, value_html, short}], footer_html,
    blocks_html}`; a part the attachment lacks is "" (fields: []). Titles, authors, links
    and images are not here: clients draw them from the attachment's own fields (and
    check their URLs).
    """
    if not isinstance(attachment, dict):
        return {
            "pretext_html": "",
            "text_html": "",
            "fields": [],
            "footer_html": "",
            "blocks_html": "",
        }
    fields: list[dict[str, Any]] = []
    raw_fields = attachment.get("fields")
    if isinstance(raw_fields, list):
        mrkdwn_in = attachment.get("mrkdwn_in")
        values_mrkdwn = isinstance(mrkdwn_in, list) and "fields" in mrkdwn_in
        for item in raw_fields[:50]:
            if not isinstance(item, dict):
                continue
            value = _str(item.get("value"))
            shown = mrkdwn_to_html(value, context) if values_mrkdwn else plain_to_html(value)
            fields.append(
                {
                    "title": clean_text(_str(item.get("title"))),
                    "value_html": sanitize(shown),
                    "short": bool(item.get("short")),
                }
            )
    footer = attachment.get("footer")
    blocks = attachment.get("blocks")
    return {
        "pretext_html": sanitize(_attachment_text(attachment, "pretext", context)),
        "text_html": sanitize(_attachment_text(attachment, "text", context)),
        "fields": fields,
        "footer_html": sanitize(plain_to_html(footer)) if isinstance(footer, str) else "",
        "blocks_html": sanitize(blocks_to_html(blocks, context))
        if isinstance(blocks, list)
        else "",
    }


def render_attachments(attachments: list[Any] | None, context: RenderContext) -> list[Any] | None:
    """`render_attachment_parts` for each attachment (same order), or None without any."""
    if not attachments:
        return None
    return [render_attachment_parts(a, context) for a in attachments]


def legacy_body_html(html: str) -> str:
    """The body of HTML stored before migration 0009, which appended the attachments'
    blocks (always top-level `<div class="attachment"…>`, a class no body part uses)."""
    cut = html.find('<div class="attachment"')
    return html if cut < 0 else html[:cut]


# --- the whole message ----------------------------------------------------------------------


def render_message(
    text: str,
    blocks: list[Any] | None,
    attachments: list[Any] | None,
    context: RenderContext | None = None,
    *,
    mrkdwn: bool = True,
) -> str:
    """Sanitised HTML for a message. Blocks, when present, are what clients show (Slack's
    rule: `text` is then the notification fallback); attachments follow the body.

    Messages store the body alone (`attachments=None`) and their attachments as parts
    (`render_attachments`); the appended form stays for callers that want one document."""
    context = context or RenderContext()
    if blocks:
        body = blocks_to_html(blocks, context)
    elif mrkdwn:
        body = mrkdwn_to_html(text or "", context)
    else:
        body = plain_to_html(text or "")
    if attachments:
        body += "".join(_attachment(a, context) for a in attachments)
    return sanitize(body)
