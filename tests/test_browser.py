"""Every HTML output in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's chromedriver.

axe-core (from npm: `npm ci --prefix tests/browser`, as .ci/run does) checks WCAG 2.1 A and AA
and its best practices on every page, in light and dark colour schemes, and on the self-check
quiz after every question was answered and checked. The same browser proves that every page
reflows at 320 CSS px and that the self-check quiz works, by keyboard alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, needs

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium: nothing is downloaded
CHROMEDRIVER = Path("/usr/bin/chromedriver")  # Debian's chromium-driver
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SCHEMES = ["light", "dark"]


@pytest.fixture(scope="module")
def browser():
    """Start one headless Chromium for the module; quit it at the end."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ModuleNotFoundError:
        needs("selenium", "install the test group: pip install -e . --group test")
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.is_file():
            needs(str(path), f"apt-get install {package} (.ci/run does)")
    if not AXE.is_file():
        needs(str(AXE), "npm ci --prefix tests/browser (.ci/run does)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(120)
    yield driver
    driver.quit()


def show(browser, page: Path, scheme: str = "light", width: int = 1024) -> None:
    """Open page at width CSS px, in the colour scheme."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False}
    )
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )
    browser.get(page.as_uri())


def axe(browser) -> list[str]:
    """Return axe-core's violations on the page as it stands: rule, impact and the elements."""
    if not browser.execute_script("return typeof axe !== 'undefined'"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    violations = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target).join(' | ')}`)))"
        ".catch(e => done(['axe failed: ' + e]));",
        TAGS,
    )
    return violations


def html_pages(build: Path) -> list[Path]:
    """Return every HTML output of the build: site pages, single-file briefings, quizzes, the landing page."""
    pages = sorted(build.rglob("*.html"))
    names = {p.name for p in pages}
    assert {"index.html", "briefing.html", "quiz.html"} <= names and len(pages) >= 20
    return pages


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_html_page_has_no_axe_violations(browser, default_build, scheme):
    found = {}
    for page in html_pages(default_build):
        show(browser, page, scheme)
        if violations := axe(browser):
            found[page.relative_to(default_build).as_posix()] = violations
    assert found == {}


def test_axe_finds_what_it_should(browser, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><body><p style="color:#999;background:#aaa">faint</p><img src="x.png">')
    show(browser, page)
    rules = {v.split(" ")[0] for v in axe(browser)}
    assert {"html-has-lang", "image-alt", "color-contrast", "document-title", "region"} <= rules


def test_every_html_page_reflows_at_320_css_px(browser, default_build):
    wide = {}
    for page in html_pages(default_build):
        show(browser, page, width=320)
        inner, client, scroll = browser.execute_script(
            "const e = document.documentElement; return [window.innerWidth, e.clientWidth, e.scrollWidth];"
        )
        assert inner == 320
        if scroll > client:
            wide[page.relative_to(default_build).as_posix()] = scroll
    assert wide == {}


def quizzes(build: Path) -> list[Path]:
    """Return every pack's self-check quiz."""
    found = sorted(build.glob("*/quiz.html"))
    assert len(found) >= 3
    return found


FORMS = """return Array.from(document.querySelectorAll('form.sc')).map(f => ({
  id: f.id, type: f.dataset.type, answer: JSON.parse(f.dataset.answer),
  result: f.querySelector('.result').textContent, verdict: f.classList.contains('right') ? 'right'
    : f.classList.contains('wrong') ? 'wrong' : null,
  why: f.querySelector('details').open && f.querySelector('details').innerText.trim()}));"""

FOCUS = """const e = document.activeElement, f = e.closest('form.sc');
return {tag: e.tagName.toLowerCase(), type: e.type || '', value: e.value || '', name: e.name || '',
  form: f ? f.id : null, kind: f ? f.dataset.type : null, checked: !!e.checked,
  index: f ? Array.from(f.querySelectorAll('select')).indexOf(e) : -1,
  options: e.options ? Array.from(e.options).map(o => o.value) : []};"""


def forms(browser) -> list[dict]:
    """Return each question's form on the page: its type, the answer it holds, and what checking it said."""
    return browser.execute_script(FORMS)


def right_keys(browser, focus: dict, answer: list[str]) -> list[str]:
    """Return the keys that answer the focused control right, as a learner would press them."""
    from selenium.webdriver.common.keys import Keys

    if focus["tag"] == "select":  # a closed drop-down: the arrow keys step through its options
        if focus["type"] == "select-one" and focus["value"]:
            return []
        wanted = answer[focus["index"]] if focus["kind"] == "matching" else str(answer.index(focus["name"]) + 1)
        return [Keys.ARROW_DOWN] * focus["options"].index(wanted)
    if focus["type"] == "text":
        return [answer[0]] if not focus["value"] else []
    if focus["type"] == "checkbox":
        return [Keys.SPACE] if (focus["value"] in answer) != focus["checked"] else []
    if focus["tag"] == "button":
        return [Keys.ENTER]
    return []


def answer_by_keyboard(browser, answers: dict[str, list[str]]) -> int:
    """Tab through the page once, answering every question with the keys a learner would use; return the tab stops."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    def press(key):
        ActionChains(browser).send_keys(key).perform()

    stops, last = 0, None
    while True:
        press(Keys.TAB)
        focus, element = browser.execute_script(FOCUS), browser.switch_to.active_element.id
        if stops > 0 and (focus["tag"] == "body" or element == last):
            return stops
        last, stops = element, stops + 1
        assert stops < 2000, "tabbing never reached the end of the page"
        if focus["form"] is None:
            continue
        answer = answers[focus["form"]]
        if focus["type"] == "radio":  # one tab stop per group: the arrow keys move and choose
            for _ in range(10):
                if focus["value"] in answer:
                    if not focus["checked"]:
                        press(Keys.SPACE)
                    break
                press(Keys.ARROW_DOWN)
                focus = browser.execute_script(FOCUS)
            continue
        for key in right_keys(browser, focus, answer):
            press(key)


@pytest.fixture(scope="module")
def answered(browser, default_build):
    """Answer every question of the quiz with most kinds of item right by keyboard alone, check each."""
    page = max(quizzes(default_build), key=lambda p: len(set(re.findall(r'data-type="([^"]+)"', p.read_text("utf-8")))))
    show(browser, page)
    answers = {f["id"]: f["answer"] for f in forms(browser)}
    stops = answer_by_keyboard(browser, answers)
    return page, forms(browser), stops


def test_keyboard_alone_answers_every_question_right_for_full_marks(answered):
    page, checked, stops = answered
    assert stops > 3 * len(checked)
    assert [f["id"] for f in checked if f["verdict"] != "right"] == []
    assert {f["result"] for f in checked} == {"Correct."}
    assert {f["type"] for f in checked} >= {"single", "multiple", "true-false"}


def test_answered_and_checked_quiz_has_no_axe_violations(browser, answered):
    for scheme in SCHEMES:
        browser.execute_cdp_cmd(
            "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
        )
        assert axe(browser) == [], scheme


def test_every_right_answer_scores_full_marks_in_every_quiz(browser, default_build):
    for page in quizzes(default_build):
        show(browser, page)
        for form in forms(browser):
            fill(browser, form, right=True)
        assert [f["id"] for f in forms(browser) if f["verdict"] != "right"] == [], page


def test_a_wrong_answer_says_so_and_shows_why(browser, default_build):
    for page in quizzes(default_build):
        show(browser, page)
        for form in forms(browser):
            fill(browser, form, right=False)
        checked = forms(browser)
        assert {f["verdict"] for f in checked} == {"wrong"}, page
        words = quiz_words(page)  # a Ukrainian pack's page says it in Ukrainian
        assert {f["result"] for f in checked} == {words["incorrect"]}, page
        for form in checked:
            assert form["why"] and f"{words['answer']}:" in form["why"], form["id"]
        for scheme in SCHEMES:
            browser.execute_cdp_cmd(
                "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
            )
            assert axe(browser) == [], (page, scheme)


def quiz_words(page: Path) -> dict:
    """Return the self-check's fixed words in the language of the page's pack (its folder ends in -uk or not)."""
    import yaml

    language = "uk" if page.parent.name.endswith("-uk") else "en"
    return yaml.safe_load((REPO / "templates" / "strings" / f"{language}.yaml").read_text(encoding="utf-8"))["quiz"]


def fill(browser, form: dict, right: bool) -> None:
    """Answer one question right or wrong through the page's own controls, then press its Check button."""
    browser.execute_script(
        """const [id, type, answer, right] = arguments, f = document.getElementById(id);
        const wrongOf = (values) => values.find(v => !answer.includes(v));
        if (type === 'short') f.querySelector('input[type=text]').value = right ? answer[0] : 'not the answer';
        else if (type === 'matching' || type === 'ordering') {
          const selects = Array.from(f.querySelectorAll('select'));
          selects.forEach((s, i) => { s.value = type === 'matching' ? answer[i] : String(answer.indexOf(s.name) + 1); });
          if (!right) { const a = selects[0].value; selects[0].value = selects[1].value; selects[1].value = a; }
        } else {
          const inputs = Array.from(f.querySelectorAll('input'));
          const values = inputs.map(i => i.value);
          const chosen = right ? answer : [wrongOf(values)];
          inputs.forEach(i => { i.checked = chosen.includes(i.value); });
        }
        f.querySelector('button[type=submit]').click();""",
        form["id"],
        form["type"],
        form["answer"],
        right,
    )


def test_quiz_wording_fits_its_controls(browser, default_build):
    for page in quizzes(default_build):
        show(browser, page)
        for how in browser.find_elements("css selector", "p.how"):  # no paper words: there are no boxes or lines here
            assert not re.search(r"\b(box|boxes|lines|write)\b", how.text, re.IGNORECASE), (page, how.text)
        for select in browser.find_elements("css selector", "ul.steps select"):
            statement = select.find_element("xpath", "./preceding-sibling::label").text
            assert select.accessible_name == statement and len(statement) > 5, (page, select.accessible_name)
        for select in browser.find_elements("css selector", "ol.pairs select"):
            prompt = select.find_element("xpath", "./preceding-sibling::label").text
            assert select.accessible_name == prompt, (page, select.accessible_name)
