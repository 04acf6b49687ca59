"""Chatboard load benchmark: `python -m bench` (see bench/README.md)."""
