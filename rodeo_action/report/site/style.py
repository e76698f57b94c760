"""The site's look and behaviour, as text inlined into every page: colours, CSS and the one script.

Nothing is fetched: no font, no stylesheet, no script from anywhere else, and each page's
Content-Security-Policy (:func:`csp`) allows only this CSS and this script (by their hashes), so even
a string that escaped its escaping could neither run nor load anything.

Every text colour is named with the background it is drawn on in :data:`PAIRS`; ``tests/report/
test_site.py`` computes each pair's contrast from the CSS itself (WCAG AA: 4.5:1 for text) and checks
that the CSS uses no colour that no pair names. A status is told by its word, never by colour alone.
"""

from __future__ import annotations

import base64
import hashlib

# --name: colour. The status colours are the SVG picture's (svg.STYLES), so both say the same.
COLOURS: dict[str, str] = {
    "ink": "#1f2328", "muted": "#57606a", "paper": "#ffffff", "shade": "#f6f8fa", "line": "#d0d7de",
    "link": "#0969da", "alert": "#cf222e", "focus": "#0969da", "code": "#f6f8fa",
    "pass-bg": "#1a7f37", "pass-ink": "#ffffff", "fail-bg": "#cf222e", "fail-ink": "#ffffff",
    "timeout-bg": "#fb8f44", "timeout-ink": "#1f2328", "error-bg": "#8250df", "error-ink": "#ffffff",
    "missing-bg": "#f6f8fa", "missing-ink": "#57606a", "unavailable-bg": "#d0d7de", "unavailable-ink": "#424a53",
    "na-bg": "#eaeef2", "na-ink": "#424a53", "on-bg": "#0969da", "on-ink": "#ffffff",
}
# (text colour, background it is drawn on): every one at 4.5:1 or more
PAIRS: tuple[tuple[str, str], ...] = (
    ("ink", "paper"), ("ink", "shade"), ("muted", "paper"), ("muted", "shade"), ("link", "paper"),
    ("link", "shade"), ("alert", "paper"), ("ink", "code"),
    ("pass-ink", "pass-bg"), ("fail-ink", "fail-bg"), ("timeout-ink", "timeout-bg"), ("error-ink", "error-bg"),
    ("missing-ink", "missing-bg"), ("unavailable-ink", "unavailable-bg"), ("na-ink", "na-bg"),
    ("on-ink", "on-bg"),
)
# (colour, background) of lines and marks that are not text: 3:1 (WCAG 1.4.11), the focus ring and chart lines
NON_TEXT: tuple[tuple[str, str], ...] = (("focus", "paper"), ("focus", "shade"), ("link", "paper"),
                                         ("muted", "paper"))
STATUS_CLASS = {"pass": "pass", "fail": "fail", "timeout": "timeout", "error": "error", "missing": "missing",
                "unavailable": "unavailable", "n/a": "na"}

_VARS = "\n".join(f"  --{name}: {value};" for name, value in COLOURS.items())
_STATUS_RULES = "\n".join(f".st-{cls} {{ background: var(--{cls}-bg); color: var(--{cls}-ink); }}"
                          for cls in dict.fromkeys(STATUS_CLASS.values()))

