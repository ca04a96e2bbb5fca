"""Tests for the code runner (explainer.widgets.code_runner)."""

from __future__ import annotations

import base64
import logging
import re
import warnings

import pytest

from explainer.widgets import compute, prerender
from explainer.widgets.code_runner import DEFAULT_CODE, MAX_OUTPUT, SPEC, execute, highlighted

NAME = "code_runner"


def test_the_default_code_runs_and_agrees_with_the_package() -> None:
    run = execute(DEFAULT_CODE)
    assert run.error is None and run.figures == ()
    assert "same as the package: True" in run.output and "output shape: (3, 4)" in run.output
    result = compute(NAME, {})
    assert result.error is None and result.html.startswith('<pre class="explainer-stdout"')


def test_printed_markup_is_shown_as_text() -> None:
    html = compute(NAME, {"code": "print('<script>alert(1)</script>')"}).html
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_error_shows_the_python_message_with_the_readers_lines_only() -> None:
    code = "x = 1\nprint('before')\ndef f():\n    return 1 / 0\nf()\n"
    result = compute(NAME, {"code": code})
    assert result.error == "Your code raised ZeroDivisionError: division by zero (line 4)."
    assert "before" in result.html
    traceback = re.search(r'<pre class="explainer-traceback"[^>]*>\n(.*?)</pre>', result.html, re.S)
    assert traceback is not None
    lines = traceback.group(1).splitlines()
    assert lines == ["Traceback (most recent call last):", "  line 5, in &lt;module&gt;: f()",
                     "  line 4, in f: return 1 / 0", "ZeroDivisionError: division by zero"]  # fmt: skip
    assert "code_runner.py" not in result.html


def test_a_syntax_error_names_its_line() -> None:
    result = compute(NAME, {"code": "x = 1\ny = (\n"})
    assert result.error is not None and result.error.startswith("Your code raised SyntaxError")
    assert "line 2" in result.html


@pytest.mark.parametrize("code", ["raise SystemExit(3)", "exit()", "raise KeyboardInterrupt"])
def test_exiting_does_not_stop_the_widget(code: str) -> None:
    result = compute(NAME, {"code": code})
    assert result.error is not None and "Your code raised" in result.error


def test_warnings_are_shown_not_raised() -> None:
    run = execute("import numpy as np\nprint(np.array([1.0]) / 0)\n")
    assert run.error is None and "RuntimeWarning: divide by zero" in run.output and "[inf]" in run.output


def test_long_output_is_shortened() -> None:
    run = execute("print('x' * 50000)")
    assert len(run.output) < MAX_OUTPUT + 100 and "output shortened" in run.output


def test_empty_code_and_silent_code() -> None:
    assert "code box is empty" in (compute(NAME, {"code": "  \n"}).error or "")
    assert "printed nothing" in compute(NAME, {"code": "x = 1"}).html


def test_matplotlib_figures_become_inline_svg_images() -> None:
    code = (
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2], [3, 4])\n"
        "from matplotlib.figure import Figure\nother = Figure()\nother.add_subplot().bar([0], [1])\n"
    )
    result = compute(NAME, {"code": code})
    assert result.error is None
    uris = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', result.html)
    assert len(uris) == 2
    svg = base64.b64decode(uris[0])
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert 'alt="Figure 1 drawn by the code above"' in result.html
    assert "printed nothing" not in result.html
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []  # the runner closed them


def test_matplotlibs_own_notes_are_left_out_and_the_readers_warnings_stay() -> None:
    code = (
        "import logging, warnings\n"
        "warnings.warn('FigureCanvasAgg is non-interactive, and thus cannot be shown', UserWarning)\n"
        "logging.getLogger('matplotlib.font_manager').warning(\n"
        "    'Matplotlib is building the font cache; this may take a moment.')\n"
        "warnings.warn('my own warning', UserWarning)\n"
        "warnings.warn('Matplotlib is building the font cache', DeprecationWarning)\n"
        "print('done')\n"
    )
    run = execute(code)
    assert run.error is None
    assert "non-interactive" not in run.output and "font cache; this may take" not in run.output
    assert "UserWarning: my own warning" in run.output and "done" in run.output
    assert (
        "DeprecationWarning: Matplotlib is building the font cache" in run.output
    )  # only UserWarning hidden
    assert logging.getLogger("matplotlib.font_manager").filters == []  # nothing left behind


def test_plt_show_on_a_backend_that_cannot_show_prints_no_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("agg")
    # Linux without a display is "headless" to matplotlib and stays quiet; Pyodide is not. Set a display.
    monkeypatch.setenv("DISPLAY", ":99")
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\nprint('shown')\n"
    with warnings.catch_warnings(record=True) as direct:
        warnings.simplefilter("always")
        import matplotlib.pyplot as plt

        plt.figure()
        plt.show()
        plt.close("all")
    assert any("FigureCanvasAgg is non-interactive" in str(w.message) for w in direct)  # it warns here ...
    run = execute(code)
    assert run.error is None and run.output == "shown\n" and len(run.figures) == 1  # ... not in the page


# ---------------------------------------------------------------- the code as shown before editing
def _view_text(html: str) -> tuple[str, str]:
    """(line-number gutter, code) of a highlighted view, as a browser shows them (tags dropped, unescaped)."""
    import html as html_module

    gutter = re.search(r'<span class="explainer-code-gutter">(.*?)</span>', html, re.S)
    code = re.search(r'<span class="explainer-code-text">(.*)</span></span>$', html, re.S)
    assert gutter is not None and code is not None, html[:200]
    return gutter.group(1), html_module.unescape(re.sub(r"<[^>]+>", "", code.group(1)))


@pytest.mark.parametrize(
    "code",
    [
        DEFAULT_CODE,
        "x = '</textarea><script>alert(1)</script>' & 1\n",
        's = """never closed\nprint(1)\n',  # broken code: the rest stays plain text
        "def f(:\n  return\n    x\n",
        "",
        "tab\tand unicode ✓ \u202e\n\n",
    ],
)
def test_the_highlighted_view_shows_exactly_the_code_with_one_number_per_editor_line(code: str) -> None:
    html = highlighted(code).html
    gutter, text = _view_text(html)
    assert text == code
    assert gutter.split("\n") == [str(n) for n in range(1, code.count("\n") + 2)]  # as CodeMirror counts
    assert "<script" not in html and 'aria-hidden="true"' in html  # the textarea is what is read aloud


def test_tokens_carry_the_classes_materials_code_colours_use() -> None:
    html = highlighted("def f(x):\n    return not x in [1.5, 'a'] or None  # done\nclass C: pass\n").html
    spans = dict((text, css) for css, text in re.findall(r'<span class="(\w+)">([^<]*)</span>', html))
    assert spans["def"] == spans["return"] == spans["class"] == "k"
    assert spans["f"] == "nf" and spans["C"] == "nc" and spans["x"] == "n"
    assert spans["not"] == spans["in"] == spans["or"] == "ow" and spans["None"] == "kc"
    assert spans["1.5"] == "mi" and spans["'a'"] == "s2" and spans["# done"] == "c1"
    assert spans["("] == spans["["] == spans[","] == "p"
    assert ":" not in spans  # Lezer leaves the colon untagged too


def test_the_code_field_names_its_keys_and_brings_its_own_files() -> None:
    html = prerender(NAME)
    assert "Tab indents; Esc then Tab moves on; Ctrl+Enter (⌘+Enter) runs." in html
    assert SPEC.assets == ("code_runner.css", "code_runner.js")
    assert "explainer-code-view" not in html  # the build adds the view beside the field (sitebuild.editor)
