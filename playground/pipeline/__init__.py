"""The pipeline: config -> signal or upload -> windows -> model -> training -> frames."""
