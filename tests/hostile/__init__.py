"""A table-driven corpus of hostile inputs for the gigawatt CLI (see corpus.py)."""
