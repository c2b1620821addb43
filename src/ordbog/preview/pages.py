"""What the preview adds to HTML responses (never to files on disk): the reload script,
an error banner, and the error page shown in place of an article that cannot be built.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ordbog.diagnostics import Diagnostic

EVENTS_PATH = "/__ordbog/events"

# Reload when the server says so; after a reconnect (server restarted) reload if the version moved.
RELOAD_SCRIPT = f"""<script data-ordbog-preview>
(() => {{
  let seen = null;
  const events = new EventSource("{EVENTS_PATH}");
  events.addEventListener("version", (e) => {{
    if (seen !== null && seen !== e.data) location.reload();
    seen = e.data;
  }});
  events.addEventListener("reload", () => location.reload());
}})();
</script>
"""

BANNER_STYLE = (
    "position:fixed;left:0;right:0;bottom:0;z-index:99999;max-height:40vh;overflow:auto;margin:0;"
    "padding:.6rem 1rem;background:#7a0c0c;color:#fff;font:14px/1.4 system-ui,sans-serif"
)


def _line(d: Diagnostic) -> str:
    text = f"{d.path}:{d.line}:{d.column}: {d.code}: {d.message}"
    return escape(text) + (f"<br><small>tip: {escape(d.hint)}</small>" if d.hint else "")


def banner(errors: tuple[Diagnostic, ...]) -> str:
    """A fixed bar listing the site's errors (the page itself is the last version that built)."""
    if not errors:
        return ""
    items = "".join(f"<li>{_line(d)}</li>" for d in errors[:20])
    more = f"<li>… og {len(errors) - 20} mere</li>" if len(errors) > 20 else ""
    return (f'<details data-ordbog-errors style="{BANNER_STYLE}"><summary>⚠ {len(errors)} fejl i sitet '
            f"(forhåndsvisning)</summary><ul>{items}{more}</ul></details>\n")


def inject(html: bytes, errors: tuple[Diagnostic, ...]) -> bytes:
    """The page with the reload script (and error banner) before its last `</body>`."""
    extra = (banner(errors) + RELOAD_SCRIPT).encode("utf-8")
    at = html.rfind(b"</body>")
    return html + extra if at < 0 else html[:at] + extra + html[at:]


def snippet(path: str, line: int, around: int = 3) -> str:
    """The lines around `line` of the file, numbered, the offending one marked."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    first, last = max(1, line - around), min(len(lines), line + around)
    rows = []
    for n in range(first, last + 1):
        mark = ' style="background:#fde2e2;font-weight:bold"' if n == line else ""
        rows.append(f"<span{mark}>{n:>4} │ {escape(lines[n - 1])}</span>")
    return "<pre style=\"overflow:auto;background:#f6f6f6;padding:.5rem\">" + "\n".join(rows) + "</pre>" if rows else ""


def error_page(diagnostics: tuple[Diagnostic, ...], title: str = "Artiklen kan ikke vises") -> bytes:
    """A whole HTML page explaining why the requested page cannot be built (file, line, message)."""
    items = []
    for d in diagnostics:
        items.append(
            f"<section><h2>{escape(d.path)}, linje {d.line}</h2>"
            f"<p><strong>{escape(d.code)}</strong>: {escape(d.message)}</p>"
            + (f"<p>Tip: {escape(d.hint)}</p>" if d.hint else "")
            + snippet(d.path, d.line)
            + "</section>"
        )
    page = (
        '<!doctype html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
        "</head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem\">\n"
        f"<h1>{escape(title)}</h1>\n<p>Ret fejlen og gem filen; siden opdaterer sig selv.</p>\n"
        + "\n".join(items)
        + "\n</body>\n</html>\n"
    )
    return page.encode("utf-8")  # the server adds the reload script, as to every HTML response
