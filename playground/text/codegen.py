"""The exported script of the Text view's next-character run: `charnet.py`, the module
the page trains with, shipped as it is (it stands alone: torch, numpy and the standard
library), then the run's text and settings and the calls `run_text` makes, printing the
bits per character epoch by epoch, to the last digit, on one intra-op thread."""

from __future__ import annotations

import inspect

from playground.text import charnet
from playground.text.config import TextConfig

_HEAD = '''"""Next-character model from RNN Playground's Text view ({model}, hidden {hidden},
{layers} layer(s), window {window}, {epochs} epochs, lr {lr}, seed {seed}).
Prints the train and test loss in bits per character after each epoch (0 = untrained).
Below: the playground's own charnet.py, then the run."""

'''

_RUN = """

# ---- The run ------------------------------------------------------------------------
torch.set_num_threads(1)  # the playground trains on one thread: the same sums, the same bits
TEXT = {text!r}
MODEL, HIDDEN, LAYERS, WINDOW = {model!r}, {hidden}, {layers}, {window}
EPOCHS, LR, SEED = {epochs}, {lr!r}, {seed}

vocab = vocabulary(TEXT)
train_ids, test_ids = split_ids(encode(TEXT, vocab))
net = init_char_model(MODEL, len(vocab), HIDDEN, LAYERS, SEED)
for epoch, train, test in fit(net, train_ids, test_ids, WINDOW, EPOCHS, LR, SEED):
    print(f"epoch {{epoch}}: train {{train!r}} test {{test!r}}")
"""


def text_script(cfg: TextConfig) -> str:
    """The script of `cfg`'s next-character run (see the module doc)."""
    if cfg.task != "next_char":
        raise ValueError("only the next-character task has a script")
    settings = dict(
        model=cfg.model,
        hidden=cfg.hidden_size,
        layers=cfg.num_layers,
        window=cfg.seq_length,
        epochs=cfg.epochs,
        lr=cfg.learning_rate,
        seed=cfg.seed,
    )
    return (
        _HEAD.format(**settings)
        + inspect.getsource(charnet)
        + _RUN.format(text=cfg.source(), **settings)
    )
