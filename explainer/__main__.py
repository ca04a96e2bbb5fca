"""``python -m explainer``: see :mod:`explainer.cli`."""

from __future__ import annotations

import os
import sys

from explainer.cli import main

if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `python -m explainer ... | head -3`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 0
    raise SystemExit(status)
