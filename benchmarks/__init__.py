"""Benchmarks: commands that print our figures beside a baseline measured in the same run."""
