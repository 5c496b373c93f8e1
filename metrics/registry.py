"""What the apps above contribute to the KPI rollups, registered from their AppConfig.ready().

The metrics engine owns the rollup tables and the SQL that writes them; it never reads another app's tables by name.
An app whose rows feed the rollups (QA's reviews and skill scores) registers a source: a SELECT over its own
tables, for the days ``%s``..``%s``, that the engine adds to the rows it inserts.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from metrics.models import ROLLUP_COUNTS


@dataclass(frozen=True)
class AgentDaySource:
    """Rows added to AgentDay: `sql()` selects `day, agent_id, team_id` and then `columns` (counts of ROLLUP_COUNTS;
    the others count 0), grouped by (day, agent_id, team_id); `params(start, end)` are its query parameters."""

    name: str
    columns: tuple[str, ...]
    sql: Callable[[], str]
    params: Callable[[date, date], list]

    def __post_init__(self) -> None:
        unknown = set(self.columns) - set(ROLLUP_COUNTS)
        if unknown:
            raise ValueError(f"{self.name}: not rollup counts: {sorted(unknown)}")


@dataclass(frozen=True)
class SkillDaySource:
    """Rows of AgentSkillDay: `sql()` selects `day, agent_id, team_id, skill_id, reviews, score_sum`, grouped by
    (day, agent_id, team_id, skill_id); `params(start, end)` are its query parameters."""

    name: str
    sql: Callable[[], str]
    params: Callable[[date, date], list]


_agent_day_sources: dict[str, AgentDaySource] = {}
_skill_day_sources: dict[str, SkillDaySource] = {}


def register_agent_day_source(source: AgentDaySource) -> None:
    """Add `source` to the AgentDay rollup (registering the same name again replaces it)."""
    _agent_day_sources[source.name] = source


def register_skill_day_source(source: SkillDaySource) -> None:
    """Add `source` to the AgentSkillDay rollup (registering the same name again replaces it)."""
    _skill_day_sources[source.name] = source


def agent_day_sources() -> list[AgentDaySource]:
    return list(_agent_day_sources.values())


def skill_day_sources() -> list[SkillDaySource]:
    return list(_skill_day_sources.values())
