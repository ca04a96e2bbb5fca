"""Tests for explainer.sitebuild.runtime: verified copies, an exact lock, a reproducible cached wheel."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from explainer.sitebuild import runtime as dist
from explainer.sitebuild import runtime_files
from explainer.sitebuild.stdlib_split import worker_config

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
needs_runtime = pytest.mark.skipif(
    not (NODE_MODULES / "pyodide" / "package.json").is_file(), reason="npm ci has not installed pyodide"
)


@pytest.fixture(scope="module")
def official() -> dist.PyodideLockSpec:
    if not (NODE_MODULES / "pyodide" / "pyodide-lock.json").is_file():
        pytest.skip("npm ci has not installed pyodide")
    return dist.read_official_lock(NODE_MODULES / "pyodide")


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One assembled runtime shared by the tests that only read it."""
    if not (NODE_MODULES / "pyodide" / "package.json").is_file():
        pytest.skip("npm ci has not installed pyodide")
    dest = tmp_path_factory.mktemp("site") / "pyodide"
    dist.assemble(dest, root=ROOT)
    return dest


def test_closure_of_matplotlib_has_its_dependencies(official: dist.PyodideLockSpec) -> None:
    names = dist.dependency_closure(official, ["matplotlib"])
    assert {"matplotlib", "numpy", "six", "pillow", "matplotlib-pyodide"} <= set(names)
    assert names == sorted(names)


def test_closure_refuses_an_unknown_package(official: dist.PyodideLockSpec) -> None:
    with pytest.raises(dist.DistError, match="'torch' is not in the official Pyodide"):
        dist.dependency_closure(official, ["torch"])


def test_copy_verified_refuses_a_changed_file(tmp_path: Path) -> None:
    src = tmp_path / "numpy.whl"
    src.write_bytes(b"tampered")
    (tmp_path / "out").mkdir()
    with pytest.raises(dist.DistError, match=r"numpy\.whl: sha256 .* does not match"):
        dist.copy_verified(src, tmp_path / "out", "0" * 64)
    assert not (tmp_path / "out" / "numpy.whl").exists()


def test_copy_verified_copies_a_matching_file(tmp_path: Path) -> None:
    src = tmp_path / "a.whl"
    src.write_bytes(b"wheel bytes")
    (tmp_path / "out").mkdir()
    out = dist.copy_verified(src, tmp_path / "out", hashlib.sha256(b"wheel bytes").hexdigest())
    assert out.read_bytes() == b"wheel bytes"


def test_copy_verified_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(dist.DistError, match=r"gone\.whl: not found"):
        dist.copy_verified(tmp_path / "gone.whl", tmp_path, "0" * 64)


def test_lock_lists_exactly_the_shipped_wheels(runtime: Path) -> None:
    """The worker's copy of numpy (in its own lock) aside, see the test of the two parts below."""
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    listed = {spec["file_name"] for spec in lock["packages"].values()}
    assert listed == {p.name for p in runtime.glob("*.whl") if "-0widgets-" not in p.name}
    for spec in lock["packages"].values():
        assert runtime_files.sha256_of(runtime / spec["file_name"]) == spec["sha256"]
    assert lock["info"]["version"] == dist.PYODIDE_VERSION
    assert lock["packages"]["explainer"]["depends"] == ["numpy"]


PYODIDE_MAGIC = b"\xcb\r\r\n"  # CPython 3.12's bytecode magic number: the browser's interpreter


def compiled_from(shipped: Path, official: Path, drop: str = "") -> None:
    """``shipped`` is ``official`` with each ``.py`` replaced by 3.12 bytecode, without the files
    ``drop`` matches; other files unchanged."""
    before, after = zipfile.ZipFile(official), zipfile.ZipFile(shipped)
    kept = [n for n in before.namelist() if not (drop and re.search(drop, n))]
    assert after.namelist() == [n + "c" if n.endswith(".py") else n for n in kept]
    for name in kept:
        if name.endswith(".py"):
            assert after.read(name + "c")[:4] == PYODIDE_MAGIC, name
        elif not name.endswith(".dist-info/RECORD"):
            assert after.read(name) == before.read(name), name


