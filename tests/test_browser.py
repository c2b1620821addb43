"""The built site in a real browser (Debian's Chromium via Playwright), served on 127.0.0.1.

Pages come from the embedded example site (built with no --content, like `ordbog build`) and
from the stress site of tests/fixture_sites.py (a long index, a wide table, long words). The tests
look only at structure — the seed article 'muskelkramp', its TOC and FAQ — never at its wording.
Skipped with a reason when /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

import json

import pytest
from fixture_sites import stress_site

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')").expect
pytestmark = pytest.mark.browser

ARTICLE = "/ordbog/muskelkramp/"
PAGE_TYPES = {"home": "/", "index": "/ordbog/", "article": ARTICLE, "search": "/soeg/", "404": "/404.html"}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 320, "height": 568}

# Is the element's centre really showing the element, or is something (a sticky bar) on top of it?
VISIBLE_AT_CENTRE = """el => {
  const r = el.getBoundingClientRect();
  if (r.bottom <= 0 || r.top >= innerHeight) return false;
  const top = document.elementFromPoint(r.left + Math.min(8, r.width / 2), (Math.max(r.top, 0) + Math.min(r.bottom, innerHeight)) / 2);
  return top !== null && (el === top || el.contains(top));
}"""
# The theme scrolls smoothly (unless the reader prefers reduced motion): wait until it stops.
SCROLL_SETTLED = """() => new Promise(done => {
  let last = NaN, still = 0;
  const tick = () => { still = scrollY === last ? still + 1 : 0; last = scrollY; still >= 3 ? done() : requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})"""
SCROLL_TO_TOP = "window.scrollTo({top: 0, behavior: 'instant'})"
HORIZONTAL_OVERFLOW = "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"


@pytest.fixture(scope="module")
def stress(session_site) -> tuple:
    return session_site("stress", stress_site)


def api_article(example_site, slug: str = "muskelkramp") -> dict:
    out, _ = example_site
    return json.loads((out / "api" / "ordbog" / f"{slug}.json").read_text(encoding="utf-8"))


def test_article_page_renders_its_title_as_the_one_h1(example_site, new_page):
    page = new_page()
    page.goto(example_site[1] + ARTICLE)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(api_article(example_site)["title"])
    expect(page.locator("h1")).to_be_visible()
    expect(page).to_have_title(api_article(example_site)["metaTitle"])


def test_toc_links_scroll_their_heading_into_view(example_site, new_page):
    page = new_page(viewport={"width": 1024, "height": 600})
    page.goto(example_site[1] + ARTICLE)
    links = page.locator("nav.toc a")
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs == [f"#{s['id']}" for s in api_article(example_site)["sections"] if s["id"]]
    assert len(hrefs) >= 2
    last_heading = page.locator(f'[id="{hrefs[-1][1:]}"]')
    expect(last_heading).not_to_be_in_viewport()  # otherwise this test would prove nothing
    for href in reversed(hrefs):
        page.evaluate(SCROLL_TO_TOP)
        page.locator(f'nav.toc a[href="{href}"]').click()
        heading = page.locator(f'[id="{href[1:]}"]')
        expect(heading).to_be_in_viewport()
        assert heading.evaluate("h => /^H[2-6]$/.test(h.tagName)")
        assert page.evaluate("location.hash") == href
        page.evaluate(SCROLL_SETTLED)
        assert heading.evaluate(VISIBLE_AT_CENTRE), f"{href} is covered"


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(example_site, new_page):
    page = new_page()
    page.goto(example_site[1] + ARTICLE)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#indhold")
    expect(skip).to_be_in_viewport()  # hidden off-screen until focused, then visible
    assert skip.evaluate(VISIBLE_AT_CENTRE)
    page.keyboard.press("Enter")
    expect(page.locator("main#indhold")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, not back in the header
    assert page.locator(":focus").evaluate("el => document.querySelector('main').contains(el)")


def faq(page):
    items = page.locator("details.faq-item")
    expect(items.first).to_be_attached()
    return items


def test_faq_opens_and_closes_by_mouse(example_site, new_page):
    page = new_page()
    page.goto(example_site[1] + ARTICLE)
    items = faq(page)
    assert items.count() == len(api_article(example_site)["faq"])
    for i in range(items.count()):
        item = items.nth(i)
        answer = item.locator(".faq-answer")
        expect(answer).to_be_hidden()
        item.locator("summary").click()
        expect(item).to_have_attribute("open", "")
        expect(answer).to_be_visible()
        item.locator("summary").click()
        expect(item).not_to_have_attribute("open", "")
        expect(answer).to_be_hidden()


def test_faq_opens_and_closes_by_keyboard(example_site, new_page):
    page = new_page()
    page.goto(example_site[1] + ARTICLE)
    first = faq(page).first
    for _ in range(80):  # Tab from the top of the page, like a keyboard user
        page.keyboard.press("Tab")
        if first.locator("summary").evaluate("s => s === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the first FAQ question")
    outline = first.locator("summary").evaluate("s => [getComputedStyle(s).outlineStyle, parseFloat(getComputedStyle(s).outlineWidth)]")
    assert outline[0] != "none" and outline[1] >= 2, f"focus is not visible: {outline}"  # WCAG 2.4.7
    for key in ("Enter", "Enter", "Space", "Space"):
        was_open = first.evaluate("d => d.open")
        page.keyboard.press(key)
        expect(first).to_have_js_property("open", not was_open)
    page.keyboard.press("Tab")
    assert faq(page).nth(1).locator("summary").evaluate("s => s === document.activeElement")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 768, "height": 800}, {"width": 1280, "height": 700}],
                         ids=lambda v: f"{v['width']}px")
def test_index_letter_bar_jumps_to_the_letter_section(stress, new_page, viewport):
    # Reduced motion: the jumps are instant, so 24 letters × 3 widths stay quick (the TOC test scrolls smoothly).
    page = new_page(viewport=viewport, reduced_motion="reduce")
    page.goto(stress[1] + "/ordbog/")
    links = page.locator(".letter-bar a")
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert "#bogstav-aa" not in hrefs and {"#bogstav-æ", "#bogstav-ø", "#bogstav-å", "#bogstav-tal"} <= set(hrefs)
    expect(page.locator(".letter-bar .letter-empty", has_text="Q")).to_be_visible()  # empty letters are not links
    for href in hrefs:
        page.evaluate(SCROLL_TO_TOP)
        page.locator(f'.letter-bar a[href="{href}"]').click()
        heading = page.locator(f'[id="{href[1:]}"]')
        expect(heading).to_be_in_viewport()
        assert page.evaluate("decodeURIComponent(location.hash)") == href
        page.evaluate(SCROLL_SETTLED)
        assert heading.evaluate(VISIBLE_AT_CENTRE), f"{href}: the heading is hidden under the letter bar"
        assert heading.locator("xpath=..").locator(".term-list a").count() >= 1


def test_a_letter_chosen_by_keyboard_moves_focus_to_its_section(stress, new_page):
    page = new_page(viewport={"width": 1280, "height": 700}, reduced_motion="reduce")
    page.goto(stress[1] + "/ordbog/")
    page.locator('.letter-bar a[href="#bogstav-s"]').focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # sequential focus continues from the jump target
    focused = page.locator(":focus")
    assert focused.evaluate("a => a.closest('section').querySelector('h2').id") == "bogstav-s"
    assert focused.evaluate(VISIBLE_AT_CENTRE)


def test_focused_index_links_are_not_hidden_under_the_sticky_letter_bar(stress, new_page):
    """WCAG 2.2 2.4.11 Focus Not Obscured: Shift+Tab upwards through the whole index."""
    page = new_page(viewport={"width": 1280, "height": 600}, reduced_motion="reduce")
    page.goto(stress[1] + "/ordbog/")
    page.locator(".site-footer a").last.focus()
    hidden = []
    for _ in range(page.locator("main .term-list a").count()):
        page.keyboard.press("Shift+Tab")
        page.evaluate(SCROLL_SETTLED)
        focused = page.locator(":focus")
        if not focused.evaluate(VISIBLE_AT_CENTRE):
            hidden.append(focused.inner_text())
    assert hidden == []


@pytest.mark.parametrize("path", [*PAGE_TYPES.values(), "/findes-ikke/"])
def test_no_horizontal_scrolling_at_320px_on_the_example_site(example_site, new_page, path):
    page = new_page(viewport=PHONE)
    page.goto(example_site[1] + path)
    page.locator("details").evaluate_all("ds => ds.forEach(d => d.open = true)")
    scroll_width, client_width = page.evaluate(HORIZONTAL_OVERFLOW)
    assert scroll_width <= client_width


@pytest.mark.parametrize("path", ["/ordbog/laendesmerter/", "/ordbog/", "/"])
def test_no_horizontal_scrolling_at_320px_with_wide_tables_and_long_words(stress, new_page, path):
    page = new_page(viewport=PHONE)
    page.goto(stress[1] + path)
    page.locator("details").evaluate_all("ds => ds.forEach(d => d.open = true)")
    scroll_width, client_width = page.evaluate(HORIZONTAL_OVERFLOW)
    assert scroll_width <= client_width
    if path == "/ordbog/laendesmerter/":  # the wide table scrolls inside itself, not the page
        table = page.locator(".article-body table")
        assert table.evaluate("t => t.scrollWidth > t.clientWidth")


# WCAG 2.2 1.4.12 Text Spacing: readers may override these; nothing may be cut off or overflow.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }"""
CLIPPED = """() => [...document.body.querySelectorAll('*')].filter(el => {
  if (el.closest('.visually-hidden, .skip-link')) return false;
  const style = getComputedStyle(el);
  const clips = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
  return clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
}).map(el => el.outerHTML.slice(0, 80))"""


@pytest.mark.parametrize("site,path", [("example", p) for p in PAGE_TYPES.values()] + [("stress", "/ordbog/laendesmerter/")])
def test_wider_text_spacing_at_320px_neither_clips_nor_scrolls_sideways(example_site, stress, new_page, site, path):
    page = new_page(viewport=PHONE)
    page.goto((example_site if site == "example" else stress)[1] + path)
    page.add_style_tag(content=TEXT_SPACING)
    page.locator("details").evaluate_all("ds => ds.forEach(d => d.open = true)")
    scroll_width, client_width = page.evaluate(HORIZONTAL_OVERFLOW)
    assert scroll_width <= client_width
    assert page.evaluate(CLIPPED) == []


def test_article_works_without_javascript(example_site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(example_site[1] + ARTICLE)
    expect(page.locator("h1")).to_have_text(api_article(example_site)["title"])
    expect(page.locator(".article-body p").first).to_be_visible()
    expect(page.locator(".site-header nav a")).to_have_attribute("href", "/ordbog/")
    expect(page.locator(".site-header form[role=search] input[name=q]")).to_be_visible()
    expect(page.locator("nav.breadcrumbs a").first).to_be_visible()
    toc = page.locator("nav.toc a")
    href = toc.last.get_attribute("href")
    toc.last.click()
    expect(page.locator(f'[id="{href[1:]}"]')).to_be_in_viewport()
    item = faq(page).first
    item.locator("summary").click()
    expect(item.locator(".faq-answer")).to_be_visible()
    page.locator(".site-header nav a").click()
    expect(page).to_have_url(example_site[1] + "/ordbog/")


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_is_complete_without_javascript(example_site, new_page, kind):
    page = new_page(java_script_enabled=False)
    page.goto(example_site[1] + PAGE_TYPES[kind])
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".site-header nav a[href='/ordbog/']")).to_be_visible()
    expect(page.locator(".site-footer a[href='/ordbog/']")).to_be_visible()
    hrefs = page.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(h and h != "#" and not h.startswith("javascript:") for h in hrefs), hrefs


