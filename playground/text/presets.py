"""Named starting points of the Text view, for workshops: key -> a complete TextConfig
and the i18n keys of its title and of what to notice. The Text view offers them in its
settings; choosing one sets every setting of the tab (the link then carries them)."""

from __future__ import annotations

from dataclasses import dataclass

from playground.text.config import TEXT_PARAM_BY_NAME, TextConfig


@dataclass(frozen=True)
class TextPreset:
    """One named starting point."""

    key: str
    config: TextConfig

    @property
    def title_key(self) -> str:
        return f"text.preset.{self.key}.title"

    @property
    def notice_key(self) -> str:
        return f"text.preset.{self.key}.notice"


TEXT_PRESETS: dict[str, TextPreset] = {
    p.key: p
    for p in (
        # The default LSTM on the English corpus, trained longer (15 epochs): it writes lines with
        # quotes and brackets that close.
        TextPreset("write_like_corpus", TextConfig(epochs=15)),
        TextPreset("write_chinese", TextConfig(corpus="zh", epochs=15)),
        # The reviews task at the longest gap the page offers.
        TextPreset(
            "negation_far_away",
            TextConfig(task="sentiment", model="rnn", gap=TEXT_PARAM_BY_NAME["gap"].high),
        ),
    )
}
