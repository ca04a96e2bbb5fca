"""``blending_slider``: move the weights and watch the output slide between the values.

Chapter 5. With two values the slider sets w2 (and w1 = 1 − w2): the output z
slides along the segment from v1 to v2. With three values (the page block's
``values: 3``) a second slider sets w3 (w1 = 1 − w2 − w3): z moves inside the
triangle of the values, and leaves it when w1 turns negative, which softmax
weights never are. Every number comes from
:func:`explainer.examples.blending.blend_values` on the values of
:mod:`explainer.examples.blending`.

Every slider stop is a known state (:attr:`WidgetSpec.known`), so the page
moves between pre-rendered pictures with no runtime; ``assets/widgets/blending.js``
lets the point z glide from its old place to its new one (no motion when the
reader asks for reduced motion).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

from explainer.examples.blending import THREE_VALUES, TWO_VALUES, ValueBlend, blend_values
from explainer.html import AttrValue, Element, h
from explainer.widgets.base import EmbeddingsSource, Field, Output, State, WidgetError, WidgetSpec, reachable
from explainer.widgets.common import fmt, parse_number
from explainer.widgets.plane import Plane, at, label, plane_for, svg

__all__ = ["SPEC", "WEIGHT_STOPS", "weights_of"]

WEIGHT_STOPS = tuple(format(i / 10, "g") for i in range(11))
"""The sliders' stops: 0, 0.1 … 1."""


def _values(state: State) -> tuple[tuple[float, float], ...]:
    """The values the page block chose: two (a segment) or three (a triangle)."""
    count = str(state["values"]).strip()
    if count not in ("2", "3"):
        raise WidgetError(f"This widget blends 2 or 3 values, not {count or 'none'}.")
    return TWO_VALUES if count == "2" else THREE_VALUES


def weights_of(state: State, n: int) -> list[Fraction]:
    """The weights the sliders set, exactly (w1 = 1 − the others, so 1 − 0.3 − 0.7 is exactly 0).

    Example:
        >>> [str(w) for w in weights_of({"w2": "0.3", "w3": "0.7"}, 3)]
        ['0', '3/10', '7/10']
    """
    rest = [_weight(str(state[name]), f"the weight {name}") for name in ("w2", "w3")[: n - 1]]
    return [1 - sum(rest, Fraction(0)), *rest]


def _weight(text: str, what: str) -> Fraction:
    """A slider's weight as an exact fraction of the decimal the page sent (checked first)."""
    parse_number(text, what, 0.0, 1.0)  # raises the reader's message for anything but a number in [0, 1]
    return Fraction(text.strip().replace("−", "-"))


def _coords(v: Iterable[float]) -> str:
    return "[" + ", ".join(fmt(float(x), 3) for x in v) + "]"


def _where(blend: ValueBlend, w: list[Fraction]) -> str:
    """Where z lands, in words: at a value, on the segment or an edge, inside, or outside the hull."""
    n = len(w)
    hull = "segment" if n == 2 else "triangle"
    if not blend.convex:
        return (
            f"w1 = {fmt(float(w[0]))} is negative, so z lies outside the {hull}. Softmax never gives a "
            "negative weight: attention's output can only mix the values, never land here."
        )
    if 1 in w:
        return f"All the weight is on v{w.index(Fraction(1)) + 1}, so z is that value: one-hot weights copy."
    if n == 2:
        middle = " (equal weights: the midpoint)" if w[0] == w[1] else ""
        return f"z lies on the segment, {fmt(float(w[1]) * 100)}% of the way from v1 to v2{middle}."
    zero = [i for i, x in enumerate(w) if x == 0]
    if zero:
        a, b = (i + 1 for i in range(3) if i != zero[0])
        return f"w{zero[0] + 1} = 0, so z lies on the triangle's edge from v{a} to v{b}."
    return "Every weight is positive, so z lies inside the triangle of the values."


