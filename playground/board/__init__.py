"""The class board: a workshop's shared ranking of runs, on a real database.

    from playground.board import open_board
    board = open_board("sqlite:///data/board.db")   # postgresql+psycopg://...; None: default
    made = board.create("Overfit challenge", challenge="overfit")   # made.code, made.token
    board.submit(made.code, "Ana", {"model": "lstm"})   # score computed here, from the settings
    board.standings(made.code)                          # DataFrame, best first
    board.close(made.code, made.token)                  # WrongToken for any other token

Modules: codes (board codes, tokens), names (cleaning typed names), links (a link's
config, an entry's settings), tables (the SQLAlchemy tables), store (open_board, Board),
errors (named errors, each with the locale key of its message).
"""

from playground.board.codes import ALPHABET, CODE_LENGTH, new_code, normalize_code
from playground.board.errors import (
    BadBoard,
    BadName,
    BoardClosed,
    BoardError,
    BoardUnavailable,
    UnknownBoard,
    WrongToken,
)
from playground.board.links import link_config, settings_text
from playground.board.names import MAX_NAME, clean_name
from playground.board.engine import default_url
from playground.board.records import BOARD_METRICS, BoardInfo, Entry, Made
from playground.board.store import Board, open_board

__all__ = [
    "ALPHABET", "BOARD_METRICS", "CODE_LENGTH", "MAX_NAME",
    "BadBoard", "BadName", "Board", "BoardClosed", "BoardError", "BoardInfo",
    "BoardUnavailable", "Entry", "Made", "UnknownBoard", "WrongToken",
    "clean_name", "default_url", "link_config", "new_code", "normalize_code", "open_board",
    "settings_text",
]  # fmt: skip
