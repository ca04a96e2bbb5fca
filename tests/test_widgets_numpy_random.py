"""Each widget declares whether its first state imports numpy.random, and the declaration holds.

The browser's worker starts Python with numpy's rarely used modules left out (numpy.random
among them) and downloads them beside numpy only for a widget that declares it needs them;
any other widget would fetch them synchronously on first import, after Python starts.
Each widget runs in a fresh interpreter, as in a reader's worker.
"""

from __future__ import annotations

import json
import subprocess
import sys

from explainer.widgets import names, needs_numpy_random

_PROBE = """
import json, sys
import explainer.browser as browser
name = sys.argv[1]
browser.prepare(name)
browser.handle(json.dumps({"widget": name, "state": {}}))
print(json.dumps("numpy.random" in sys.modules))
"""


def test_numpy_is_imported_without_numpy_random() -> None:
    code = "import sys, numpy, explainer.browser; print('numpy.random' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False"]


def test_every_widget_declares_whether_it_imports_numpy_random() -> None:
    running = {
        n: subprocess.Popen([sys.executable, "-c", _PROBE, n], stdout=subprocess.PIPE, text=True)
        for n in names()
    }
    imports = {
        n: json.loads(p.communicate(timeout=300)[0].strip().splitlines()[-1]) for n, p in running.items()
    }
    assert {n for n, used in imports.items() if used} == set(needs_numpy_random())
