"""Worked examples (trained). Filled in by its owner; see ARCHITECTURE.md."""

from __future__ import annotations

from explainer.examples.table import TableFactory

__all__: list[str] = []

TABLES: dict[str, TableFactory] = {}
