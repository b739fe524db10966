"""Vega-Lite specs compiled once and filled with each run's data.

Building an Altair chart and validating it against the Vega-Lite schema costs
tens of milliseconds, far too slow for every slider move. So each chart of the
dashboard is built with Altair once, reading *named* datasets, and compiled to
a dict (:func:`compile_chart`, cached by its caller). A rerun only makes the
data: :func:`with_data` puts it in a copy of the spec and :func:`sendable`
turns it into Arrow for ``st.vega_lite_chart``. As the spec stays the same, the
browser swaps the datasets of the drawn chart instead of embedding it anew.
A window that moves with the parameters comes from the data too:
:func:`frame_layer` draws invisible corner points from :func:`window_rows`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
from streamlit.elements.vega_charts import _altair_globals_lock

Spec = dict[str, Any]
"""A Vega-Lite spec as a dict."""


def with_data(spec: Spec, datasets: Mapping[str, Any]) -> Spec:
    """A copy of a compiled chart with this run's named datasets.

    Only the datasets change between reruns, never the spec itself, so the
    browser updates the drawn chart in place instead of embedding it anew.
    Pass exactly the datasets the spec reads: the browser replaces each one
    in the drawn view, and a name the view does not know makes that fail, so
    the chart would go on showing the data it was first drawn with.
    """
    # A shallow copy is enough: nothing downstream edits the nested parts.
    return {**spec, "datasets": {**spec.get("datasets", {}), **datasets}}


def _arrow(data: Any) -> Any:
    """``data`` (a frame or a list of records) as an Arrow table.

    Streamlit turns each dataset into Arrow on every rerun; from a pandas
    frame that takes about 0.6 ms a dataset, from columns about 0.01 ms.
    """
    if isinstance(data, pd.DataFrame):
        return pa.table({str(c): data[c].to_numpy() for c in data.columns})
    if isinstance(data, list):
        return pa.Table.from_pylist(data)
    return data


def sendable(spec: Spec) -> Spec:
    """``spec`` with every named dataset as Arrow, ready for ``st.vega_lite_chart``."""
    datasets = {name: _arrow(data) for name, data in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets}


def compile_chart(chart: alt.TopLevelMixin) -> Spec:
    """``chart`` as the Vega-Lite dict ``st.altair_chart`` would send, unvalidated.

    For charts compiled once and then filled by :func:`with_data` on every
    rerun. Like ``st.altair_chart``, it leaves out Altair's default theme
    (a 300-pixel default view size), under the lock Streamlit takes for that
    global switch. Tests validate these specs against the schema.
    """
    with _altair_globals_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else None
        with theme or contextlib.nullcontext():
            return chart.to_dict(validate=False)


def rows(**columns: np.ndarray) -> list[dict]:
    """Equal-length arrays as a dataset's records: ``rows(x=xs, f=fs)``."""
    names = list(columns)
    lists = [np.asarray(c, dtype=float).tolist() for c in columns.values()]
    return [dict(zip(names, row, strict=True)) for row in zip(*lists, strict=True)]


# --- windows set by the data ---------------------------------------------------


def frame_layer(name: str, x_enc: alt.X, y_enc: alt.Y | None = None) -> alt.Chart:
    """Invisible points at the corners of a chart's window, from dataset ``name``.

    They set the scale domains from the data (see :func:`window_rows`), so a
    compiled spec need not change when the window does.
    """
    chart = alt.Chart(alt.Data(name=name)).mark_point(opacity=0, size=1)
    return chart.encode(x_enc) if y_enc is None else chart.encode(x_enc, y_enc)


def window_rows(
    lo: float, hi: float, values: np.ndarray, x: str = "x", y: str = "f"
) -> list[dict]:
    """Window corners: ``[lo, hi]`` across, the range of ``values`` padded 8%."""
    y_lo, y_hi = float(np.min(values)), float(np.max(values))
    pad = 0.08 * (y_hi - y_lo) if y_hi > y_lo else max(abs(y_hi), 1.0) * 0.1
    return [{x: lo, y: y_lo - pad}, {x: hi, y: y_hi + pad}]
