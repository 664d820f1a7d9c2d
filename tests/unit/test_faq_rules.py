"""The FAQ's pure rules: foot lengths, size tables as text, snippets and highlighting."""

from __future__ import annotations

import pytest

from storefront.plugins.faq.search import highlight, plain_text, terms_of
from storefront.plugins.faq.size_guides import (
    DEFAULT_TABLES,
    FootLengthError,
    find_shoe_size,
    parse_foot_length,
    table_to_text,
    text_to_table,
)


@pytest.mark.parametrize("raw, mm", [("250", 250), (" 262mm ", 262), ("200", 200), ("320", 320)])
def test_foot_lengths_in_millimetres(app, raw, mm):
    assert parse_foot_length(raw) == mm


@pytest.mark.parametrize("raw", ["", "abc", "25.5", "-250", "199", "321", "1e3"])
def test_nonsense_foot_lengths_are_refused(app, raw):
    with pytest.raises(FootLengthError):
        parse_foot_length(raw)


@pytest.mark.parametrize(
    "mm, eu", [(225, "35"), (226, "36"), (250, "40"), (251, "41"), (275, "45")]
)
def test_shoe_finder_rounds_up_to_the_next_length(mm, eu):
    match = find_shoe_size(DEFAULT_TABLES["shoes"], mm)
    assert match.row[2] == eu


def test_shoe_finder_has_no_answer_beyond_the_table():
    assert find_shoe_size(DEFAULT_TABLES["shoes"], 300) is None


def test_size_tables_survive_the_round_trip_through_text():
    for table in DEFAULT_TABLES.values():
        assert text_to_table(table_to_text(table)) == table


def test_ragged_rows_are_refused(app):
    with pytest.raises(ValueError, match="Line 3"):
        text_to_table("A | B\n1 | 2\n3")
    with pytest.raises(ValueError):
        text_to_table("A | B")


def test_highlight_escapes_and_marks_every_term():
    marked = str(highlight("<b>Wash</b> linen, wash again", "WASH linen"))
    assert (
        marked == "&lt;b&gt;<mark>Wash</mark>&lt;/b&gt; <mark>linen</mark>, <mark>wash</mark> again"
    )


def test_terms_are_capped():
    assert terms_of("a b c d e f g") == ["a", "b", "c", "d", "e"]


def test_snippets_drop_markdown():
    assert plain_text("Take **M** or [see the guide](/x).") == "Take M or see the guide."
    assert plain_text("x" * 300).endswith("…")


def test_loose_terms_split_chinese_into_pairs_and_skip_short_words():
    from storefront.plugins.faq.search import loose_terms

    assert loose_terms("How do I wash them?") == ["how", "wash", "them"]
    assert loose_terms("床笠尺寸") == ["床笠", "笠尺", "尺寸"]