CSS = f""":root {{
{_VARS}
}}
* {{ box-sizing: border-box; }}
html {{ background: var(--paper); color: var(--ink); }}
body {{ margin: 0 auto; padding: 16px; max-width: 1200px; font: 16px/1.5 system-ui, -apple-system, "Segoe UI",
  "Noto Sans", "DejaVu Sans", sans-serif; background: var(--paper); color: var(--ink); }}
a {{ color: var(--link); }}
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible {{
  outline: 3px solid var(--focus); outline-offset: 2px; }}
h1 {{ font-size: 1.6em; margin: 0 0 4px; }} h2 {{ font-size: 1.3em; margin: 28px 0 8px; }}
h3 {{ font-size: 1.05em; margin: 16px 0 4px; }}
.muted, caption, figcaption {{ color: var(--muted); }}
.alert {{ color: var(--alert); font-weight: 600; }}
.skip {{ position: absolute; left: -999px; }} .skip:focus {{ left: 16px; background: var(--paper); }}
.notes li {{ color: var(--ink); }}
table {{ border-collapse: collapse; margin: 8px 0 16px; }}
.scroll {{ overflow-x: auto; max-width: 100%; }}
th, td {{ border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }}
thead th {{ background: var(--shade); color: var(--ink); }}
tbody th {{ font-weight: 600; background: var(--paper); color: var(--ink); }}
td.cell {{ padding: 0; min-width: 4.5em; }}
td.cell a {{ display: block; padding: 4px 8px; color: inherit; text-decoration: none; white-space: nowrap; }}
td.cell a:hover {{ text-decoration: underline; }}
td.cell .why {{ display: block; font-size: 0.8em; }}
td.empty {{ background: var(--paper); }}
td.off {{ visibility: hidden; }}
{_STATUS_RULES}
.badge {{ display: inline-block; padding: 0 6px; border-radius: 4px; font-weight: 600; }}
fieldset {{ display: inline-block; border: 1px solid var(--line); margin: 0 8px 8px 0; padding: 4px 8px; }}
legend {{ color: var(--ink); font-weight: 600; }}
label {{ margin-right: 10px; white-space: nowrap; }}
button {{ font: inherit; color: var(--ink); background: var(--shade); border: 1px solid var(--line);
  border-radius: 4px; padding: 2px 10px; cursor: pointer; }}
button[aria-pressed="true"] {{ background: var(--on-bg); color: var(--on-ink); }}
pre {{ background: var(--code); color: var(--ink); padding: 8px; overflow: auto; max-height: 40em;
  font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap;
  word-break: break-all; }}
.trends {{ display: flex; flex-wrap: wrap; gap: 12px; }}
figure {{ margin: 0; border: 1px solid var(--line); padding: 8px; width: 352px; background: var(--paper); }}
figure svg {{ display: block; }}
figure table {{ font-size: 0.85em; }}
dl.facts {{ display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }}
dl.facts dt {{ color: var(--muted); }} dl.facts dd {{ margin: 0; }}
[hidden] {{ display: none !important; }}
"""

SCRIPT = """(() => {
  "use strict";
  const $ = (s, r = document) => [...r.querySelectorAll(s)];
  const filters = document.getElementById("filters");
  if (filters) {
    filters.hidden = false;
    const shown = document.getElementById("shown");
    const apply = () => {
      const managers = new Set($("input[data-manager]:checked", filters).map(i => i.dataset.manager));
      const statuses = new Set($("input[data-status]:checked", filters).map(i => i.dataset.status));
      $("[data-m]").forEach(e => { e.hidden = !managers.has(e.dataset.m); });
      let visible = 0, total = 0;
      $("#matrix tbody tr").forEach(row => {
        let any = false;
        $("td[data-status]", row).forEach(td => {
          total += 1;
          const on = managers.has(td.dataset.m) && statuses.has(td.dataset.status);
          td.classList.toggle("off", !on);
          if (on) { any = true; visible += 1; }
        });
        row.hidden = !any;
      });
      $("figure[data-manager]").forEach(f => { f.hidden = !managers.has(f.dataset.manager); });
      if (shown) shown.textContent = `showing ${visible} of ${total} cells`;
    };
    filters.addEventListener("change", apply);
    $("button[data-all]", filters).forEach(b => b.addEventListener("click", () => {
      $(`input[data-${b.dataset.all}]`, filters).forEach(i => { i.checked = b.dataset.on === "1"; });
      apply();
    }));
    apply();
  }
  $("button[data-copy]").forEach(button => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      const status = document.getElementById(button.dataset.copy + "-status");
      const text = source ? source.textContent : "";
      let done = false;
      try { await navigator.clipboard.writeText(text); done = true; } catch (e) {
        const range = document.createRange();
        range.selectNodeContents(source);
        const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
        try { done = document.execCommand("copy"); } catch (e2) { done = false; }
      }
      if (status) status.textContent = done ? "copied" : "selected: press Ctrl+C to copy";
    });
  });
})();
"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def csp() -> str:
    """The pages' policy: nothing may load from anywhere; only our own CSS and script, by hash."""
    return (f"default-src 'none'; style-src '{_sha256(CSS)}'; script-src '{_sha256(SCRIPT)}'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


__all__ = ["COLOURS", "CSS", "NON_TEXT", "PAIRS", "SCRIPT", "STATUS_CLASS", "contrast", "csp", "luminance"]
