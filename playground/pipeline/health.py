"""Did a run fail? A run that diverged, whose loss stalled, or whose test error is no
better than the simplest guesses has failed, and the page says so in words instead of
drawing a flat line without comment.

The guesses are the run's own baselines on its test windows: repeating the last value
(persistence) and always answering the mean of the training targets. A run whose test
error is above both has learned nothing usable about the test part. A run whose training loss
ended above 80 % of the loss of always answering the training average has stalled: it
learned hardly more than that average (however noisy the signal, a run that learned its
shape ends well below it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.i18n import Note
from playground.pipeline.experiment import ExperimentResult

STALLED = 0.8  # last training loss / the training average's: above this it has stalled
MIN_EPOCHS = 5  # a shorter run is judged on its test error only


@dataclass(frozen=True)
class Health:
    """What a run's numbers say about whether it learned."""

    test_mse: float  # the run's test MSE (signal units)
    persistence_mse: float  # repeating the last value of each test window
    mean_mse: float  # answering the mean of the training targets
    train_mean_mse: float  # answering the mean of the training targets, on them
    last_loss: float  # training MSE of the final weights
    diverged: bool
    stopped_epoch: int

    @property
    def stalled(self) -> bool:
        """The training loss ended above STALLED of the training average's (after
        MIN_EPOCHS)."""
        return bool(
            self.stopped_epoch >= MIN_EPOCHS and not self.last_loss <= STALLED * self.train_mean_mse
        )

    @property
    def worse_than_guessing(self) -> bool:
        """The test error is at least both baselines' on the test windows."""
        return not self.test_mse < max(self.persistence_mse, self.mean_mse)

    @property
    def failed(self) -> bool:
        return self.diverged or self.stalled or self.worse_than_guessing

    def note(self) -> Note | None:
        """The page's sentence for a failed run (None when the run learned): the first
        of diverged, stalled, no better than guessing."""
        if self.diverged:
            return Note("health.diverged", {"epoch": self.stopped_epoch})
        if self.stalled:
            return Note(
                "health.stalled",
                {"last": self.last_loss, "mean": self.train_mean_mse},
            )  # fmt: skip
        if self.worse_than_guessing:
            return Note(
                "health.worse",
                {"test": self.test_mse, "persistence": self.persistence_mse,
                 "mean": self.mean_mse},
            )  # fmt: skip
        return None


def run_health(result: ExperimentResult) -> Health:
    """The numbers `Health` judges, from the run itself (its fitted windows and losses)."""
    f = result.fitted
    X, Y = np.asarray(f.X, dtype=np.float64), np.asarray(f.Y, dtype=np.float64)
    train_y, test_x, test_y = Y[: f.n_train], X[f.n_train :], Y[f.n_train :]
    test_mse = float(result.metrics.set_index("split").mse["test"])  # final weights
    persistence_mse = float(np.mean((test_x[:, -1] - test_y) ** 2)) if len(test_y) else np.nan
    mean_mse = float(np.mean((train_y.mean() - test_y) ** 2)) if len(test_y) else np.nan
    train_mean_mse = float(np.var(train_y)) if len(train_y) else np.nan
    last = float(result.metrics.set_index("split").mse["train"])
    return Health(
        test_mse,
        persistence_mse,
        mean_mse,
        train_mean_mse,
        last,
        result.diverged,
        result.stopped_epoch,
    )


def health_note(result: ExperimentResult) -> Note | None:
    """The page's sentence when `result` failed, else None."""
    return run_health(result).note()
