"""The reader's website: pages, templates, static files."""
