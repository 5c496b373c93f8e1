"""The default scorecard: observable behaviours for all ten skills, channel-specific lines, one critical line."""

from django.db import migrations
from django.utils import timezone

YN = "yes_no"
PTS = "points"

# section title, [(key, skill code, text, guidance, scale, (min, max, labels), weight, critical, allow_na, channels)]
SECTIONS = [
    (
        "Understanding the customer",
        [
            (
                "restated-issue",
                "active_listening",
                "Restated the customer's issue in their own terms before solving it",
                "Listen for a paraphrase such as 'so the card is charged twice since Monday' before any fix.",
                YN,
                None,
                2,
                False,
                False,
                [],
            ),
            (
                "clarifying-questions",
                "active_listening",
                "Asked questions that narrowed the problem instead of guessing",
                "Open questions first, then closed ones to confirm.",
                PTS,
                (
                    1,
                    4,
                    [
                        "No questions; jumped to a guess",
                        "Generic questions that did not narrow the problem",
                        "Relevant questions, one or two missed details",
                        "Targeted questions that pinned the problem down",
                    ],
                ),
                1,
                False,
                False,
                [],
            ),
            (
                "used-case-history",
                "omnichannel",
                "Used the earlier contacts on this case instead of making the customer repeat themselves",
                "N/A on a first contact with no history.",
                YN,
                None,
                2,
                False,
                True,
                [],
            ),
        ],
    ),
    (
        "Empathy and composure",
        [
            (
                "acknowledged-feelings",
                "empathy",
                "Acknowledged the customer's feelings before moving to the fix",
                "e.g. 'That must be frustrating after two calls' — said before the solution, not after.",
                YN,
                None,
                2,
                False,
                False,
                [],
            ),
            (
                "personal-tone",
                "empathy",
                "Tone was personal and warm rather than scripted",
                "",
                PTS,
                (
                    1,
                    4,
                    [
                        "Cold or dismissive",
                        "Scripted phrases only",
                        "Friendly, some personal touches",
                        "Warm and clearly tailored to this customer",
                    ],
                ),
                1,
                False,
                False,
                [],
            ),
            (
                "stayed-calm",
                "patience",
                "Stayed calm and courteous when the customer repeated themselves or was rude",
                "N/A when the customer was calm throughout.",
                YN,
                None,
                1,
                False,
                True,
                [],
            ),
            (
                "lowered-temperature",
                "de_escalation",
                "Kept control and lowered the temperature in a tense exchange",
                "N/A when the exchange was never tense.",
                PTS,
                (
                    1,
                    4,
                    [
                        "Escalated the tension or lost control",
                        "Tension stayed the same",
                        "Calmed the customer partly; kept the conversation on track",
                        "Customer clearly calmer; agent set the agenda and next steps",
                    ],
                ),
                2,
                False,
                True,
                [],
            ),
            (
                "took-ownership",
                "de_escalation",
                "Took ownership without blaming the customer, colleagues or policy",
                "",
                YN,
                None,
                1,
                False,
                False,
                [],
            ),
        ],
    ),
    (
        "Solving the problem",
        [
            (
                "root-cause",
                "problem_solving",
                "Found the root cause rather than a workaround",
                "",
                PTS,
                (
                    1,
                    5,
                    [
                        "No fix, or a wrong one",
                        "Workaround only; the problem will come back",
                        "Fixed the symptom and noted the likely cause",
                        "Fixed the cause; minor follow-up left",
                        "Fixed the cause and prevented a repeat contact",
                    ],
                ),
                3,
                False,
                False,
                [],
            ),
            (
                "confirmed-resolution",
                "problem_solving",
                "Confirmed the fix worked or agreed clear next steps with dates",
                "",
                YN,
                None,
                1,
                False,
                False,
                [],
            ),
            (
                "correct-information",
                "product_knowledge",
                "Gave correct information and followed policy",
                "Check prices, plan rules and refund policy against the knowledge base.",
                YN,
                None,
                3,
                False,
                False,
                [],
            ),
            (
                "data-protection",
                "product_knowledge",
                "Verified identity and protected personal data (no data-protection or policy breach)",
                "Critical: a fail sets the review to 0. Give the reason (what was disclosed or skipped).",
                YN,
                None,
                1,
                True,
                False,
                [],
            ),
            (
                "found-the-answer",
                "adaptability",
                "Faced with an unfamiliar request, found the answer rather than deflecting",
                "N/A when nothing unfamiliar came up.",
                YN,
                None,
                1,
                False,
                True,
                [],
            ),
            (
                "adapted-style",
                "adaptability",
                "Adapted language and detail to the customer's expertise and mood",
                "",
                YN,
                None,
                1,
                False,
                False,
                [],
            ),
        ],
    ),
    (
        "Communication",
        [
            (
                "plain-language",
                "communication",
                "Explained in plain language, without jargon",
                "",
                PTS,
                (
                    1,
                    4,
                    [
                        "Confusing or full of jargon",
                        "Understandable with effort",
                        "Clear, a term or two unexplained",
                        "Clear and simple throughout",
                    ],
                ),
                2,
                False,
                False,
                [],
            ),
            (
                "phone-clarity",
                "communication",
                "Spoke clearly at an even pace and summarised before ending the call",
                "",
                YN,
                None,
                1,
                False,
                False,
                ["phone"],
            ),
            (
                "email-structure",
                "communication",
                "Reply is structured: answer first, numbered steps, clear sign-off",
                "",
                YN,
                None,
                1,
                False,
                False,
                ["email"],
            ),
            (
                "email-all-questions",
                "omnichannel",
                "Answered every question in the customer's email in one reply",
                "",
                YN,
                None,
                2,
                False,
                False,
                ["email"],
            ),
            (
                "chat-responsiveness",
                "omnichannel",
                "Answered each chat message promptly and kept parallel chats apart",
                "Gaps over 60 seconds without a holding message count as a no.",
                YN,
                None,
                1,
                False,
                False,
                ["chat"],
            ),
            (
                "social-private",
                "omnichannel",
                "Moved personal details to a private channel and kept the public reply brand-safe",
                "",
                YN,
                None,
                2,
                False,
                False,
                ["social"],
            ),
        ],
    ),
    (
        "Efficiency",
        [
            (
                "kept-moving",
                "time_management",
                "Kept the contact moving: no dead air, idle gaps or needless steps",
                "",
                PTS,
                (
                    1,
                    3,
                    [
                        "Long idle gaps or needless steps",
                        "Some avoidable delay",
                        "Efficient throughout",
                    ],
                ),
                1,
                False,
                False,
                [],
            ),
            (
                "hold-etiquette",
                "time_management",
                "Asked before placing on hold and came back within the time promised",
                "N/A when the customer was not put on hold.",
                YN,
                None,
                1,
                False,
                True,
                ["phone"],
            ),
            (
                "case-notes",
                "time_management",
                "Left case notes a colleague could act on without asking again",
                "",
                YN,
                None,
                1,
                False,
                False,
                [],
            ),
        ],
    ),
]


