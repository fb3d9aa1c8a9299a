"""The ingestion pipeline: plain Python, no Django import.

One module per step, plain data in and out (see ``records``):
``fetch`` -> ``feeds`` -> ``extract`` -> ``persian`` / ``sanitize`` -> ``collect``.
"""
