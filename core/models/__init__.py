from .contacts import Channel, ChannelKind, Contact, ContactChannel, ContactTurn, TurnAuthor, local_day
from .org import Agent, Scope, Site, Team, TeamMembership, User, Vendor
from .rollup_marks import RollupMark
from .skills import RoleProfile, RoleProfileSkill, Skill, SkillTier

__all__ = [
    "Agent",
    "Channel",
    "ChannelKind",
    "Contact",
    "ContactChannel",
    "ContactTurn",
    "RoleProfile",
    "RollupMark",
    "RoleProfileSkill",
    "Scope",
    "Site",
    "Skill",
    "SkillTier",
    "Team",
    "TeamMembership",
    "TurnAuthor",
    "User",
    "Vendor",
    "local_day",
]
