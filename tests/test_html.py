"""Tests for the safe HTML builder (explainer.html)."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer.html import Element, Template, h, render, trusted


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text += data


def collect(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


def test_text_and_attributes_are_escaped() -> None:
    html = render(h("p", {"title": '"><script>x</script>'}, "<b>&</b>"))
    assert html == '<p title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">&lt;b&gt;&amp;&lt;/b&gt;</p>'


def test_boolean_none_and_number_attributes() -> None:
    html = render(
        h("input", {"type": "checkbox", "checked": True, "disabled": False, "x-a": None, "data-n": 3})
    )
    assert html == '<input type="checkbox" checked data-n="3">'


def test_floats_are_written_at_full_precision_even_from_numpy() -> None:
    value = np.float64(0.1) + np.float64(0.2)
    html = render(h("td", {"data-weight": value}))
    assert html == '<td data-weight="0.30000000000000004"></td>'


def test_children_may_be_nested_iterables_and_none() -> None:
    html = render(h("ul", None, (h("li", None, str(i)) for i in range(2)), None, [["x"]]))
    assert html == "<ul><li>0</li><li>1</li>x</ul>"


def test_textarea_and_pre_keep_a_leading_newline_of_their_content() -> None:
    assert render(h("textarea", None, "\nabc")) == "<textarea>\n\nabc</textarea>"
    assert render(h("pre", None, "x")) == "<pre>\nx</pre>"


@pytest.mark.parametrize("tag", ["style", "iframe", "Div", "a b", "1p", "", "x-", "-x"])
def test_forbidden_or_malformed_tags_are_refused(tag: str) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        h(tag)


def test_a_script_only_loads_a_file_it_never_holds_code() -> None:
    assert (
        render(h("script", {"src": "a.js?x=1&y", "defer": True}))
        == '<script src="a.js?x=1&amp;y" defer></script>'
    )
    with pytest.raises(ValueError, match="only load a file"):
        h("script", {"src": "a.js"}, "alert(1)")
    with pytest.raises(ValueError, match="only load a file"):
        h("script")


def test_custom_elements_and_trusted_renderer_output() -> None:
    math = h("x-math", {"data-search-exclude": True}, trusted('<span class="katex">a</span>'), "<b>")
    assert render(math) == '<x-math data-search-exclude><span class="katex">a</span>&lt;b&gt;</x-math>'


@pytest.mark.parametrize("attr", ["onclick", "onerror", "a b", '"x', "x=y", "Title", ""])
def test_event_handlers_and_malformed_attribute_names_are_refused(attr: str) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        h("p", {attr: "1"})


def test_void_elements_cannot_have_children_and_children_must_be_text_or_elements() -> None:
    with pytest.raises(ValueError, match="cannot have children"):
        h("input", None, "x")
    with pytest.raises(TypeError, match="Element or str"):
        h("p", None, 3)


def test_render_escapes_plain_strings_and_keeps_elements() -> None:
    assert render("<i>", h("i", None, "ok")) == "&lt;i&gt;<i>ok</i>"
    assert isinstance(h("p"), Element)


@given(text=st.text(), value=st.text())
def test_any_text_round_trips_and_never_opens_a_tag(text: str, value: str) -> None:
    html = render(h("p", {"title": value}, text))
    parsed = collect(html)
    assert [tag for tag, _ in parsed.tags] == ["p"]
    assert parsed.tags[0][1]["title"] == value
    assert parsed.text == text


def test_template_fills_escaped_values_like_h() -> None:
    cell = Template('<td class="c" data-n="{n}" data-w="{w}" title="{tip}">{text}{child}</td>')
    filled = cell.fill(n=3, w=np.float64(0.1) + 0.2, tip="a\"<'&", text="<b>", child=h("b", None, "x"))
    built = h("td", {"class": "c", "data-n": 3, "data-w": 0.30000000000000004, "title": "a\"<'&"})
    assert filled.html.startswith(built.html[:-5])  # the same attributes, written the same way
    assert filled.html.endswith(">&lt;b&gt;<b>x</b></td>")
    assert collect(filled.html).tags[0][1]["title"] == "a\"<'&"


@pytest.mark.parametrize(
    "markup",
    [
        "<script>{x}</script>",  # no script
        "<style>{x}</style>",  # forbidden tag
        '<p onclick="{x}"></p>',  # no event handler
        "<p {x}></p>",  # a hole where an attribute name goes
        "<p title={x}></p>",  # an unquoted value
        "<{x}></{x}>",  # a hole as a tag
        "<p>{x.y}</p>",  # only plain names
    ],
)
def test_template_refuses_unsafe_markup(markup: str) -> None:
    with pytest.raises(ValueError):
        Template(markup)


@pytest.mark.parametrize("value", [True, None, [1], b"x"])
def test_template_refuses_values_it_cannot_write(value: object) -> None:
    with pytest.raises(TypeError):
        Template("<p>{x}</p>").fill(x=value)  # type: ignore[arg-type]


@given(st.text(max_size=30))
def test_template_text_survives_a_round_trip(text: str) -> None:
    parsed = collect(Template('<p title="{t}">{t}</p>').fill(t=text).html)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    assert parsed.tags[0][1]["title"] is not None
    assert parsed.text in (text, normalised)
