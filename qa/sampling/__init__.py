"""Sampling: reproducible draws of conversations to review, on demand and weekly, assigned by reviewer load."""
