"""Tests for explainer.sitebuild.directives: block parsing and Markdown transformation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.sitebuild import SiteBuildError
from explainer.sitebuild.directives import (
    Directive,
    iter_directives,
    parse_block,
    parse_scalar,
    split_format,
    transform,
)


def render_block(d: Directive) -> str:
    return f"<{d.kind}:{d.name}:{sorted(d.params.items())}>"


def render_value(expr: str, fmt: str | None) -> str:
    return f"[{expr}|{fmt}]"


def test_parse_block_reads_kind_name_and_typed_params() -> None:
    d = parse_block("widget: saturation_lab\nd_k: 64\nscaled: false\nsentence: the cat sat\n", line=7)
    assert d == Directive(
        "widget", "saturation_lab", {"d_k": 64, "scaled": False, "sentence": "the cat sat"}, 7
    )


def test_parse_block_skips_blank_and_comment_lines() -> None:
    assert parse_block("\n# a comment\nfigure: softmax_scores\n\n").name == "softmax_scores"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty explainer block"),
        ("picture: x", "expected one of figure, table, widget, cli"),
        ("figure:", "needs a value"),
        ("figure: a\ncaption: x\ncaption: y", "appears twice"),
        ("figure: a\ntable: b", "holds one"),
        ("figure: a\nthis is prose", "expected 'key: value'"),
    ],
)
def test_parse_block_rejects_malformed_blocks(body: str, message: str) -> None:
    with pytest.raises(SiteBuildError, match=message):
        parse_block(body, line=3)


def test_cli_value_keeps_the_whole_command_line() -> None:
    d = parse_block('cli: --no-self --query it "The cat: sat"')
    assert (d.kind, d.name) == ("cli", '--no-self --query it "The cat: sat"')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("64", 64),
        ("-3", -3),
        ("0.5", 0.5),
        ("true", True),
        ("Off", False),
        ('"7"', "7"),
        ("the cat", "the cat"),
    ],
)
def test_parse_scalar(text: str, expected: object) -> None:
    assert parse_scalar(text) == expected and type(parse_scalar(text)) is type(expected)


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        (" x ", ("x", None)),
        (" x | .2f ", ("x", ".2f")),
        ("f(a)[0] | .0% ", ("f(a)[0]", ".0%")),
        (" a | b | ,", ("a | b", ",")),
        (" flags | mask ", ("flags | mask", None)),
        (" | .2f", ("| .2f", None)),
    ],
)
def test_split_format(inner: str, expected: tuple[str, str | None]) -> None:
    assert split_format(inner) == expected


def test_transform_replaces_blocks_and_values_but_not_code() -> None:
    page = (
        "Score {{ s[0] | .0f }} and `{{ kept }}` and \\{{ literal }}.\n\n"
        "```explainer\nfigure: f1\n```\n\n"
        "```python\nx = '{{ kept too }}'\n```\n"
    )
    out = transform(page, render_block, render_value)
    assert "Score [s[0]|.0f] and `{{ kept }}` and {{ literal }}." in out
    assert "<figure:f1:[]>" in out
    assert "x = '{{ kept too }}'" in out


def test_transform_keeps_indentation_inside_admonitions() -> None:
    page = "!!! note\n\n    ```explainer\n    widget: w\n    d_k: 4\n    ```\n\nafter\n"
    out = transform(page, lambda d: "line one\nline two\n", render_value)
    assert "    line one\n    line two\n" in out and out.endswith("after\n")


def test_longer_outer_fence_hides_an_example_block() -> None:
    page = "````markdown\n```explainer\nfigure: shown_as_code\n```\n````\n"
    assert transform(page, render_block, render_value) == page
    assert list(iter_directives(page)) == []


def test_unclosed_block_is_an_error_with_its_line() -> None:
    with pytest.raises(SiteBuildError, match="line 3: explainer block is never closed"):
        transform("a\n\n```explainer\nfigure: x\n", render_block, render_value)


def test_errors_from_renderers_propagate() -> None:
    def failing(expr: str, fmt: str | None) -> str:
        raise SiteBuildError(f"bad {expr}")

    with pytest.raises(SiteBuildError, match="bad oops"):
        transform("{{ oops }}", render_block, failing)


def test_iter_directives_reports_line_numbers() -> None:
    page = "# T\n\n```explainer\nfigure: a\n```\n\ntext\n\n~~~explainer\ntable: b\n~~~\n"
    assert [(d.kind, d.name, d.line) for d in iter_directives(page)] == [
        ("figure", "a", 3),
        ("table", "b", 9),
    ]


@given(st.text(alphabet=st.characters(blacklist_characters="`{}~\\"), max_size=200))
def test_prose_without_syntax_is_unchanged(text: str) -> None:
    assert transform(text, render_block, render_value) == text
