"""``python -m dashboard [streamlit options]``: the same as ``scenarios-dashboard``."""

import sys

from dashboard.launch import main

sys.exit(main())
