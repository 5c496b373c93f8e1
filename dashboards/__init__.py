"""Dashboards: team, vendor comparison, agent and hiring pages read from the daily rollups."""
