"""The period picker shared by the dashboards: presets of the last 7/30/90 days or a custom range, day or week."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.utils import timezone

from core.models.contacts import YEARS

PRESETS = [(7, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days"), (365, "Last year")]
DEFAULT_PRESET = 30
AGENT_DAILY_MAX_DAYS = 14
MAX_DAYS = 2 * 366


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self, steps: int = 1) -> "Period":
        """The period of the same length `steps` periods before this one."""
        shift = timedelta(days=self.days * steps)
        return Period(start=self.start - shift, end=self.end - shift)

    def __str__(self) -> str:
        if self.start.year == self.end.year:
            return f"{self.start:%-d %b} – {self.end:%-d %b %Y}"
        return f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}"


class PeriodForm(forms.Form):
    """GET parameters of a dashboard: preset or start/end, grain, teams (choices: the teams in the user's scope)."""

    preset = forms.TypedChoiceField(
        choices=[("", "Custom")] + [(str(days), label) for days, label in PRESETS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    grain = forms.ChoiceField(
        choices=[("auto", "Auto"), ("day", "By day"), ("week", "By week")], required=False, initial="auto"
    )
    team = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Teams")

    def __init__(self, data=None, *, teams: list[tuple[int, str]] | None = None, today: date | None = None):
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.fields["team"].choices = teams or []

    def clean(self):
        cleaned = super().clean()
        start, end, preset = cleaned.get("start"), cleaned.get("end"), cleaned.get("preset")
        if self.errors:
            return cleaned
        if start or end:
            if not (start and end):
                raise forms.ValidationError("Give both a start and an end day, or pick a preset.")
            if not (YEARS[0] <= start.year <= YEARS[1] and YEARS[0] <= end.year <= YEARS[1]):
                raise forms.ValidationError(f"Pick days between {YEARS[0]} and {YEARS[1]}.")
            if end < start:
                self.add_error("end", "The end must not be before the start.")
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", f"A period is at most {MAX_DAYS} days.")
            cleaned["preset"] = None
        else:
            days = preset or DEFAULT_PRESET
            cleaned["preset"] = days
            cleaned["end"] = self.today
            cleaned["start"] = self.today - timedelta(days=days - 1)
        return cleaned


@dataclass
class Filters:
    """What a dashboard shows: the period, the chart grain and the chosen team ids (empty = all in scope)."""

    period: Period
    grain: str
    team_ids: list[int]
    preset: int | None
    # "auto" draws days up to this many days, weeks beyond. One agent's day holds a handful of answers, so the agent
    # dashboard lowers it (AGENT_DAILY_MAX_DAYS): its points would otherwise swing on n of 1 to 5.
    daily_max_days: int = 31

    def query(self, **extra) -> str:
        """The GET query string of these filters (plus `extra`), for links, presets and CSV exports."""
        params: list[tuple[str, object]] = []
        if self.preset:
            params.append(("preset", self.preset))
        else:
            params += [("start", self.period.start.isoformat()), ("end", self.period.end.isoformat())]
        if self.grain != "auto":
            params.append(("grain", self.grain))
        params += [("team", pk) for pk in self.team_ids]
        params += [(key, value) for key, value in extra.items() if value is not None]
        return urlencode(params)

    def with_teams(self, team_ids: list[int]) -> str:
        """These filters for other teams (drill-down from the team table)."""
        return Filters(period=self.period, grain=self.grain, team_ids=team_ids, preset=self.preset).query()

    def preset_query(self, days: int) -> str:
        params = [("preset", days)] + [("team", pk) for pk in self.team_ids]
        if self.grain != "auto":
            params.append(("grain", self.grain))
        return urlencode(params)

    @property
    def chart_grain(self) -> str:
        if self.grain in ("day", "week"):
            return self.grain
        return "day" if self.period.days <= self.daily_max_days else "week"


def filters_from(form: PeriodForm) -> Filters | None:
    """The filters of a valid form, or None (the page shows the form's errors and the default period)."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return Filters(
        period=Period(start=data["start"], end=data["end"]),
        grain=data.get("grain") or "auto",
        team_ids=list(data.get("team") or []),
        preset=data.get("preset"),
    )


def default_filters(today: date | None = None) -> Filters:
    today = today or timezone.localdate()
    return Filters(
        period=Period(start=today - timedelta(days=DEFAULT_PRESET - 1), end=today),
        grain="auto",
        team_ids=[],
        preset=DEFAULT_PRESET,
    )
