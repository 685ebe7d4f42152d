"""The HTTP benchmark of issue #8: `python -m bench.http` (see harness.py)."""
