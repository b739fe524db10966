"""``python -m scenarios``: the command-line interface."""

import sys

from scenarios.cli import main

sys.exit(main())
