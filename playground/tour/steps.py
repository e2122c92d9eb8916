"""The tour's steps and their judges.

A step names the scenario it opens (a key of `workshop.presets.PRESETS`, or None to keep
the series settings), the view it shows, the setting its one thing to do moves (if any)
and its question's choices. Its words live in the locales under `tour.<key>.*`: `title`,
`do`, `more`, `question`, `choice.<choice>`, `wait`.

Every answer is judged live from the learner's own numbers (`Reading`): no step states a
fact about networks that its numbers do not show. A judge returns None while the
numbers it reads are missing (the thing to do not done yet, the run not there)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from playground.config import ExperimentConfig
from playground.i18n import Note

SAME_BAND = 1.1  # a test error within this factor of the one before "stayed about the same"
CLOSE_RATIO = 2.0  # test error at most this many times the train error: "close to it"


@dataclass(frozen=True)
class Reading:
    """The learner's numbers a judge reads."""

    cfg: ExperimentConfig  # the series settings that ran
    base: ExperimentConfig  # the step's starting settings
    test_mse: float | None = None  # this run's test MSE (its own model's)
    train_mse: float | None = None
    base_test_mse: float | None = None  # the starting run's test MSE
    extra: Mapping[str, float] = field(default_factory=dict)  # a view's own numbers


@dataclass(frozen=True)
class Verdict:
    """What happened: the choice it matches and a sentence with the numbers."""

    choice: str
    note: Note


Judge = Callable[[Reading], Verdict | None]


@dataclass(frozen=True)
class Step:
    key: str
    view: str  # the view the step opens (playground.views.VIEWS)
    choices: tuple[str, ...]  # the question's choices, 2-4 (locale `tour.<key>.choice.<c>`)
    judge: Judge
    preset: str | None = None  # the scenario it opens; None keeps the series settings
    moves: str | None = None  # the series setting its thing to do moves
    needs: str | None = None  # whose numbers the judge reads beyond the main run
    picture: bool = False  # draws the network unrolled over the window
    replay: bool = False  # opens the Train view's replay of its run (show, then say)

    def word(self, part: str) -> str:
        """This step's locale key for `part` (title, do, more, question, wait)."""
        return f"tour.{self.key}.{part}"

    def choice_key(self, choice: str) -> str:
        return f"tour.{self.key}.choice.{choice}"


# ---- Judges -------------------------------------------------------------------------
def cell_steps(r: Reading) -> Verdict | None:
    """The window moved: the cell runs once per value of the window."""
    if r.cfg.seq_length == r.base.seq_length:
        return None
    return Verdict("window", Note("tour.window.answer", {"window": r.cfg.seq_length}))


def gap(r: Reading) -> Verdict | None:
    """Test error against train error, from this run's numbers."""
    if r.test_mse is None or r.train_mse is None or r.train_mse <= 0:
        return None
    ratio = r.test_mse / r.train_mse
    choice = "lower" if ratio < 1 else "close" if ratio <= CLOSE_RATIO else "higher"
    params = {"train": r.train_mse, "test": r.test_mse, "ratio": ratio}
    return Verdict(choice, Note(f"tour.answer.gap.{choice}", params))


def change(setting: str) -> Judge:
    """Test error before (the step's start) against after (`setting` moved)."""

    def judge_change(r: Reading) -> Verdict | None:
        if getattr(r.cfg, setting) == getattr(r.base, setting):
            return None
        if r.test_mse is None or not r.base_test_mse:
            return None
        factor = r.test_mse / r.base_test_mse
        choice = "rose" if factor > SAME_BAND else "fell" if factor < 1 / SAME_BAND else "same"
        params = {"before": r.base_test_mse, "after": r.test_mse, "factor": factor}
        return Verdict(choice, Note(f"tour.answer.change.{choice}", params))

    return judge_change


def hidden_range(r: Reading) -> Verdict | None:
    """The largest |hidden value| drawn on the Inside view."""
    top = r.extra.get("hidden_max")
    if top is None:
        return None
    choice = "within" if top <= 1.0 else "beyond"
    return Verdict(choice, Note(f"tour.inside.answer.{choice}", {"top": top}))


