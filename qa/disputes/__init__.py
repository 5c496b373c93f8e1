"""Disputes: an agent disputes a released review; another reviewer resolves it."""
