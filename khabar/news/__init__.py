"""Stored news: categories, articles, stories, and how records are stored."""
