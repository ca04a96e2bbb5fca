"""A reader for the safetensors format, in NumPy alone.

A ``.safetensors`` file is three parts, back to back:

1. an unsigned 64-bit little-endian integer ``N``: the header's length;
2. ``N`` bytes of UTF-8 JSON mapping each tensor name to its ``dtype``,
   ``shape`` and ``data_offsets`` (start and end, relative to the end of the
   header), plus an optional ``__metadata__`` entry;
3. the raw little-endian tensor bytes.

Because the data is plain little-endian arrays, ``np.frombuffer`` reads each
tensor without copying or any framework.

References:
    The safetensors format description, https://github.com/huggingface/safetensors
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["SafetensorsError", "dump_safetensors", "load_safetensors", "parse_safetensors"]

_DTYPES: dict[str, str] = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
    "BOOL": "?",
}
_MAX_HEADER = 100_000_000  # the format caps headers at 100 MB


class SafetensorsError(ValueError):
    """The bytes are not a valid safetensors file (truncated, corrupt, unsupported)."""


def _read_header(data: bytes | memoryview) -> tuple[dict[str, Any], int]:
    """Parse the length prefix and JSON header; return it and where the data starts."""
    if len(data) < 8:
        raise SafetensorsError(
            f"file is {len(data)} bytes long; a safetensors file starts with an 8-byte length"
        )
    (n_header,) = struct.unpack("<Q", bytes(data[:8]))
    if n_header > _MAX_HEADER or 8 + n_header > len(data):
        raise SafetensorsError(
            f"header length {n_header} does not fit in a file of {len(data)} bytes"
            " (truncated, or not a safetensors file)"
        )
    try:
        header = json.loads(bytes(data[8 : 8 + n_header]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SafetensorsError(f"header is not valid UTF-8 JSON: {err}") from None
    if not isinstance(header, dict):
        raise SafetensorsError("header must be a JSON object mapping tensor names to descriptions")
    return header, 8 + n_header


def _tensor(name: str, info: Any, body: memoryview) -> NDArray[Any]:
    """View one tensor of ``body`` (the bytes after the header) as an array."""
    try:
        dtype = np.dtype(_DTYPES[info["dtype"]])
        shape, (start, end) = tuple(info["shape"]), info["data_offsets"]
    except KeyError as err:
        raise SafetensorsError(f"tensor {name!r}: missing or unsupported field {err}") from None
    except (TypeError, ValueError):
        raise SafetensorsError(f"tensor {name!r}: malformed description {info!r}") from None
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if not (0 <= start <= end <= len(body)):
        raise SafetensorsError(
            f"tensor {name!r}: bytes {start}..{end} lie outside the {len(body)} data bytes (file truncated?)"
        )
    if end - start != expected:
        raise SafetensorsError(f"tensor {name!r}: {end - start} bytes for shape {shape} of {info['dtype']}")
    return np.frombuffer(body[start:end], dtype=dtype).reshape(shape)


def parse_safetensors(data: bytes) -> dict[str, NDArray[Any]]:
    """Read every tensor from the bytes of a safetensors file.

    Args:
        data: the whole file's contents.

    Returns:
        Tensor name -> read-only array (native NumPy dtypes, little-endian).

    Raises:
        SafetensorsError: if the file is truncated, the header is not JSON,
            a dtype is unsupported or a tensor's bytes do not match its shape.

    Example:
        >>> header = b'{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
        >>> raw = struct.pack("<Q", len(header)) + header + np.float32([1, 2]).tobytes()
        >>> parse_safetensors(raw)["x"].tolist()
        [1.0, 2.0]
    """
    header, start = _read_header(data)
    body = memoryview(data)[start:]
    return {name: _tensor(name, info, body) for name, info in header.items() if name != "__metadata__"}


def load_safetensors(path: str | Path) -> dict[str, NDArray[Any]]:
    """Read every tensor of the safetensors file at ``path``.

    Raises:
        FileNotFoundError: if there is no such file.
        SafetensorsError: as :func:`parse_safetensors`, naming the file.
    """
    file = Path(path)
    try:
        return parse_safetensors(file.read_bytes())
    except SafetensorsError as err:
        raise SafetensorsError(f"{file}: {err}") from None


_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}


def dump_safetensors(tensors: dict[str, NDArray[Any]], metadata: dict[str, str] | None = None) -> bytes:
    """The bytes of a safetensors file holding ``tensors`` (the inverse of :func:`parse_safetensors`).

    Example:
        >>> parse_safetensors(dump_safetensors({"x": np.float16([1, 2])}))["x"].tolist()
        [1.0, 2.0]
    """
    header: dict[str, Any] = {"__metadata__": dict(metadata)} if metadata else {}
    chunks, offset = [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype=np.asarray(array).dtype.newbyteorder("<")).tobytes()
        code = _CODES[np.dtype(np.asarray(array).dtype).newbyteorder("=")]
        header[name] = {
            "dtype": code,
            "shape": list(np.shape(array)),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # the format pads the header so the data starts 8-aligned
    return struct.pack("<Q", len(raw)) + raw + b"".join(chunks)
