from .contacts import Channel, ChannelKind, Contact, ContactChannel, ContactTurn, TurnAuthor, local_day
from .notifications import Delivery, Invitation, Notice, NotificationPreference, OutboxMessage, TeamChatWebhook
from .org import Agent, Scope, Site, Team, TeamMembership, User, Vendor
from .rollup_marks import RollupMark
from .skills import RoleProfile, RoleProfileSkill, Skill, SkillTier

__all__ = [
    "TeamChatWebhook",
    "OutboxMessage",
    "NotificationPreference",
    "Notice",
    "Invitation",
    "Delivery",
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
