"""The chapter-6 step-through in a real browser (fixtures from conftest.py).

It plays and moves (CSS animations on the pictures Python drew), it does not move with
reduced motion, and both plays end in the same state; every control works from the keyboard;
axe finds nothing serious in either palette with any step shown; without JavaScript every
step's picture is on the page; the numbers shown are the example's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from explainer.examples import step_through_example
from explainer.widgets.step_svg import num
from explainer.widgets.step_through import STEPS
from tests.e2e.test_accessibility import AXE, SCHEMES, audit, tab_to, wait_for_palette, widget_page

Browsing = Server = Any  # fixtures from conftest.py
ROOT = '[data-widget="step_through"]'
PLAY_MS = 60_000  # a whole play is about 28 s of dwell, run at once on the page's fake clock

STATE_JS = """(root) => {
    const r = document.querySelector(root);
    return {
        step: r.querySelector('form input[name=step]').value,
        row: r.querySelector('form input[name=row]').value,
        shown: [...r.querySelectorAll('.st-step')].filter(s => getComputedStyle(s).display !== 'none')
            .map(s => s.dataset.s),
        rows: [...r.querySelectorAll('.st-step.st-on .st-v')]
            .filter(v => getComputedStyle(v).display !== 'none').map(v => v.dataset.r),
        said: r.querySelector('.st-live').textContent,
        scrub: r.querySelector('.st-scrub input').value,
        playing: r.hasAttribute('data-playing'),
    };
}"""
SCRUB_JS = """([root, value]) => {
    const input = document.querySelector(root).querySelector('.st-scrub input');
    input.value = value;
    input.dispatchEvent(new Event('input', {bubbles: true}));  // what dragging the slider sends
}"""
MOVING_JS = """(root) => document.getAnimations().filter(a =>
    a.playState === 'running' && document.querySelector(root).contains(a.effect.target)).length"""


def state(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(STATE_JS, ROOT))


def scrub(page: Any, step: int) -> None:
    """Move the step slider to ``step`` (from 0)."""
    page.evaluate(SCRUB_JS, [ROOT, str(step + 1)])


def open_page(browsing: Browsing, server: Server, site_dir: Path, motion: str = "no-preference") -> Any:
    page = browsing.new_page()
    page.clock.install()  # timers run when a test says so (Play's dwell); animations in real time
    page.emulate_media(reduced_motion=motion)
    page.goto(server.url + widget_page(site_dir, "step_through"))
    return page


def play_to_the_end(page: Any) -> tuple[dict[str, Any], int]:
    """Press Play, sample the moving animations at every step, run to the end; (end state, most seen).

    The page's clock is Playwright's (installed by :func:`open_page`): each step's dwell (its
    ``data-ms``, about 28 s in all) passes at once, while the CSS animations run in real time.
    """
    page.click(f"{ROOT} [data-st=play]")
    dwell = page.eval_on_selector_all(f"{ROOT} [data-ms]", "els => els.map(e => Number(e.dataset.ms))")
    assert len(dwell) == len(STEPS)
    most = 0
    for step in range(len(STEPS)):
        page.wait_for_function(
            f"(root) => document.querySelector(root).querySelector('form input[name=step]')"
            f".value === '{step}'",
            arg=ROOT,
            timeout=PLAY_MS,
        )
        most = max(most, int(page.evaluate(MOVING_JS, ROOT)))
        page.clock.run_for(dwell[step])
    page.wait_for_function(
        "(root) => !document.querySelector(root).hasAttribute('data-playing')", arg=ROOT, timeout=PLAY_MS
    )
    return state(page), most


def test_play_moves_reduced_motion_does_not_and_both_end_alike(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    moving = open_page(browsing, server, site_dir)
    assert state(moving)["shown"] == ["0"]
    end, most = play_to_the_end(moving)
    assert most > 0, "nothing moved while playing"
    still = open_page(browsing, server, site_dir, "reduce")
    still_end, still_most = play_to_the_end(still)
    assert still_most == 0, "something moved with reduced motion"
    assert end == still_end
    last = str(len(STEPS) - 1)
    assert end["step"] == last and end["shown"] == [last] and end["scrub"] == str(len(STEPS))
    assert f"Step {len(STEPS)} of {len(STEPS)}" in end["said"] and not end["playing"]
    assert not browsing.console_errors


def shift_tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Shift+Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Shift+Tab")
    raise AssertionError(f"Shift+Tab never reached {selector}")


def test_every_control_by_keyboard(browsing: Browsing, server: Server, site_dir: Path) -> None:
    page = open_page(browsing, server, site_dir)
    tab_to(page, f"{ROOT} [data-st=next]")
    page.keyboard.press("Enter")
    assert state(page)["shown"] == ["1"] and "Step 2 of 8" in state(page)["said"]
    page.keyboard.press("Space")
    assert state(page)["shown"] == ["2"]
    page.keyboard.press("Shift+Tab")  # Previous
    page.keyboard.press("Enter")
    assert state(page)["shown"] == ["1"]
    tab_to(page, f"{ROOT} .st-scrub input")
    page.keyboard.press("End")
    assert state(page)["shown"] == ["7"] and page.evaluate(
        "document.activeElement.matches('.st-scrub input')"
    )
    page.keyboard.press("ArrowLeft")
    assert state(page)["shown"] == ["6"]
    page.keyboard.press("Home")
    assert state(page)["shown"] == ["0"] and state(page)["step"] == "0"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # step 3: the query row sweeps the keys
    tab_to(page, f"{ROOT} [data-st=row][data-r='0']")
    page.keyboard.press("Enter")
    now = state(page)
    assert now["row"] == "0" and set(now["rows"]) == {"0"} and "“cats”" in now["said"]
    assert page.get_attribute(f"{ROOT} [data-st=row][data-r='0']", "aria-pressed") == "true"
    tab_to(page, f"{ROOT} .st-step.st-on .st-v.st-on .st-m")  # a grid: its numbers one focus away
    scores = step_through_example().scores[0]
    assert all(num(s) in page.evaluate("document.activeElement.getAttribute('aria-label')") for s in scores)
    shift_tab_to(page, f"{ROOT} [data-st=play]")  # back up from the picture to the first control
    page.keyboard.press("Enter")
    assert state(page)["playing"] and page.inner_text(f"{ROOT} [data-st=play]") == "Pause"
    page.keyboard.press("Enter")
    assert not state(page)["playing"] and page.inner_text(f"{ROOT} [data-st=play]") == "Play"
    assert not browsing.console_errors


def test_at_the_last_step_focus_stays_on_a_control(
    browsing: Browsing, server: Server, site_dir: Path
) -> None:
    page = open_page(browsing, server, site_dir)
    tab_to(page, f"{ROOT} [data-st=next]")
    for _ in range(len(STEPS) - 1):
        page.keyboard.press("Enter")
    assert page.is_disabled(f"{ROOT} [data-st=next]")
    assert page.evaluate(f"document.activeElement === document.querySelector('{ROOT} [data-st=play]')")


def test_the_numbers_shown_are_the_examples(browsing: Browsing, server: Server, site_dir: Path) -> None:
    ex = step_through_example()
    page = open_page(browsing, server, site_dir)
    for row in range(len(ex.tokens)):
        page.click(f"{ROOT} [data-st=row][data-r='{row}']")
        scrub(page, 5)  # softmax
        shown = page.eval_on_selector_all(
            f"{ROOT} .st-step.st-on .st-v.st-on text.st-w", "els => els.map(e => e.textContent)"
        )
        assert [t.split(" ")[0] for t in shown] == [num(a) for a in ex.weights[row]]
        said = state(page)["said"]
        assert "[" + ", ".join(num(a) for a in ex.weights[row]) + "]" in said


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_axe_violation_at_any_step(
    browsing: Browsing, server: Server, site_dir: Path, scheme: str
) -> None:
    page = browsing.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(server.url, wait_until="load")
    page.evaluate("() => localStorage.clear()")  # Material prefers a palette it stored
    url = widget_page(site_dir, "step_through")
    page.goto(server.url + url, wait_until="load")
    wait_for_palette(page, SCHEMES[scheme], url)
    found = {}
    for step in range(len(STEPS)):
        scrub(page, step)
        violations = audit(page, ROOT)
        if violations:
            found[step] = violations
    assert not found, found


def test_without_javascript_every_step_has_its_picture(browser: Any, server: Server, site_dir: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    try:
        page = context.new_page()
        page.goto(server.url + widget_page(site_dir, "step_through"))
        pictures = page.eval_on_selector_all(
            f"{ROOT} .st-step",
            """els => els.map(s => {
                const svg = s.querySelector('svg'), box = svg && svg.getBoundingClientRect();
                return {shown: getComputedStyle(s).display !== 'none', width: box ? box.width : 0,
                        height: box ? box.height : 0, text: s.querySelector('.st-d').textContent};
            })""",
        )
        assert len(pictures) == len(STEPS)
        for picture in pictures:
            assert picture["shown"] and picture["width"] > 100 and picture["height"] > 40, picture
            assert picture["text"], "a picture without its description"
        assert page.eval_on_selector(f"{ROOT} .st-controls", "e => getComputedStyle(e).display") == "none"
    finally:
        context.close()
