"""AppTest harness: the derivative lab page on its own."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from dashboard.views import lab as lab_page  # noqa: E402

lab_page.render()
