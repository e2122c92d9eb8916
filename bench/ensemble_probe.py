"""Probe: would training the seeds of a comparison as one batched ensemble make the
evidence cheap? (Issue "Lessons that hold", item 3: 3 models x 5 seeds <= 6x one run.)

Not used by the app. It trains E networks of one kind side by side on a leading member
axis and answers two questions, alternating, in one process:
1. Are a member's numbers independent of the company it trains in (member e of an
   ensemble of 5 == an ensemble of that member alone, bit for bit, after training)?
   They are, once three things are handled (found here, 2026-11-27):
   - a matrix product writing a member's block at an address not aligned to 64 bytes
     takes another kernel path and rounds differently: weight gradients are written
     into member blocks padded to 64 bytes (`_AlignedLinear`); a 1-wide output
     (the linear head as bmm) differs too, so the head is a product and a sum;
   - elementwise kernels round the scalar tail of a vectorised loop differently (tanh,
     sigmoid): the windows are padded to a multiple of ROW_BLOCK rows;
   - Adam with `fused=True` couples the members' rounding; `foreach=True` does not.
2. What does it cost? Per-epoch forward+backward and whole trainings for E = 1 and 5,
   against the app's own single run (`run_experiment`, nn.RNN/LSTM/GRU).

Run: python bench/ensemble_probe.py [--reps 3]
"""

from __future__ import annotations

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from playground.pipeline.models import SequenceRegressor  # noqa: E402

GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # weight-row blocks per cell: 1, (i,f,g,o), (r,z,n)
ROW_BLOCK = 32  # windows are padded to a multiple of this many rows
_ALIGN = 16  # floats in 64 bytes


