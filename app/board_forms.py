"""The class board's forms: join a board by its code, create one (instructor), and the
instructor's panel (close, reopen, clear, remove an entry; the private link behind a
reveal, since the board's page is projected)."""

from __future__ import annotations


import streamlit as st

from app.context import PageContext
from playground.board import (
    BOARD_METRICS,
    BoardInfo,
    normalize_code,
)
from playground.i18n import LANGUAGES
from playground.workshop.challenges import CHALLENGES
from playground.workshop.presets import PRESETS
from app.board import (
    store,
    join,
    instructor_link,
    as_text,
    failed,
    DB_ERRORS,
)


# ---- Joining and making boards --------------------------------------------------------------
def join_form(ctx: PageContext) -> None:
    """A code to type (as read aloud) to join a board."""
    with st.form("board_join", border=True):
        st.markdown(ctx.t("board.join.title"))
        typed = st.text_input(ctx.t("board.join.code"), max_chars=16, key="board_join_code")
        if st.form_submit_button(ctx.t("board.join.button"), icon=":material/login:"):
            code = normalize_code(typed)
            if code is None:
                st.error(ctx.t("board.error.unknown", code=as_text(typed[:12])))
            else:
                join(code)
                st.rerun()


def create_form(ctx: PageContext, expanded: bool) -> None:
    """Open a new board (title, challenge or preset, language, metric). The instructor's
    private link is not shown here: the board's page is projected (see
    `private_link`)."""
    with st.expander(ctx.t("board.create.title"), expanded=expanded, icon=":material/add_box:"):
        with st.form("board_create", border=False):
            # No max_chars (the browser drops a longer paste without a word): the
            # title is cut to MAX_TITLE on the server, as the heading then shows.
            title = st.text_input(
                ctx.t("board.create.name"), value=ctx.t("board.create.default_title")
            )
            challenge = st.selectbox(
                ctx.t("board.create.challenge"),
                ["", *CHALLENGES],
                format_func=lambda k: ctx.t(CHALLENGES[k].title_key) if k else ctx.t("board.none"),
            )
            preset = st.selectbox(
                ctx.t("board.create.preset"),
                ["", *PRESETS],
                format_func=lambda k: ctx.t(PRESETS[k].title_key) if k else ctx.t("board.none"),
            )
            langs = tuple(LANGUAGES)
            lang = st.selectbox(
                ctx.t("board.create.lang"), langs, index=langs.index(ctx.lang),
                format_func=LANGUAGES.get,
            )  # fmt: skip
            metric = st.selectbox(
                ctx.t("board.create.metric"), BOARD_METRICS,
                format_func=lambda m: ctx.t(f"chart.metric.{m}"),
            )  # fmt: skip
            if st.form_submit_button(ctx.t("board.create.button"), icon=":material/add:"):
                try:
                    made = store().create(title, challenge or None, preset or None, lang, metric)
                except DB_ERRORS as err:
                    failed(ctx, err)
                    return
                st.session_state.board_made = tuple(made)
                join(made.code, made.token)
                st.rerun()


def private_link(ctx: PageContext, code: str, token: str) -> None:
    """The instructor's private link (it closes and clears the board) behind a reveal:
    a popover shows it, with its copy button, only while the instructor holds it open,
    never on the projected page."""
    with st.popover(ctx.t("board.instructor.link_reveal"), icon=":material/key:"):
        st.markdown(ctx.t("board.instructor.link_help"))
        st.code(instructor_link(code, token), language=None, wrap_lines=True)


def instructor_panel(ctx: PageContext, info: BoardInfo, token: str) -> None:
    """Close or reopen, clear, remove an entry, the private link: the instructor's link
    only. Right after the board is made, says so once."""
    with st.container(border=True, key="board_instructor"):
        st.subheader(ctx.t("board.instructor.title"), anchor=False)
        if st.session_state.pop("board_made", None) is not None:
            st.success(ctx.t("board.create.done", code=info.code), icon=":material/check_circle:")
        private_link(ctx, info.code, token)
        left, middle, right = st.columns(3)
        if info.is_open:
            act = left.button(ctx.t("board.instructor.close"), icon=":material/lock:")
            action = store().close if act else None
        else:
            act = left.button(ctx.t("board.instructor.reopen"), icon=":material/lock_open:")
            action = store().reopen if act else None
        sure = middle.checkbox(ctx.t("board.instructor.clear_confirm"), key="board_clear_sure")
        if right.button(
            ctx.t("board.instructor.clear"), disabled=not sure, icon=":material/delete_sweep:"
        ):
            action = store().clear
        try:
            if action is not None:
                action(info.code, token)
                st.rerun()
            table = store().standings(info.code)
        except DB_ERRORS as err:
            failed(ctx, err)
            return
        if table.empty:
            return
        entries = list(zip(table.name, table.settings))
        chosen = st.selectbox(
            ctx.t("board.instructor.remove"),
            range(len(entries)),
            format_func=lambda i: f"{entries[i][0]} — {entries[i][1] or ctx.t('board.defaults')}",
            key="board_remove_pick",
        )
        if st.button(ctx.t("board.instructor.remove_button"), icon=":material/person_remove:"):
            name, settings = entries[chosen]
            try:
                store().remove(info.code, token, name, settings)
            except DB_ERRORS as err:
                failed(ctx, err)
                return
            st.rerun()
