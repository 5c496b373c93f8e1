"""Permanent codes of the seeded skills. Code names a core skill by these, never by pk, name or index."""

ACTIVE_LISTENING = "active_listening"
EMPATHY = "empathy"
PROBLEM_SOLVING = "problem_solving"
COMMUNICATION = "communication"
PATIENCE = "patience"
PRODUCT_KNOWLEDGE = "product_knowledge"
ADAPTABILITY = "adaptability"
TIME_MANAGEMENT = "time_management"
OMNICHANNEL = "omnichannel"
DE_ESCALATION = "de_escalation"

CORE = (
    ACTIVE_LISTENING,
    EMPATHY,
    PROBLEM_SOLVING,
    COMMUNICATION,
    PATIENCE,
    PRODUCT_KNOWLEDGE,
    ADAPTABILITY,
    TIME_MANAGEMENT,
    OMNICHANNEL,
    DE_ESCALATION,
)

# Role-specific skills seeded beside the ten (not core; admins may add more).
PERSUASION = "persuasion"
RESILIENCE = "resilience"

TECHNICAL_SUPPORT = "technical_support"
SALES_RENEWALS = "sales_renewals"
ESCALATION_HANDLING = "escalation_handling"
