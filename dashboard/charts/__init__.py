"""Charts: Vega-Lite specs compiled once and fed data (see ``vega``)."""
