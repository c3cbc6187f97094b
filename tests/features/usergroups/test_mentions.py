"""How messages read and show user group mentions (pure functions of the messages feature
that the usergroups feature feeds through its hook)."""

from __future__ import annotations

from parley.features.messages.mrkdwn import message_mentions
from parley.features.messages.render import RenderContext, render_message


def test_subteam_mentions_are_found_in_text_and_rich_text() -> None:
    blocks = [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [{"type": "usergroup", "usergroup_id": "S0BLOCK"}],
                }
            ],
        }
    ]
    found = message_mentions("<!subteam^S0TEXT|@eng> and <!subteam^S0TEXT>", blocks)
    assert found.subteams == ["S0TEXT", "S0BLOCK"]
    assert not found.everyone  # a group is not `@here`


def test_a_group_shows_as_its_current_handle() -> None:
    context = RenderContext(subteam_handles={"S0ENG": "builders"})
    html = render_message("<!subteam^S0ENG|@eng> ship it", None, None, context)
    assert '<span class="mention mention-group" data-usergroup-id="S0ENG">@builders</span>' in html
    # Unknown to us (another workspace's, or deleted): its label, or a neutral word.
    assert ">@eng</span>" in render_message("<!subteam^S0GONE|@eng>", None, None, RenderContext())
    assert ">@group</span>" in render_message("<!subteam^S0GONE>", None, None, RenderContext())
    assert "<script" not in render_message("<!subteam^S0X|<script>>", None, None, RenderContext())