def test_core_files_are_the_npm_ones(runtime: Path) -> None:
    for name in set(runtime_files.CORE_FILES) - {"python_stdlib.zip"}:
        assert (runtime / name).read_bytes() == (NODE_MODULES / "pyodide" / name).read_bytes()


def test_the_standard_library_ships_compiled_where_a_widget_session_imports_it(runtime: Path) -> None:
    shipped = zipfile.ZipFile(runtime / "python_stdlib.zip")
    official = zipfile.ZipFile(NODE_MODULES / "pyodide" / "python_stdlib.zip")
    names, sources = set(shipped.namelist()), [n for n in official.namelist() if n.endswith(".py")]
    compiled = {n for n in sources if n + "c" in names}
    kept = {n for n in sources if n in names}
    assert compiled | kept == set(sources) and not compiled & kept
    assert {"json/__init__.py", "re/__init__.py", "_pyodide/_base.py", "encodings/utf_8.py"} <= compiled
    assert {"mailbox.py", "xmlrpc/client.py", "tkinter/__init__.py"} & set(
        sources
    ) <= kept  # nobody imports them
    for name in compiled:
        assert shipped.read(name + "c")[:4] == PYODIDE_MAGIC, name
    for name in kept:
        assert shipped.read(name) == official.read(name), name
    assert len(compiled) < len(kept)  # most of the library is never imported by a widget


def test_the_workers_two_archives_are_the_shipped_standard_library(runtime: Path) -> None:
    whole = zipfile.ZipFile(runtime / "python_stdlib.zip")
    hot = zipfile.ZipFile(runtime / "python_stdlib_hot.zip")
    more = zipfile.ZipFile(runtime / "python_stdlib_more.zip")
    files = {n for n in whole.namelist() if not n.endswith("/")}
    assert {n for n in hot.namelist() if not n.endswith("/")} == {n for n in files if not n.endswith(".py")}
    assert set(more.namelist()) == {n for n in files if n.endswith(".py")}
    for archive in (hot, more):
        for name in archive.namelist():
            assert archive.read(name) == whole.read(name), name
    assert more.getinfo("mailbox.py") and hot.getinfo("json/__init__.pyc")


@pytest.mark.skipif(shutil.which("node") is None, reason="no Node")
def test_a_module_shipped_as_source_still_imports(runtime: Path, tmp_path: Path) -> None:
    code = 'import mailbox, json; " ".join([mailbox.__file__, json.__file__, json.dumps([1])])'
    assert _node_session(runtime, tmp_path, code).split() == [
        "/lib/python312.zip/mailbox.py",
        "/lib/python312.zip/json/__init__.pyc",
        "[1]",
    ]


@pytest.mark.skipif(shutil.which("node") is None, reason="no Node")
def test_the_workers_standard_library_fetches_the_rest_on_first_import(runtime: Path, tmp_path: Path) -> None:
    """As the worker starts Python: on the hot archive, with the rest fetched by the finder."""
    more = worker_config(runtime, "")["stdlib_more"]
    assert isinstance(more, dict)
    assert "mailbox" in more["modules"] and "json" not in more["modules"]
    hot, rest = (
        json.dumps(str(runtime / name)) for name in ("python_stdlib_hot.zip", "python_stdlib_more.zip")
    )
    setup = (
        "  await py.loadPackage('explainer', { messageCallback: () => {} });\n"
        "  const fetchInto = (path) => {\n"
        f"    fetched.push(path); py.FS.writeFile(path, require('fs').readFileSync({rest}));\n"
        "  };\n"
        f"  py.pyimport('explainer.lazy_modules').install({json.dumps(more['modules'])}, fetchInto);\n"
    )
    code = (
        "import sys, json; before = 'mailbox' in sys.modules; import mailbox, email.mime.text; "
        '" ".join([mailbox.__file__, email.mime.text.__file__, json.__file__, str(before)])'
    )
    assert _node_session(runtime, tmp_path, code, setup, f", stdLibURL: {hot}").split() == [
        "/lib/python_stdlib_more.zip/mailbox.py",
        "/lib/python_stdlib_more.zip/email/mime/text.py",
        "/lib/python312.zip/json/__init__.pyc",
        "False",
        "/lib/python_stdlib_more.zip",  # fetched once
    ]


