"""Number formats shared by the performance report's tables (:mod:`.perf_report`, :mod:`.perf_runtime`)."""

from __future__ import annotations

from typing import Any

Results = dict[str, Any]


def ratio(value: float | None, base: float | None) -> str:
    """``value / base`` as ``1.2×`` (whole numbers from 10× up), or a dash when either is missing."""
    if value is None or base is None or base == 0:
        return "–"
    share = value / base
    return f"{share:,.0f}×" if share >= 10 else f"{share:.2g}×"


def ms(seconds: float | None) -> str:
    """Seconds shown in milliseconds, three significant digits below 100 ms."""
    if seconds is None:
        return "–"
    millis = seconds * 1e3
    return f"{millis:,.0f}" if millis >= 100 else f"{millis:.3g}"


def kib(size: int) -> str:
    """Bytes in whole KiB."""
    return f"{size / 1024:,.0f} KiB"
