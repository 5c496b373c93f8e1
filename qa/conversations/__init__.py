"""The conversation view: a contact's turns, metadata, recording and case timeline, scoped to the asking user."""
