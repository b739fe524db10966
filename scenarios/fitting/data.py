"""Rows of observations from typed tables and CSV files, with bad rows named.

Sales data are (price, units) pairs (:class:`Observations`), read with the
rules of sales: no negative numbers, columns found by name. A curve fit reads
(x, y) pairs (:class:`XYData`) with the same file rules and negatives allowed.
A row that cannot be used is skipped and listed as a :class:`BadRow` with its
number as the user sees it; a file that cannot be used at all raises
:class:`DemandDataError` with one sentence.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np

from scenarios.errors import ScenarioError

MAX_UPLOAD_BYTES = 1024 * 1024
"""Largest CSV file accepted: 1 MB."""

CSV_SUFFIXES = (".csv", ".txt")
"""File name endings accepted as CSV."""

PRICE_WORDS = ("price", "fare", "p")
UNITS_WORDS = ("units", "unit", "units sold", "sold", "quantity", "qty", "q", "rides")


class DemandDataError(ScenarioError, ValueError):
    """The sales data cannot be used at all (too big, not CSV, no usable rows)."""


@dataclass(frozen=True)
class BadRow:
    """A row that was skipped: its number as the user sees it, and why."""

    row: int
    reason: str


@dataclass(frozen=True)
class Observations:
    """Usable (price, units) pairs, and the rows that were skipped."""

    prices: np.ndarray
    units: np.ndarray
    rows: tuple[int, ...]
    bad_rows: tuple[BadRow, ...]

    def __len__(self) -> int:
        return len(self.prices)


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def _number(text: object) -> float | None:
    if text is None:
        return None
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float | np.floating | np.integer):
        return float(text)
    cleaned = str(text).strip().replace("$", "").strip()
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _check_cells(
    row: int,
    x: object,
    y: object,
    names: tuple[str, str] = ("price", "units"),
    nonnegative: bool = True,
) -> tuple[float, float] | BadRow:
    """Two cells as numbers, or the BadRow saying what is wrong with them."""
    if _is_blank(x) and _is_blank(y):
        return BadRow(row, "empty")
    if _is_blank(x):
        return BadRow(row, f"no {names[0]}")
    if _is_blank(y):
        return BadRow(row, f"no {names[1]}")
    a, b = _number(x), _number(y)
    if a is None:
        return BadRow(row, f"{names[0]} {str(x)[:40]!r} is not a number")
    if b is None:
        return BadRow(row, f"{names[1]} {str(y)[:40]!r} is not a number")
    if not (math.isfinite(a) and math.isfinite(b)):
        return BadRow(row, "not a finite number")
    if nonnegative and a < 0:
        return BadRow(row, f"{names[0]} {a:g} is negative")
    if nonnegative and b < 0:
        return BadRow(row, f"{names[1]} {b:g} is negative")
    return a, b


def _pairs_from_rows(
    rows: Iterable[Sequence[object] | Mapping[str, object]],
    keys: tuple[str, str],
    names: tuple[str, str],
    nonnegative: bool,
    first_row: int,
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], tuple[BadRow, ...]]:
    xs: list[float] = []
    ys: list[float] = []
    used: list[int] = []
    bad: list[BadRow] = []
    for number, row in enumerate(rows, start=first_row):
        if isinstance(row, Mapping):
            x, y = row.get(keys[0]), row.get(keys[1])
        else:
            cells = list(row) + [None, None]
            x, y = cells[0], cells[1]
        checked = _check_cells(number, x, y, names, nonnegative)
        if isinstance(checked, BadRow):
            if checked.reason != "empty":
                bad.append(checked)
            continue
        xs.append(checked[0])
        ys.append(checked[1])
        used.append(number)
    return (
        np.array(xs, dtype=float),
        np.array(ys, dtype=float),
        tuple(used),
        tuple(bad),
    )


def observations_from_rows(
    rows: Iterable[Sequence[object] | Mapping[str, object]], first_row: int = 1
) -> Observations:
    """Observations from table rows, each ``(price, units)`` or a mapping.

    Mappings are read by their ``price`` and ``units`` keys. Rows are numbered
    from ``first_row``; blank, non-numeric and negative rows are listed in
    ``bad_rows`` and skipped. A row left completely empty (as at the end of
    an editable table) is skipped silently.
    """
    keys = ("price", "units")
    return Observations(*_pairs_from_rows(rows, keys, keys, True, first_row))


@dataclass(frozen=True)
class XYData:
    """Usable (x, y) pairs for a curve fit, and the rows that were skipped.

    ``names`` are the two columns' names as the user gave them.
    """

    x: np.ndarray
    y: np.ndarray
    rows: tuple[int, ...]
    bad_rows: tuple[BadRow, ...]
    names: tuple[str, str] = ("x", "y")

    def __len__(self) -> int:
        return len(self.x)


def xy_from_rows(
    rows: Iterable[Sequence[object] | Mapping[str, object]],
    names: tuple[str, str] = ("x", "y"),
    first_row: int = 1,
) -> XYData:
    """(x, y) pairs from table rows, each a pair or a mapping keyed by ``names``.

    Unlike sales data, negative numbers are fine. Blank and non-numeric rows
    are listed in ``bad_rows`` and skipped, as for observations.
    """
    return XYData(*_pairs_from_rows(rows, names, names, False, first_row), names)


def _decode(data: bytes) -> str:
    refusal = "This file is not CSV text; save it as a .csv file."
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters other than tabs and line ends mean binary data.
        if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
            raise DemandDataError(refusal)
        return text
    raise DemandDataError(refusal)


def _column(header: Sequence[str], words: Sequence[str]) -> int | None:
    names = [h.strip().lower() for h in header]
    for word in words:
        for i, name in enumerate(names):
            if name == word:
                return i
    for word in words:
        if len(word) < 3:
            continue
        for i, name in enumerate(names):
            if word in name:
                return i
    return None


def _read_table(data: bytes | str, filename: str | None) -> list[list[str]]:
    """The cells of a CSV file, or DemandDataError (too big, not CSV, empty)."""
    if filename is not None and PurePath(filename).suffix.lower() not in CSV_SUFFIXES:
        raise DemandDataError(
            f"{PurePath(filename).name} is not a CSV file; upload a .csv file."
        )
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise DemandDataError(
            f"The file is {len(raw) / 1024 / 1024:.1f} MB; the limit is 1 MB."
        )
    text = _decode(raw)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise DemandDataError("The file is empty.")
    sample = "\n".join(lines[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise DemandDataError("This file could not be read as CSV.") from None


def _blank_rows(table: list[list[str]], start: int) -> tuple[BadRow, ...]:
    """Blank lines between data rows: rows a user can see, so reported too."""
    filled = [n for n, r in enumerate(table, start=1) if any(c.strip() for c in r)]
    last = filled[-1] if filled else 0
    return tuple(
        BadRow(n, "empty")
        for n, r in enumerate(table[start:], start=start + 1)
        if not any(c.strip() for c in r) and n < last
    )


def _two_columns(
    table: list[list[str]], start: int, first_col: int, second_col: int
) -> list[tuple[object, object]]:
    width = max(first_col, second_col) + 1

    def cells(row: list[str]) -> tuple[object, object]:
        padded = row + [""] * (width - len(row))
        return padded[first_col], padded[second_col]

    return [cells(r) for r in table[start:]]


def _first_filled(table: list[list[str]]) -> int:
    return next((i for i, r in enumerate(table) if any(c.strip() for c in r)), 0)


def parse_csv(data: bytes | str, filename: str | None = None) -> Observations:
    """Observations from CSV text with a price column and a units column.

    A first line naming its columns (``price``, ``units``; also ``fare``,
    ``quantity``, ``sold``...) picks them by name; without one, the first two
    columns are price and units. Commas, semicolons and tabs all work as
    separators. Rows are numbered as lines of the file, so the first data row
    under a header is row 2. Raises DemandDataError for a file over 1 MB, one
    whose name does not end in .csv or .txt, one that is not text, or one
    with no usable rows at all.
    """
    table = _read_table(data, filename)
    first = _first_filled(table)
    header = table[first]
    price_col, units_col, start = 0, 1, first
    if len(header) >= 1 and _number(header[0]) is None:
        # A header line: find the columns by name, else take the first two.
        start = first + 1
        found_price = _column(header, PRICE_WORDS)
        found_units = _column(header, UNITS_WORDS)
        if found_price is not None and found_units is not None:
            price_col, units_col = found_price, found_units
    rows = _two_columns(table, start, price_col, units_col)
    parsed = observations_from_rows(rows, first_row=start + 1)
    blank = _blank_rows(table, start)
    bad = tuple(sorted(parsed.bad_rows + blank, key=lambda b: b.row))
    if len(parsed) == 0:
        raise DemandDataError(
            "No row holds a usable price and unit count; expected two columns, "
            "price and units." + (f" {len(bad)} rows were skipped." if bad else "")
        )
    return Observations(parsed.prices, parsed.units, parsed.rows, bad)


def parse_xy_csv(
    data: bytes | str,
    filename: str | None = None,
    x: str | None = None,
    y: str | None = None,
) -> XYData:
    """(x, y) pairs from CSV text, for fitting a formula.

    ``x`` and ``y`` name the columns in the file's first line (case and
    surrounding spaces ignored); without them the first two columns are x
    and y, under a header line if there is one. The file rules are those of
    :func:`parse_csv`; negative numbers are allowed. Raises DemandDataError
    for a bad file, a column name the header lacks (listing those it has), or
    no usable rows.
    """
    table = _read_table(data, filename)
    first = _first_filled(table)
    header = [cell.strip() for cell in table[first]]
    has_header = bool(header) and _number(header[0]) is None
    columns = [0, 1]
    names = ("x", "y")
    start = first + 1 if has_header else first
    if has_header and len(header) >= 2:
        names = (header[0] or "x", header[1] or "y")
    wanted = (x, y)
    if any(w is not None for w in wanted):
        if not has_header:
            raise DemandDataError(
                "The file has no header line, so its columns cannot be picked by "
                "name; add a first line naming the columns."
            )
        lowered = [h.lower() for h in header]
        picked = list(names)
        for i, name in enumerate(wanted):
            if name is None:
                continue
            key = name.strip().lower()
            if key not in lowered:
                known = ", ".join(h for h in header if h) or "(none)"
                raise DemandDataError(
                    f"The file has no column {name!r}; its columns are {known}."
                )
            columns[i] = lowered.index(key)
            picked[i] = header[columns[i]]
        names = (picked[0], picked[1])
    rows = _two_columns(table, start, columns[0], columns[1])
    parsed = xy_from_rows(rows, names, first_row=start + 1)
    blank = _blank_rows(table, start)
    bad = tuple(sorted(parsed.bad_rows + blank, key=lambda b: b.row))
    if len(parsed) == 0:
        raise DemandDataError(
            f"No row holds two numbers in the columns {names[0]} and {names[1]}."
            + (f" {len(bad)} rows were skipped." if bad else "")
        )
    return XYData(parsed.x, parsed.y, parsed.rows, bad, names)


def csv_header(
    data: bytes | str, filename: str | None = None
) -> tuple[tuple[str, bool], ...]:
    """Each column named on a CSV file's first line, and whether it holds numbers.

    A column holds numbers when the first row below the header that has a
    value there reads as one. () for a file whose first line is data. Raises
    DemandDataError for a file :func:`parse_csv` would refuse.
    """
    table = _read_table(data, filename)
    first = _first_filled(table)
    header = [cell.strip() for cell in table[first]]
    if not header or _number(header[0]) is not None:
        return ()
    numeric = []
    for i in range(len(header)):
        cell = next(
            (r[i] for r in table[first + 1 :] if len(r) > i and r[i].strip()), None
        )
        numeric.append(cell is not None and _number(cell) is not None)
    return tuple(zip(header, numeric, strict=True))


def parse_pairs(text: str) -> Observations:
    """Observations from ``"PRICE:UNITS,PRICE:UNITS"`` (the CLI's ``--obs``)."""
    rows = []
    for item in text.split(","):
        if not item.strip():
            continue
        price, sep, units = item.partition(":")
        if not sep:
            raise DemandDataError(f"--obs expects PRICE:UNITS pairs, got {item!r}")
        rows.append((price, units))
    parsed = observations_from_rows(rows)
    if parsed.bad_rows:
        first = parsed.bad_rows[0]
        raise DemandDataError(f"observation {first.row}: {first.reason}")
    if len(parsed) == 0:
        raise DemandDataError("--obs needs at least one PRICE:UNITS pair")
    return parsed
