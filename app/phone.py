"""On a phone, the answer to a move in view: the sidebar covers ~300 of 390 px and stays
open after a change, hiding the chart that changed. A small script in the page (st.html
runs it in the page itself, not in an iframe) closes the sidebar after a control in it
changes the settings and brings the open tab's first chart, with its heading, into view below
the fixed header, on narrow screens only (`PHONE_QUERY`). Installed once per page; a
re-mounted copy does nothing. A picture drawn wider than a phone's column (to keep its
text at 10 px) scrolls in its own box, and says so."""

from __future__ import annotations

import html

import streamlit as st

PHONE_QUERY = "(max-width: 640px)"  # Streamlit's own breakpoint for its mobile layout
TOUCH_MS = 5000  # a URL change this soon after a touch of the sidebar is that touch's

SCRIPT = """<script>
(() => {
  if (window.__playgroundPhone) return;  // one listener per page
  window.__playgroundPhone = true;
  const inSidebar = el => !!(el && el.closest && el.closest('[data-testid="stSidebar"]'));
  function showAnswer() {
    if (!window.matchMedia("PHONE_QUERY").matches) return;
    const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (close) close.click();
    setTimeout(() => {
      const panel = Array.from(document.querySelectorAll('[role="tabpanel"]'))
        .find(p => p.getBoundingClientRect().height > 0);
      const chart = panel && panel.querySelector('[data-testid="stVegaLiteChart"]');
      // The chart's heading with it: the last heading of the tab before the chart.
      const before = h => chart.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_PRECEDING;
      const heads = chart ? Array.from(panel.querySelectorAll('[data-testid="stHeading"]'))
        .filter(before) : [];
      const target = heads.pop() || chart || document.querySelector('[role="tablist"]');
      if (target) target.scrollIntoView({block: "start"});
    }, 350);  // after the sidebar has slid away
  }
  // A move in the sidebar changes the settings, and the page writes them into the URL
  // as its run starts (session.sync_link): a URL change soon after the reader touched
  // the sidebar (a key, a press; a menu's entry is chosen while its box has the focus)
  // is the moment to show the answer. Sliders take keys and drags without a "change".
  let touched = 0;
  const mark = e => {
    if (inSidebar(e.target) || inSidebar(document.activeElement)) touched = Date.now();
  };
  ["pointerdown", "pointerup", "keydown"].forEach(k => document.addEventListener(k, mark, true));
  ["replaceState", "pushState"].forEach(name => {
    const original = history[name].bind(history);
    history[name] = function (...args) {
      const before = location.search;
      const done = original(...args);
      if (location.search !== before && Date.now() - touched < TOUCH_MS) showAnswer();
      return done;
    };
  });
})();
</script>""".replace("PHONE_QUERY", PHONE_QUERY).replace("TOUCH_MS", str(TOUCH_MS))


# On a phone, a drawn picture (the cell diagram, the unit table: charts/svg.py) is never
# narrower than its text allows (10 px at least: its `--min-width`); it is then wider
# than its column, which scrolls it sideways inside its box, not the whole page. So does
# a written-out equation (KaTeX's display box). Such a box says so: a shadow on the side
# where more of it is (drawn by the box's own background: local covers fixed where the
# content ends), and a hint above it (`swipe_hint`), shown on phones only.
# The open tab's chart and its heading come into view below Streamlit's fixed header
# (`scroll-margin-top`).
WIDE = (
    '[data-testid="stMarkdownContainer"] :has(> svg[role="img"])',
    '[data-testid="stMarkdownContainer"] .katex-display',
)
HINT = "phone-swipe-hint"  # the class of a hint above a box that may scroll sideways
HEADER_CLEARANCE = "4.5rem"  # Streamlit's fixed header (60 px) and a little air
STYLE = """<style>
.HINT { display: none; }
@media PHONE_QUERY {
  [data-testid="stMarkdownContainer"] svg[role="img"] { min-width: var(--min-width); }
  WIDE {
    overflow-x: auto;
    background:
      linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 32px 100% no-repeat local,
      linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 32px 100% no-repeat local,
      radial-gradient(farthest-side at 0 50%, rgba(49,51,63,.28), transparent)
        left / 12px 100% no-repeat scroll,
      radial-gradient(farthest-side at 100% 50%, rgba(49,51,63,.28), transparent)
        right / 12px 100% no-repeat scroll;
  }
  .HINT { display: block; color: rgba(49,51,63,.6); font-size: 0.875rem; margin: 0.25rem 0; }
  [role="tabpanel"] [data-testid="stVegaLiteChart"],
  [role="tabpanel"] [data-testid="stHeading"] { scroll-margin-top: CLEARANCE; }
}
</style>""".replace("PHONE_QUERY", PHONE_QUERY).replace("WIDE", ",\n  ".join(WIDE))
STYLE = STYLE.replace("HINT", HINT).replace("CLEARANCE", HEADER_CLEARANCE)


def swipe_hint(text: str) -> str:
    """HTML of a hint, shown on phones only, that the box under it scrolls sideways
    (`text`, in the reader's words), to put in the markdown above that box."""
    return f'<div class="{HINT}">{html.escape(text)}</div>'


def install(style: str = "") -> None:
    """Put the script and the style, with the page's other `style` (the header's), at the
    sidebar's end, as one element of no height (a style applies to the whole page
    wherever it sits)."""
    st.sidebar.html(SCRIPT + STYLE + style, unsafe_allow_javascript=True)
