"""The browser wheel: the ``explainer`` package without its build-only subpackage.

Readers' browsers download this wheel, so it carries what runs there (the
numpy core, examples, widgets, the browser entry point) and leaves out
:mod:`explainer.sitebuild` (MkDocs glue, KaTeX, runtime assembly) and the
widgets' scripts and styles, which the site serves itself. It is pure
Python, so ``python -m build`` makes the same ``py3-none-any`` wheel that
``pyodide build`` would, offline.

The browser should not compile Python source on every visit, so the runtime
assembly (:mod:`explainer.sitebuild.runtime`) replaces the ``.py`` files of the
archives it loads first (the standard library, numpy, this wheel) by bytecode:
:func:`compile_archive` rewrites one zip, and :func:`compile_in_pyodide` runs it
inside Pyodide itself under Node, so the bytecode is exactly what the browser's
CPython 3.12 reads, whatever Python runs the build. Measured in
``benchmarks/bench_coldpath.py``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from explainer.sitebuild import DistError
from explainer.sitebuild.figcache import source_hash

__all__ = ["BUILD_ONLY", "build_explainer_wheel", "compile_archive", "compile_in_pyodide", "source_digest"]

BUILD_ONLY = "sitebuild"
"""The subpackage the browser wheel leaves out: it only runs while the site builds."""
BROWSER_SERVED = "assets"
"""Files the site serves to the browser itself (the widgets' scripts and styles): not in the wheel."""
# Fixed wheel timestamps, so two builds of the same source give the same bytes (and sha256).
_SOURCE_DATE_EPOCH = "315532800"
_PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE")


def source_digest(root: Path) -> str:
    """sha256 over what goes into the browser wheel (its cache key): the package and project files."""
    digest = hashlib.sha256(source_hash(root / "explainer", skip=(BUILD_ONLY, BROWSER_SERVED)).encode())
    for name in _PROJECT_FILES:
        path = root / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return digest.hexdigest()[:16]


def build_explainer_wheel(root: Path, cache_dir: Path) -> Path:
    """Build (or reuse) the pure-Python ``explainer`` wheel for the current sources.

    The wheel is built by ``python -m build --wheel --no-isolation`` from a copy of
    the sources (so the tree gets no ``build/``), and cached under
    ``cache_dir/<source digest>/`` so ``mkdocs serve`` rebuilds stay fast.
    """
    target = cache_dir / source_digest(root)
    cached = sorted(target.glob("explainer-*-py3-none-any.whl"))
    if cached:
        return cached[0]
    with tempfile.TemporaryDirectory(prefix="explainer-wheel-") as tmp:
        src = Path(tmp) / "src"
        _copy_sources(root, src)
        env = {**os.environ, "SOURCE_DATE_EPOCH": _SOURCE_DATE_EPOCH}
        cmd = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--skip-dependency-check"]
        done = subprocess.run(
            [*cmd, "--outdir", str(Path(tmp) / "dist"), str(src)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wheels = sorted((Path(tmp) / "dist").glob("explainer-*-py3-none-any.whl"))
        if done.returncode != 0 or not wheels:
            raise DistError(
                f"building the explainer wheel failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        target.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(wheels[0], target / wheels[0].name))


def _copy_sources(root: Path, dest: Path) -> None:
    """Copy what the browser wheel is built from into ``dest``: not the build-only subpackage, no caches."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", BUILD_ONLY, BROWSER_SERVED)
    shutil.copytree(root / "explainer", dest / "explainer", ignore=ignore)
    for name in _PROJECT_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, dest / name)


def compile_archive(data: bytes, root: str, drop: str = "", only: list[str] | None = None) -> bytes:
    """The zip ``data`` with each ``.py`` file replaced by its bytecode, a ``.pyc`` in the same place.

    Runs in the interpreter whose bytecode it writes (see :func:`compile_in_pyodide`), and
    imports only the standard library, since that is where it runs. The ``.pyc`` files are
    hash-based and unchecked (PEP 552): never compared with a source file or a time stamp,
    which is right for files that never change. Tracebacks name ``root + path``, where
    the file would be on the browser's file system. Entries keep their order and dates, so
    the same input gives the same bytes; a wheel's ``RECORD`` is rewritten for the new files.
    Entries whose name matches the regular expression ``drop`` (if given) are left out; with
    ``only``, just those ``.py`` files are compiled and the others ship as source.
    """
    import base64
    import hashlib
    import importlib.util
    import io
    import marshal
    import re
    import zipfile

    def record_line(name: str, body: bytes) -> str:
        digest = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()
        return f"{name},sha256={digest},{len(body)}"

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    files: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info in source.infolist():
        if drop and re.search(drop, info.filename):
            continue
        body = source.read(info)
        if info.filename.endswith(".py") and (only is None or info.filename in only):
            code = compile(body, root + info.filename, "exec", dont_inherit=True)
            header = importlib.util.MAGIC_NUMBER + b"\x01\x00\x00\x00" + importlib.util.source_hash(body)
            body = header + marshal.dumps(code)
            info = zipfile.ZipInfo(info.filename + "c", info.date_time)
        files.append((info, body))
    records = [f for f in files if f[0].filename.endswith(".dist-info/RECORD")]
    for info, _ in records:
        lines = [record_line(i.filename, b) for i, b in files if i is not info and not i.is_dir()]
        files[files.index((info, _))] = (info, "\n".join([*lines, f"{info.filename},,", ""]).encode())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, body in files:
            info.compress_type = zipfile.ZIP_STORED if info.is_dir() else zipfile.ZIP_DEFLATED
            target.writestr(info, body)
    return out.getvalue()


# Runs in Pyodide under Node: load the core, mount the work directory, compile each archive in place.
_NODE_COMPILER = """
const {{ loadPyodide }} = require({pyodide_js});
(async () => {{
  const pyodide = await loadPyodide({{ indexURL: {index_url}, stdout: () => {{}} }});
  pyodide.FS.mkdir("/work");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, {{ root: {work} }}, "/work");
  pyodide.runPython({code});
}})().catch((error) => {{ console.error(String(error)); process.exit(1); }});
"""
_COMPILE_JOBS = """
from pathlib import Path
for name, root, drop, only in {jobs}:
    path = Path("/work") / name
    path.write_bytes(compile_archive(path.read_bytes(), root, drop, only))
"""


def compile_in_pyodide(
    jobs: dict[Path, str],
    core: Path,
    cache_dir: Path,
    drop: dict[Path, str] | None = None,
    only: dict[Path, list[str]] | None = None,
) -> None:
    """Replace each archive (path -> tracebacks' root) by :func:`compile_archive`'s output, in place.

    ``drop`` maps an archive to the names it leaves out (a regular expression), ``only`` to the
    sources it compiles (the others stay source).

    Compiled by the Pyodide in ``core`` (the npm package) under Node, so the bytecode is
    its CPython's. Each result is cached by the digest of its input and of this code.

    Raises:
        DistError: Node is missing or the compilation failed (with what it printed).
    """
    recipe = hashlib.sha256((inspect.getsource(compile_archive) + _COMPILE_JOBS).encode())
    drop, only = drop or {}, only or {}
    shape = {path: (root, drop.get(path, ""), only.get(path)) for path, root in jobs.items()}
    keys = {path: _cache_key(path, recipe.hexdigest() + repr(shape[path]), core) for path in jobs}
    todo = {path: shape[path] for path in jobs if not (cache_dir / keys[path]).is_file()}
    if todo:
        _run_node_compiler(todo, core, cache_dir, keys)
    for path in jobs:
        shutil.copyfile(cache_dir / keys[path], path)


def _cache_key(path: Path, recipe: str, core: Path) -> str:
    """Cache file name for ``path`` compiled by ``recipe`` in the Pyodide at ``core``."""
    digest = hashlib.sha256(path.read_bytes() + recipe.encode() + (core / "package.json").read_bytes())
    return f"{digest.hexdigest()[:24]}-{path.name}"


def _run_node_compiler(
    todo: dict[Path, tuple[str, str, list[str] | None]], core: Path, cache_dir: Path, keys: dict[Path, str]
) -> None:
    """Copy ``todo`` into a work directory, compile there with Node + Pyodide, fill the cache."""
    node = shutil.which("node")
    if node is None:
        raise DistError("node not found: it compiles the Python files the browser loads (install Node.js 20)")
    with tempfile.TemporaryDirectory(prefix="explainer-pyc-") as tmp:
        work = Path(tmp)
        names = {path: f"{i}-{path.name}" for i, path in enumerate(todo)}
        for path, name in names.items():
            shutil.copyfile(path, work / name)
        code = inspect.getsource(compile_archive) + _COMPILE_JOBS.format(
            jobs=repr([(names[p], *shape) for p, shape in todo.items()])
        )
        script = _NODE_COMPILER.format(
            pyodide_js=json.dumps(str(core / "pyodide.js")),
            index_url=json.dumps(f"{core}/"),
            work=json.dumps(str(work)),
            code=json.dumps(code),
        )
        (work / "compile.cjs").write_text(script, encoding="utf-8")
        done = subprocess.run([node, str(work / "compile.cjs")], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise DistError(f"compiling Python files in Pyodide failed: {done.stderr.strip()[-2000:]}")
        cache_dir.mkdir(parents=True, exist_ok=True)
        for path, name in names.items():
            shutil.copyfile(work / name, cache_dir / keys[path])
