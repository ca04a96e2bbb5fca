"""Evaluate inline ``{{ EXPR | FMT }}`` values and format what they give.

Expressions see the public names of :mod:`explainer.examples` (its
``__all__``) and a few harmless builtins. Example functions are memoised per
build, so ``{{ softmax_example().weights[0] }}`` and
``{{ softmax_example().weights[1] }}`` compute the example once.

Formatting without a format spec: integers as they are, floats with four
significant digits (``2.061 × 10⁻⁹`` rather than ``2.061e-09``), integral
floats without a decimal point, arrays and lists as ``[a, b, c]`` (nested for
2-D). With a spec, it applies to every number: ``{{ scores | .1f }}``.
"""

from __future__ import annotations

import builtins
import functools
import math
import numbers
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from explainer.sitebuild import SiteBuildError

__all__ = ["SAFE_BUILTINS", "ValueEvaluator", "format_value", "memoize_calls", "public_namespace"]

SAFE_BUILTINS: dict[str, object] = {
    name: getattr(builtins, name)
    for name in (
        "abs",
        "all",
        "any",
        "float",
        "int",
        "len",
        "list",
        "max",
        "min",
        "range",
        "round",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
        "enumerate",
        "dict",
        "bool",
    )
}
"""Builtins an inline expression may use (no ``open``, ``__import__``, ...)."""

_SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")


def _nice_float(x: float) -> str:
    """Four significant digits; powers of ten as ``× 10ⁿ``; no ``.0`` on whole numbers.

    Example:
        >>> [_nice_float(v) for v in [61.0, 0.8807970779778823, 2.0611536e-09, 3.1e26]]
        ['61', '0.8808', '2.061 × 10⁻⁹', '3.1 × 10²⁶']
    """
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = format(x, ".4g")
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def _format_number(x: numbers.Number, fmt: str | None) -> str:
    """Format one number, with ``fmt`` if given."""
    if isinstance(x, float) and not math.isfinite(x):
        raise SiteBuildError(f"the value is {x}, which a page must not show")
    if fmt is not None:
        try:
            return format(x, fmt)
        except (ValueError, TypeError) as err:
            raise SiteBuildError(f"format {fmt!r} does not apply to {x!r}: {err}") from None
    if isinstance(x, bool | int):
        return str(x)
    if isinstance(x, float):
        return _nice_float(x)
    return str(x)


def format_value(value: object, fmt: str | None = None) -> str:
    """Turn an expression's result into the text a page shows.

    Args:
        value: a number, string, NumPy scalar or array, or a list/tuple of them.
        fmt: a Python format spec applied to every number, or None.

    Returns:
        The text.

    Raises:
        SiteBuildError: for NaN/infinite numbers, a format that does not fit,
            or a value that is not a number, string or sequence of them
            (pick a field of an example rather than showing the whole object).

    Example:
        >>> format_value(np.array([61.0, 8.0, 26.0]))
        '[61, 8, 26]'
        >>> format_value(np.array([[0.5, 0.25]]), ".2f")
        '[[0.50, 0.25]]'
        >>> format_value(np.float64(0.8807970779778823), ".0%")
        '88%'
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return value if fmt is None else _format_number(value, fmt)  # type: ignore[arg-type]
    if isinstance(value, numbers.Number):
        return _format_number(value, fmt)
    if isinstance(value, np.ndarray | list | tuple):
        return "[" + ", ".join(format_value(item, fmt) for item in value) + "]"
    raise SiteBuildError(
        f"the value is a {type(value).__name__}, not a number, string or array; "
        "select a field or element, e.g. example().weights[0]"
    )


def memoize_calls(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``fn`` so repeated calls with the same hashable arguments compute once.

    Calls with unhashable arguments (lists, arrays) go straight through.
    """
    results: dict[object, object] = {}

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            return fn(*args, **kwargs)
        if key not in results:
            results[key] = fn(*args, **kwargs)
        return results[key]

    return wrapper


def public_namespace(module: ModuleType) -> dict[str, object]:
    """The names in ``module.__all__``, functions memoised with :func:`memoize_calls`."""
    names = getattr(module, "__all__", None)
    if names is None:
        raise SiteBuildError(f"{module.__name__} has no __all__ listing its public names")
    namespace: dict[str, object] = {}
    for name in names:
        obj = getattr(module, name)
        is_function = callable(obj) and not isinstance(obj, type)
        namespace[name] = memoize_calls(obj) if is_function else obj
    return namespace


class ValueEvaluator:
    """Evaluates and formats inline values, caching each ``(expr, fmt)``.

    Args:
        namespace: the names expressions may use.
    """

    def __init__(self, namespace: Mapping[str, object]) -> None:
        self._namespace = dict(namespace)
        self._rendered: dict[tuple[str, str | None], str] = {}

    def evaluate(self, expr: str) -> object:
        """The value of ``expr``; any failure becomes a :class:`SiteBuildError`."""
        try:
            code = compile(expr, "<inline value>", "eval")
        except SyntaxError as err:
            raise SiteBuildError(f"{{{{ {expr} }}}} is not a Python expression: {err.msg}") from None
        try:
            return eval(code, {"__builtins__": SAFE_BUILTINS}, self._namespace)
        except Exception as err:
            raise SiteBuildError(f"{{{{ {expr} }}}} failed: {type(err).__name__}: {err}") from None

    def render(self, expr: str, fmt: str | None = None) -> str:
        """``expr`` evaluated and formatted with ``fmt``, cached."""
        key = (expr, fmt)
        if key not in self._rendered:
            try:
                self._rendered[key] = format_value(self.evaluate(expr), fmt)
            except SiteBuildError as err:
                if str(err).startswith("{{"):
                    raise
                raise SiteBuildError(f"{{{{ {expr} }}}}: {err}") from None
        return self._rendered[key]
