"""Benchmarks of the SDK against baselines measured in the same run.

Every figure that makes a claim is a ratio of two measurements taken on the same
machine in the same run; absolute times are printed for reading, never asserted.
Run ``python -m benchmarks`` (``--quick`` for the short version, ``--json PATH``
for machine-readable output, ``--only NAME`` for some families).
"""
