"""Data files of khabar.pipeline (a package only so that setuptools ships them)."""
