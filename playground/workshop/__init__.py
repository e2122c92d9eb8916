"""Workshop mode: presets, instructor options, challenges, code and file export."""
