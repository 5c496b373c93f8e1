"""Disputes: a thread comment as HTML, its stored @mentions highlighted (the rest escaped, line breaks kept)."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from qa.disputes.services import MENTION

register = template.Library()


@register.filter
def comment_html(comment) -> str:
    """Escape the text; an @username of a stored mention becomes a highlight naming the person. Reads the prefetched
    mentions only (no query per comment)."""
    mentioned = {user.username.lower(): user for user in comment.mentions.all()}
    parts, last = [], 0
    for match in MENTION.finditer(comment.text):
        name = match.group(1).rstrip(".")
        user = mentioned.get(name.lower())
        if user is None:
            continue
        start, end = match.start(), match.start() + 1 + len(name)
        parts.append(escape(comment.text[last:start]))
        parts.append(
            format_html(
                '<mark class="mention" title="{}" data-testid="mention">@{}</mark>',
                user.get_full_name() or user.username,
                name,
            )
        )
        last = end
    parts.append(escape(comment.text[last:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # every piece above is escaped
