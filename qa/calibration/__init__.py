"""Calibration: sessions scored blind against a benchmark or a gold set, their results, IRR, history, vendors."""
