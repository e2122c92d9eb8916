"""Every learning view has a short explanation."""

from playground.explain import EXPLAIN


def test_each_view_is_explained_in_a_few_sentences():
    assert set(EXPLAIN) == {"compare", "forecast", "inside", "gradients", "memory", "signals"}
    for text in EXPLAIN.values():
        assert 2 <= text.count(". ") + 1 <= 4 and len(text) < 600