def test_index_and_search_work_without_javascript(stress, new_page):
    page = new_page(java_script_enabled=False, viewport={"width": 1280, "height": 600})
    page.goto(stress[1] + "/ordbog/")
    page.locator('.letter-bar a[href="#bogstav-ø"]').click()
    expect(page.locator('[id="bogstav-ø"]')).to_be_in_viewport()
    page.locator(".letter-group a", has_text="Ødem").click()
    expect(page.locator("h1")).to_have_text("Ødem")
    page.goto(stress[1] + "/soeg/")
    expect(page.locator("main noscript a[href='/ordbog/']")).to_be_visible()  # points to the A–Å index instead
    page.locator(".site-header input[name=q]").fill("lænd")
    page.locator(".site-header input[name=q]").press("Enter")
    expect(page).to_have_url(stress[1] + "/soeg/?q=l%C3%A6nd")


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_page_type_logs_errors_in_the_console(example_site, new_page, kind):
    page = new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    page.on("console", lambda msg: problems.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and "/404.html" not in r.url else None)
    page.goto(example_site[1] + PAGE_TYPES[kind], wait_until="networkidle")
    page.locator(".site-header input[name=q]").fill("krampe")  # wakes the search box, if it has a script
    page.wait_for_load_state("networkidle")
    assert problems == []


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_no_serious_wcag_22_aa_violations_on_the_example_site(example_site, new_page, kind):
    page = new_page()
    page.goto(example_site[1] + PAGE_TYPES[kind])
    page.locator("details").evaluate_all("ds => ds.forEach(d => d.open = true)")  # check the answers too
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", ["/ordbog/laendesmerter/", "/ordbog/"])
@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=lambda v: f"{v['width']}px")
def test_axe_finds_no_serious_wcag_22_aa_violations_on_the_stress_site(stress, new_page, path, viewport):
    page = new_page(viewport=viewport)
    page.goto(stress[1] + path)
    page.locator("details").evaluate_all("ds => ds.forEach(d => d.open = true)")
    assert serious_violations(page) == []