def test_the_workers_numpy_is_the_shipped_numpy_in_two_parts(runtime: Path) -> None:
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    worker_lock = json.loads((runtime / "pyodide-lock-worker.json").read_text())
    whole = zipfile.ZipFile(runtime / lock["packages"]["numpy"]["file_name"])
    spec = worker_lock["packages"]["numpy"]
    assert spec["sha256"] == runtime_files.sha256_of(runtime / spec["file_name"])
    more_spec = worker_lock["packages"]["numpy-more"]  # for a widget that loads it at start
    assert more_spec["file_name"] == "numpy_more.zip" and more_spec["depends"] == ["numpy"]
    assert more_spec["sha256"] == runtime_files.sha256_of(runtime / "numpy_more.zip")
    assert {k: v for k, v in worker_lock.items() if k != "packages"} == {
        k: v for k, v in lock.items() if k != "packages"
    }
    hot, more = zipfile.ZipFile(runtime / spec["file_name"]), zipfile.ZipFile(runtime / "numpy_more.zip")
    files = {n for n in whole.namelist() if not n.endswith("/")}
    assert set(hot.namelist()) | set(more.namelist()) == files
    assert not set(hot.namelist()) & set(more.namelist())
    for archive in (hot, more):
        for name in archive.namelist():
            assert archive.read(name) == whole.read(name), name
    assert "numpy/_core/_multiarray_umath.cpython-312-wasm32-emscripten.so" in hot.namelist()
    assert "numpy/random/__init__.pyc" in more.namelist() and "numpy/fft/__init__.pyc" in more.namelist()
    assert "numpy/linalg/_linalg.pyc" in hot.namelist()  # numpy imports it; widgets call norm
    assert "numpy/linalg/_umath_linalg.cpython-312-wasm32-emscripten.so" in more.namelist()  # a stand-in
    assert sum(i.compress_size for i in hot.infolist()) < 0.5 * sum(i.compress_size for i in whole.infolist())


@pytest.mark.skipif(shutil.which("node") is None, reason="no Node")
def test_the_workers_numpy_computes_and_fetches_the_rest_on_first_import(
    runtime: Path, tmp_path: Path
) -> None:
    """As the worker starts: the worker's lock; numpy.random unpacked from numpy_more.zip when imported."""
    from explainer.sitebuild.runtime_config import numpy_config

    numpy = numpy_config(runtime, "")["numpy_more"]
    assert isinstance(numpy, dict) and "numpy.random" in numpy["modules"]
    assert "heatmap_explorer" not in numpy["widgets"] and "step_through" in numpy["widgets"]
    assert numpy["deferred"] == ["numpy.linalg._umath_linalg"]
    rest = json.dumps(str(runtime / "numpy_more.zip"))
    setup = (
        "  await py.loadPackage('explainer', { messageCallback: () => {} });\n"
        "  const fetchInto = (path) => {\n"
        f"    fetched.push(path); py.FS.writeFile(path, require('fs').readFileSync({rest}));\n"
        "  };\n"
        f"  py.pyimport('explainer.lazy_modules').install({json.dumps(numpy['modules'])}, fetchInto,"
        f" '/tmp/numpy_more.zip', {json.dumps(numpy['into'])}, 'NumPy', {json.dumps(numpy['deferred'])});\n"
    )
    code = (
        "import sys, json, explainer.browser as b; b.prepare('dot_product_playground'); "
        "answer = json.loads(b.handle(json.dumps({'widget': 'dot_product_playground', 'state': {}}))); "
        "before = 'numpy.random' in sys.modules; import numpy as np; "
        "linalg = type(np.linalg._umath_linalg).__name__; norm = np.linalg.norm([3.0, 4.0]); "
        "draw = np.random.default_rng(0).integers(9); det = np.linalg.det(np.eye(2) * 3); "
        "' '.join([str(before), str(bool(answer['html'])), linalg, str(norm), str(draw), str(round(det)), "
        "np.random.__file__, np.linalg._umath_linalg.__file__])"
    )
    lock_url = json.dumps(str(runtime / "pyodide-lock-worker.json"))
    assert _node_session(runtime, tmp_path, code, setup, f", lockFileURL: {lock_url}").split() == [
        "False",
        "True",
        "StandIn",  # numpy imported linear algebra's extension module as a stand-in; norm never reads it
        "5.0",
        "7",
        "9",  # det read it: from the archive fetched for numpy.random, not fetched again
        "/lib/python3.12/site-packages/numpy/random/__init__.pyc",
        "/lib/python3.12/site-packages/numpy/linalg/_umath_linalg.cpython-312-wasm32-emscripten.so",
        "/tmp/numpy_more.zip",  # fetched once, after the widget had answered
    ]


