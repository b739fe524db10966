"""Streamlit dashboard for the scenario engine: it formats and renders only.

Every number on screen comes from :mod:`scenarios`; this package rounds it,
adds units and lays it out. ``app.py`` is the entry point.
"""
