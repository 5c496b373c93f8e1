from .contacts import Channel, Contact, local_day
from .org import Agent, Scope, Site, Team, TeamMembership, User, Vendor
from .rollup_marks import RollupMark
from .skills import RoleProfile, RoleProfileSkill, Skill, SkillTier

__all__ = [
    "Agent",
    "Channel",
    "Contact",
    "RoleProfile",
    "RollupMark",
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