def reach(r: Reading) -> Verdict | None:
    """The share of the RNN's gradient (at initialisation) left at the window's first
    step, of the last step's."""
    share = r.extra.get("reach_rnn")
    if share is None:
        return None
    choice = "most" if share >= 0.1 else "some" if share >= 0.001 else "none"
    return Verdict(choice, Note("tour.gradients.answer", {"percent": 100 * share}))


def recall(r: Reading) -> Verdict | None:
    """Which cell recalls better at the sweep's longest lag (error of guessing 0 = 1)."""
    rnn, lstm, lag = (r.extra.get(k) for k in ("recall_rnn", "recall_lstm", "lag"))
    if rnn is None or lstm is None or lag is None:
        return None
    choice = "same" if abs(rnn - lstm) < 0.05 else "lstm" if lstm < rnn else "rnn"
    params = {"rnn": rnn, "lstm": lstm, "lag": int(lag)}
    return Verdict(choice, Note(f"tour.memory.answer.{choice}", params))


def bits(r: Reading) -> Verdict | None:
    """The network's bits per character against the bigram baseline's."""
    net, bigram = r.extra.get("bits_net"), r.extra.get("bits_bigram")
    if net is None or bigram is None:
        return None
    choice = "beats" if net < bigram else "loses"
    return Verdict(choice, Note(f"tour.text.answer.{choice}", {"net": net, "bigram": bigram}))


def share_band(key: str, low: float, high: float) -> Judge:
    """A held-out share (0..1) read as below `low`, up to `high`, or above."""

    def judge_share(r: Reading) -> Verdict | None:
        share = r.extra.get(key)
        if share is None:
            return None
        choice = "few" if share < low else "most" if share < high else "nearly_all"
        return Verdict(choice, Note(f"tour.answer.share.{choice}", {"percent": 100 * share}))

    return judge_share


def script(r: Reading) -> Verdict | None:
    """The exported script prints the page's test MSE (tests/test_export.py holds it)."""
    if r.test_mse is None:
        return None
    return Verdict("same", Note("tour.next.answer", {"mse": r.test_mse}))


COMPARE = ("rose", "fell", "same")
SHARES = ("few", "most", "nearly_all")
STEPS: tuple[Step, ...] = (
    Step("window", "train", ("ten", "window", "once"), cell_steps, "tutorial_rnn",
         moves="seq_length", picture=True),
    Step("first_rnn", "train", ("lower", "close", "higher"), gap, "tutorial_rnn", picture=True,
         replay=True),
    Step("size", "train", COMPARE, change("hidden_size"), "tutorial_rnn", moves="hidden_size"),
    Step("overfitting", "train", ("lower", "close", "higher"), gap, "overfitting", replay=True),
    Step("lstm", "train", COMPARE, change("model"), "tutorial_rnn", moves="model"),
    Step("inside", "inside", ("within", "beyond"), hidden_range, "tutorial_rnn",
         needs="inside"),
    Step("gradients", "gradients", ("most", "some", "none"), reach, "vanishing_gradients",
         needs="gradients"),
    Step("memory", "memory", ("rnn", "lstm", "same"), recall, "long_memory", needs="memory"),
    Step("text", "text", ("beats", "loses"), bits, needs="text"),
    Step("sentiment", "text", SHARES, share_band("accuracy", 0.6, 0.9), needs="sentiment"),
    Step("translate", "translate", SHARES, share_band("exact", 0.5, 0.95), needs="translate"),
    Step("next", "home", ("same", "close", "different"), script, "tutorial_rnn"),
)  # fmt: skip


def judge(step: Step, reading: Reading) -> Verdict | None:
    """`step`'s answer from `reading` (None while its numbers are missing)."""
    return step.judge(reading)


def step_from_link(value: Any) -> int | None:
    """The step (1-based) a `tour=` value asks for: a number, clamped to the steps; "1",
    "yes", "on", "true" start at 1; anything else None."""
    text = str(value).strip().lower()
    if text in ("yes", "on", "true", "start"):
        return 1
    try:
        number = int(text)
    except ValueError:
        return None
    return None if number < 1 else min(number, len(STEPS))
