"""The Slack-shaped call object (calls.info, calls.add, the `call` block) and Parley's
huddle details (participants' flags, hands, rings)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parley.features.calls.models import Call, CallParticipant, CallRing


def user_object(participant: CallParticipant) -> dict[str, Any]:
    """Slack's call user: `{slack_id}` for a member, `{external_id, display_name,
    avatar_url}` for someone outside."""
    if participant.user_id is not None:
        return {"slack_id": participant.user_id}
    body: dict[str, Any] = {"external_id": participant.external_id}
    if participant.display_name:
        body["display_name"] = participant.display_name
    if participant.avatar_url:
        body["avatar_url"] = participant.avatar_url
    return body


def call_object(call: Call, present: Sequence[CallParticipant]) -> dict[str, Any]:
    """calls.info's `call`: Slack's fields (those an app set) and the people in it now."""
    body: dict[str, Any] = {"id": call.id, "date_start": call.date_start}
    for name in ("external_unique_id", "join_url", "desktop_app_join_url"):
        if getattr(call, name):
            body[name] = getattr(call, name)
    if call.external_display_id:
        body["external_display_id"] = call.external_display_id
    if call.title:
        body["title"] = call.title
    if call.date_end:
        body["date_end"] = call.date_end
    if call.conversation_id:
        body["channels"] = [call.conversation_id]
    body["users"] = [user_object(p) for p in present]
    return body


def participant_object(participant: CallParticipant) -> dict[str, Any]:
    """One person in a huddle, as Parley's clients draw them."""
    body = user_object(participant)
    body.update(
        {
            "joined": participant.joined_at,
            "feed": participant.feed,
            "muted": participant.muted,
            "camera": participant.camera,
            "screen": participant.screen,
            "hand_raised": participant.hand_raised_at > 0,
            "reconnecting": participant.gone_deadline > 0,
        }
    )
    if participant.hand_raised_at:
        body["hand_raised_at"] = participant.hand_raised_at
    return body


def huddle_object(
    call: Call, present: Sequence[CallParticipant], rings: Sequence[CallRing] = ()
) -> dict[str, Any]:
    """A huddle (or DM call): its state, who is in it, the raised hands in order."""
    hands = sorted((p for p in present if p.hand_raised_at), key=lambda p: p.hand_raised_at)
    body: dict[str, Any] = {
        "id": call.id,
        "kind": call.kind,
        "state": call.state,
        "channel": call.conversation_id,
        "started_by": call.started_by,
        "date_start": call.date_start,
        "participants": [participant_object(p) for p in present],
        "raised_hands": [p.user_id for p in hands if p.user_id],
        "media": call.node_id is not None,
    }
    if call.message_ts:
        body["thread_ts"] = call.message_ts
    if call.state == "ended":
        body["date_end"] = call.date_end
        body["end_reason"] = call.end_reason
    if rings:
        body["rings"] = [{"user": r.user_id, "state": r.state} for r in rings]
    return body
