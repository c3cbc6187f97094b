"""The search query parser: pure, so every rule is checked without a database."""

from __future__ import annotations

from datetime import date

import pytest

from parley.features.search.query import Ref, SearchQuery, Term, date_span, parse_query

TODAY = date(2026, 11, 18)  # a Wednesday


def parse(raw: str) -> SearchQuery:
    return parse_query(raw, today=TODAY)


def test_words_phrases_prefixes_and_exclusions() -> None:
    query = parse('deploy "release notes" stag* -flaky -"old build"')
    assert query.terms == (
        Term("deploy"),
        Term("release notes", phrase=True),
        Term("stag", prefix=True),
    )
    assert query.excluded == (Term("flaky"), Term("old build", phrase=True))
    assert query.has_text


def test_smart_quotes_and_unclosed_quotes_make_phrases() -> None:
    assert parse("“hello world”").terms == (Term("hello world", phrase=True),)
    assert parse('"runs to the end').terms == (Term("runs to the end", phrase=True),)


def test_words_with_inner_punctuation_become_phrases_of_their_parts() -> None:
    (term,) = parse("e-mail").terms
    assert term.phrase and term.tokens == ["e", "mail"]


def test_punctuation_alone_is_ignored() -> None:
    assert parse("&& -- !").is_empty
    assert parse("   ").is_empty
    assert not parse("hi").is_empty


def test_in_channel_by_name_and_by_link() -> None:
    query = parse("in:#General in:random in:<#C0123ABCD|ops>")
    assert query.in_channels == (Ref("general"), Ref("random"), Ref("C0123ABCD", is_id=True))
    assert not query.has_text


def test_in_user_means_the_direct_message() -> None:
    query = parse("in:@ann in:<@U0ABC123>")
    assert query.in_dms == (Ref("ann"), Ref("U0ABC123", is_id=True))
    assert query.in_channels == ()


def test_from_and_to_users() -> None:
    query = parse("from:@ann from:<@U0ABC123|bob> from:me to:me")
    assert query.from_users == (Ref("ann"), Ref("U0ABC123", is_id=True), Ref("me"))
    assert query.from_users[2].is_me
    assert query.to_users == (Ref("me"),)


def test_negated_in_and_from() -> None:
    query = parse("report -in:#random -from:@bot")
    assert query.not_in_channels == (Ref("random"),)
    assert query.not_from_users == (Ref("bot"),)
    assert query.terms == (Term("report"),)


def test_modifier_keys_are_case_insensitive() -> None:
    assert parse("IN:#x FROM:me").in_channels == (Ref("x"),)


def test_before_after_on_are_day_bounds() -> None:
    assert parse("before:2026-11-05").until == date(2026, 11, 5)
    after = parse("after:2026-11-05")
    assert after.since == date(2026, 11, 6) and after.until is None
    on = parse("on:2026-02-28")
    assert (on.since, on.until) == (date(2026, 2, 28), date(2026, 3, 1))


def test_named_days_are_relative_to_today() -> None:
    assert parse("on:today").since == TODAY
    assert parse("before:yesterday").until == date(2026, 11, 17)


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("2026-11", (date(2026, 11, 1), date(2026, 12, 1))),
        ("2024-02", (date(2024, 2, 1), date(2024, 3, 1))),
        ("2025", (date(2025, 1, 1), date(2026, 1, 1))),
        ("2026-11-03", (date(2026, 11, 3), date(2026, 11, 4))),
        ("today", (TODAY, date(2026, 11, 19))),
        ("yesterday", (date(2026, 11, 17), TODAY)),
        ("week", (date(2026, 11, 16), date(2026, 11, 23))),
        ("month", (date(2026, 11, 1), date(2026, 12, 1))),
        ("march", (date(2026, 3, 1), date(2026, 4, 1))),
    ],
)
def test_during_periods(value: str, span: tuple[date, date]) -> None:
    query = parse(f"during:{value}")
    assert (query.since, query.until) == span


def test_several_date_filters_intersect() -> None:
    query = parse("after:2026-01-01 before:2026-03-01 during:2026")
    assert (query.since, query.until) == (date(2026, 1, 2), date(2026, 3, 1))


@pytest.mark.parametrize("raw", ["before:someday", "on:2026-13-01", "during:2026-00", "on:2026-11"])
def test_invalid_dates_stay_as_words(raw: str) -> None:
    query = parse(raw)
    assert query.since is None and query.until is None
    assert query.terms and query.terms[0].text == raw


def test_date_span_refuses_periods_outside_during() -> None:
    assert date_span("2026-11", TODAY, whole_period=False) is None
    assert date_span("9999-12-31", TODAY, whole_period=False) is None


def test_has_and_is_flags() -> None:
    query = parse("has:link has:reaction has:pin has::thumbsup: is:thread is:saved")
    assert query.has == frozenset({"link", "reaction", "pin"})
    assert query.reactions == ("thumbsup",)
    assert query.is_thread and query.is_saved


def test_unknown_modifiers_are_words() -> None:
    query = parse("is:cool has:nothing url:http")
    assert [t.text for t in query.terms] == ["is:cool", "has:nothing", "url:http"]
    assert not query.has and not query.is_thread


def test_quoted_modifier_is_text() -> None:
    query = parse('"in:#general"')
    assert query.in_channels == () and query.terms == (Term("in:#general", phrase=True),)
