"""Named scenarios for workshops: a full config, page hints and what to notice.

`PRESETS` maps a key (the `preset=` URL value) to a `Preset`. Each carries a complete
`ExperimentConfig` (so the room sees one picture), the view the page should open,
models to compare, and i18n keys for its title and its "what to notice" paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from playground.config import PARAM_BY_NAME, ExperimentConfig
from playground.i18n import Note
from playground.pipeline.signals import SIGNAL_MAKERS


@dataclass(frozen=True)
class Preset:
    """One named scenario."""

    key: str  # registry key = `preset=` URL value
    config: ExperimentConfig  # every setting of the run
    view: str = "train"  # the tab to open, a key of playground.views.VIEWS
    compare_models: tuple[str, ...] = ()  # models the Compare tab trains; () = all three
    notes: tuple[Note, ...] = ()  # shown with the preset (e.g. a missing dataset)
    # The moves its "what to notice" asks for, as (setting, values its text speaks of):
    # the scenario and its notice stay while the learner follows them.
    invites: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def holds(self, cfg: ExperimentConfig, start: ExperimentConfig | None = None) -> bool:
        """Whether `cfg` is this scenario: its config (or `start`, the scenario as a
        link refined it), moved only as its text asks (`invites`)."""
        start = self.config if start is None else start
        back = {
            name: getattr(start, name)
            for name, values in self.invites
            if getattr(cfg, name) in values
        }
        return replace(cfg, **back) == start

    @property
    def title_key(self) -> str:
        return f"preset.{self.key}.title"

    @property
    def notice_key(self) -> str:
        return f"preset.{self.key}.notice"


def available_signals() -> frozenset[str]:
    """Signals both registered (signals.py) and accepted by the config table."""
    return frozenset(PARAM_BY_NAME["signal"].choices) & frozenset(SIGNAL_MAKERS)


def signal_or_sine(signal: str) -> tuple[str, tuple[Note, ...]]:
    """`signal` if it is available yet, else "sine" with a note saying so."""
    if signal in available_signals():
        return signal, ()
    return "sine", (Note("preset.signal_missing", {"signal": signal}),)


def real_data_preset() -> Preset:
    """Airline passengers (144 monthly values) once that signal is registered."""
    signal, notes = signal_or_sine("airline")
    cfg = ExperimentConfig(
        signal=signal, n_points=140, seq_length=12, model="lstm", hidden_size=32, epochs=200
    )
    return Preset("real_data", cfg, view="train", notes=notes)


def build_presets() -> dict[str, Preset]:
    """The registry, in the order the page lists it."""
    presets = (
        Preset("tutorial_rnn", ExperimentConfig()),
        Preset("rnn_vs_lstm", ExperimentConfig(), view="compare", compare_models=("rnn", "lstm")),
        Preset(
            "overfitting",
            # 40 noisy points, 24 training windows, 128 units: the model can memorise. At
            # lr 0.01 Adam turns unstable once the train loss nears 0 (test >= 5x train in
            # 2 of 5 seeds); at 0.003 for 500 epochs it holds in 5 of 5 (tests/test_lessons.py).
            ExperimentConfig(
                n_points=40, noise=0.3, hidden_size=128, epochs=500, learning_rate=0.003
            ),
        ),
        Preset("too_much_noise", ExperimentConfig(noise=0.6)),
        Preset(
            "vanishing_gradients",
            # The gated cells' keep gate biased open: with PyTorch's init they vanish too.
            ExperimentConfig(model="rnn", n_points=200, seq_length=50, keep_gate_bias=4.0),
            view="gradients",
            compare_models=("rnn", "lstm"),
            # Its notice: "Set the keep-gate bias to 0: at initialisation they vanish too."
            invites=(("keep_gate_bias", (0.0, 4.0)),),
        ),
        Preset(
            "long_memory",
            # The Long memory view runs its own delayed-recall task; of the sidebar it
            # reads only the keep-gate bias, which lets the gated cells remember.
            ExperimentConfig(keep_gate_bias=4.0),
            view="memory",
            compare_models=("rnn", "lstm"),
        ),
        real_data_preset(),
    )
    return {p.key: p for p in presets}


PRESETS: dict[str, Preset] = build_presets()
