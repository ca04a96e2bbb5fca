"""Which standard-library modules a reader's session imports: those ship byte-compiled.

Bytecode starts faster but weighs more than source (Pyodide's standard library is
2.4 MB as source, 4.0 MB compiled, both zipped), and most of the library is never
imported in a widget. So the build runs the widgets once in Pyodide under Node, with
the wheels the site ships: it imports what the code runner's figures import
(matplotlib, drawn to SVG), prepares every widget, computes its default state and
runs code that fails in the code runner (for its error messages). The
standard-library files imported by then are the ones
:func:`explainer.sitebuild.wheel.compile_in_pyodide` compiles, and the only ones the
worker starts Python with (:mod:`explainer.sitebuild.stdlib_split`); every other
module ships as source and downloads when a reader's code first imports it. The
list is cached by a digest of everything that decides it."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from explainer.sitebuild import DistError

__all__ = ["imported_stdlib"]

_SESSION = """
import io, json, os, sys
os.environ["MPLBACKEND"] = "Agg"
try:  # a site that ships matplotlib: what the code runner's figures import
    import matplotlib.pyplot as plt
    plt.figure().savefig(io.StringIO(), format="svg")
except ImportError:
    pass
import explainer.lazy_stdlib  # the worker installs its finder first
import explainer.browser as browser
from explainer.widgets import WIDGETS
for name in WIDGETS:
    browser.prepare(name)
    browser.handle(json.dumps({"widget": name, "state": {}}))
for code in ("1 / 0", "def broken(:", "import no_such_module"):  # the code runner's error messages
    browser.handle(json.dumps({"widget": "code_runner", "state": {"code": code}}))
json.dumps(sorted({
    m.__file__[len(ROOT):] for m in list(sys.modules.values())
    if (getattr(m, "__file__", None) or "").startswith(ROOT) and m.__file__.endswith(".py")
}))
"""
_NODE_SESSION = """
const {{ loadPyodide }} = require({pyodide_js});
(async () => {{
  const pyodide = await loadPyodide({{ indexURL: {index_url}, stdout: () => {{}}, stderr: () => {{}} }});
  await pyodide.loadPackage({wheels}, {{ messageCallback: () => {{}} }});
  pyodide.globals.set("ROOT", {root});
  require("fs").writeFileSync({out}, pyodide.runPython({code}));
}})().catch((error) => {{ console.error(String(error)); process.exit(1); }});
"""


def imported_stdlib(wheels: list[Path], core: Path, root: str, cache_dir: Path) -> list[str]:
    """Names (``json/__init__.py``) of the standard-library files a widget session imports.

    Args:
        wheels: every wheel the site ships (ours and the ones matplotlib needs), as source.
        core: the Pyodide npm package (its standard library, as source), run under Node.
        root: where Pyodide mounts the standard library (``/lib/python312.zip/``).
        cache_dir: where the list is kept, by the digest of all of the above.

    Raises:
        DistError: Node is missing or the session failed (with what it printed).
    """
    digest = hashlib.sha256(_SESSION.encode() + _NODE_SESSION.encode() + root.encode())
    for path in (*sorted(wheels), core / "python_stdlib.zip", core / "package.json"):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    cached = cache_dir / f"stdlib-imported-{digest.hexdigest()[:24]}.json"
    if not cached.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(_run_session(wheels, core, root)), encoding="utf-8")
    return list(json.loads(cached.read_text(encoding="utf-8")))


def _run_session(wheels: list[Path], core: Path, root: str) -> list[str]:
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
            wheels=json.dumps([str(p.resolve()) for p in wheels]),
            root=json.dumps(root),
            out=json.dumps(str(work / "imported.json")),
            code=json.dumps(_SESSION),
        )
        (work / "session.cjs").write_text(script, encoding="utf-8")
        done = subprocess.run([node, str(work / "session.cjs")], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise DistError(f"running the widgets in Pyodide failed: {done.stderr.strip()[-2000:]}")
        return list(json.loads((work / "imported.json").read_text(encoding="utf-8")))
