"""``python -m explainer "SENTENCE"``: attention over GloVe vectors, in the terminal.

For each token (or only ``--query WORD``) the tool prints that token's
attention weights over the sentence, one aligned bar per weight, in the
spirit of the original Rust attention playground. ``--json`` prints the
tokens and the full weight matrix instead, at full precision.

Errors (unknown words, an empty sentence, a bad flag, an unreadable
embeddings file) print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from explainer.embeddings import Embeddings, load_glove_text, tokenize
from explainer.examples import GloveAttention, glove_attention

__all__ = ["BAR_WIDTH", "format_bar", "format_bars", "main"]

BAR_WIDTH = 40
"""Characters of a full bar (weight 1.0)."""

_EIGHTHS = " ▏▎▍▌▋▊▉"
EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with the command line or its inputs; reported in one line."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see --help)")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m explainer",
        description="Show how each word of a sentence attends to the others when the queries, "
        "keys and values are the raw GloVe 6B 50-d vectors (scaled by 1/√50).",
        epilog="Example: python -m explainer --no-self --query it "
        '"The cat sat on the mat because it was tired". Errors: one line on stderr, exit status 2.',
    )
    parser.add_argument("sentence", nargs="+", help="the sentence (quoted, or as several words)")
    parser.add_argument("--query", metavar="WORD", help="show only this word's weights (every occurrence)")
    parser.add_argument("--no-self", action="store_true", help="forbid each word from attending to itself")
    parser.add_argument(
        "--causal", action="store_true", help="let each word attend only to itself and earlier words"
    )
    parser.add_argument("--no-scale", action="store_true", help="do not divide the scores by √d")
    parser.add_argument(
        "--embeddings", metavar="PATH", help="a GloVe text file to use instead of GloVe 6B 50-d"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"tokens": [...], "weights": [[...]]} (the full matrix) and nothing else',
    )
    return parser


def format_bar(weight: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of Unicode blocks, ``width`` characters for weight 1.

    Example:
        >>> format_bar(0.5, width=4)
        '██'
        >>> format_bar(0.3, width=4)
        '█▎'
    """
    eighths = round(min(max(weight, 0.0), 1.0) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def _query_label(result: GloveAttention, row: int) -> str:
    token = result.tokens[row]
    repeated = result.tokens.count(token) > 1
    return f"{token} (#{row + 1}) →" if repeated else f"{token} →"


def format_bars(result: GloveAttention, rows: Sequence[int] | None = None) -> str:
    """The bar view: for each query row, one aligned line per key.

    Args:
        result: the attention to show.
        rows: query positions to show; ``None`` means all.

    Returns:
        Text lines, no trailing newline.
    """
    pad = max(len(t) for t in result.tokens)
    scale = "scaled by 1/√" + str(result.vectors.shape[1]) if result.scaled else "unscaled"
    options = [name for name, on in (("no self", result.no_self), ("causal", result.causal)) if on]
    lines = [" ".join(result.tokens) + f"   ({', '.join([scale, *options])})"]
    for row in range(len(result.tokens)) if rows is None else rows:
        lines += ["", _query_label(result, row)]
        if result.fully_masked[row]:
            lines.append("  (may attend to nothing: every weight is 0)")
            continue
        for col, key in enumerate(result.tokens):
            weight = float(result.weights[row, col])
            shown = f"{weight:.3f} {format_bar(weight)}" if result.mask[row, col] else "  —   masked"
            lines.append(f"  {key:<{pad}}  {shown}".rstrip())
    return "\n".join(lines)


def _query_rows(result: GloveAttention, word: str) -> list[int]:
    wanted = tokenize(word)
    if len(wanted) != 1:
        raise UsageError(f"--query needs exactly one word, got {word!r}")
    rows = [i for i, t in enumerate(result.tokens) if t == wanted[0]]
    if not rows:
        raise UsageError(
            f"--query word {wanted[0]!r} is not in the sentence (tokens: {' '.join(result.tokens)})"
        )
    return rows


def _load_embeddings(path: str | None) -> Embeddings | None:
    if path is None:
        return None
    try:
        return load_glove_text(path)
    except OSError as error:
        raise UsageError(f"cannot read embeddings file {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise UsageError(f"bad embeddings file {path}: {error}") from None


def _run(args: argparse.Namespace, out: TextIO) -> None:
    embeddings = _load_embeddings(args.embeddings)
    try:
        result = glove_attention(
            " ".join(args.sentence),
            no_self=args.no_self,
            causal=args.causal,
            scaled=not args.no_scale,
            embeddings=embeddings,
        )
    except (ValueError, ModuleNotFoundError) as error:
        raise UsageError(str(error)) from None
    rows = None if args.query is None else _query_rows(result, args.query)
    if args.json:
        out.write(json.dumps({"tokens": list(result.tokens), "weights": result.weights.tolist()}) + "\n")
    else:
        out.write(format_bars(result, rows) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Run the terminal tool.

    Args:
        argv: the arguments after the program name; ``None`` means ``sys.argv[1:]``.

    Returns:
        The exit status: 0 on success, 2 on any usage or input error (after
        one line on stderr).
    """
    try:
        args = _build_parser().parse_args(argv)
        _run(args, sys.stdout)
    except UsageError as error:
        print(f"explainer: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as done:  # --help exits through argparse
        return done.code if isinstance(done.code, int) else 0
    return 0
