"""playground.text: generated corpora, text checks, baselines against hand counts, bits
per character against an independent computation, the URL round trip, determinism in
any thread, reproducible generation and hostile text."""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import math
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import TEXT_CORPORA, TextConfig, generate, next_char_probs, run_text
from playground.i18n import LANGUAGES, render_note
from playground.text import (
    MAX_TEXT_CHARS,
    TextRejected,
    feature_units,
    make_corpus,
    read_text,
    text_features,
    unit_activations,
)
from playground.text import charnet
from playground.text.charlm import Writer, snapshot_epochs
from playground.text.charnet import (
    LN2,
    MAX_VOCAB,
    UNKNOWN,
    bits_of,
    chunks,
    encode,
    init_char_model,
    vocabulary,
)
from playground.text.ids import bigram_bits, unigram_bits
from playground.text.codegen import text_script
from playground.text.config import (
    MAX_TEXT_SECONDS,
    MIN_TEXT_EPOCHS,
    TEXT_PARAMS,
    BudgetCut,
    budget_cut,
    default_size,
)
from playground.views.text import text_downloads

SMALL_TEXT = make_corpus("en", 3000, seed=5)
SMALL = TextConfig(
    corpus="own", text=SMALL_TEXT, model="gru", hidden_size=16, seq_length=16, epochs=2
)


@pytest.fixture(scope="module")
def small():
    return run_text(SMALL)


# ---- corpora --------------------------------------------------------------------------
def balanced(line: str, opens: str, closes: str) -> tuple[bool, int]:
    """(brackets close in order, deepest nesting) of one line."""
    depth = deepest = 0
    for c in line:
        if c in opens:
            depth += 1
            deepest = max(deepest, depth)
        elif c in closes:
            depth -= 1
            if depth < 0:
                return False, deepest
    return depth == 0, deepest


@given(st.sampled_from(["en", "zh"]), st.integers(1, 3000), st.integers(0, 10**6))
def test_corpus_lines_close_their_brackets_and_quotes(lang, n_chars, seed):
    text = make_corpus(lang, n_chars, seed)
    assert text == make_corpus(lang, n_chars, seed)  # seeded
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) >= 2  # whole lines, at least one
    assert len(text) <= n_chars or len(lines) == 2  # within n_chars, or a single line
    for line in lines[:-1]:
        ok, deepest = balanced(line, "(（", ")）")
        assert ok and deepest <= 3
        if lang == "en":
            assert line.count('"') in (0, 2) and (line.count('"') == 0 or line.endswith('."'))
        else:
            assert line.count("“") == line.count("”") <= 1


def test_builtin_corpora_hold_the_structure_they_promise():
    en, zh = TEXT_CORPORA["en"], TEXT_CORPORA["zh"]
    assert set(TEXT_CORPORA) == {"en", "zh"} and en != zh
    assert 20_000 <= len(en) <= 24_000 and 20_000 <= len(zh) <= 24_000
    for text, quote in ((en, '"'), (zh, "“")):
        lines = text.splitlines()
        nested = sum(balanced(ln, "(（", ")）")[1] >= 2 for ln in lines)
        assert nested >= 20  # nested brackets
        assert sum(quote in ln for ln in lines) >= 100  # quotes
        assert sum(any(ch.isdigit() for ch in ln) for ln in lines) >= 100  # numbers
    assert en.count("once upon a time") >= 20  # a repeated phrase
    assert sum("\u4e00" <= c <= "\u9fff" for c in zh) > len(zh) / 2  # Chinese characters


def test_unknown_corpus_language_is_refused():
    with pytest.raises(ValueError):
        make_corpus("fr")
    with pytest.raises(KeyError):
        TEXT_CORPORA["fr"]


