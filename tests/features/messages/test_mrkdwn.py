"""The mention/link parser (pure functions)."""

from __future__ import annotations

from parley.features.messages.mrkdwn import message_mentions, parse_mentions


def test_user_mentions_in_order_without_duplicates() -> None:
    found = parse_mentions("hi <@U111> and <@W222|bob>, again <@U111>")
    assert found.users == ["U111", "W222"]
    assert not found.everyone


def test_channel_and_special_mentions() -> None:
    found = parse_mentions("see <#C123> and <#G456|secret> <!here> <!channel|channel>")
    assert found.channels == ["C123", "G456"]
    assert found.special == {"here", "channel"}
    assert found.everyone


def test_everyone_and_unknown_bang_forms() -> None:
    assert parse_mentions("<!everyone>").special == {"everyone"}
    assert parse_mentions("<!subteam^S123|@team> <!date^1^{date}|x>").special == set()


def test_not_mentions() -> None:
    found = parse_mentions("email a@b.c, @U111 without brackets, <@lowercase>, &lt;@U111&gt;")
    assert found.users == []
    assert found.special == set()


def test_links_bare_and_bracketed() -> None:
    assert parse_mentions("go to https://example.com now").has_link
    assert parse_mentions("<https://example.com|label>").has_link
    assert parse_mentions("<mailto:a@b.c|mail>").has_link
    assert not parse_mentions("no links, just example.com and http:/broken").has_link


def test_mentions_inside_blocks() -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "hey <@U333>"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "<!here>"}]},
        {"type": "section", "text": {"type": "plain_text", "text": "<@U999> is plain"}},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "user", "user_id": "U444"},
                        {"type": "channel", "channel_id": "C555"},
                        {"type": "broadcast", "range": "channel"},
                        {"type": "link", "url": "https://x.test"},
                    ],
                }
            ],
        },
    ]
    found = message_mentions("text <@U111>", blocks)
    assert found.users == ["U111", "U333", "U444"]
    assert found.channels == ["C555"]
    assert found.special == {"here", "channel"}
    assert found.has_link


def test_malformed_blocks_are_ignored() -> None:
    found = message_mentions("", [None, 3, "x", {"type": "user"}, {"type": "mrkdwn", "text": 5}])
    assert found.users == []
