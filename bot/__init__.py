"""Basis: export-control answers that always show their basis."""

__version__ = "0.1.0"