# ---- the learner's text ---------------------------------------------------------------
@given(st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=2))
def test_any_real_text_is_read_back_as_itself(body):
    text = (body * (200 // len(body) + 1))[: max(200, len(body))]
    if len(set(text)) < 2:
        return
    for raw in (text, text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        got, notes = read_text(raw)
        assert got == text and notes == []


def test_line_ends_become_newlines():
    text, _ = read_text(("ab\r\ncd\r" * 60).encode())
    assert "\r" not in text and text.startswith("ab\ncd\n")


@pytest.mark.parametrize(
    "raw, key",
    [
        (b"", "text.note.empty"),
        ("   \n\t ", "text.note.empty"),
        ("a", "text.note.one_char"),
        ("a" * 5000, "text.note.one_char"),
        (b"\xff\xfe" + "hello".encode("utf-16-le") * 100, "text.note.binary"),  # NULs
        (bytes(range(1, 32)) * 50, "text.note.binary"),
        (b"caf\xe9 au lait " * 40, "text.note.undecodable"),  # latin-1
        ("short text", "text.note.too_short"),
    ],
)
def test_hostile_text_is_rejected_with_a_note_in_both_languages(raw, key):
    with pytest.raises(TextRejected) as err:
        read_text(raw)
    assert err.value.note.key == key
    for lang in LANGUAGES:
        shown = render_note(lang, err.value.note)
        assert shown and shown != key  # a message, not the raw key


def test_long_text_is_cut_with_a_note():
    text, notes = read_text("ab\n" * 100_000)
    assert len(text) == MAX_TEXT_CHARS
    assert [n.key for n in notes] == ["text.note.cut"]
    assert notes[0].params == {"chars": 300_000, "kept": MAX_TEXT_CHARS}


def test_many_distinct_characters_share_one_symbol_past_the_cap():
    text = "".join(chr(0x4E00 + i) for i in range(MAX_VOCAB + 50)) * 2
    got, notes = read_text(text)
    assert [n.key for n in notes] == ["text.note.rare_chars"]
    vocab = vocabulary(got)
    assert len(vocab) == MAX_VOCAB and UNKNOWN in vocab
    assert len(encode(got, vocab)) == len(got)  # every character still stands somewhere


# ---- baselines against hand counts ----------------------------------------------------
ids_arrays = st.lists(st.integers(0, 5), min_size=2, max_size=60).map(np.array)


@given(ids_arrays, ids_arrays)
def test_unigram_and_bigram_bits_match_a_hand_count(train, test):
    V = 6
    counts = Counter(train.tolist())
    want_uni = -sum(math.log2((counts[c] + 1) / (len(train) + V)) for c in test[1:]) / (
        len(test) - 1
    )
    pairs = Counter(zip(train[:-1].tolist(), train[1:].tolist()))
    after = Counter(train[:-1].tolist())
    want_bi = -sum(
        math.log2((pairs[(b, c)] + 1) / (after[b] + V))
        for b, c in zip(test[:-1].tolist(), test[1:].tolist())
    ) / (len(test) - 1)
    assert unigram_bits(train, test[1:], V) == pytest.approx(want_uni, rel=1e-12)
    assert bigram_bits(train, test[:-1], test[1:], V) == pytest.approx(want_bi, rel=1e-12)


def test_a_uniform_guess_scores_log2_of_the_vocabulary():
    train = np.arange(8).repeat(5)  # every character equally often
    assert unigram_bits(train, np.arange(8), 8) == pytest.approx(3.0)


# ---- bits per character of the network ------------------------------------------------
@given(st.integers(2, 200), st.integers(1, 40))
def test_chunks_score_every_target_once_in_order(n, length):
    ids = np.arange(n)
    xs, ys = [], []
    for x, y in chunks(ids, length):
        assert x.shape == y.shape and x.shape[1] <= length
        assert torch.equal(y, x + 1)  # each target is the character after its input
        xs += x.flatten().tolist()
        ys += y.flatten().tolist()
    assert ys == list(range(1, n))


def test_bits_per_character_equal_the_mean_log2_probability_of_each_target():
    ids = encode(SMALL_TEXT[:500], vocabulary(SMALL_TEXT))
    net = init_char_model("lstm", len(vocabulary(SMALL_TEXT)), 8, 1, seed=3)
    want = []
    with torch.no_grad():
        for start in range(0, len(ids) - 1, 7):  # windows of 7 from a zero state, by hand
            x = torch.from_numpy(ids[start : start + 7][: len(ids) - 1 - start])
            logp = torch.log_softmax(net(x.unsqueeze(0))[0].double(), dim=-1)
            targets = ids[start + 1 : start + 1 + len(x)]
            want += [-logp[i, t].item() / math.log(2) for i, t in enumerate(targets)]
    assert bits_of(net, ids, 7) == pytest.approx(np.mean(want), rel=1e-5)
    assert LN2 == pytest.approx(math.log(2))


# ---- TextConfig -----------------------------------------------------------------------
def param_values(p):
    if p.kind is str:
        return st.sampled_from([c for c in p.choices if c != "own"])
    if p.steps:
        return st.sampled_from(p.steps)
    if p.kind is int:
        return st.integers(p.low, p.high)
    return st.floats(p.low, p.high)


@given(st.fixed_dictionaries({p.name: param_values(p) for p in TEXT_PARAMS}))
def test_url_round_trip(values):
    cfg = TextConfig(**values)
    query = cfg.to_query_params()
    assert all(k.startswith("text_") for k in query)
    back, notes = TextConfig.from_query_params(query)
    assert back == cfg and notes == []


def test_bad_url_values_give_notes_never_errors():
    cfg, notes = TextConfig.from_query_params(
        {
            "text_model": "transformer",
            "text_hidden_size": "99999",
            "text_epochs": "nan",
            "text_corpus": "own",
            "text_seed": ["1", "2"],
            "model": "lstm",  # the sidebar's key: not the Text view's
        }
    )
    assert cfg == TextConfig(hidden_size=TEXT_PARAMS[3].high, seed=2)
    keys = sorted(n.key for n in notes)
    assert keys == sorted(
        ["note.unknown_choice", "note.clamped", "note.not_finite", "text.note.own_not_in_link"]
    )


@pytest.mark.parametrize(
    "bad",
    [{"model": "cnn"}, {"hidden_size": 0}, {"epochs": 1.5}, {"corpus": "own"}, {"seed": True}],
)
def test_invalid_config_is_refused(bad):
    with pytest.raises(ValueError):
        TextConfig(**bad)


def test_the_key_names_the_text_by_digest():
    a, b = SMALL, replace(SMALL, text=SMALL_TEXT + "x")
    assert a.key() != b.key() and hash(a.key()) == hash(replace(SMALL).key())
    assert SMALL_TEXT not in repr(a.key())


# ---- a run ----------------------------------------------------------------------------
def test_run_frames_have_their_shape(small):
    assert list(small.losses.columns) == ["epoch", "split", "loss"]
    assert small.losses.epoch.tolist() == [0, 0, 1, 1, 2, 2]
    assert list(small.metrics.columns) == ["model", "split", "loss", "perplexity"]
    assert sorted(small.metrics.model.unique()) == ["bigram", "gru", "unigram"]
    np.testing.assert_allclose(small.metrics.perplexity, 2**small.metrics.loss)
    assert small.snapshots.epoch.tolist() == snapshot_epochs(2) == [0, 1, 2]
    assert all(len(s) == 160 for s in small.snapshots["sample"])
    # The untrained network knows nothing: about log2 V bits per character.
    V = len(small.fitted.vocab)
    first = small.losses[small.losses.epoch == 0].loss
    assert first.between(math.log2(V) - 1.0, math.log2(V) + 1.5).all()
    assert small.losses.loss.iloc[-1] < first.iloc[-1]  # training lowered the loss


def test_the_baselines_are_computed_on_the_run_split(small):
    vocab = small.fitted.vocab
    ids = encode(SMALL_TEXT, vocab)
    cut = int(round(len(ids) * 0.9))
    train, test = ids[:cut], ids[cut:]
    m = small.metrics.set_index(["model", "split"]).loss
    assert m["unigram", "test"] == pytest.approx(unigram_bits(train, test[1:], len(vocab)))
    assert m["bigram", "test"] == pytest.approx(bigram_bits(train, test[:-1], test[1:], len(vocab)))
    assert m["bigram", "train"] < m["unigram", "train"]


def weights_digest(result) -> str:
    h = hashlib.sha256()
    for tensor in result.fitted.net.state_dict().values():
        h.update(tensor.numpy().tobytes())
    h.update(result.losses.to_json().encode())
    h.update(result.snapshots.to_json().encode())
    return h.hexdigest()


def test_same_config_same_bits_in_another_thread(small):
    cfg = replace(SMALL, model="lstm", epochs=1)
    here = weights_digest(run_text(cfg))
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("d", weights_digest(run_text(cfg))))
    thread.start()
    thread.join()
    assert out["d"] == here
    assert weights_digest(run_text(replace(cfg, seed=1))) != here


def test_run_refuses_a_window_longer_than_the_text():
    with pytest.raises(ValueError):
        run_text(TextConfig(corpus="own", text="ab" * 30, seq_length=128))


# ---- what the trained network says ----------------------------------------------------
def test_generation_is_reproducible(small):
    a = generate(small, "the ", 80, temperature=1.0, seed=4)
    assert len(a) == 80 and set(a) <= set(small.fitted.vocab)
    assert a == generate(small, "the ", 80, temperature=1.0, seed=4)
    others = {generate(small, "the ", 80, temperature=1.0, seed=s) for s in range(5)}
    assert len(others) > 1  # the seed matters when sampling
    greedy = generate(small, "the ", 30, temperature=0.0, seed=0)
    assert greedy == generate(small, "the ", 30, temperature=0.0, seed=99)
    # Temperature 0 writes the likeliest character, step after step.
    context = "the "
    for c in greedy[:5]:
        assert next_char_probs(small, context).char.iloc[0] == c
        context += c


@pytest.mark.parametrize("model", ["rnn", "lstm", "gru"])
def test_the_writer_steps_the_network_s_own_equations(model):
    net = init_char_model(model, vocab_size=11, hidden_size=12, num_layers=2, seed=3)
    ids = torch.tensor([[4, 0, 10, 7, 7, 2, 9, 1]])
    with torch.no_grad():
        want = torch.log_softmax(net(ids)[0].double(), dim=-1).numpy()  # (L, V)
    writer = Writer(net)
    got = np.stack([writer.step(int(i)) for i in ids[0]])
    got -= np.log(np.exp(got).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.parametrize("temperature", [0.5, 1.0])
def test_two_prompts_write_two_texts_and_a_prompt_its_own_in_any_thread(small, temperature):
    # With one stream of draws for every prompt, this small network wrote the same
    # characters after "the cat " and "First Citizen:" from the 20th on (both temperatures).
    a = generate(small, "the cat ", 200, temperature, seed=0)
    b = generate(small, "First Citizen:", 200, temperature, seed=0)
    assert a[20:] != b[20:]
    assert sum(x != y for x, y in zip(a[20:], b[20:])) > 20
    out = {}
    thread = threading.Thread(
        target=lambda: out.setdefault("b", generate(small, "First Citizen:", 200, temperature, 0))
    )
    thread.start()
    thread.join()
    assert out["b"] == b  # a link still writes the same text


def test_generation_handles_odd_prompts(small):
    assert len(generate(small, "", 10, 0.5, 0)) == 10  # starts at a line start
    assert generate(small, "☃☃☃", 10, 0.0, 0) == generate(small, "", 10, 0.0, 0)
    assert generate(small, "x" * 5000, 3, 0.0, 0) == generate(small, "x" * 100, 3, 0.0, 0)
    assert generate(small, "the", 0, 0.5, 0) == ""
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            generate(small, "the", 5, bad, 0)


def test_next_char_probs_are_a_distribution(small):
    probs = next_char_probs(small, "the ca")
    assert list(probs.columns) == ["char", "p"]
    assert sorted(probs.char) == sorted(small.fitted.vocab)
    assert probs.p.sum() == pytest.approx(1.0)
    assert probs.p.is_monotonic_decreasing and (probs.p > 0).all()


def test_unit_activations_read_each_character_with_its_window(small):
    text = SMALL_TEXT[:60]
    acts = unit_activations(small, text)
    assert acts.shape == (60, 16)
    net, L = small.fitted.net, small.fitted.seq_length
    ids = torch.from_numpy(encode(text, small.fitted.vocab))
    with torch.no_grad():
        for i in (0, 5, L - 1, L, 59):
            window = ids[max(0, i - L + 1) : i + 1].unsqueeze(0)
            np.testing.assert_allclose(acts[i], net.hidden(window)[0, -1].numpy(), atol=1e-6)
    assert unit_activations(small, "").shape == (0, 16)


def test_text_features_by_hand():
    f = text_features('a (b (c)) "d"\nx“y”z')
    assert f.in_brackets.tolist() == [0, 0] + [1] * 7 + [0] * 10
    assert f.in_quotes.tolist() == [0] * 10 + [1, 1, 1, 0, 0, 1, 1, 1, 0]
    assert f.line_position.tolist()[:3] == [0, 1, 2] and f.line_position[13] == 0


@given(st.integers(0, 10**6))
def test_feature_units_rank_by_correlation(seed):
    rng = np.random.default_rng(seed)
    feature = pd.DataFrame({"in_quotes": rng.integers(0, 2, 50)})
    acts = rng.normal(size=(50, 5))
    acts[:, 3] = 0.0  # a silent unit
    ranked = feature_units(acts, feature, "in_quotes")
    assert sorted(ranked.unit) == list(range(5))
    assert np.abs(ranked.r).is_monotonic_decreasing
    for unit, r in zip(ranked.unit, ranked.r):
        want = 0.0 if unit == 3 else np.corrcoef(acts[:, unit], feature.in_quotes)[0, 1]
        if np.isfinite(want):
            assert r == pytest.approx(want, abs=1e-9)


def test_downloads_hold_the_run_and_its_settings(small):
    files = text_downloads(small)
    assert set(files) == {"losses", "metrics", "snapshots", "config", "script"}
    assert files["script"][2]().decode().startswith('"""Next-character model')
    name, mime, make = files["losses"]
    assert name.endswith(".csv") and mime == "text/csv"
    back = pd.read_csv(io.BytesIO(make()))
    pd.testing.assert_frame_equal(back, small.losses, check_dtype=False)
    settings = json.loads(files["config"][2]())
    assert settings["text_model"] == "gru" and len(settings["text_sha256"]) == 64
    assert SMALL_TEXT[:50] not in files["config"][2]().decode()


def test_the_exported_script_ships_the_module_the_page_trains_with():
    script = text_script(SMALL)
    assert inspect.getsource(charnet) in script  # the real code, not a copy kept in step
    imports = [line for line in script.splitlines() if line.startswith(("import", "from"))]
    assert {line.split()[1].split(".")[0] for line in imports} == {"math", "numpy", "torch"}
    compile(script, "text_script.py", "exec")


@pytest.mark.slow
def test_the_exported_script_prints_the_run_s_losses_to_the_last_digit(tmp_path):
    cfg = replace(SMALL, model="lstm", epochs=2, seed=3)
    result = run_text(cfg)
    path = tmp_path / "text_script.py"
    path.write_text(text_script(cfg), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, check=True, timeout=300
    ).stdout.splitlines()
    want = [
        f"epoch {e}: train {float(g.set_index('split').loss['train'])!r} "
        f"test {float(g.set_index('split').loss['test'])!r}"
        for e, g in result.losses.groupby("epoch")
    ]
    assert out == want


@given(
    st.fixed_dictionaries({p.name: param_values(p) for p in TEXT_PARAMS}),
    st.sampled_from([None, 300, 50_000, 200_000]),
)
def test_every_reachable_setting_fits_the_budget(values, own_chars):
    cfg = TextConfig(**values)
    if own_chars is not None:
        cfg = cfg.with_text(("ab\n" * own_chars)[:own_chars])
    fitted, notes = cfg.within_budget()
    assert fitted.seconds() <= MAX_TEXT_SECONDS
    assert fitted.within_budget() == (fitted, [])  # settled
    if len(fitted.source()) < len(cfg.source()):  # the text is cut last: epochs first
        assert fitted.epochs == MIN_TEXT_EPOCHS == 1
    else:
        assert fitted.epochs == min(cfg.epochs, fitted.max_epochs())
    if fitted != cfg:
        assert notes  # every change is said


@given(
    st.fixed_dictionaries({p.name: param_values(p) for p in TEXT_PARAMS}),
    st.sets(st.sampled_from(["hidden_size", "num_layers", "model", "seed"])),
)
@settings(max_examples=150, deadline=None)
def test_locked_epochs_hold_while_an_unlocked_size_can_give_way(values, others):
    cfg = TextConfig(**values)
    locked = frozenset({"epochs"} | others)
    fitted, notes = cfg.within_budget(locked)
    assert fitted.seconds() <= MAX_TEXT_SECONDS
    assert fitted.within_budget(locked) == (fitted, [])
    for name in others:  # a locked setting never moves
        assert getattr(fitted, name) == getattr(cfg, name)
    smallest = replace(
        cfg,
        num_layers=cfg.num_layers if "num_layers" in others else 1,
        hidden_size=cfg.hidden_size if "hidden_size" in others else 8,
    )
    if smallest.seconds() <= MAX_TEXT_SECONDS:  # the sizes can make room: epochs hold
        assert fitted.epochs == cfg.epochs
    else:  # nothing unlocked can: the epochs yield, and the page says so
        assert any(n.params.get("param") == "epochs" for n in notes)
    if fitted != cfg:
        assert notes


def test_the_budget_cut_and_the_default_size_beside_it():
    asked = TextConfig(hidden_size=128, num_layers=2, seq_length=128, epochs=8)
    ran = asked.within_budget()[0]
    assert budget_cut(asked, ran) == BudgetCut(len(asked.source()), len(asked.source()), 6, 8)
    assert budget_cut(ran, ran) is None and budget_cut(TextConfig(), TextConfig()) is None
    own = asked.with_text(("the cat sat.\n" * 20_000)[:200_000])
    cut = budget_cut(own, own.within_budget()[0])
    assert cut is not None and cut.chars < cut.total == 200_000
    beside = default_size(own)
    assert (beside.hidden_size, beside.num_layers, beside.seq_length) == (64, 1, 32)
    assert beside == replace(own, hidden_size=64, num_layers=1, seq_length=32).within_budget()[0]
    assert beside.seconds() <= MAX_TEXT_SECONDS and beside.model == own.model
    assert default_size(TextConfig(epochs=60)) is None  # already the default size
