"""The exported script of the Text view's reviews task: `reviews.py`, the module the page
trains with, shipped as it is (it stands alone: torch, numpy and the standard library),
then the run's settings and the calls `sentiment.run_sentiment` makes, printing the
losses epoch by epoch, then each split's loss and accuracy, to the last digit, on one
intra-op thread."""

from __future__ import annotations

import inspect

from playground.params import keep_gate_block
from playground.text import reviews
from playground.text.config import TextConfig
from playground.text.sentiment import lang_of

ARTICLES = {"rnn": "an RNN", "lstm": "an LSTM", "gru": "a GRU"}
LANGUAGES = {"en": "English", "zh": "Chinese"}

_HEAD = '''"""Review classifier from RNN Playground's Text view: {article} reading
generated {language} reviews whose label hangs on a negation {gap} words before
the end (seed {seed}). Prints the train and test loss (logistic, in nats) after each
epoch, then each split's loss and accuracy, as the page shows them.
Below: the playground's own reviews.py, then the run."""

'''

_RUN = """

# ---- The run ------------------------------------------------------------------------
torch.set_num_threads(1)  # the playground trains on one thread: the same sums, the same bits
LANG, MODEL, GAP, SEED, KEEP_BLOCK = {lang!r}, {model!r}, {gap}, {seed}, {keep!r}

vocab, data = reviews_data(LANG, GAP, SEED)
net = init_classifier(MODEL, len(vocab), SEED, KEEP_BLOCK)
for epoch, train, test in fit(net, data, EPOCHS, SEED):
    print(f"epoch {{epoch}}: train {{train!r}} test {{test!r}}")
net.eval()
net.requires_grad_(False)
for split, xs, ys in (("train", data[0], data[1]), ("test", data[2], data[3])):
    loss, accuracy = evaluate(net, xs, ys)
    print(f"{{split}}: loss {{loss!r}} accuracy {{accuracy!r}}")
"""


def sentiment_script(cfg: TextConfig) -> str:
    """The script of the reviews run of `cfg` (its task, language, model, gap and seed)."""
    if cfg.task != "sentiment":
        raise ValueError("this script is the reviews task's; see codegen.text_script")
    lang = lang_of(cfg)
    head = _HEAD.format(
        article=ARTICLES[cfg.model], language=LANGUAGES[lang], gap=cfg.gap, seed=cfg.seed
    )
    run = _RUN.format(
        lang=lang, model=cfg.model, gap=cfg.gap, seed=cfg.seed, keep=keep_gate_block(cfg.model)
    )
    return head + inspect.getsource(reviews) + run
