"""Outlets and their feeds: what to crawl, its health, and which feeds are due."""
