"""Tests for the step-through widget (explainer.widgets.step_through, step_pictures, step_svg)."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from explainer.examples import step_through_example
from explainer.examples.self_attention import StepThroughExample
from explainer.widgets import compute, prerender, registry
from explainer.widgets.step_svg import BEAT_MS, num
from explainer.widgets.step_through import DEFAULT_ROW, HOLD_MS, SPEC, STEPS, describe

NAME = "step_through"
ASSETS = Path(__file__).resolve().parents[1] / "explainer" / "assets" / "widgets"


@dataclass
class Drawn:
    """One matrix as drawn: where it is (step, query row or None) and the numbers in its cells."""

    step: int
    row: int | None
    name: str
    label: str
    cells: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    """Collects every focusable grid (.st-m) with its step, its query row and its cells' texts."""

    def __init__(self) -> None:
        super().__init__()
        self.grids: list[Drawn] = []
        self.stack: list[dict[str, str | None]] = []
        self.in_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "rect", "path"):
            return
        self.stack.append({"tag": tag, **a})
        if "st-m" in (a.get("class") or "").split():
            label = a["aria-label"] or ""
            self.grids.append(Drawn(self._find("data-s"), self._find_row(), label.split(",")[0], label))
        self.in_text = tag == "text" and "st-t" in (a.get("class") or "") and self._inside_grid()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("input", "rect", "path"):
            return
        while self.stack and self.stack.pop()["tag"] != tag:
            pass
        self.in_text = False

    def handle_data(self, data: str) -> None:
        if self.in_text:
            self.grids[-1].cells.append(data)

    def _find(self, key: str) -> int:
        return next(int(str(e[key])) for e in reversed(self.stack) if e.get(key) is not None)

    def _find_row(self) -> int | None:
        rows = [int(str(e["data-r"])) for e in self.stack if e.get("data-r") is not None]
        return rows[-1] if rows else None

    def _inside_grid(self) -> bool:
        return any("st-m" in (e.get("class") or "").split() for e in self.stack)


def drawn(html: str) -> list[Drawn]:
    reader = _Reader()
    reader.feed(html)
    return reader.grids


def expected(ex: StepThroughExample, grid: Drawn) -> Any:
    """The example's numbers for a grid, found from its name alone."""
    named = {"X": ex.x, "W_Q": ex.w_q, "W_K": ex.w_k, "W_V": ex.w_v, "Q": ex.q, "K (a key per row)": ex.k}
    named |= {"A = softmax": ex.weights, "Z = A V": ex.output}
    if grid.name in named:
        return named[grid.name]
    if grid.name == "S / √d_k + M":
        return np.where(ex.mask, ex.scaled_scores, -np.inf)
    r = int(re.search(r"\d+", grid.name).group()) - 1  # type: ignore[union-attr]
    assert r == grid.row, grid.name  # a row's grid is drawn in that row's variant
    for pattern, value in (
        (r"x\d+$", ex.x[r]),
        (r"q\d+ = x\d+ W_Q$", ex.q[r]),
        (r"k\d+ = x\d+ W_K$", ex.k[r]),
        (r"v\d+ = x\d+ W_V$", ex.v[r]),
        (r"row \d+ of S$", ex.scores[r]),
        (r"a\d+j × vj$", ex.weights[r][:, None] * ex.v),
        (r"z\d+ = Σ a\d+j vj$", ex.output[r]),
    ):
        if re.match(pattern, grid.name):
            return value
    raise AssertionError(f"a grid nobody expects: {grid.name}")


def as_drawn(values: np.ndarray) -> list[str]:
    return ["−∞" if v == -np.inf else num(v) for v in np.atleast_2d(values).ravel().tolist()]


@pytest.mark.parametrize("seed", [4, 0, 123])
def test_the_numbers_in_every_picture_are_the_examples(seed: int) -> None:
    ex = step_through_example(seed)
    grids = drawn(compute(NAME, {"seed": str(seed)}).html)
    assert {g.step for g in grids} == {0, 1, 2, 6, 7}  # steps 4-6 are bars, tested below
    for grid in grids:
        values = expected(ex, grid)
        assert grid.cells == as_drawn(values), grid.name
        assert f"{grid.name}, {' × '.join(map(str, np.atleast_2d(values).shape))}." in grid.label
        spoken = re.sub("minus infinity \\(masked\\)", "−∞", grid.label)
        assert re.findall(r"−∞|−?\d+\.\d\d", spoken) == as_drawn(values), grid.name  # what focus reads


def test_every_row_of_every_step_that_follows_the_query_is_drawn() -> None:
    ex = step_through_example()
    grids = drawn(compute(NAME, {}).html)
    for step in (1, 2, 6):  # projection, scores, blend draw grids per row
        assert {g.row for g in grids if g.step == step and g.row is not None} == set(range(len(ex.tokens)))


