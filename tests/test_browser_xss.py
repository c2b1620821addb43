"""XSS vectors in a real browser: nothing an editor writes may execute on the built site.

The site holds every vector article of tests/data/xss/ (OWASP filter-evasion kinds; they call
`alert`) and tests/data/xss_browser/ (they set `window.ordbogXss` or log "ORDBOG-XSS", and need
focus, hover or a failing image to fire). Each page is loaded in Chromium, every element of the
page is hovered and the page is tabbed through; then no dialog may have opened, no marker may be
set, nothing may have been logged, and the DOM may hold no script, event handler or script URL
that came from content. String checks of the same pages live in test_hardening_xss.py.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from browser_support import serve_folder
from fixture_sites import XSS_DIRS, xss_site

pytestmark = pytest.mark.browser

VECTORS = sorted(path.stem for folder in XSS_DIRS for path in folder.glob("*.md"))
SEARCHES = ("xss", "markør", "script", "alert")
MARKERS = ("ordbogXss",)  # the global the xss_browser vectors set (the others call alert)

# Everything in the DOM that could run script, as a list of descriptions (empty: safe).
DOM_PROBLEMS = """() => {
  const problems = [];
  const origin = location.origin;
  for (const s of document.querySelectorAll('script')) {
    const ldJson = s.type === 'application/ld+json' && s.parentElement === document.head && !s.src;
    const ours = s.src.startsWith(origin + '/static/');
    if (!ldJson && !ours) problems.push('script: ' + s.outerHTML.slice(0, 120));
    if (ldJson) { try { JSON.parse(s.textContent); } catch (e) { problems.push('JSON-LD does not parse: ' + e); } }
  }
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'srcset', 'data', 'poster', 'xlink:href', 'background'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`event handler ${name} on <${el.localName}>`);
      if (urlAttributes.includes(name) && attr.value.trim()) {
        let scheme = '';
        try { scheme = new URL(attr.value.split(/[\\s,]/)[0], document.baseURI).protocol; } catch (e) { scheme = 'invalid:'; }
        if (!['http:', 'https:', 'mailto:', 'tel:'].includes(scheme)) problems.push(`${scheme} URL in ${name} of <${el.localName}>`);
      }
    }
  }
  const active = 'iframe, frame, object, embed, base, link:not([href^="/static/"]):not([rel=canonical]),'
    + ' meta[http-equiv], style, svg, math, form:not([role=search]), input:not([type=search]), textarea';
  for (const el of document.querySelectorAll(active)) problems.push('element: ' + el.outerHTML.slice(0, 120));
  if (document.baseURI !== location.href.split('#')[0] && document.baseURI !== location.href) problems.push('base URI changed: ' + document.baseURI);
  return problems;
}"""

# Centres of every rendered element inside <body>, for a real mouse to pass over.
ELEMENT_CENTRES = """() => [...document.body.querySelectorAll('*')].map(el => el.getBoundingClientRect())
  .filter(r => r.width > 0 && r.height > 0).map(r => [r.left + r.width / 2, r.top + r.height / 2])"""
FOCUSABLE_COUNT = "document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').length"


@pytest.fixture(scope="module")
def xss(session_site) -> tuple:
    return session_site("xss", xss_site)


@pytest.fixture(scope="module")
def probe(browser):
    """One page for the whole module; records dialogs and console messages per visit."""
    context = browser.new_context(viewport={"width": 1280, "height": 3000})
    page = context.new_page()
    events: list[str] = []
    page.on("dialog", lambda dialog: (events.append(f"dialog {dialog.type}: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda msg: events.append(f"console: {msg.text}") if "xss" in msg.text.lower() else None)
    page.on("popup", lambda popup: events.append(f"popup: {popup.url}"))
    yield page, events
    context.close()


def visit_and_provoke(probe, url: str) -> list[str]:
    """Load `url`, hover every element, Tab through the page; return everything that fired."""
    page, events = probe
    events.clear()
    page.goto(url, wait_until="load")
    if page.locator("#soeg-resultater").count() and page.locator("script[src*=search]").count():
        # search results arrive after load: wait for them, so hostile titles are really on screen
        page.wait_for_function("document.querySelector('#soeg-resultater').childElementCount > 0")
    for x, y in page.evaluate(ELEMENT_CENTRES)[:400]:
        page.mouse.move(x, y)
    for _ in range(min(page.evaluate(FOCUSABLE_COUNT) + 2, 80)):
        page.keyboard.press("Tab")
    page.locator("summary").evaluate_all("ss => ss.forEach(s => s.click())")  # opens every <details>
    page.wait_for_load_state("load")
    fired = list(events)
    markers = page.evaluate(f"{json.dumps(MARKERS)}.filter(name => window[name] !== undefined)")
    fired += [f"marker window.{name} was set" for name in markers]
    if page.url.split("#")[0] != url:
        fired.append(f"navigated to {page.url}")
    fired += [f"frame {frame.url}" for frame in page.frames[1:]]
    return fired + page.evaluate(DOM_PROBLEMS)


def test_both_vector_folders_are_loaded():
    counts = [len(list(folder.glob("*.md"))) for folder in XSS_DIRS]
    assert counts[0] >= 45 and counts[1] >= 8, counts  # the OWASP kinds, then the marker vectors


@pytest.mark.parametrize("slug", VECTORS)
def test_no_vector_executes_on_its_article_page(xss, probe, slug):
    out, base = xss
    assert (out / "ordbog" / slug / "index.html").is_file(), f"{slug} was not built"
    assert visit_and_provoke(probe, f"{base}/ordbog/{slug}/") == []


@pytest.mark.parametrize("path", ["/", "/ordbog/", "/404.html", *(f"/soeg/?q={quote(q)}" for q in SEARCHES)])
def test_no_vector_executes_where_titles_are_listed(xss, probe, path):
    """Home, the A–Å index and search results show titles and descriptions from frontmatter."""
    assert visit_and_provoke(probe, xss[1] + path) == []


def test_hostile_titles_show_as_text_and_stay_inside_json_ld(xss, probe):
    out, base = xss
    page, _ = probe
    for slug in ("marker-frontmatter", "fm-title-script-breakout"):
        if not (out / "ordbog" / slug).is_dir():
            continue
        title = json.loads((out / "api" / "ordbog" / f"{slug}.json").read_text(encoding="utf-8"))["title"]
        assert "<" in title
        page.goto(f"{base}/ordbog/{slug}/")
        assert page.locator("h1").text_content() == title
        graph = json.loads(page.locator("script[type='application/ld+json']").text_content())["@graph"]
        assert graph[0]["headline"] == title


def test_the_probe_notices_scripts_that_do_run(tmp_path, probe):
    """The checks above can fail: an unsanitized page trips every one of them."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="da"><title>Usikker</title><body>'
        '<img src="findes-ikke.png" onerror="window.ordbogXss = 1" alt="">'
        '<p onmouseover="alert(\'hover\')" style="height: 3rem">Hold musen her</p>'
        '<a href="#" onfocus="console.log(\'ORDBOG-XSS focus\')">Fokus</a>'
        '<script>confirm("script")</script><a href="javascript:void(0)">Link</a>',
        encoding="utf-8",
    )
    with serve_folder(tmp_path) as base:
        fired = visit_and_provoke(probe, base + "/")
    expected = ["dialog confirm: script", "dialog alert: hover", "console: ORDBOG-XSS focus",
                "marker window.ordbogXss was set", "javascript: URL in href of <a>"]
    assert [e for e in expected if e not in fired] == []
    assert any(p.startswith("script: <script>confirm") for p in fired)
    assert any(p.startswith("event handler onerror") for p in fired)
