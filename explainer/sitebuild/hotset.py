"""Which modules a reader's session imports: of the standard library, and of numpy.

Bytecode starts faster but weighs more than source (Pyodide's standard library is
2.4 MB as source, 4.0 MB compiled, both zipped), and most of the library is never
imported in a widget. So the build runs the widgets once in Pyodide under Node, with
the wheels the site ships: it imports what the code runner's figures import
(matplotlib, drawn to SVG), prepares every widget, computes its default state (a GloVe
widget's with vectors for its words, as no rows are at hand) and
runs code that fails in the code runner (for its error messages). The
standard-library files imported by then are the ones
:func:`explainer.sitebuild.wheel.compile_in_pyodide` compiles, and the only ones the
worker starts Python with (:mod:`explainer.sitebuild.stdlib_split`); every other
module ships as source and downloads when a reader's code first imports it. Of numpy,
the files imported by the time the widgets that need none of numpy's rarely used modules
have run are the ones the worker starts with (:mod:`explainer.sitebuild.numpy_split`); an
extension module numpy imports but no widget reads (:data:`explainer.lazy_modules.NUMPY_DEFERRED`)
is imported as a stand-in, so it does not count. Both lists are
cached by a digest of everything that decides them."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from explainer.sitebuild import DistError

__all__ = ["SessionImports", "session_imports"]

_SESSION = """
import io, json, os, sys
os.environ["MPLBACKEND"] = "Agg"

def files(root, suffixes):
    return sorted({
        m.__file__[len(root):] for m in list(sys.modules.values())
        if (getattr(m, "__file__", None) or "").startswith(root) and m.__file__.endswith(suffixes)
    })

from explainer import lazy_modules  # the worker installs its finders first
lazy_modules.defer(lazy_modules.NUMPY_DEFERRED)  # stand-ins: only a module read counts as imported
import numpy
import explainer.browser as browser
from explainer.widgets import SENTENCE_ROWS, WIDGETS, initial_state, needs_numpy_more
from explainer.embeddings import Embeddings, save_compact, tokenize
random = needs_numpy_more()
def run(name):
    browser.prepare(name)
    request = {"widget": name, "state": {}}
    if name in SENTENCE_ROWS:  # a real computation (no rows here): vectors for the default sentence
        state = initial_state(name)
        words = sorted({t for v in state.values() if isinstance(v, str) for t in tokenize(v)})
        vectors = numpy.linspace(-1, 1, len(words) * 50).reshape(len(words), 50)
        request["embeddings"] = str(save_compact(Embeddings(words, vectors), f"/tmp/glove-{name}.npz"))
    browser.handle(json.dumps(request))
for name in [n for n in WIDGETS if n not in random]:
    run(name)
numpy_files = [f for f in files(SITE_PACKAGES, (".py", ".so")) if f.startswith("numpy/")]
try:  # a site that ships matplotlib: what the code runner's figures import
    import matplotlib.pyplot as plt
    plt.figure().savefig(io.StringIO(), format="svg")
except ImportError:
    pass
for name in random:
    run(name)
for code in ("1 / 0", "def broken(:", "import no_such_module"):  # the code runner's error messages
    browser.handle(json.dumps({"widget": "code_runner", "state": {"code": code}}))
json.dumps({"stdlib": files(ROOT, ".py"), "numpy": numpy_files})
"""
_NODE_SESSION = """
const {{ loadPyodide }} = require({pyodide_js});
(async () => {{
  const pyodide = await loadPyodide({{
    indexURL: {index_url}, stdLibURL: {stdlib}, stdout: () => {{}}, stderr: () => {{}},
  }});
  await pyodide.loadPackage({wheels}, {{ messageCallback: () => {{}} }});
  pyodide.globals.set("ROOT", {root});
  pyodide.globals.set("SITE_PACKAGES", {site_packages});
  require("fs").writeFileSync({out}, pyodide.runPython({code}));
}})().catch((error) => {{ console.error(String(error)); process.exit(1); }});
"""


@dataclass(frozen=True)
class SessionImports:
    """The files a widget session imports (names as in their archives: ``json/__init__.py``).

    Attributes:
        stdlib: of the standard library, by the end of the session.
        numpy: of numpy (``numpy/linalg/__init__.py``, extension modules' ``.so`` files), by
            the time the widgets without ``needs_numpy_more`` had run, before matplotlib (a stand-in
            that none of them read is not among them).
    """

    stdlib: list[str]
    numpy: list[str]


def session_imports(
    wheels: list[Path], core: Path, stdlib: Path, root: str, site_packages: str, cache_dir: Path
) -> SessionImports:
    """What a widget session imports, run once in Pyodide under Node and cached.

    Args:
        wheels: every wheel the site ships (ours and the ones matplotlib needs), as source.
        core: the Pyodide npm package, run under Node.
        stdlib: the standard library the site ships, as source (Pyodide's, with the stand-ins
            of its start-up: :func:`explainer.sitebuild.stdlib_split.add_start_up_stand_ins`).
        root: where Pyodide mounts the standard library (``/lib/python312.zip/``).
        site_packages: where Pyodide installs wheels (``/lib/python3.12/site-packages/``).
        cache_dir: where the lists are kept, by the digest of all of the above.

    Raises:
        DistError: Node is missing or the session failed (with what it printed).
    """
    digest = hashlib.sha256((_SESSION + _NODE_SESSION + root + site_packages).encode())
    for path in (*sorted(wheels), stdlib, core / "package.json"):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    cached = cache_dir / f"session-imports-{digest.hexdigest()[:24]}.json"
    if not cached.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        found = _run_session(wheels, core, stdlib, root, site_packages)
        cached.write_text(json.dumps(found), encoding="utf-8")
    found = json.loads(cached.read_text(encoding="utf-8"))
    return SessionImports(stdlib=list(found["stdlib"]), numpy=list(found["numpy"]))


def _run_session(
    wheels: list[Path], core: Path, stdlib: Path, root: str, site_packages: str
) -> dict[str, list[str]]:
    node = shutil.which("node")
    if node is None:
        raise DistError(
            "node not found: it runs the widgets once to see what they import (install Node.js 20)"
        )
    with tempfile.TemporaryDirectory(prefix="explainer-session-") as tmp:
        work = Path(tmp)
        script = _NODE_SESSION.format(
            pyodide_js=json.dumps(str(core.resolve() / "pyodide.js")),
            index_url=json.dumps(f"{core.resolve()}/"),
            stdlib=json.dumps(str(stdlib.resolve())),
            wheels=json.dumps([str(p.resolve()) for p in wheels]),
            root=json.dumps(root),
            site_packages=json.dumps(site_packages),
            out=json.dumps(str(work / "imported.json")),
            code=json.dumps(_SESSION),
        )
        (work / "session.cjs").write_text(script, encoding="utf-8")
        done = subprocess.run([node, str(work / "session.cjs")], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise DistError(f"running the widgets in Pyodide failed: {done.stderr.strip()[-2000:]}")
        found: dict[str, list[str]] = json.loads((work / "imported.json").read_text(encoding="utf-8"))
        return found
