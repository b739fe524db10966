"""Browser harness: the three learning-lab pages in one navigation."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402

from dashboard import compare_page, descent_page, lab_page  # noqa: E402

st.navigation(
    [
        st.Page(compare_page.render, title="Compare", url_path="compare", default=True),
        st.Page(lab_page.render, title="Derivative lab", url_path="lab"),
        st.Page(descent_page.render, title="Gradient descent", url_path="descent"),
    ],
    position="top",
).run()