def test_without_chromium_the_browser_tests_skip_with_a_reason(monkeypatch, tmp_path):
    import browser_support

    monkeypatch.setattr(browser_support, "CHROMIUM", tmp_path / "chromium")
    reason = browser_support.chromium_skip_reason()
    assert reason is not None and "make browser-deps" in reason and str(tmp_path) in reason


def test_a_bare_article_without_headings_faq_or_dates_is_complete_and_accessible(write_site, served_site, new_page):
    """The template's empty branches: no TOC (one heading or none), no FAQ, no dates, no 'Se også'."""
    content = write_site({"ryg.md": '---\ntitle: "Ryg"\n---\n\nRyggen bærer kroppen. En kort tekst uden overskrifter.\n'})
    base = served_site(content)
    for viewport in (PHONE, {"width": 1280, "height": 800}):
        page = new_page(viewport=viewport)
        page.goto(base + "/ordbog/ryg/")
        expect(page.locator("h1")).to_have_text("Ryg")
        expect(page.locator("nav.toc, details, .related, time")).to_have_count(0)
        assert serious_violations(page) == []
        scroll_width, client_width = page.evaluate(HORIZONTAL_OVERFLOW)
        assert scroll_width <= client_width
        page.goto(base + "/ordbog/")
        expect(page.locator(".letter-bar a")).to_have_count(1)
        assert serious_violations(page) == []
