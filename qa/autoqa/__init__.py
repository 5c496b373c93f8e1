"""AutoQA: every conversation scored by rules and detectors that run here (no external service), kept apart from
human reviews, shown to reviewers as suggestions, and measured against their answers.

- `detectors`: the registry of detectors (phrase rules, PII/compliance, readability, response time, sentiment),
  pure functions over a conversation's turns.
- `models`: AutoReview (one per contact), AutoAnswer (per criterion), PhraseList (editable phrase lists).
- `services`: build automatic reviews for contacts (batched, idempotent, re-run on a new engine version).
"""
