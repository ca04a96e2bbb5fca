"""A small table type that worked examples return and pages render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A table of already-formatted cells.

    Attributes:
        headers: column titles.
        rows: one tuple of cell strings per row, each as long as ``headers``.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.headers):
                raise ValueError(f"row {row!r} has {len(row)} cells, expected {len(self.headers)}")

    def to_markdown(self) -> str:
        """Render as a Markdown pipe table; ``|`` in cells is escaped.

        Example:
            >>> print(Table(headers=("a", "b"), rows=(("1", "x|y"),)).to_markdown())
            | a | b |
            | --- | --- |
            | 1 | x\\|y |
        """

        def line(cells: tuple[str, ...]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        divider = "| " + " | ".join("---" for _ in self.headers) + " |"
        return "\n".join([line(self.headers), divider, *(line(r) for r in self.rows)])


TableFactory = Callable[[], Table]
