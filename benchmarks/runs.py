"""What every benchmark script shares: ``--quick``, ``--out`` and writing JSON.

A full run writes ``benchmarks/results/<name>.json``, the committed figures.
A quick run (small sizes, few repeats: seconds, to prove the script still
works) writes to a temporary file unless ``--out`` names one, so it never
overwrites the committed full-run results.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
"""Where full runs write: the committed results."""


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and few repeats, to check the script runs; writes to a "
        "temporary file unless --out is given",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="write the JSON here (default: benchmarks/results/<name>.json, or a "
        "temporary file with --quick)",
    )
    return parser


def output_path(name: str, args: argparse.Namespace) -> Path:
    """Where the run asked for by ``args`` writes benchmark ``name``'s JSON."""
    if args.out is not None:
        return args.out
    if args.quick:
        return Path(tempfile.gettempdir()) / "benchmarks-quick" / f"{name}.json"
    return RESULTS / f"{name}.json"


def write_json(payload: object, path: Path) -> None:
    """Write ``payload`` as indented JSON to ``path`` and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown}")
