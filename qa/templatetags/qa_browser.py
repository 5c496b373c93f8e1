"""The "review this" form's reasons, for templates/qa/partials/review_this.html wherever it is included."""

from django import template

from qa.browser.forms import ReviewThisForm

register = template.Library()


@register.simple_tag
def review_this_reasons() -> list[tuple[str, str]]:
    return ReviewThisForm.base_fields["origin"].choices
