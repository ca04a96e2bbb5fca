"""Tests for explainer.minilm.safetensors: round trips and clear errors on bad files."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from explainer.minilm.safetensors import SafetensorsError, load_safetensors, parse_safetensors

_CODES = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64", np.dtype("<i8"): "I64", np.dtype("<f2"): "F16"}


def _write(tensors: dict[str, np.ndarray]) -> bytes:
    """A minimal independent safetensors writer, to test the reader against."""
    header: dict[str, object] = {"__metadata__": {"format": "np"}}
    chunks, offset = [], 0
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr).tobytes()
        span = [offset, offset + len(raw)]
        header[name] = {"dtype": _CODES[arr.dtype], "shape": list(arr.shape), "data_offsets": span}
        chunks.append(raw)
        offset += len(raw)
    blob = json.dumps(header).encode()
    return struct.pack("<Q", len(blob)) + blob + b"".join(chunks)


@given(
    arrays(
        dtype=st.sampled_from([np.dtype("<f4"), np.dtype("<f8"), np.dtype("<i8")]),
        shape=array_shapes(min_dims=0, max_dims=3, max_side=4),
    )
)
def test_round_trip_preserves_values_shape_and_dtype(arr: np.ndarray) -> None:
    out = parse_safetensors(_write({"t": arr, "other": np.float32([1.5])}))
    assert out["t"].dtype == arr.dtype
    assert out["t"].shape == arr.shape
    np.testing.assert_array_equal(out["t"], arr)
    assert out["other"].tolist() == [1.5]
    assert "__metadata__" not in out


def test_load_from_file(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    path.write_bytes(_write({"w": np.arange(6, dtype="<f4").reshape(2, 3)}))
    assert load_safetensors(path)["w"].tolist() == [[0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b[:5], "8-byte length"),
        (lambda b: b[:20], "does not fit"),
        (lambda b: b[:-4], "outside"),
        (lambda b: struct.pack("<Q", 4) + b"{no}", "not valid UTF-8 JSON"),
        (lambda b: struct.pack("<Q", 2) + b"[]", "JSON object"),
        (lambda b: b.replace(b'"F32"', b'"X32"'), "unsupported"),
    ],
)
def test_bad_files_raise_specific_errors(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    good = _write({"x": np.float32([1, 2, 3])})
    with pytest.raises(SafetensorsError, match=message):
        parse_safetensors(mutate(good))


def test_size_mismatch_is_reported() -> None:
    bad = _write({"x": np.float32([1, 2, 3])}).replace(b'"shape": [3]', b'"shape": [2]')
    with pytest.raises(SafetensorsError, match="bytes for shape"):
        parse_safetensors(bad)


def test_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.safetensors"
    path.write_bytes(b"\x01\x02")
    with pytest.raises(SafetensorsError, match=r"broken\.safetensors"):
        load_safetensors(path)
