"""The single JSON entry point the widgets' Web Worker calls inside Pyodide.

The worker (``explainer/assets/widgets/worker.js``) sends one JSON string per
computation and puts the returned HTML into the widget's output region::

    request  {"widget": "heatmap_explorer", "state": {"sentence": "the cat sat"},
              "embeddings": "/tmp/glove.npz",     # optional: a compact GloVe file instead of the rows
              "data_error": "message"}            # optional: the data files could not be downloaded
    response {"html": "<output html>", "state": {...normalised...}, "error": null | "message"}
          or {"need": ["glove/rows-0117.bin", ...], "what": "the GloVe rows for your words"}

Without ``embeddings``, the GloVe widgets read all 400,000 words from the sharded
rows under :func:`explainer.datafiles.data_root` (:class:`explainer.glove_rows.GloveRows`).
A computation that needs data files not downloaded yet gets the ``need`` answer
(:class:`explainer.datafiles.NeedFiles`); the worker downloads them into the data
folder and sends the same request again. When a download fails, the worker sends
the request with ``data_error`` and the answer is that message, rendered by Python.

:func:`handle` never raises: malformed requests and unexpected failures come back
as a message in ``error`` (and in ``html``), so the page never sees a traceback.

Example:
    >>> import json
    >>> json.loads(handle("not json"))["error"]
    'The widget sent a malformed request (not JSON).'
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from explainer import datafiles
from explainer.datafiles import NeedFiles
from explainer.glove_shards import ROWS_WHAT, sentence_rows
from explainer.html import render
from explainer.widgets import SENTENCE_ROWS, compute, widget_spec
from explainer.widgets.base import MAX_TOKENS, message

if TYPE_CHECKING:
    from explainer.embeddings import Embeddings
    from explainer.glove_rows import GloveRows

__all__ = ["handle", "prepare"]


class RequestError(ValueError):
    """A request the worker should never send; the message says what was wrong."""


def handle(request_json: str) -> str:
    """Compute one widget update from a JSON request; return the JSON response.

    Args:
        request_json: ``{"widget": str, "state": object, "embeddings"?: str, "data_error"?: str}``.

    Returns:
        ``{"html": str, "state": object, "error": str | None}`` as JSON, or
        ``{"need": [str, ...], "what": str}`` when data files must be downloaded first.
    """
    try:
        name, state, embeddings_path = parse_request(request_json)
        data_error = _data_error(request_json)
    except RequestError as error:
        return _failure(str(error), {})
    if data_error is not None:
        return _failure(data_error, state)
    try:
        if embeddings_path is None:
            _rows_first(name, state)
        # A loader, so a widget without vectors never imports their modules.
        result = compute(name, state, embeddings=functools.partial(_embeddings_source, embeddings_path))
        return json.dumps(result.to_json_dict(), ensure_ascii=False, allow_nan=False)
    except NeedFiles as need:
        return json.dumps({"need": list(need.files), "what": need.what}, ensure_ascii=False)
    except Exception as error:  # the worker must always get an answer it can show
        return _failure(f"Sorry, the widget could not compute this ({type(error).__name__}: {error}).", state)


def _rows_first(name: str, state: Mapping[str, Any]) -> None:
    """Ask for the GloVe rows of a widget's sentence before anything else (its modules, numpy).

    The worker then downloads them while the widget's modules import (it prepares them
    meanwhile), instead of after.

    Raises:
        NeedFiles: rows of the sentence's words not downloaded yet.
    """
    field = SENTENCE_ROWS.get(name)
    sentence = state.get(field) if field else None
    if isinstance(sentence, str):
        datafiles.require(sentence_rows(sentence, MAX_TOKENS), ROWS_WHAT)


def prepare(name: str) -> None:
    """Import widget ``name``'s modules now, so its first computation does not wait for them.

    The worker calls this once the runtime is ready, while the reader is still typing.
    It never raises: an unknown name or a failing import surfaces, as a message, when
    the widget computes.
    """
    with contextlib.suppress(Exception):  # reported by handle() when the widget is used
        widget_spec(name)


def parse_request(request_json: str) -> tuple[str, dict[str, Any], str | None]:
    """Validate a request: (widget name, raw state, embeddings path or ``None``).

    Raises:
        RequestError: not JSON, not an object, or a field of the wrong type.
    """
    try:
        request = json.loads(request_json)
    except (TypeError, ValueError):
        raise RequestError("The widget sent a malformed request (not JSON).") from None
    if not isinstance(request, dict):
        raise RequestError("The widget sent a malformed request (not a JSON object).")
    name, state = request.get("widget"), request.get("state", {})
    path = request.get("embeddings")
    if not isinstance(name, str) or not name:
        raise RequestError("The widget sent a request without a widget name.")
    if not isinstance(state, dict):
        raise RequestError(f"The widget {name!r} sent a state that is not a JSON object.")
    if path is not None and not isinstance(path, str):
        raise RequestError("The widget sent an embeddings path that is not a string.")
    return name, state, path


def _data_error(request_json: str) -> str | None:
    """The worker's message that data files could not be downloaded, if the request carries one."""
    text = json.loads(request_json).get("data_error")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        raise RequestError("The widget sent a download failure without a message.")
    return text


def _embeddings_source(path: str | None) -> Embeddings:
    """The compact GloVe file at ``path`` (loaded once per path), else the sharded rows.

    :class:`~explainer.glove_rows.GloveRows` reads like ``Embeddings`` (word in, len,
    dim, lookup, nearest_frequent), which is all the widgets use.
    """
    return _rows() if path is None else _load_compact(path)  # type: ignore[return-value]


@functools.lru_cache(maxsize=1)
def _rows() -> GloveRows:
    """One reader of the sharded rows per worker: shards read once stay in memory."""
    from explainer.glove_rows import GloveRows

    return GloveRows()


@functools.lru_cache(maxsize=2)
def _load_compact(path: str) -> Embeddings:
    """Read the browser GloVe subset once; later requests reuse it."""
    from explainer.embeddings import load_compact

    return load_compact(path)


def _failure(text: str, state: Mapping[str, Any]) -> str:
    """A response carrying only a message (escaped, shown in the output region)."""
    html = render(message(text))
    try:
        return json.dumps(
            {"html": html, "state": dict(state), "error": text}, ensure_ascii=False, allow_nan=False
        )
    except ValueError:  # a state holding NaN/inf cannot be echoed back as JSON
        return json.dumps({"html": html, "state": {}, "error": text}, ensure_ascii=False)
