"""The guided tour (issue 39): the tutorial told as twelve experiments the learner runs.

Pure: no streamlit. `STEPS` lists the steps in order (`steps.py`); each sets up the page
(a scenario, a view), asks one thing to do and one question before the run, and its
judge reads the learner's own numbers (a `Reading`) into the choice that happened and a
sentence with those numbers (a `Verdict`). `unrolled_svg` draws the network unrolled
over the window (`picture.py`)."""

from playground.tour.picture import unrolled_svg
from playground.tour.steps import (
    STEPS,
    Reading,
    Step,
    Verdict,
    judge,
    step_from_link,
)

__all__ = ["STEPS", "Reading", "Step", "Verdict", "judge", "step_from_link", "unrolled_svg"]
