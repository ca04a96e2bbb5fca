"""Each widget declares whether its first state needs numpy's rarely used modules, and the declaration holds.

The browser's worker starts Python with numpy's rarely used modules left out (``numpy.random``
among them, and the linear-algebra routines' extension module, imported as a stand-in:
explainer/lazy_modules.py) and downloads them beside numpy only for a widget that declares
it needs them; any other widget would fetch them synchronously on first use, after Python
starts. Each widget runs in a fresh interpreter, as in a reader's worker.
"""

from __future__ import annotations

import json
import subprocess
import sys

from explainer.widgets import names, needs_numpy_more

_PROBE = """
import json, sys
from explainer import lazy_modules
lazy_modules.defer(lazy_modules.NUMPY_DEFERRED)  # as in the worker
import explainer.browser as browser
name = sys.argv[1]
browser.prepare(name)
browser.handle(json.dumps({"widget": name, "state": {}}))
used = lazy_modules.loaded(lazy_modules.NUMPY_DEFERRED)
print(json.dumps(["numpy.random"] * ("numpy.random" in sys.modules) + used))
"""


def test_numpy_is_imported_without_its_rarely_used_modules() -> None:
    code = (
        "import sys; from explainer import lazy_modules as m; m.defer(m.NUMPY_DEFERRED); "
        "import numpy, explainer.browser; numpy.linalg.norm(numpy.ones(3)); "
        "print('numpy.random' in sys.modules, m.loaded(m.NUMPY_DEFERRED))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False []"


def test_every_widget_declares_whether_it_needs_numpys_rarely_used_modules() -> None:
    running = {
        n: subprocess.Popen([sys.executable, "-c", _PROBE, n], stdout=subprocess.PIPE, text=True)
        for n in names()
    }
    used = {n: json.loads(p.communicate(timeout=300)[0].strip().splitlines()[-1]) for n, p in running.items()}
    assert {n for n, modules in used.items() if modules} == set(needs_numpy_more()), used
