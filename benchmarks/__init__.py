"""Speed and accuracy scripts against named peers; never shipped in the wheel.

Each script runs on its own (``.venv/bin/python benchmarks/<name>.py``);
``runs`` and ``harness`` are the modules they share, and ``harness`` is also
what the tests use to start and drive the dashboard.
"""
