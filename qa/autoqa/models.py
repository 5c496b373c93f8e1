"""AutoQA's records: one automatic review per contact, its answers per criterion, and the editable phrase lists the
rule detectors match. Never counted as human reviews: no figure, sampler or coaching rule reads these tables."""

from django.db import models


class PhraseList(models.Model):
    """Phrases (one per line, case-insensitive; a line may be a regular expression between slashes) a rule detector
    looks for in the agent's turns, per language."""

    class Kind(models.TextChoices):
        GREETING = "greeting", "Greeting"
        INTRODUCTION = "introduction", "Introducing oneself"
        EMPATHY = "empathy", "Empathy"
        APOLOGY = "apology", "Apology"
        HOLD = "hold", "Hold etiquette"
        CLOSING = "closing", "Closing and next steps"
        PROHIBITED = "prohibited", "Prohibited phrases"
        VERIFICATION = "verification", "Identity verification"
        ACCOUNT_DETAILS = "account_details", "Account details"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=10, default="en", help_text="ISO 639-1 code, e.g. en, es, pt.")
    phrases = models.TextField(help_text="One phrase per line; /…/ for a regular expression.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "language"]
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="phrase_list_kind_language_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class AutoReview(models.Model):
    """The automatic review of one contact: its score by the QA scoring rule over the automatic criteria that count,
    sentiment at the start and end, and flags (e.g. pii_card_number). Re-built when the engine version changes."""

    contact = models.OneToOneField("skillhub.Contact", on_delete=models.CASCADE, related_name="auto_review")
    version = models.ForeignKey(
        "qa.ScorecardVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="auto_reviews"
    )
    engine = models.CharField(max_length=64, help_text="Detectors' and phrase lists' fingerprint: a change re-scores.")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    auto_failed = models.BooleanField(default=False)
    answered = models.PositiveSmallIntegerField(default=0, help_text="Automatic criteria that gave an answer.")
    sentiment_start = models.FloatField(null=True, blank=True, help_text="Customer, −1 (negative) … +1.")
    sentiment_end = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["engine"], name="auto_review_engine_idx")]

    def __str__(self) -> str:
        return f"AutoQA of {self.contact_id}: {self.score}"


class AutoAnswer(models.Model):
    """A detector's answer to one criterion of an automatic review, with the evidence (the matched sentence or turn,
    PII always masked)."""

    class Source(models.TextChoices):
        RULE = "rule", "Rule"
        MODEL = "model", "Learned model"

    auto_review = models.ForeignKey(AutoReview, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("qa.Criterion", on_delete=models.CASCADE, related_name="auto_answers")
    value = models.SmallIntegerField(null=True, blank=True, help_text="Yes 1 / no 0, or a point; blank: no answer.")
    is_na = models.BooleanField(default=False)
    evidence = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RULE)
    source_version = models.CharField(max_length=40, blank=True)
    counts = models.BooleanField(default=True, help_text="Counted in the automatic score (else a suggestion only).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["auto_review", "criterion"], name="auto_answer_review_criterion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
