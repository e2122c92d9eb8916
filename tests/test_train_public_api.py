"""train() uses torch's public API only, and the update sizes it records are the norm of
each step's change of all the weights, bit for bit."""

from __future__ import annotations

import ast
import inspect

import pytest
import torch
from torch.optim.optimizer import (
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
)

from playground import ExperimentConfig, run_experiment
from playground.pipeline import train


def private_torch_names(source: str) -> list[str]:
    """`torch._x` (at any depth: `torch.nn._y`) attribute names used in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in {"torch", "F", "nn"}:
                found.append(ast.unparse(node))
    return found


def test_train_uses_no_private_torch_name():
    assert private_torch_names(inspect.getsource(train)) == []
    assert private_torch_names("torch._foreach_norm(x)") == ["torch._foreach_norm"]  # can fail


@pytest.mark.parametrize(
    "cfg",
    [
        ExperimentConfig(epochs=12, hidden_size=8, clip_grad=0.5),
        ExperimentConfig(model="lstm", num_layers=2, optimizer="sgd", epochs=10, seed=3),
    ],
    ids=["rnn-adam-clipped", "lstm-2-sgd"],
)
def test_update_sizes_are_the_weights_change_bit_for_bit(cfg):
    """Seen from outside through the optimizer's hooks: per step, the norm of the vector
    of every weight's change (each tensor's norm, then the norm of those)."""
    sizes, before = [], []

    def pre(opt, args, kwargs):
        before[:] = [p.detach().clone() for g in opt.param_groups for p in g["params"]]

    def post(opt, args, kwargs):
        after = [p.detach() for g in opt.param_groups for p in g["params"]]
        norms = [torch.linalg.vector_norm(a - b) for a, b in zip(after, before, strict=True)]
        sizes.append(torch.linalg.vector_norm(torch.stack(norms)).item())

    hooks = register_optimizer_step_pre_hook(pre), register_optimizer_step_post_hook(post)
    try:
        got = run_experiment(cfg, snapshots=False).fitted.train_result.update_sizes
    finally:
        for hook in hooks:
            hook.remove()
    assert len(got) == cfg.epochs and got == sizes