def bar_texts(html: str, step: int, row: int) -> list[str]:
    """The numbers written beside the bars of one step for one query row."""
    section = re.search(rf'<section class="st-step[^"]*" data-s="{step}".*?</section>', html, re.S)
    group = re.search(rf'<g class="st-v[^"]*" data-r="{row}">(.*?)</g>', section.group(), re.S)  # type: ignore[union-attr]
    return re.findall(r'<text[^>]*class="st-[tw][^"]*"[^>]*>([^<]*)</text>', group.group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("row", range(4))
def test_the_bars_say_the_examples_scores_and_weights(row: int) -> None:
    ex, html = step_through_example(), compute(NAME, {}).html
    scale = bar_texts(html, 3, row)
    assert scale == [num(v) for v in ex.scores[row]] + [num(v) for v in ex.scaled_scores[row]]
    masked = ["kept" if ok else "−∞ masked" for ok in ex.mask[row]]
    assert bar_texts(html, 4, row) == [
        t for v, m in zip(ex.scaled_scores[row], masked, strict=True) for t in (num(v), m)
    ]
    weights = [
        num(a) if ok else f"{num(a)} (masked)" for a, ok in zip(ex.weights[row], ex.mask[row], strict=True)
    ]
    assert bar_texts(html, 5, row) == weights
    assert f"sum = {num(ex.weights[row].sum())}</text>" in html and num(ex.weights[row].sum()) == "1.00"


def test_the_mask_strikes_out_exactly_the_future() -> None:
    ex, html = step_through_example(), compute(NAME, {}).html
    mask_step = re.search(r'data-s="4".*?</section>', html, re.S).group()  # type: ignore[union-attr]
    for row in range(4):
        group = re.search(rf'data-r="{row}">(.*?)</g>', mask_step, re.S).group(1)  # type: ignore[union-attr]
        assert group.count('class="st-strike"') == int((~ex.mask[row]).sum())


@pytest.mark.parametrize(("step", "row"), [(0, 0), (3, 1), (7, 3), (5, 0)])
def test_the_state_chooses_what_is_shown_first(step: int, row: int) -> None:
    result = compute(NAME, {"step": str(step), "row": str(row)})
    assert result.error is None and result.state["step"] == str(step) and result.state["row"] == str(row)
    html = result.html
    assert re.findall(r'class="st-step st-on" data-s="(\d)"', html) == [str(step)]
    assert set(re.findall(r'class="st-[a-z -]*st-v st-on" data-r="(\d)"', html)) == {str(row)}
    assert f'"{row + 1} {step_through_example().tokens[row]}"' not in html  # labels are text, not attributes
    assert f'aria-pressed="true">{row + 1} ' in html and html.count('aria-pressed="true"') == 1
    assert f'value="{step + 1}" aria-valuetext="Step {step + 1} of {len(STEPS)}: {STEPS[step]}"' in html
    assert ('data-st="prev" disabled' in html) == (step == 0)
    assert ('data-st="next" disabled' in html) == (step == len(STEPS) - 1)


@pytest.mark.parametrize(
    ("field_name", "value"), [("step", "8"), ("step", "-1"), ("step", "x"), ("row", "4"), ("row", "٣")]
)
def test_a_step_or_row_that_does_not_exist_says_so_and_shows_the_first(field_name: str, value: str) -> None:
    result = compute(NAME, {field_name: value})
    assert result.error is not None and f"“{value}”" in result.error
    assert result.state["step"] == "0" if field_name == "step" else result.state["row"] == str(DEFAULT_ROW)
    assert 'class="st-step st-on" data-s="0"' in result.html or field_name == "row"


def test_another_seed_gives_other_numbers_and_a_bad_seed_a_message() -> None:
    assert compute(NAME, {"seed": "2"}).html != compute(NAME, {}).html
    bad = compute(NAME, {"seed": "abc"})
    assert "seed" in (bad.error or "") and "st-step" not in bad.html
    assert 'data-set="seed=5"' in compute(NAME, {}).html  # the new draw button asks for the next seed


@pytest.mark.parametrize("step", range(len(STEPS)))
def test_every_step_has_a_description_with_its_numbers(step: int) -> None:
    ex, html = step_through_example(), compute(NAME, {}).html
    for row in range(len(ex.tokens)):
        text = describe(ex, step, row)
        assert text in html
    assert "Z = A V" in describe(ex, 7, 0) and num(ex.output[2][0]) in describe(ex, 6, 2)
    assert num(ex.weights[1][1]) in describe(ex, 5, 1) and "nothing" in describe(ex, 4, 3)
    assert "random" in describe(ex, 1, 0) and "not learned" in describe(ex, 1, 0)


def test_each_step_plays_for_its_motion_and_a_pause_and_moves() -> None:
    html = compute(NAME, {}).html
    sections = re.findall(
        r'<section class="st-step[^"]*" data-s="(\d)" data-ms="(\d+)"(.*?)</section>', html, re.S
    )
    assert len(sections) == len(STEPS)
    for _, ms, body in sections:
        assert int(ms) >= 2 * BEAT_MS + HOLD_MS and int(ms) % BEAT_MS == HOLD_MS % BEAT_MS
        assert re.search(r'class="[^"]*st-(a|flash|shrink|grow|strike)[^"]*"', body), (
            "a step that never moves"
        )
    assert f"--st-beat:{BEAT_MS}ms" in html


def test_a_hand_check_of_the_drawn_numbers_adds_up() -> None:
    """Q = X W from the rounded numbers drawn gives the numbers drawn: the page checks by hand."""
    grids = {g.name: g for g in drawn(compute(NAME, {"seed": "11"}).html)}

    def matrix(name: str) -> np.ndarray:
        cells = [float(c.replace("−", "-")) for c in grids[name].cells]
        return np.array(cells).reshape(4, -1)

    x = matrix("X")
    for w, out in (("W_Q", "Q"), ("W_K", "K (a key per row)")):
        np.testing.assert_array_equal(np.round(x @ matrix(w), 2), matrix(out))


def test_the_page_carries_one_output_and_no_templates() -> None:
    """Every step and row is in the one output, so no state needs a template or the runtime."""
    html = prerender(NAME)
    assert "<template data-known" not in html
    assert len(re.findall(r'<section class="st-step', html)) == len(STEPS)
    assert len(gzip.compress(html.encode())) < 20_000  # the whole widget, every picture included
    assert all((ASSETS / name).is_file() for name in SPEC.assets) and registry()[NAME] is SPEC
