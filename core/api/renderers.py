"""The browsable API without its forms: DRF's filter and HTML forms list every object a related field could point
at (all teams, agents, users, vendors) as choices, whatever the caller's scope. The JSON it shows is scoped."""

from rest_framework.renderers import BrowsableAPIRenderer


class ScopedBrowsableAPIRenderer(BrowsableAPIRenderer):
    def get_filter_form(self, data, view, request):
        return None

    def get_rendered_html_form(self, data, view, method, request):
        return None  # the raw JSON form stays: it lists no choices
