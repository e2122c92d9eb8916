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


def test_no_module_of_the_app_over_300_lines():
    """Short files, one concept each (issue 20): a module past 300 lines is split."""
    modules = [
        ROOT / "streamlit_app.py",
        *ROOT.glob("app/**/*.py"),
        *ROOT.glob("playground/**/*.py"),
    ]
    long = {
        str(m.relative_to(ROOT)): n
        for m in modules
        if (n := len(m.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert len(modules) > 50 and not long
