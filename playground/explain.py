"""What to look for in each learning view, and why (English; i18n looks these up)."""

from __future__ import annotations

EXPLAIN: dict[str, str] = {
    "compare": (
        "The same data, seed and settings train a vanilla RNN, an LSTM and a GRU. "
        "Look at where the lines part: on a short window of a clean sine all three do "
        "well, and the gated cells cost more per step. Differences grow with longer "
        "windows, more noise or signals with sharp changes."
    ),
    "forecast": (
        "One-step forecasts are fed the true history, so each error is fresh; free-running "
        "forecasts are fed their own outputs, so errors compound. Watch the error grow "
        "with the horizon, and compare with the baselines: if repeating the last value "
        "or a linear fit does as well, the network has not learned much more."
    ),
    "inside": (
        "The heatmap shows each hidden unit over the chosen window; LSTM and GRU gates "
        "show how much is let in, kept or forgotten at each step. Projected to two "
        "dimensions, the last hidden states of a periodic signal trace a loop: the "
        "network encodes the phase of the wave."
    ),
    "gradients": (
        "Each point is how strongly the loss depends on the hidden state at that step. "
        "For a vanilla RNN it shrinks roughly geometrically going back in time (vanishing "
        "gradients), so early inputs hardly teach it. Large recurrent weights make it "
        "grow instead (exploding gradients); clipping caps the step size."
    ),
    "memory": (
        "Each network must recall a value seen `lag` steps earlier, past unrelated inputs. "
        "A score near 0 is perfect recall, near 1 is no better than guessing. Gated cells "
        "can hold a value by keeping a gate open; a vanilla RNN's memory fades with the lag."
    ),
    "signals": (
        "Smooth periodic signals are easy; jumps (square, sawtooth) and trends that leave "
        "the training range are hard, because the scaler and the network only know the "
        "training range. Real series (airline passengers, sunspots) mix trend, season "
        "and irregular cycles; a random walk has nothing to learn beyond its last value."
    ),
}
