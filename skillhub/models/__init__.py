from .contacts import Channel, Contact, local_day
from .org import Agent, Scope, Site, Team, TeamMembership, User, Vendor
from .rollups import (
    AgentDay,
    AgentRunning,
    AgentSkillDay,
    AgentSkillRunning,
    RollupMark,
    RunningDirty,
    TeamDay,
    TeamRunning,
)
from .skills import RoleProfile, RoleProfileSkill, Skill, SkillTier

__all__ = [
    "Agent",
    "AgentDay",
    "AgentRunning",
    "AgentSkillDay",
    "AgentSkillRunning",
    "TeamDay",
    "TeamRunning",
    "Channel",
    "Contact",
    "RoleProfile",
    "RollupMark",
    "RunningDirty",
    "RoleProfileSkill",
    "Scope",
    "Site",
    "Skill",
    "SkillTier",
    "Team",
    "TeamMembership",
    "User",
    "Vendor",
    "local_day",
]