def _marks(plane: Plane, values: Sequence[tuple[float, float]]) -> list[Element]:
    """The hull (segment or triangle) and each value as a labelled square, labelled away from the hull."""
    corners = [at(plane, x, y) for x, y in values]
    middle_y = sum(uy for _, uy in corners) / len(corners)
    outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    shape = "polygon" if len(values) > 2 else "polyline"
    marks = [h(shape, {"class": "bl-hull", "points": outline})]
    for i, ((x, y), (ux, uy)) in enumerate(zip(values, corners, strict=True)):
        square: dict[str, AttrValue] = {
            "class": "bl-v",
            "x": f"{ux - 4.5:.1f}",
            "y": f"{uy - 4.5:.1f}",
            "width": 9,
            "height": 9,
        }
        side = "start" if ux < plane.width / 3 else "end" if ux > plane.width * 2 / 3 else "middle"
        dy = 19 if uy > middle_y else -10  # below a value low in the hull, above the others
        text = label(x, y, f"v{i + 1} {_coords((x, y))}", plane, dy=dy, cls=f"pl-label pl-label--{side}")
        marks += [h("rect", square), text]
    return marks


def _point(plane: Plane, blend: ValueBlend) -> Element:
    """The output z: a diamond (hollow when outside the hull) and its label, in a group that glides."""
    x, y = at(plane, *blend.output)
    cls = "bl-z" if blend.convex else "bl-z bl-z--outside"
    diamond = h("polygon", {"class": "bl-z-mark", "points": "0,-8 8,0 0,8 -8,0"})
    words = "z" if blend.convex else "z (outside)"
    text = h("text", {"class": "pl-label bl-z-label", "x": "11", "y": "16"}, words)
    glide = h("g", {"class": "bl-glide"}, diamond, text)
    where = {"transform": f"translate({x:.1f} {y:.1f})", "data-ux": f"{x:.1f}", "data-uy": f"{y:.1f}"}
    return h("g", {"class": cls, **where}, glide)


def picture(blend: ValueBlend, where: str) -> Element:
    """The values, their hull and z on a plane that stays the same for every weight of this widget."""
    values = [(x, y) for x, y in blend.values.tolist()]
    n = len(values)
    farthest = blend.values[1:].sum(axis=0) - (n - 2) * blend.values[0]  # (2,) every slider at 1
    plane = plane_for([*values, farthest], size=240.0)
    marks = [*_marks(plane, values), _point(plane, blend)]
    drawing = svg(plane, "The values and their blend z", "bl-plane", marks)
    caption = (
        f"Picture: the values as squares, the {'segment' if len(values) == 2 else 'triangle'} between them "
        f"and z as a diamond at {_coords(blend.output)}. {where}"
    )
    return h("figure", {"class": "bl-figure"}, drawing, h("figcaption", None, caption))


def run(state: State, embeddings: EmbeddingsSource) -> Output:
    """z = Σ wᵢ vᵢ for the sliders' weights, drawn and said in words."""
    values = _values(state)
    w = weights_of(state, len(values))
    blend = blend_values([float(x) for x in w], values)
    terms = " + ".join(f"{fmt(float(x))}·v{i + 1}" for i, x in enumerate(w))
    sum_line = h(
        "p",
        {"class": "bl-sum"},
        "w = [" + ", ".join(fmt(float(x)) for x in w) + f"], so z = {terms} = {_coords(blend.output)}.",
    )
    return Output((sum_line, picture(blend, _where(blend, w))))


def known(spec: WidgetSpec, state: State) -> list[State]:
    """Every stop of the sliders the page shows: w2 alone for two values, w2 × w3 for three."""
    if str(state["values"]).strip() == "3":
        return reachable(spec, state)
    return [dict(state, w2=stop) for stop in WEIGHT_STOPS]


SPEC = WidgetSpec(
    name="blending_slider",
    title="Blending slider",
    fields=(
        Field("w2", "Weight of v2 (w2)", "range", "0.1", stops=WEIGHT_STOPS),
        Field("w3", "Weight of v3 (w3)", "range", "0", stops=WEIGHT_STOPS),
        Field("values", "How many values", "hidden", "2"),
    ),
    run=run,
    known=known,
    loading="Loading Python to blend these weights",
    assets=("plane.css", "blending.css", "blending.js"),
)
