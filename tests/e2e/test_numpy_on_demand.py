"""numpy's rarely used modules (numpy_more.zip): downloaded only for the widgets and code that import them.

The worker starts Python on the numpy files widgets import (explainer/sitebuild/numpy_split.py).
A page whose widget draws random numbers has Pyodide load the rest beside numpy while Python
starts; another page never downloads it, until code imports one of its modules.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import nudge
from tests.e2e.test_widgets_e2e import (
    LIVE,
    failed_download,
    page_of,
    run_code,
    runner_server,
    wait_all,
    without,
)

__all__ = ["runner_server"]  # a fixture of the widget tests, used here too

Browsing = Server = Any  # fixtures from conftest.py
MORE = "/pyodide/numpy_more.zip"
FFT = "import numpy as np\nprint(np.fft.fft([1.0, 0.0]).real.tolist())"


def more_requests(browsing: Browsing) -> list[str]:
    return [u for u in browsing.requests if u.endswith(MORE)]


def test_a_widget_without_random_numbers_never_downloads_them(browsing: Browsing, server: Server) -> None:
    page = browsing.new_page(known_states=False)
    page.goto(server.url + "blending/")
    nudge(page)
    wait_all(page, "ready")
    assert [u for u in browsing.requests if "-0widgets-" in u]  # the worker's numpy
    assert more_requests(browsing) == []
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_a_widget_drawing_random_numbers_gets_them_while_python_starts(
    browsing: Browsing, server: Server
) -> None:
    page = browsing.new_page(known_states=False)
    page.goto(server.url + "scaling/")
    nudge(page)
    wait_all(page, "ready")
    assert len(more_requests(browsing)) == 1  # loaded with numpy, while Python starts
    assert "error" not in (page.locator(f"{LIVE} [data-output]").first.get_attribute("class") or "")
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_code_imports_a_module_of_the_rest(browsing: Browsing, runner_server: Server) -> None:
    page = browsing.new_page()
    page.goto(runner_server.url + "__loop.html")
    page.locator(f"{LIVE} textarea[name=code]").fill(FFT)
    wait_all(page, "ready")
    assert run_code(page, FFT).strip().endswith("[1.0, 1.0]")
    assert more_requests(browsing)


def test_linear_algebra_downloads_on_first_use_not_with_numpy(
    browsing: Browsing, site_dir: Any, serve_site: Any
) -> None:
    """numpy imports its linear-algebra module as a stand-in: the first routine that reads it fetches it."""
    pages = {"/__linalg.html": page_of(("dot_product_playground", {}), ("code_runner", {"code": "print(1)"}))}
    served = serve_site(site_dir, extra_pages=pages)
    page = browsing.new_page(known_states=False)
    page.goto(served.url + "__linalg.html")
    nudge(page, '[data-widget="dot_product_playground"]')
    wait_all(page, "ready")
    norm = "import numpy as np\nprint(np.linalg.norm([3.0, 4.0]))"
    assert run_code(page, norm).strip().endswith("5.0") and more_requests(browsing) == []
    det = "import numpy as np\nprint(round(np.linalg.det(np.eye(3) * 2)))"
    assert run_code(page, det).strip().endswith("8")
    assert len(more_requests(browsing)) == 1
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_a_failed_download_on_first_import_is_reported_and_the_code_is_kept(
    browsing: Browsing, site_dir: Any, serve_site: Any
) -> None:
    """The reader starts in a widget without random numbers; code that imports numpy.fft then fails."""
    damage = without("numpy_more.zip")["damage"]
    pages = {"/__loop.html": page_of(("dot_product_playground", {}), ("code_runner", {"code": "print(1)"}))}
    missing = serve_site(site_dir, damage=damage, extra_pages=pages)
    page = browsing.new_page(known_states=False)
    page.goto(missing.url + "__loop.html")
    nudge(page, '[data-widget="dot_product_playground"]')
    said = "numpy.fft is part of NumPy that this site downloads on first use"
    failed_download(browsing, missing, FFT, said, page=page)
    assert not browsing.console_errors, browsing.console_errors[:5]


def test_a_missing_part_at_start_names_the_package(
    browsing: Browsing, site_dir: Any, serve_site: Any
) -> None:
    """A widget that loads numpy's rest at start fails to start, as with any missing package."""
    missing = serve_site(site_dir, **without("numpy_more.zip"))
    try:
        page = browsing.new_page()
        page.goto(missing.url + "__loop.html")
        page.locator(f"{LIVE} textarea[name=code]").fill(FFT)
        wait_all(page, "error")
        status = page.locator(f"{LIVE} .explainer-status").first.inner_text()
        assert "could not load" in status and "numpy-more" in status, status
        assert page.locator(f"{LIVE} textarea[name=code]").input_value() == FFT
    finally:
        missing.httpd.shutdown()
        missing.httpd.server_close()
