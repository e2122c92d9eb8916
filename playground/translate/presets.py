"""Named starting points of the Translate view, for workshops: key -> a complete
TranslateConfig and the i18n keys of its title and of what to notice."""

from __future__ import annotations

from dataclasses import dataclass

from playground.translate.config import TranslateConfig


@dataclass(frozen=True)
class TranslatePreset:
    """One named starting point."""

    key: str
    config: TranslateConfig

    @property
    def title_key(self) -> str:
        return f"translate.preset.{self.key}.title"

    @property
    def notice_key(self) -> str:
        return f"translate.preset.{self.key}.notice"


TRANSLATE_PRESETS: dict[str, TranslatePreset] = {
    p.key: p
    for p in (
        # The default: dates in eight written forms to ISO, with additive attention.
        TranslatePreset("dates_attention", TranslateConfig()),
        # Reverse 4-30 letters with no attention: the one fixed vector forgets long inputs.
        # (10 epochs: the lesson's settings, playground/translate/lessons.py REVERSE.)
        TranslatePreset(
            "no_attention_long", TranslateConfig(task="reverse", attention="none", epochs=10)
        ),
        # English number words to Chinese numerals, with attention.
        TranslatePreset("numbers_en_zh", TranslateConfig(task="en_zh")),
    )
}