def _node_session(runtime: Path, tmp_path: Path, code: str, setup: str = "", options: str = "") -> str:
    """Print ``code``'s value from Pyodide under Node, after the JavaScript ``setup`` (``py`` is Pyodide)."""
    script = tmp_path / "imports.cjs"
    script.write_text(
        f"const {{ loadPyodide }} = require({json.dumps(str(runtime / 'pyodide.js'))});\n"
        "const fetched = [];\n"
        f"loadPyodide({{ indexURL: {json.dumps(str(runtime) + '/')}{options} }}).then(async (py) => {{\n"
        f"{setup}"
        f"  console.log(py.runPython({json.dumps(code)}), fetched.join(' '));\n"
        "});\n",
        encoding="utf-8",
    )
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_shipped_wheels_match_the_official_lock(runtime: Path, official: dist.PyodideLockSpec) -> None:
    for name in dist.dependency_closure(official, dist.ROOT_PACKAGES):
        spec = official.packages[name]
        if name in dist.COMPILED_PACKAGES:  # the official wheel, byte-compiled, its unused files left out
            compiled_from(
                runtime / spec.file_name, dist.wheel_source_dir() / spec.file_name, dist.NUMPY_UNUSED
            )
        else:
            assert runtime_files.sha256_of(runtime / spec.file_name) == spec.sha256


def test_numpy_ships_without_what_no_widget_imports(runtime: Path) -> None:
    """f2py, stubs, Cython headers and test-only extensions go; the test module numpy imports stays."""
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    names = zipfile.ZipFile(runtime / lock["packages"]["numpy"]["file_name"]).namelist()
    assert not [n for n in names if n.startswith("numpy/f2py/") or n.endswith((".pyi", ".pxd"))]
    extensions = {n.rsplit("/", 1)[-1].split(".")[0] for n in names if n.endswith(".so")}
    assert "_multiarray_tests" in extensions and not extensions & {"_umath_tests", "_rational_tests", "_simd"}
    assert "_generator" in extensions and "_umath_linalg" in extensions  # random draws, norms


def test_our_wheel_ships_compiled_under_an_honest_tag(runtime: Path) -> None:
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    ours = lock["packages"]["explainer"]
    assert ours["file_name"].endswith("-py312-none-any.whl") and ours["imports"] == ["explainer"]
    names = zipfile.ZipFile(runtime / ours["file_name"]).namelist()
    assert "explainer/attention.pyc" in names and not [n for n in names if n.endswith(".py")]


@needs_runtime
def test_a_corrupted_source_wheel_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "wheels"
    shutil.copytree(dist.wheel_source_dir(), fake, ignore=shutil.ignore_patterns("*.zip", "py*", "sci*"))
    numpy = next(fake.glob("numpy-*.whl"))
    data = numpy.read_bytes()
    numpy.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])  # one flipped byte
    monkeypatch.setattr(dist, "wheel_source_dir", lambda: fake)
    with pytest.raises(dist.DistError, match=rf"{numpy.name}: sha256 .* does not match the official"):
        dist.assemble(tmp_path / "site" / "pyodide", root=ROOT, packages=["numpy"])