def forward(apps, schema_editor):
    Skill = apps.get_model("skillhub", "Skill")
    Template = apps.get_model("qa", "ScorecardTemplate")
    Version = apps.get_model("qa", "ScorecardVersion")
    Section = apps.get_model("qa", "ScorecardSection")
    Criterion = apps.get_model("qa", "Criterion")
    if Template.objects.filter(name="Support conversation").exists():
        return
    skills = {skill.code: skill for skill in Skill.objects.all()}
    template = Template.objects.create(
        name="Support conversation",
        description="The default scorecard for support contacts on every channel: one or more observable "
        "behaviours for each of the ten skills.",
        is_default=True,
    )
    version = Version.objects.create(
        template=template, number=1, status="published", published_at=timezone.now(), notes="Shipped default"
    )
    for s_pos, (title, criteria) in enumerate(SECTIONS, start=1):
        section = Section.objects.create(version=version, title=title, position=s_pos)
        for c_pos, (key, code, text, guidance, scale, points, weight, critical, allow_na, channels) in enumerate(
            criteria, start=1
        ):
            low, high, labels = points if points else (0, 1, [])
            Criterion.objects.create(
                version=version,
                section=section,
                key=key,
                skill=skills[code],
                text=text,
                guidance=guidance,
                scale=scale,
                scale_min=low,
                scale_max=high,
                point_labels=labels,
                weight=weight,
                critical=critical,
                allow_na=allow_na,
                channels=channels,
                position=c_pos,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("qa", "0003_scorecards_reviews_sampling"),
        ("skillhub", "0002_seed_skills"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
