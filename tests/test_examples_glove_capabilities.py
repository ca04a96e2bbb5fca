"""Tests for explainer.examples.glove_capabilities: probes on random vectors, verdicts on real GloVe."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.embeddings import Embeddings
from explainer.examples import Table, tables
from explainer.examples.glove import glove_example_words
from explainer.examples.glove_capabilities import (
    TABLES,
    AttentionProbe,
    CapabilityRow,
    NegationProbe,
    capability_rows,
    capability_table,
)

EXTRA = ("zebra", "violin", "orbit", "cloud", "pencil", "lantern", "harbor", "meadow", "quartz", "ember")


@pytest.fixture(scope="module")
def emb() -> Embeddings:
    """Random 8-d vectors for every word the examples use, plus a few more."""
    words = tuple(sorted(glove_example_words())) + EXTRA
    return Embeddings(words, np.random.default_rng(7).normal(size=(len(words), 8)))


# ------------------------------------------------------------------ the probes on random vectors


def test_capability_rows_structure(emb: Embeddings) -> None:
    rows = capability_rows(emb)
    assert len(rows) == 5
    assert all(row.verdict in {"works", "partly", "fails"} for row in rows)
    assert isinstance(rows[-1].probes[0], NegationProbe)
    table = capability_table(emb)
    assert table.headers == ("Capability", "Test", "Measured", "Verdict")
    assert [r[3] for r in table.rows] == [row.verdict for row in rows]
    assert all(
        r[2].startswith(f"{row.hits} of {len(row.probes)}: ") for r, row in zip(table.rows, rows, strict=True)
    )


def _probe(rank: int) -> AttentionProbe:
    return AttentionProbe("s", "q", "t", 0.5, rank, 3, "t" if rank == 1 else "x", 0.5)


@pytest.mark.parametrize(("ranks", "verdict"), [((1, 1), "works"), ((1, 2), "partly"), ((3, 2), "fails")])
def test_verdict_follows_the_hits(ranks: tuple[int, ...], verdict: str) -> None:
    row = CapabilityRow("c", "t", tuple(_probe(r) for r in ranks))
    assert row.verdict == verdict and row.hits == ranks.count(1)


def test_negation_probe_hit_rule() -> None:
    probe = NegationProbe("a", "not a", "a", "b", 0.1, 0.6, 0.5, 0.9)
    assert probe.hit
    assert not NegationProbe("a", "not a", "a", "b", 0.1, 0.4, 0.5, 0.9).hit


def test_table_formatting_of_misses_and_ordinals() -> None:
    from explainer.examples.glove_capabilities import _describe, _ordinal

    assert [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
    ]  # fmt: skip
    assert _describe(_probe(2)) == "q→t 0.50 (2nd of 3; top: x 0.50)"
    assert _describe(_probe(1)) == "q→t 0.50 (1st of 3)"


def test_tables_registry() -> None:
    assert {"capability_table": capability_table} == TABLES
    assert tables()["capability_table"] is capability_table


# ------------------------------------------------------------------ the claims, on the real vectors


@pytest.mark.glove
def test_capability_verdicts_on_real_vectors() -> None:
    verdicts = [row.verdict for row in capability_rows()]
    assert verdicts == ["works", "partly", "fails", "partly", "fails"]
    table = capability_table()
    assert isinstance(table, Table) and "king→queen 0.30 (1st of 6)" in table.rows[0][2]
