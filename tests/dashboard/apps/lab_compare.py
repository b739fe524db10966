"""AppTest harness: the compare page on its own."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from dashboard.views import compare as compare_page  # noqa: E402

compare_page.render()