def test_a_missing_npm_package_says_run_npm_ci(tmp_path: Path) -> None:
    with pytest.raises(dist.DistError, match="run `npm ci`"):
        dist.core_dir(tmp_path)


@needs_runtime
def test_install_into_site_self_hosted_writes_runtime_config(tmp_path: Path) -> None:
    report = dist.install_into_site(tmp_path, root=ROOT)
    config = json.loads((tmp_path / "assets" / "widgets" / "runtime.json").read_text())
    assert config["mode"] == "self-hosted"
    assert config["index_url"] == "../../pyodide/"
    assert config["preload"] is True  # the wheels download while the interpreter starts
    assert config["download_order"] is True  # numpy's after the interpreter, ours after numpy's
    assert (tmp_path / "assets" / "widgets" / config["wheel_url"]).resolve().is_file()
    # The snapshot lever is off (it measured slower); its key changes with any interpreter file.
    assert config["snapshot"] is False and re.fullmatch(r"[0-9a-f]{16}", config["snapshot_key"])
    wheels = [(tmp_path / "assets" / "widgets" / url).resolve() for url in config["wheels"]]
    assert [w.name.split("-")[0] for w in wheels] == ["explainer", "numpy"]
    assert "-0widgets-" in wheels[1].name  # the worker's numpy: what widgets import (numpy_split)
    assert (tmp_path / "assets" / "widgets" / config["lock_url"]).resolve().is_file()
    assert all(w.is_file() for w in wheels)
    assert {"assets/widgets/loader.js", "assets/widgets/worker.js", "pyodide/pyodide.asm.wasm"} <= set(
        report.files
    )
    assert report.total_bytes == sum((tmp_path / f).stat().st_size for f in report.files)
    # worker.js carries pyodide.js, this configuration and the worker's lock: it fetches none of them.
    worker = (tmp_path / "assets" / "widgets" / "worker.js").read_text(encoding="utf-8")
    pyodide_js = (tmp_path / "pyodide" / "pyodide.js").read_text(encoding="utf-8")
    assert pyodide_js.split("\n//# sourceMappingURL=")[0] in worker and "sourceMappingURL" not in worker
    carried = next(line for line in worker.splitlines() if line.startswith("const RUNTIME_CONFIG = "))
    lock = json.loads((tmp_path / "pyodide" / "pyodide-lock-worker.json").read_text(encoding="utf-8"))
    worker_config = json.loads(carried.removeprefix("const RUNTIME_CONFIG = ").removesuffix(";"))
    assert worker_config == config | {"lock": lock}
    assert worker.index("var loadPyodide") < worker.index(carried) < worker.index("let booting")


@needs_runtime
def test_install_into_site_cdn_copies_no_pyodide_file(tmp_path: Path) -> None:
    report = dist.install_into_site(tmp_path, root=ROOT, pyodide="cdn")
    config = json.loads((tmp_path / "assets" / "widgets" / "runtime.json").read_text())
    assert config["index_url"] == dist.CDN_INDEX_URL
    assert not any(
        f.endswith((".wasm", "pyodide.js", "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"))
        for f in report.files
    )
    assert f"pyodide/{report.wheel}" in report.files


def test_unknown_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(dist.DistError, match="unknown pyodide mode 'local'"):
        dist.install_into_site(tmp_path, root=ROOT, pyodide="local")  # type: ignore[arg-type]


def test_the_widget_session_needs_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from explainer.sitebuild import hotset

    monkeypatch.setattr(shutil, "which", lambda name: None)
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "python_stdlib.zip").write_bytes(b"")
    with pytest.raises(dist.DistError, match="node not found: it runs the widgets once"):
        roots = (runtime_files.STDLIB_ROOT, runtime_files.SITE_PACKAGES_ROOT)
        hotset.session_imports([], tmp_path, tmp_path / "python_stdlib.zip", *roots, tmp_path / "cache")
