"""Helpers for tests that import contacts."""

from imports import services as imports

COLUMNS = [
    "external_id",
    "case_id",
    "agent_email",
    "team",
    "channel",
    "started_at",
    "handle_seconds",
    "after_contact_seconds",
    "resolved",
    "first_contact_resolved",
    "csat",
    "ces",
    "nps",
]


def row(external_id, case_id, agent, started_at, **fields) -> dict:
    """An import row with sensible defaults; `agent` is an Agent or an email."""
    email = agent if isinstance(agent, str) else agent.email
    base = {
        "external_id": external_id,
        "case_id": case_id,
        "agent_email": email,
        "team": "",
        "channel": "phone",
        "started_at": started_at,
        "handle_seconds": 300,
        "after_contact_seconds": 60,
        "resolved": "yes",
        "first_contact_resolved": "",
        "csat": "",
        "ces": "",
        "nps": "",
    }
    base.update({key: "" if value is None else value for key, value in fields.items()})
    return base


def run_import(rows: list[dict], **options):
    return imports.interactions_import(rows=imports.read_objects(rows), **options)


def to_csv(rows: list[dict]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
