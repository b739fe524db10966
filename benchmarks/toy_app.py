"""The ten-line peer for ``benchmarks/app.py``: one slider, one metric, one chart."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

a = st.slider("a", 0.0, 10.0, 5.0, 0.1, key="a")
x = np.linspace(0.0, 10.0, 400)
st.metric("Peak of a·x − x²/2", f"{a * a / 2:.3f}")
line = pd.DataFrame({"x": x, "y": a * x - x * x / 2})
st.altair_chart(alt.Chart(line).mark_line().encode(x="x", y="y"), width="stretch")
