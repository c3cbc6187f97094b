"""Parley's request signatures, checked with Bolt's own verifier (slack_sdk.signature)."""

from __future__ import annotations

import time

from slack_sdk.signature import SignatureVerifier

from parley.features.apps.signing import signature, signed_headers

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BODY = b'{"type":"event_callback","event":{"type":"app_mention","text":"hi"}}'


def test_good_signature_is_accepted() -> None:
    headers = signed_headers(SECRET, BODY, "application/json")
    assert SignatureVerifier(SECRET).is_valid_request(BODY, headers)


def test_tampered_body_is_rejected() -> None:
    headers = signed_headers(SECRET, BODY, "application/json")
    assert not SignatureVerifier(SECRET).is_valid_request(BODY.replace(b"hi", b"ho"), headers)


def test_stale_timestamp_is_rejected() -> None:
    stale = str(int(time.time()) - 301)
    headers = {
        "x-slack-request-timestamp": stale,
        "x-slack-signature": signature(SECRET, stale, BODY),
    }
    assert not SignatureVerifier(SECRET).is_valid_request(BODY, headers)


def test_wrong_secret_is_rejected() -> None:
    headers = signed_headers("another-apps-signing-secret", BODY, "application/json")
    assert not SignatureVerifier(SECRET).is_valid_request(BODY, headers)


def test_signature_matches_slacks_documented_example() -> None:
    # https://api.slack.com/authentication/verifying-requests-from-slack (worked example)
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    assert (
        signature(SECRET, "1531420618", body)
        == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )
