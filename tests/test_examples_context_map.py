"""Tests for explainer.examples.context_map: the principal axes, the projection, the four moves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from explainer.embeddings import Embeddings
from explainer.examples.context_map import contextual_map, mixed_point, principal_axes
from explainer.examples.glove import WORD_GROUPS, contextualisation_example, glove_example_words


@pytest.fixture(scope="module")
def emb() -> Embeddings:
    """Random 6-d vectors for every word the chapter uses, plus a few more."""
    words = (*sorted(glove_example_words()), "zebra", "violin", "orbit")
    return Embeddings(words, np.random.default_rng(3).normal(size=(len(words), 6)))


def reference_axes(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The top-k eigenvectors of the covariance matrix and their variance shares (a second method)."""
    centred = x - x.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)  # ascending
    order = np.argsort(values)[::-1][:k]
    return vectors[:, order].T, values[order] / values.sum()


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(4, 9), st.integers(3, 6)), elements=st.floats(-5, 5, width=32))
)
def test_principal_axes_agree_with_the_covariance_eigenvectors(x: np.ndarray) -> None:
    spread = np.linalg.svd(x - x.mean(axis=0), compute_uv=False)  # descending
    gaps = -np.diff(np.append(spread, 0.0))[:2]  # the two axes are unique only with clear gaps
    if spread[0] < 1e-3 or gaps.min() < 1e-3 * spread[0]:
        return
    mean, axes, explained = principal_axes(x)
    ref_axes, ref_explained = reference_axes(x, 2)
    np.testing.assert_allclose(mean, x.mean(axis=0))
    np.testing.assert_allclose(axes @ axes.T, np.eye(2), atol=1e-9)
    np.testing.assert_allclose(np.abs(axes @ ref_axes.T), np.eye(2), atol=1e-6)  # same lines, up to sign
    np.testing.assert_allclose(explained, ref_explained, rtol=1e-6)
    for row in axes:
        assert row[np.argmax(np.abs(row))] > 0  # the sign rule


def test_the_map_places_every_sentence_and_probe_word_once(emb: Embeddings) -> None:
    cmap = contextual_map(emb)
    assert len(set(cmap.words)) == len(cmap.words) and len(cmap.groups) == len(cmap.words)
    assert {"dog", "hot", "bank", "river", "savings", "the", "was"} <= set(cmap.words)
    for group, words in WORD_GROUPS.items():
        assert all(w in cmap.words for w in words)
        assert all(
            g in (group, "sentence") for w, g in zip(cmap.words, cmap.groups, strict=True) if w in words
        )
    np.testing.assert_allclose(cmap.project(emb.lookup(list(cmap.words))), cmap.points, atol=1e-12)
    assert 0 < cmap.explained[1] <= cmap.explained[0] and cmap.explained.sum() <= 1


def test_each_arrow_runs_from_the_word_to_its_output_and_is_never_longer_than_the_move(
    emb: Embeddings,
) -> None:
    cmap = contextual_map(emb)
    ex = contextualisation_example(emb)
    shifts = (ex.dog.first, ex.dog.second, ex.bank.first, ex.bank.second)
    assert [m.shift.sentence for m in cmap.moves] == [s.sentence for s in shifts]
    for move in cmap.moves:
        np.testing.assert_allclose(move.start, cmap.point(move.shift.word), atol=1e-12)
        np.testing.assert_allclose(move.end, cmap.project(move.shift.output), atol=1e-12)
        assert move.map_length == pytest.approx(float(np.linalg.norm(move.end - move.start)))
        assert move.map_length <= move.shift.moved + 1e-12  # projecting onto orthonormal axes never lengthens


def test_an_outputs_point_is_the_weighted_average_of_its_words_points(emb: Embeddings) -> None:
    cmap = contextual_map(emb)
    for move in cmap.moves:
        np.testing.assert_allclose(mixed_point(cmap, move), move.end, atol=1e-12)


def test_the_map_is_the_same_every_time(emb: Embeddings) -> None:
    a, b = contextual_map(emb), contextual_map(emb)
    np.testing.assert_array_equal(a.points, b.points)
    assert not a.points.flags.writeable


@pytest.mark.glove
def test_on_the_real_vectors_two_axes_keep_under_half_the_spread() -> None:
    cmap = contextual_map()
    assert 0.3 < cmap.explained.sum() < 0.6  # so the page must say the map shortens distances
    dog_moves = [m for m in cmap.moves if m.shift.word == "dog"]
    assert all(m.map_length < m.shift.moved for m in dog_moves)
