"""Serving many sessions from one process: the shared cache and the chart specs."""
