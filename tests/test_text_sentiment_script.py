"""The reviews task's exported script: standalone (torch and numpy only), and, run in a
fresh interpreter, it prints the page's losses and accuracies to the last digit."""

from __future__ import annotations

import inspect
import io
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from playground.text import reviews
from playground.text.config import TextConfig
from playground.text.sentiment import run_sentiment
from playground.text.sentiment_codegen import sentiment_script
from playground.views.sentiment import sentiment_config, sentiment_downloads

CASES = [
    TextConfig(task="sentiment", corpus="en", model="rnn", gap=2, seed=0),
    TextConfig(task="sentiment", corpus="zh", model="gru", gap=5, seed=1),
    TextConfig(task="sentiment", corpus="en", model="lstm", gap=12, seed=3),
]


@pytest.mark.parametrize("cfg", CASES, ids=lambda c: f"{c.corpus}-{c.model}-{c.gap}")
def test_the_script_stands_alone_and_says_what_it_trains(cfg):
    script = sentiment_script(cfg)
    compile(script, "sentiment.py", "exec")
    imports = [line for line in script.splitlines() if line.startswith(("import", "from"))]
    assert {line.split()[1].split(".")[0] for line in imports} == {
        "math",
        "random",
        "numpy",
        "torch",
    }
    doc = script.split('"""')[1]
    article = {"rnn": "an RNN", "lstm": "an LSTM", "gru": "a GRU"}[cfg.model]
    assert article in doc and f"{cfg.gap} words" in doc and f"seed {cfg.seed}" in doc
    assert inspect.getsource(reviews) in script  # the real code, not a copy kept in step
    with pytest.raises(ValueError):
        sentiment_script(TextConfig())  # the next-character task has its own


def page_lines(cfg: TextConfig) -> list[str]:
    """What the page's run of `cfg` shows, printed as the script prints it."""
    result = run_sentiment(cfg)
    lines = [
        f"epoch {e}: train {float(g.set_index('split').loss['train'])!r} "
        f"test {float(g.set_index('split').loss['test'])!r}"
        for e, g in result.losses.groupby("epoch")
    ]
    for row in result.metrics.itertuples():
        lines.append(f"{row.split}: loss {float(row.loss)!r} accuracy {float(row.accuracy)!r}")
    return lines


@pytest.mark.slow
@pytest.mark.parametrize("cfg", CASES[:2], ids=lambda c: f"{c.corpus}-{c.model}-{c.gap}")
def test_the_script_prints_the_page_s_numbers_to_the_last_digit(cfg, tmp_path):
    path = tmp_path / "reviews.py"
    path.write_text(sentiment_script(cfg), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, check=True,
        timeout=300, cwd=tmp_path, env=env,
    ).stdout.splitlines()  # fmt: skip
    assert out == page_lines(cfg)


def test_the_downloads_describe_the_run_shown():
    cfg = CASES[0]
    result = run_sentiment(cfg, epochs=1)
    files = sentiment_downloads(result)
    assert set(files) == {"losses", "metrics", "saliency", "config", "script"}
    assert all(name.startswith("reviews_en_rnn_gap2_seed0") for name, _, _ in files.values())
    assert files["script"][2]().decode("utf-8") == sentiment_script(cfg)
    link = json.loads(files["config"][2]())
    assert TextConfig.from_query_params(link) == (sentiment_config(cfg), [])
    saliency = pd.read_csv(io.BytesIO(files["saliency"][2]()))
    assert saliency.role.tolist() == ["adjective", "aside", "aside", "negation"]
