"""Khabar: an automatic Persian news aggregator."""

__version__ = "0.1.0"
