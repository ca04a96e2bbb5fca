"""The worker's start-up downloads, in the order they are used (worker.js's orderDownloads).

On a slow connection the files share the bandwidth; the worker holds numpy's wheel until the
interpreter is compiled, and our wheel until numpy's has all its bytes, so each arrives about
when it can be used (benchmarks/bench_coldpath.py measures what that saves). The times are the
worker's own Resource Timing, which its "ready" message carries.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import nudge
from tests.e2e.test_widgets_e2e import wait_all

Browsing = Server = Any  # fixtures from conftest.py

# Keeps the worker's "ready" message where the test can read it.
KEEP_READY = """(() => {
  const Original = window.Worker;
  window.Worker = function (...args) {
    const worker = new Original(...args);
    worker.addEventListener("message", (e) => { if (e.data.type === "ready") window.__ready = e.data; });
    return worker;
  };
  window.Worker.prototype = Original.prototype;
})();"""


def test_numpy_waits_for_the_interpreter_and_our_wheel_for_numpy(browsing: Browsing, server: Server) -> None:
    page = browsing.new_page(known_states=False)
    page.add_init_script(KEEP_READY)
    page.goto(server.url + "self-attention/")
    nudge(page, '[data-widget="heatmap_explorer"]')
    wait_all(page, "ready")
    spans = {d["file"]: (d["start"], d["end"]) for d in page.evaluate("window.__ready.downloads")}
    wasm = spans["pyodide.asm.wasm"]
    numpy = next(span for name, span in spans.items() if name.startswith("numpy-") and "-0widgets-" in name)
    ours = next(span for name, span in spans.items() if name.startswith("explainer-"))
    assert wasm[0] < numpy[0] and numpy[0] >= wasm[1], (wasm, numpy)
    assert ours[0] >= numpy[1], (numpy, ours)
    assert not browsing.console_errors, browsing.console_errors[:5]
