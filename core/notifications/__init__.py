"""The notification service every app calls: an event becomes an in-app notice for each recipient and, by their
preference, an email now, a line in their daily digest, or nothing; a team's chat webhook hears its team's events.

- `events`: the catalogue (code, label, who it is for, the default delivery per role).
- `services.notify(...)`: record an event for some users (the caller decides who, within scope).
- `outbox`: every email and chat message leaves from the outbox table, written in the caller's transaction.
- `emails`: rendering (HTML and text, absolute links from SITE_URL, the unsubscribe link).
"""
