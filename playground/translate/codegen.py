"""A standalone PyTorch script that trains what the Translate view trained and prints
its losses and held-out accuracies to the last digit. It is made from the real modules:
the source of `tasks.py` (the generated pairs) and `seq2seq.py` (network, training,
decoding, scoring), shipped as they are, then a few lines calling them with the run's
settings, in the same order as `run.run_translate`. Only torch is needed."""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence

from playground.translate import seq2seq, tasks
from playground.translate.config import HELD_OUT, TranslateConfig
from playground.translate.run import EXTRA_STEPS, MAX_VOCAB, pairs_of

_MAIN = """

# ---- The run: the page's settings --------------------------------------------------
torch.set_num_threads(1)  # the playground trains on one thread: the same sums, the same bits
{settings}
if OWN_PAIRS is None:
    pairs = make_pairs(TASK, PAIRS, SEED)
else:
    pairs = [tuple(p) for p in OWN_PAIRS][:PAIRS]
train, held = split_pairs(pairs, HELD_OUT, SEED)
src_vocab = vocabulary([a for a, _ in train], MAX_VOCAB)
tgt_vocab = vocabulary([b for _, b in train], MAX_VOCAB)
net = init_seq2seq(MODEL, len(src_vocab), len(tgt_vocab), HIDDEN_SIZE, ATTENTION, SEED)
max_len = max(len(b) for _, b in train) + EXTRA_STEPS
rows = fit(
    net,
    tensors(train, src_vocab, tgt_vocab),
    tensors(held, src_vocab, tgt_vocab),
    EPOCHS,
    LEARNING_RATE,
    SEED,
    lambda epoch, tr, te: print(f"epoch {{epoch}}: train loss {{tr!r}}, held-out loss {{te!r}}"),
)
for split, part in (("train", train), ("held_out", held)):
    outputs = translate_all(net, [a for a, _ in part], src_vocab, tgt_vocab, max_len)
    exact, chars = accuracies(outputs, [b for _, b in part])
    print(f"{{split}} exact {{exact!r}} char_accuracy {{chars!r}}")
"""


def settings_block(cfg: TranslateConfig, own: Sequence[tuple[str, str]] | None) -> str:
    """The script's constants: every setting of `cfg`, and the learner's pairs (JSON)."""
    lines = [
        f"TASK = {cfg.task!r}",
        f"MODEL = {cfg.model!r}",
        f"ATTENTION = {cfg.attends!r}  # additive attention ({cfg.attention!r})",
        f"HIDDEN_SIZE = {cfg.hidden_size!r}",
        f"EPOCHS = {cfg.epochs!r}",
        f"LEARNING_RATE = {cfg.learning_rate!r}",
        f"PAIRS = {cfg.pairs!r}",
        f"SEED = {cfg.seed!r}",
        f"HELD_OUT = {HELD_OUT!r}",
        f"MAX_VOCAB = {MAX_VOCAB!r}",
        f"EXTRA_STEPS = {EXTRA_STEPS!r}",
    ]
    if cfg.task == "own":
        data = json.dumps(pairs_of(cfg, own), ensure_ascii=False)
        lines.append(f"OWN_PAIRS = json.loads({data!r})")
    else:
        lines.append("OWN_PAIRS = None")
    return "\n".join(lines)


def generate_translate_script(
    cfg: TranslateConfig, pairs: Sequence[tuple[str, str]] | None = None
) -> str:
    """The standalone script of `cfg` (with the learner's `pairs` for task "own"): it
    prints each epoch's losses, then `<split> exact <share> char_accuracy <share>` for
    train and held_out, equal to `run_translate(cfg, pairs=pairs).metrics`."""
    header = (
        '"""Trains the RNN Playground\'s translator (Translate view) and prints its\n'
        "held-out accuracy: the playground's own modules tasks.py and seq2seq.py, as they\n"
        'are, then the run. Needs torch (pip install torch)."""\n\n'
        "import json  # own pairs travel as JSON\n\n"
    )
    parts = [
        header,
        "# ---- playground/translate/tasks.py ----\n",
        inspect.getsource(tasks),
        "\n\n# ---- playground/translate/seq2seq.py ----\n",
        inspect.getsource(seq2seq),
        _MAIN.format(settings=settings_block(cfg, pairs)),
    ]
    return "".join(parts)
