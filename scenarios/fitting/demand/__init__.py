"""Demand fitted to sales: ``shapes`` (the curves), ``models`` (fit and compare
the three), ``pricing`` (the best price of each) and ``sales`` (a fit mapped
onto a catalog scenario's parameters)."""
