"""One module per scenario; each defines a module-level ``SCENARIO``."""
