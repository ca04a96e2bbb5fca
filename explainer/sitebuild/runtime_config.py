"""``runtime.json``: what the Web Worker needs to start Python, beside its scripts and in ``worker.js``.

Build-time only (called by :func:`explainer.sitebuild.runtime.install_into_site` once the
runtime is assembled). It names where the runtime is, the lock the worker loads packages
from, the two standard-library archives, numpy's on-demand part and the start-up levers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path

from explainer.lazy_modules import NUMPY_DEFERRED
from explainer.sitebuild.numpy_split import MORE_NAME as NUMPY_MORE_NAME
from explainer.sitebuild.numpy_split import MORE_PACKAGE, WORKER_LOCK, module_name
from explainer.sitebuild.runtime_files import (
    ASSETS_DIR,
    CDN_INDEX_URL,
    CORE_FILES,
    PYODIDE_DIR,
    PYODIDE_VERSION,
    SITE_PACKAGES_ROOT,
    Mode,
    asset_source,
    sha256_of,
)
from explainer.sitebuild.stdlib_split import HOT_NAME, worker_config
from explainer.widgets import needs_embeddings, needs_numpy_more

__all__ = ["numpy_config", "worker_script", "write_widget_assets"]


def write_widget_assets(dest: Path, *, mode: Mode, wheel: Path, glove: Path | None) -> Path:
    """Write the widget scripts into ``dest``, and ``runtime.json``: the worker's configuration, which
    ``worker.js`` carries too (:func:`worker_script`).

    URLs in ``runtime.json`` are relative to ``dest``, so the site works under any base path.
    """
    dest.mkdir(parents=True, exist_ok=True)
    site = dest.parent.parent
    to_site = "../../"
    runtime = site / PYODIDE_DIR
    shutil.copyfile(asset_source(f"{ASSETS_DIR}/loader.js"), dest / "loader.js")  # the CSS: WIDGET_CSS
    config = {
        "pyodide_version": PYODIDE_VERSION,
        "mode": mode,
        "index_url": CDN_INDEX_URL if mode == "cdn" else f"{to_site}{PYODIDE_DIR}/",
        "wheel_url": f"{to_site}{PYODIDE_DIR}/{wheel.name}",
        "data_url": f"{to_site}data/",  # what widgets download on demand (sitebuild.datafiles): GloVe rows
        "glove_widgets": list(needs_embeddings()),
        "preload": True,  # the wheels download while the interpreter starts
        "download_order": True,  # the interpreter first, then numpy's wheel, then the rest (worker.js)
        "sizes": _step_sizes(runtime, wheel, glove) if mode == "self-hosted" else {},
    }
    if mode == "self-hosted":  # snapshot (worker.js): off, it has not won in a run (bench_coldpath.py)
        wheels = [f"{to_site}{PYODIDE_DIR}/{name}" for name in _preloaded(runtime, wheel)]
        config |= {"snapshot": False, "snapshot_key": _runtime_digest(runtime), "wheels": wheels}
        config |= worker_config(runtime, f"{to_site}{PYODIDE_DIR}/")
        config |= numpy_config(runtime, f"{to_site}{PYODIDE_DIR}/")
    (dest / "runtime.json").write_text(json.dumps(config, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if mode == "self-hosted":
        lock = json.loads((runtime / WORKER_LOCK).read_text(encoding="utf-8"))
        script = worker_script(config, runtime / "pyodide.js", lock)
    else:
        script = worker_script(config, None, None)
    (dest / "worker.js").write_text(script, encoding="utf-8")
    return dest / "runtime.json"


def worker_script(config: Mapping[str, object], pyodide_js: Path | None, lock: object) -> str:
    """``worker.js`` as the site serves it: ``pyodide.js``, ``config`` as ``RUNTIME_CONFIG``, the worker.

    Both save the worker a round trip before the runtime's downloads start: it reads its
    configuration (``runtime.json``'s content) and has ``loadPyodide`` without fetching either.
    ``pyodide.js`` (None: fetched by the worker, as from a CDN) goes in unchanged but for its
    source-map line. ``lock`` (the worker's lock, ``config["lock_url"]``'s content; None: none)
    goes in as ``RUNTIME_CONFIG.lock``: Pyodide 0.27 keeps its lock's request in a promise it
    never awaits when something else fails first, so a lock that cannot be read would be an
    uncaught error in the worker.
    """
    worker = asset_source(f"{ASSETS_DIR}/worker.js").read_text(encoding="utf-8")
    parts = []
    if pyodide_js is not None:
        pyodide = pyodide_js.read_text(encoding="utf-8").splitlines()
        parts += [
            f"/* {pyodide_js.name} of Pyodide {PYODIDE_VERSION} (Mozilla Public License 2.0), as released */",
            *(line for line in pyodide if not line.startswith("//# sourceMappingURL=")),
        ]
    carried = {**config, "lock": lock} if lock else dict(config)
    parts += [
        "/* This site's runtime.json (and its lock), written by the build (sitebuild/runtime_config.py): */",
        f"const RUNTIME_CONFIG = {json.dumps(carried, sort_keys=True)};",
        worker,
    ]
    return "\n".join(parts)


def numpy_config(runtime: Path, base_url: str) -> dict[str, object]:
    """``runtime.json``'s keys for the worker's lock and numpy's on-demand part, at ``base_url``."""
    with zipfile.ZipFile(runtime / NUMPY_MORE_NAME) as more:
        modules = sorted({m for m in map(module_name, more.namelist()) if m})
    return {
        "lock_url": base_url + WORKER_LOCK,
        "numpy_more": {
            "url": base_url + NUMPY_MORE_NAME,
            "modules": modules,
            "into": SITE_PACKAGES_ROOT,
            "package": MORE_PACKAGE,  # in the worker's lock
            "widgets": list(needs_numpy_more()),  # these start with it, loaded beside numpy
            "deferred": [m for m in NUMPY_DEFERRED if m in modules],  # imported as stand-ins until read
        },
    }


def _preloaded(runtime: Path, wheel: Path) -> list[str]:
    """File names of the wheels every widget loads: the worker's numpy and ours."""
    lock = json.loads((runtime / WORKER_LOCK).read_text(encoding="utf-8"))
    return sorted((lock["packages"]["numpy"]["file_name"], wheel.name))


def _runtime_digest(runtime: Path) -> str:
    """What the bare interpreter is made of, as a digest: a snapshot of it holds while this does."""
    names = (*CORE_FILES, HOT_NAME, WORKER_LOCK)
    return hashlib.sha256("".join(sha256_of(runtime / n) for n in names).encode()).hexdigest()[:16]


def _step_sizes(runtime: Path, wheel: Path, glove: Path | None) -> dict[str, int]:
    """Bytes each loading step fetches, for the progress indicator."""
    fetched = [HOT_NAME if n == "python_stdlib.zip" else n for n in CORE_FILES if n != "pyodide.mjs"]
    core = sum((runtime / name).stat().st_size for name in fetched)
    packages = sum((runtime / name).stat().st_size for name in _preloaded(runtime, wheel))
    more = runtime / NUMPY_MORE_NAME
    return {
        "core": core,
        "packages": packages,
        "numpy_more": more.stat().st_size if more.is_file() else 0,  # for a widget that loads it at start
        "glove": glove.stat().st_size if glove else 0,
    }
