"""Role questions QA's templates ask (the navigation's links for QA leads)."""

from django import template

from qa.rules import is_qa_lead as _is_qa_lead

register = template.Library()


@register.filter
def is_qa_lead(user) -> bool:
    return _is_qa_lead(user)
