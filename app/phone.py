"""On a phone, the answer to a move in view: the sidebar covers ~300 of 390 px and stays
open after a change, hiding the chart that changed. A small script in the page (st.html
runs it in the page itself, not in an iframe) closes the sidebar after a control in it
changes the settings and brings the open tab's first chart into view, on narrow screens only
(`PHONE_QUERY`). Installed once per page; a re-mounted copy does nothing. A picture
drawn wider than a phone's column (to keep its text at 10 px) scrolls in its own box."""

from __future__ import annotations

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
      const target = chart || document.querySelector('[role="tablist"]');
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
# than its column, which scrolls it sideways inside its box, not the whole page.
STYLE = """<style>
@media PHONE_QUERY {
  [data-testid="stMarkdownContainer"] svg[role="img"] { min-width: var(--min-width); }
  [data-testid="stMarkdownContainer"] :has(> svg[role="img"]) { overflow-x: auto; }
}
</style>""".replace("PHONE_QUERY", PHONE_QUERY)


def install(style: str = "") -> None:
    """Put the script and the style, with the page's other `style` (the header's), at the
    sidebar's end, as one element of no height (a style applies to the whole page
    wherever it sits)."""
    st.sidebar.html(SCRIPT + STYLE + style, unsafe_allow_javascript=True)
