"""Same config, same bits: in the main thread, a fresh thread, a pool and a new process.

torch's intra-op thread count is per OS thread; a worker thread used to train on every
core while the main thread used one, and sums split over two threads round otherwise
(seen as other weights in the server than in the exported script on an AVX-512 Xeon).
The last test reads OpenMP's own setting in a fresh thread, so it fails without the fix
on any machine, also where the two roundings happen to agree.
"""

from __future__ import annotations

import ctypes
import hashlib
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import torch

from configs import CHAOTIC
from playground import ExperimentConfig, run_experiment
from playground.pipeline.experiment import fitted_models
from playground.views.forecast import forecast_frames
from playground.views.inside import inside_frames
from playground.pipeline.threads import THREADS

ROOT = Path(__file__).resolve().parents[1]

CONFIGS = [
    ExperimentConfig(model="gru", hidden_size=6, epochs=7, seed=3),
    ExperimentConfig(model="rnn", hidden_size=64, seq_length=30, n_points=300, epochs=30),
    ExperimentConfig(model="lstm", hidden_size=48, num_layers=2, epochs=20, seed=1),
    CHAOTIC,  # a last-bit difference grows into another result
]


def digest(cfg: ExperimentConfig) -> str:
    """SHA-256 of the trained weights and the metrics of `cfg`'s run."""
    result = run_experiment(cfg)
    h = hashlib.sha256()
    for name, tensor in result.fitted.net.state_dict().items():
        h.update(name.encode())
        h.update(tensor.numpy().tobytes())
    h.update(result.metrics.to_json().encode())
    return h.hexdigest()


def in_thread(fn, *args):
    """fn(*args) in a new threading.Thread (as a Streamlit session runs its script)."""
    out: dict = {}

    def target():
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # re-raised in the test's thread
            out["error"] = exc

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def in_process(cfg: ExperimentConfig) -> str:
    """digest(cfg) computed by a fresh Python interpreter."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])\n"
        "from test_threads import digest\n"
        "from playground import ExperimentConfig\n"
        f"print(digest(ExperimentConfig(**{cfg.__dict__!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(ROOT / "tests")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.slow
@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: f"{c.model}-{c.hidden_size}-{c.seed}")
def test_same_weights_in_every_thread_and_process(cfg):
    main = digest(cfg)
    assert in_thread(digest, cfg) == main
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(digest, [cfg, cfg])) == [main, main]
    assert in_process(cfg) == main


def test_digest_tells_configs_apart():
    """Guard: the comparison above can fail."""
    assert digest(CONFIGS[0]) != digest(ExperimentConfig(model="gru", hidden_size=6, epochs=7))


def test_views_compute_the_same_in_a_fresh_thread():
    cfg = ExperimentConfig(model="lstm", hidden_size=24, epochs=15, seed=2)
    fits = fitted_models(cfg, ("rnn", "lstm"))
    inside = inside_frames(fits["lstm"], 20)
    forecast = forecast_frames(fits)
    inside_t = in_thread(inside_frames, fits["lstm"], 20)
    forecast_t = in_thread(forecast_frames, fits)
    assert inside_t.hidden.equals(inside.hidden) and inside_t.gates.equals(inside.gates)
    assert forecast_t.paths.equals(forecast.paths)


def omp_library() -> ctypes.CDLL | None:
    """The OpenMP runtime torch uses (bundled with the CPU wheel), or None."""
    lib_dir = Path(torch.__file__).parent / "lib"
    for path in sorted(lib_dir.glob("libgomp*.so*")) + sorted(lib_dir.glob("libiomp*.so*")):
        return ctypes.CDLL(str(path))
    return None


def test_work_in_a_fresh_thread_runs_on_the_work_thread_count():
    """`torch.get_num_threads()` answers from a process-wide value; OpenMP's own
    per-thread setting is what the kernels use."""
    omp = omp_library()
    if omp is None:
        pytest.skip("torch here uses no OpenMP runtime in torch/lib")

    def threads_after_training():
        run_experiment(ExperimentConfig(epochs=2))
        return omp.omp_get_max_threads()

    assert in_thread(threads_after_training) == THREADS
