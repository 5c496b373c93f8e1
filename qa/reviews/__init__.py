"""Reviews: a review of one contact, its answers, autosave, history, transcript hints, release and acknowledge."""
