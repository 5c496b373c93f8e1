"""Forms of the conversation browser (its filters are a django-filter FilterSet in filters.py)."""

from django import forms

from qa.browser.models import SavedFilter
from qa.browser.services import PICKED_ORIGINS
from qa.reviews.models import Review


class SavedFilterForm(forms.Form):
    name = forms.CharField(max_length=SavedFilter._meta.get_field("name").max_length, label="Name this filter")
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)


class ReviewThisForm(forms.Form):
    origin = forms.ChoiceField(
        label="Why review it",
        choices=[("", "Choose a reason…")] + [(value, Review.Origin(value).label) for value in PICKED_ORIGINS],
    )
