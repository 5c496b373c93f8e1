"""Scorecards: templates, versions, sections and criteria, the builder pages and the what-if re-scoring."""
