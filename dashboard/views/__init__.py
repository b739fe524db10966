"""The dashboard's pages, one module each; a page never imports another page.

Not named ``pages/``: Streamlit reads a folder of that name beside ``app.py``
as pages of its own, which breaks the routing that ``st.navigation`` does.
"""
