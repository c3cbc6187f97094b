"""Slack-shaped unfurl attachments and how they merge into a message's attachments.

A card Parley made: `{"id", "from_url", "original_url", "fallback", "title", "title_link",
"text", "image_url", "service_name", "service_icon"}` (empty fields left out, as Slack
does). An app's card (`chat.unfurl`) is the app's attachment plus `"is_app_unfurl": true`,
`"app_unfurl_url"` and `"app_id"`; it replaces Parley's card for that URL and is never
replaced by one. Attachments the author posted (no `from_url`) are kept untouched.
"""

from __future__ import annotations

from typing import Any

from parley.features.unfurl.fetch import Preview


def mrkdwn_escape(text: str) -> str:
    """Page text shown literally: no `<!channel>` or `<@U…>` can come from a web page (the
    card's `text` is mrkdwn; `title` and the rest are plain text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def card_for(preview: Preview) -> dict[str, Any]:
    title, site = preview.title, preview.service_name
    card: dict[str, Any] = {
        "from_url": preview.url,
        "original_url": preview.url,
        "fallback": f"{site}: {title}" if site and title else (title or site or preview.url),
        "title": title,
        "title_link": preview.url,
        "text": mrkdwn_escape(preview.text),
        "image_url": preview.image_url,
        "service_name": site,
        "service_icon": preview.service_icon,
    }
    return {key: value for key, value in card.items() if value}


def is_card(attachment: dict[str, Any]) -> bool:
    """An unfurl (Parley's or an app's), as opposed to an attachment the author posted."""
    return isinstance(attachment.get("original_url") or attachment.get("app_unfurl_url"), str)


def card_url(attachment: dict[str, Any]) -> str:
    return str(attachment.get("app_unfurl_url") or attachment.get("original_url") or "")


def _numbered(attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slack numbers a message's attachments 1, 2, …; unfurl cards carry that `id`."""
    out: list[dict[str, Any]] = []
    for index, attachment in enumerate(attachments, start=1):
        out.append({**attachment, "id": index} if is_card(attachment) else attachment)
    return out


def merge_parley_cards(
    current: list[dict[str, Any]] | None, links: list[str], cards: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The message's attachments with Parley's cards for `links` (in link order): cards for
    links no longer in the message go; an app's card for a URL wins over Parley's."""
    kept = [a for a in current or [] if not is_card(a)]
    by_url = {card_url(a): a for a in current or [] if is_card(a) and card_url(a) in links}
    unfurls: list[dict[str, Any]] = []
    for url in links:
        existing = by_url.get(url)
        if existing is not None and existing.get("is_app_unfurl"):
            unfurls.append(existing)
        elif url in cards:
            unfurls.append(cards[url])
        elif existing is not None:
            unfurls.append(existing)
    return _numbered(kept + unfurls)


def merge_app_cards(
    current: list[dict[str, Any]] | None,
    links: list[str],
    app_cards: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The message's attachments with an app's cards replacing whatever unfurled those URLs
    (calling again with the same URL modifies that card, as in Slack)."""
    kept = [a for a in current or [] if not is_card(a)]
    cards = {card_url(a): a for a in current or [] if is_card(a)}
    cards.update(app_cards)
    ordered = [cards[url] for url in links if url in cards]
    return _numbered(kept + ordered)