def padded_rows(n: int) -> int:
    """`n` rounded up to a multiple of ROW_BLOCK."""
    return -(-n // ROW_BLOCK) * ROW_BLOCK


class _AlignedLinear(torch.autograd.Function):
    """y = b + x @ wᵀ per member, x (E, M, K), w (E, G, K), b (E, G) -> (E, M, G).

    Autograd's own backward writes the weight gradient (E, G, K) contiguously, so member e
    starts at e·G·K floats: unaligned unless G·K is a multiple of 16, and the matrix
    kernel rounds differently there. Here each member's block starts on 64 bytes."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x, w)
        return torch.baddbmm(b.unsqueeze(1), x, w.transpose(1, 2))

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        x, w = ctx.saved_tensors
        grad_x = torch.bmm(grad, w) if ctx.needs_input_grad[0] else None
        E, G, K = w.shape
        block = -(-(G * K) // _ALIGN) * _ALIGN
        grad_w = torch.empty(E, block, dtype=w.dtype)[:, : G * K].view(E, G, K)
        torch.bmm(grad.transpose(1, 2), x, out=grad_w)
        return grad_x, grad_w, grad.sum(1)


def linear(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return _AlignedLinear.apply(x, w, b)


class Ensemble:
    """E networks of one kind, hidden size and depth, their weights stacked on axis 0.

    `layers[l]` = [w_ih (E, G·H, in), w_hh (E, G·H, H), b_ih (E, G·H), b_hh (E, G·H)],
    `head` = [w (E, H), b (E,)]: the tensors of `SequenceRegressor` with a member axis."""

    def __init__(self, nets: list[SequenceRegressor]) -> None:
        first = nets[0]
        self.kind = first.kind
        self.hidden_size = first.rnn.hidden_size
        self.num_layers = first.rnn.num_layers
        self.layers = []
        for layer in range(self.num_layers):
            names = [
                f"weight_ih_l{layer}",
                f"weight_hh_l{layer}",
                f"bias_ih_l{layer}",
                f"bias_hh_l{layer}",
            ]
            self.layers.append(
                [torch.stack([getattr(n.rnn, name).detach() for n in nets]) for name in names]
            )
        self.head = [
            torch.stack([n.head.weight.detach()[0] for n in nets]),  # (E, H)
            torch.stack([n.head.bias.detach()[0] for n in nets]),  # (E,)
        ]
        for p in self.parameters():
            p.requires_grad_(True)

    def __len__(self) -> int:
        return len(self.head[1])

    def parameters(self) -> list[torch.Tensor]:
        return [p for layer in self.layers for p in layer] + self.head

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """x (E, N, L) windows -> (E, N) predictions of the next value."""
        E, N, L = x.shape
        inp = x.transpose(1, 2).reshape(E, L * N, 1)  # time-major rows: step t, window n
        for w_ih, w_hh, b_ih, b_hh in self.layers:
            if inp.shape[-1] == 1:  # the series itself: a product, not a 1-wide matmul
                xp = inp * w_ih.transpose(1, 2) + b_ih.unsqueeze(1)
            else:
                xp = linear(inp, w_ih, b_ih)
            xp = xp.view(E, L, N, -1)  # (E, L, N, G·H): every step's input part
            h = self._steps(xp, w_hh, b_hh)
            inp = torch.stack(h, 1).view(E, L * N, -1)  # (E, L·N, H): next layer's input
        w, b = self.head
        return (h[-1] * w.unsqueeze(1)).sum(-1) + b.unsqueeze(1)  # (E, N)

    def _steps(self, xp, w_hh, b_hh) -> list[torch.Tensor]:
        """Run one layer over the window: the hidden state (E, N, H) after every step."""
        E, L, N, _ = xp.shape
        H = self.hidden_size
        h = xp.new_zeros(E, N, H)
        c = xp.new_zeros(E, N, H)
        steps = xp.unbind(1)  # not xp[:, t]: each slice's backward would fill a whole xp
        out = []
        for t in range(L):
            hh = linear(h, w_hh, b_hh)  # (E, N, G·H)
            if self.kind == "rnn":
                h = torch.tanh(steps[t] + hh)
            elif self.kind == "lstm":
                g = steps[t] + hh
                i, f, cand, o = g.chunk(4, -1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(cand)
                h = torch.sigmoid(o) * torch.tanh(c)
            else:  # gru
                x_r, x_z, x_n = steps[t].chunk(3, -1)
                h_r, h_z, h_n = hh.chunk(3, -1)
                r = torch.sigmoid(x_r + h_r)
                z = torch.sigmoid(x_z + h_z)
                n = torch.tanh(x_n + r * h_n)
                h = (1 - z) * n + z * h
            out.append(h)
        return out

    def member_net(self, e: int) -> SequenceRegressor:
        """Member e's weights in a `SequenceRegressor` (eval mode, no gradients)."""
        with torch.device("meta"):
            net = SequenceRegressor(self.kind, self.hidden_size, self.num_layers)
        net = net.to_empty(device="cpu")
        with torch.no_grad():
            for layer, tensors in enumerate(self.layers):
                names = [
                    f"weight_ih_l{layer}",
                    f"weight_hh_l{layer}",
                    f"bias_ih_l{layer}",
                    f"bias_hh_l{layer}",
                ]
                for name, p in zip(names, tensors, strict=True):
                    getattr(net.rnn, name).copy_(p[e])
            net.head.weight.copy_(self.head[0][e].unsqueeze(0))
            net.head.bias.copy_(self.head[1][e].unsqueeze(0))
        net.requires_grad_(True)
        return net.eval()


def train(
    kind: str,
    seeds,
    x: torch.Tensor,
    y: torch.Tensor,
    n_train: int,
    epochs: int,
    hidden: int = 32,
    layers: int = 1,
) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Full-batch Adam (foreach) on MSE, each member's loss summed: weights and outputs."""
    from playground.pipeline.models import init_model

    ens = Ensemble([init_model(kind, hidden, layers, s) for s in seeds])
    params = ens.parameters()
    opt = torch.optim.Adam(params, lr=0.01, foreach=True)
    for _ in range(epochs):
        opt.zero_grad(set_to_none=True)
        out = ens(x)
        d = out[:, :n_train] - y[:, :n_train]
        (d * d).mean(1).sum().backward()
        opt.step()
    return [p.detach().clone() for p in params], out.detach()


def independence() -> int:
    """Members that differ from their solo run, over odd and even shapes."""
    bad = 0
    for kind in GATES:
        for n, hidden, length, layers in [(90, 32, 10, 1), (91, 7, 5, 2), (37, 13, 12, 1)]:
            rows = padded_rows(n)
            gen = torch.Generator().manual_seed(1)
            x = torch.zeros(5, rows, length)
            x[:, :n] = torch.randn(5, n, length, generator=gen)
            y = torch.randn(5, rows, generator=gen)
            n_train = int(n * 0.8)
            full, out5 = train(kind, range(5), x, y, n_train, 15, hidden, layers)
            for e in range(5):
                one, out1 = train(
                    kind, [e], x[e : e + 1], y[e : e + 1], n_train, 15, hidden, layers
                )
                same = all(torch.equal(a[e : e + 1], b) for a, b in zip(full, one))
                bad += not (same and torch.equal(out5[e : e + 1], out1))
    return bad


def main() -> None:
    import argparse
    import platform
    import statistics
    import subprocess
    import time
    from dataclasses import replace

    from playground import ExperimentConfig, run_experiment

    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"members differing from their solo run: {independence()} of 45")
    rows, length = padded_rows(90), 10
    x, y = torch.randn(5, rows, length), torch.randn(5, rows)
    jobs = {"app rnn (one run)": lambda: run_experiment(ExperimentConfig())}
    for kind in GATES:
        jobs[f"app {kind}"] = lambda k=kind: run_experiment(replace(ExperimentConfig(), model=k))
        jobs[f"ensemble {kind} E=1"] = lambda k=kind: train(k, [0], x[:1], y[:1], 72, 100)
        jobs[f"ensemble {kind} E=5"] = lambda k=kind: train(k, range(5), x, y, 72, 100)
    for job in jobs.values():
        job()  # warm-up
    cpu: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(args.reps):  # alternating; CPU time of this process
        for name, job in jobs.items():
            started = time.process_time()
            job()
            cpu[name].append(time.process_time() - started)
    med = {name: statistics.median(v) for name, v in cpu.items()}
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if "Model name" in ln), "?"
    )
    print(f"machine: {model}, Python {platform.python_version()}, torch {torch.__version__}")
    base = med["app rnn (one run)"]
    for name, value in med.items():
        print(f"{name:24s} {value:.3f} s CPU  ({value / base:.1f}x one run)")
    apps = sum(med[f"app {k}"] for k in GATES) * 5
    batched = sum(med[f"ensemble {k} E=5"] for k in GATES)
    print(f"3 models x 5 seeds, app runs: {apps / base:.1f}x; batched: {batched / base:.1f}x")


if __name__ == "__main__":
    main()
