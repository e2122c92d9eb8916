"""The README lets a newcomer start: its first screen runs the app and names the tests,
and the layout it draws is the tree that exists."""

from __future__ import annotations

from pathlib import Path

import re
import shlex

ROOT = Path(__file__).resolve().parents[1]  # not `from conftest`: tests/e2e has one too


README = (ROOT / "README.md").read_text(encoding="utf-8")


def bash_blocks(text: str) -> list[str]:
    """The bodies of the ```bash blocks of `text`, in order."""
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_first_60_lines_install_and_run_the_app():
    head = "\n".join(README.splitlines()[:60])
    runs = [b for b in bash_blocks(head) if "streamlit run" in b]
    assert runs, "no bash block in the README's first 60 lines runs the app"
    words = shlex.split(runs[0].replace("&&", " && "))
    at = words.index("run")
    assert words[at - 1].endswith("streamlit") and words[at + 1] == "streamlit_app.py"
    assert "requirements.txt" in words, "the run command installs the app's requirements"
    assert (ROOT / words[at + 1]).is_file()


def test_first_60_lines_give_the_fast_and_the_full_test_command():
    head = "\n".join(README.splitlines()[:60])
    commands = [b for b in bash_blocks(head) if "pytest" in b]
    assert any('-m "not slow and not e2e"' in c for c in commands), "no fast test command"
    marker = head.index("<!-- test-command -->")
    full = bash_blocks(head[marker:])[0]
    assert "pytest" in full and "not slow" not in full, "CI's command runs everything"


def test_at_most_150_lines():
    assert len(README.splitlines()) <= 150


def test_layout_names_only_paths_that_exist():
    block = README[README.index("## Layout") :]
    block = block[block.index("```\n") + 4 :]
    block = block[: block.index("```")]
    folder, named = "", []
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        first = line.split()[0] if line.strip() else ""
        if not first or indent > 2 or not re.match(r"^[\w./<>-]+$", first):
            continue
        path = first if indent == 0 else folder + first
        if indent == 0 and first.endswith("/"):
            folder = first
        named.append(path)
    assert len(named) >= 15
    for path in named:
        if "<" in path:  # a pattern, e.g. app/views/<view>.py: its folder exists
            path = path[: path.index("<")]
        for piece in path.split(","):
            assert (ROOT / piece.strip()).exists(), f"README's layout names {piece!r}"


# The package's layers, bottom up (README's layout): a module imports only its own layer
# and those below it.
LAYERS = (
    {"i18n", "params", "cost", "config", "changes"},
    {"pipeline"},
    {"text", "translate"},
    {"charts"},
    {"views"},
    {"workshop"},
    {"board"},
    {"tour", "__init__"},
)


def layer_of(part: str) -> int:
    (at,) = [i for i, layer in enumerate(LAYERS) if part in layer]
    return at


def package_imports() -> list[tuple[str, str]]:
    """(importing module's first part under playground/, imported first part) pairs;
    `from playground import params` imports the part `params`."""
    parts = {p.name.removesuffix(".py") for p in (ROOT / "playground").iterdir()}
    pairs = []
    for path in (ROOT / "playground").rglob("*.py"):
        part = path.relative_to(ROOT / "playground").parts[0].removesuffix(".py")
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"^\s*import playground((?:\.\w+)*)", text, re.M):
            pairs.append((part, name.split(".")[1] if name else "__init__"))
        for name, what in re.findall(
            r"^\s*from playground((?:\.\w+)*) import \(?([\w, ]+)", text, re.M
        ):
            if name:
                pairs.append((part, name.split(".")[1]))
            else:
                names = {w.strip() for w in what.split(",") if w.strip()}
                pairs += [(part, n if n in parts else "__init__") for n in names]
    return pairs


def test_imports_only_go_down_the_layers():
    pairs = package_imports()
    assert len(pairs) > 100
    up = sorted({(a, b) for a, b in pairs if layer_of(b) > layer_of(a)})
    assert not up, f"imports that run up the layers: {up}"


def test_the_readme_writes_the_layers_in_order():
    layout = README[README.index("## Layout") :]
    paragraph = layout[layout.index("Layers") :].split("\n\n")[0]
    named = re.findall(r"`(\w+)`", paragraph)
    assert [layer_of(n) for n in named] == sorted(layer_of(n) for n in named)
    assert {n for layer in LAYERS for n in layer} - {"__init__"} <= set(named)
