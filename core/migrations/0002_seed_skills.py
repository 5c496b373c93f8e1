from django.db import migrations

SKILLS = [
    # code, name, tier, kpis, description
    (
        "active_listening",
        "Active listening",
        "foundational",
        "FCR, CSAT, repeat contacts",
        "Hears the whole issue, restates it, asks the question that uncovers what the customer actually needs, "
        "and does not make the customer repeat themselves.",
    ),
    (
        "empathy",
        "Empathy and emotional intelligence",
        "foundational",
        "CSAT, NPS, escalations",
        "Notices how the customer feels, names it and validates it before moving to the fix; adapts tone to the person.",
    ),
    (
        "problem_solving",
        "Problem-solving and critical thinking",
        "strategic",
        "FCR, escalations",
        "Finds the root cause rather than a workaround, weighs options, and resolves the case so it does not come back.",
    ),
    (
        "communication",
        "Communication (written and verbal)",
        "foundational",
        "CSAT, repeat contacts",
        "Explains in plain language, structures replies, sets clear expectations and next steps, free of jargon.",
    ),
    (
        "patience",
        "Patience and stress management",
        "foundational",
        "CSAT, attrition",
        "Stays calm and courteous under pressure, with repetitive or difficult contacts, across a long shift.",
    ),
    (
        "product_knowledge",
        "Product and process knowledge",
        "technical",
        "FCR, AHT",
        "Gives correct information, follows policy and process, knows the tools and where to find answers.",
    ),
    (
        "adaptability",
        "Adaptability and learning agility",
        "strategic",
        "Time to proficiency",
        "Picks up new products, policies and tools quickly; applies feedback from reviews and coaching.",
    ),
    (
        "time_management",
        "Time management and efficiency",
        "technical",
        "AHT, ACW",
        "Handles contacts in a sensible time without rushing the customer; keeps after-contact work short and complete.",
    ),
    (
        "omnichannel",
        "Multichannel and omnichannel proficiency",
        "technical",
        "CSAT per channel, CES",
        "Adapts to phone, email, chat and social; uses previous contacts on any channel so the customer's effort stays low.",
    ),
    (
        "de_escalation",
        "Conflict resolution and de-escalation",
        "strategic",
        "Escalations, complaint FCR, NPS",
        "Keeps control of a tense exchange, lowers the temperature and finds an outcome the customer accepts.",
    ),
]
EXTRA_SKILLS = [
    (
        "persuasion",
        "Persuasion",
        "strategic",
        "Conversion, retention",
        "Presents value in the customer's terms and makes a clear, honest recommendation.",
    ),
    (
        "resilience",
        "Resilience",
        "foundational",
        "Attrition, conversion",
        "Recovers quickly from rejection and keeps energy and quality through the shift.",
    ),
]
PROFILES = [
    (
        "technical_support",
        "Technical support",
        "Fixes product problems over phone, email and chat.",
        [
            ("communication", "primary", 3, "communication clarity"),
            ("patience", "secondary", 2, ""),
            ("problem_solving", "also", 1.5, ""),
        ],
    ),
    (
        "sales_renewals",
        "Sales and renewals",
        "Sells upgrades and keeps customers at renewal.",
        [("persuasion", "primary", 3, ""), ("resilience", "secondary", 2, ""), ("active_listening", "also", 1.5, "")],
    ),
    (
        "escalation_handling",
        "Escalation handling",
        "Takes over escalated and complaint cases.",
        [
            ("de_escalation", "primary", 3, "de-escalation"),
            ("problem_solving", "secondary", 2, "creative problem-solving"),
            ("communication", "also", 1.5, "authoritative communication"),
        ],
    ),
]


def forward(apps, schema_editor):
    Skill = apps.get_model("skillhub", "Skill")
    RoleProfile = apps.get_model("skillhub", "RoleProfile")
    RoleProfileSkill = apps.get_model("skillhub", "RoleProfileSkill")
    for position, (code, name, tier, kpis, description) in enumerate(SKILLS, start=1):
        Skill.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "tier": tier,
                "kpis": kpis,
                "description": description,
                "is_core": True,
                "position": position,
            },
        )
    for position, (code, name, tier, kpis, description) in enumerate(EXTRA_SKILLS, start=11):
        Skill.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "tier": tier,
                "kpis": kpis,
                "description": description,
                "is_core": False,
                "position": position,
            },
        )
    core = list(Skill.objects.filter(is_core=True))
    for code, name, description, emphasised in PROFILES:
        profile, _ = RoleProfile.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        weights = {skill.code: ("base", 1, "") for skill in core}
        for skill_code, emphasis, weight, note in emphasised:
            weights[skill_code] = (emphasis, weight, note)
        for skill_code, (emphasis, weight, note) in weights.items():
            RoleProfileSkill.objects.update_or_create(
                profile=profile,
                skill=Skill.objects.get(code=skill_code),
                defaults={"emphasis": emphasis, "weight": weight, "note": note},
            )


class Migration(migrations.Migration):
    dependencies = [("skillhub", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
