"""The board's named errors. Each carries `key`, the locale key of the message the page
shows (`board.error.<what>`), so the package never speaks English to the reader."""

from __future__ import annotations


class BoardError(Exception):
    """Anything a board refuses or cannot do; `key` names the page's message."""

    key = "board.error.failed"


class UnknownBoard(BoardError, LookupError):
    """No board has this code (or the text cannot be a code)."""

    key = "board.error.unknown"


class BoardClosed(BoardError):
    """The board takes no submissions (its instructor closed it)."""

    key = "board.error.closed"


class WrongToken(BoardError, PermissionError):
    """The instructor token does not belong to this board: nothing was changed."""

    key = "board.error.wrong_token"


class BadName(BoardError, ValueError):
    """A name (or title) with nothing printable left once cleaned."""

    key = "board.error.bad_name"


class BadBoard(BoardError, ValueError):
    """A board asked for with an unknown challenge, preset, language or metric."""

    key = "board.error.bad_board"


class BoardUnavailable(BoardError):
    """The database cannot be reached or stayed locked: try again shortly."""

    key = "board.error.unavailable"
