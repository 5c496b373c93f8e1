"""The activity catalogue SkillHub ships with: at least two activities per core skill, written for a support team.

Seeded by a data migration and by seed_demo (both key on `code`, so running them again changes nothing).
Fields: code, skill code, kind, title, minutes, summary, content, check question, choices, index of the answer.
"""

from core import skill_codes as s

MICRO = "micro_learning"
LAB = "listening_lab"
EMPATHY = "empathy_workshop"
DRILL = "de_escalation_drill"
ROLE_PLAY = "role_play"
MENTOR = "peer_mentoring"

CATALOGUE: list[dict] = [
    # Active listening
    {
        "code": "listening-restate-before-solving",
        "skill": s.ACTIVE_LISTENING,
        "kind": MICRO,
        "title": "Restate before you solve",
        "duration_minutes": 10,
        "summary": "Summarise the customer's problem in one sentence and get a 'yes' before troubleshooting.",
        "content": (
            "Most repeat contacts start with a fix for the wrong problem. Before you suggest anything, restate the "
            "issue in the customer's own terms: 'So the invoice shows two seats but you only added one, and you "
            "need it right before Friday's payment run — is that right?' Wait for the yes. If you get a 'not "
            "quite', you have just saved a repeat contact. On chat and email, put the restatement in its own "
            "short paragraph so it can be confirmed at a glance."
        ),
        "check_question": "When should you restate the customer's problem?",
        "check_choices": [
            "After the fix, to close the conversation",
            "Before troubleshooting, and wait for confirmation",
            "Only when the customer seems confused",
        ],
        "check_answer": 1,
    },
    {
        "code": "listening-lab-missed-cues",
        "skill": s.ACTIVE_LISTENING,
        "kind": LAB,
        "title": "Listening lab: the cue we missed",
        "duration_minutes": 45,
        "summary": "Replay three of your own calls with a peer and mark every cue (deadline, emotion, second issue).",
        "content": (
            "Pick three recent contacts that came back within a week. Listen (or read) together with a peer and "
            "pause each time the customer gives a cue: a deadline, a feeling, a second problem mentioned in "
            "passing. Note what you said next. Agree on one cue type you tend to miss and how you will catch it."
        ),
    },
    # Empathy
    {
        "code": "empathy-validate-then-act",
        "skill": s.EMPATHY,
        "kind": MICRO,
        "title": "Validate, then act",
        "duration_minutes": 10,
        "summary": "Name the impact on the customer before explaining the fix, without scripted apologies.",
        "content": (
            "Customers who feel heard rate us higher even when the answer is no. Name the impact, not just the "
            "fault: 'Losing your export the day before the board meeting is stressful.' Then move straight to "
            "what you will do. Avoid stacking apologies ('so sorry for the inconvenience') — one specific "
            "acknowledgement beats three generic ones."
        ),
        "check_question": "Which line validates the customer best?",
        "check_choices": [
            "We apologise for any inconvenience caused.",
            "Losing your export right before the board meeting is really stressful — let's get it back now.",
            "That should not have happened, it is a known bug.",
        ],
        "check_answer": 1,
    },
    {
        "code": "empathy-workshop-customer-shoes",
        "skill": s.EMPATHY,
        "kind": EMPATHY,
        "title": "Empathy workshop: in the customer's shoes",
        "duration_minutes": 90,
        "summary": "A group session: follow a real customer journey end to end and write what they felt at each step.",
        "content": (
            "In groups of four, take an anonymised escalated case and map every contact the customer had with us. "
            "For each step write what they knew, what they feared and what we told them. Finish by rewriting the "
            "first reply so it would have prevented the escalation."
        ),
    },
    # Problem-solving
    {
        "code": "problem-solving-five-whys",
        "skill": s.PROBLEM_SOLVING,
        "kind": MICRO,
        "title": "Five whys for support tickets",
        "duration_minutes": 15,
        "summary": "Find the root cause behind a symptom so the case is solved once, not patched.",
        "content": (
            "When a sync fails, 'restart the app' often fixes the symptom for a day. Ask why until you reach "
            "something you can change: Why did the sync fail? The token expired. Why? SSO rotated it. Why did the "
            "app not refresh it? The integration was set up before SSO. Fix: reconnect the integration. Log the "
            "root cause in the case so the next agent does not start again."
        ),
        "check_question": "What is the aim of asking 'why' repeatedly?",
        "check_choices": [
            "To show the customer you are thorough",
            "To reach a cause you can fix so the case does not come back",
            "To fill the after-contact notes",
        ],
        "check_answer": 1,
    },
    {
        "code": "problem-solving-case-clinic",
        "skill": s.PROBLEM_SOLVING,
        "kind": ROLE_PLAY,
        "title": "Case clinic: the intermittent bug",
        "duration_minutes": 40,
        "summary": "Role-play a customer whose reports fail 'sometimes'; practise narrowing it down with questions.",
        "content": (
            "A colleague plays a customer whose scheduled reports fail on some Mondays. Your goal: a reproducible "
            "pattern in under ten minutes by asking about time zones, report size and recent changes, not by "
            "guessing fixes. Debrief: which question narrowed it most?"
        ),
    },
    # Communication
    {
        "code": "communication-plain-language",
        "skill": s.COMMUNICATION,
        "kind": MICRO,
        "title": "Plain language replies",
        "duration_minutes": 10,
        "summary": "Short sentences, one action per step, no internal jargon.",
        "content": (
            "Write for someone reading on a phone between meetings. One idea per sentence; number the steps; put "
            "the answer first and the explanation after. Replace internal words ('tenant', 'workspace migration "
            "job') with what the customer sees on screen."
        ),
        "check_question": "Where should the answer go in a written reply?",
        "check_choices": ["At the end, after the explanation", "First, before the explanation", "In an attachment"],
        "check_answer": 1,
    },
    {
        "code": "communication-rewrite-lab",
        "skill": s.COMMUNICATION,
        "kind": LAB,
        "title": "Reply rewrite lab",
        "duration_minutes": 30,
        "summary": "Rewrite two of your longest emails of last week to half their length with a peer.",
        "content": (
            "Bring your two longest replies. Cut them to half without losing a step. Compare with your peer: "
            "which sentences did the customer actually need?"
        ),
    },
    # Patience
    {
        "code": "patience-reset-breath",
        "skill": s.PATIENCE,
        "kind": MICRO,
        "title": "The 10-second reset",
        "duration_minutes": 8,
        "summary": "A breathing and note-taking routine between hard contacts so the next customer meets a calm you.",
        "content": (
            "After a difficult contact, before taking the next: breathe out slowly twice, write one line about what "
            "happened in your notes, stand up if you can. It takes ten seconds and stops frustration carrying into "
            "the next conversation."
        ),
        "check_question": "When is the reset meant to be used?",
        "check_choices": [
            "Between a difficult contact and the next one",
            "Only at the end of the shift",
            "While the customer is talking",
        ],
        "check_answer": 0,
    },
    {
        "code": "patience-repeat-explainer-role-play",
        "skill": s.PATIENCE,
        "kind": ROLE_PLAY,
        "title": "Role-play: the third time explaining",
        "duration_minutes": 30,
        "summary": "Explain the same setting to a customer who keeps misunderstanding, each time a different way.",
        "content": (
            "A colleague plays a customer who does not follow your explanation of permission levels. Each time they "
            "misunderstand, try a new angle (an example, a screenshot description, a comparison) without a trace "
            "of impatience in your wording or tone."
        ),
    },
    # Product knowledge
    {
        "code": "product-release-notes-digest",
        "skill": s.PRODUCT_KNOWLEDGE,
        "kind": MICRO,
        "title": "This month's release notes in 10 minutes",
        "duration_minutes": 10,
        "summary": "The changes customers will ask about, and where each setting now lives.",
        "content": (
            "Read the digest of this month's releases: what changed, who it affects and the exact menu path. For "
            "each change, note the question you expect from customers and the one-line answer."
        ),
        "link": "https://example.com/support/release-notes",
        "check_question": "What should you note for each change?",
        "check_choices": [
            "The engineer who built it",
            "The question customers will ask and a one-line answer",
            "Nothing, the release notes are enough",
        ],
        "check_answer": 1,
    },
    {
        "code": "product-knowledge-buddy",
        "skill": s.PRODUCT_KNOWLEDGE,
        "kind": MENTOR,
        "title": "Peer mentoring: product deep dives",
        "duration_minutes": 60,
        "summary": "Two sessions with a mentor strong in product knowledge, walking through your hardest cases.",
        "content": (
            "Bring three cases you escalated or had to look up. Your mentor shows where they find the answer and "
            "how they would have solved it in one contact."
        ),
    },
    # Adaptability
    {
        "code": "adaptability-new-process-sprint",
        "skill": s.ADAPTABILITY,
        "kind": MICRO,
        "title": "Learning a new process fast",
        "duration_minutes": 12,
        "summary": "How to get productive on a changed process in a day: skim, try, ask, write it down.",
        "content": (
            "When a process changes, do not wait for it to feel familiar. Skim the change, try it on the next "
            "matching case, ask one specific question in the team channel, and write your own three-line cheat "
            "sheet. Review the sheet at the end of the day."
        ),
        "check_question": "What is the first step when a process changes?",
        "check_choices": [
            "Wait until a training session is scheduled",
            "Skim the change and try it on the next matching case",
            "Keep using the old process until told otherwise",
        ],
        "check_answer": 1,
    },
    {
        "code": "adaptability-channel-swap",
        "skill": s.ADAPTABILITY,
        "kind": ROLE_PLAY,
        "title": "Role-play: the conversation that changes channel",
        "duration_minutes": 30,
        "summary": "Carry a case from chat to a phone call without making the customer repeat anything.",
        "content": (
            "Start on chat; halfway through, the customer asks to be called. Practise the hand-over: summary in "
            "the case, opening line on the call that proves you know the story."
        ),
    },
    # Time management
    {
        "code": "time-acw-notes-template",
        "skill": s.TIME_MANAGEMENT,
        "kind": MICRO,
        "title": "After-contact notes in 60 seconds",
        "duration_minutes": 8,
        "summary": "A three-line note template that cuts after-contact work without losing what the next agent needs.",
        "content": (
            "Write notes as: Issue — what the customer reported. Done — what you changed or told them. Next — what "
            "happens now and who owns it. Type the note while the customer confirms the fix, not after."
        ),
        "check_question": "What are the three lines of the note?",
        "check_choices": ["Issue, Done, Next", "Greeting, Body, Sign-off", "Who, When, Where"],
        "check_answer": 0,
    },
    {
        "code": "time-call-control-drill",
        "skill": s.TIME_MANAGEMENT,
        "kind": ROLE_PLAY,
        "title": "Call control drill",
        "duration_minutes": 30,
        "summary": "Keep a chatty customer on track politely: signpost, summarise, steer.",
        "content": (
            "A colleague plays a friendly customer who drifts off topic. Practise signposting ('two quick checks "
            "and we are done'), summarising and steering back without sounding rushed."
        ),
    },
    # Omnichannel
    {
        "code": "omnichannel-channel-etiquette",
        "skill": s.OMNICHANNEL,
        "kind": MICRO,
        "title": "One voice across phone, email, chat and social",
        "duration_minutes": 12,
        "summary": "What changes per channel (length, pace, privacy) and what never does (tone, ownership).",
        "content": (
            "Chat: short turns, confirm before long pauses. Email: complete in one reply, numbered steps. Phone: "
            "signpost what you are doing during silences. Social: move account details to a private channel at "
            "once. On every channel: own the case until it is handed over with a summary."
        ),
        "check_question": "On social media, what should you do with account details?",
        "check_choices": [
            "Ask the customer to post them publicly",
            "Move the conversation to a private channel first",
            "Ignore the message",
        ],
        "check_answer": 1,
    },
    {
        "code": "omnichannel-chat-concurrency-lab",
        "skill": s.OMNICHANNEL,
        "kind": LAB,
        "title": "Chat lab: two conversations at once",
        "duration_minutes": 40,
        "summary": "Practise handling two chats without either customer feeling waiting, reviewed by a peer.",
        "content": (
            "Run two scripted chats in parallel with colleagues as customers. Your peer marks each wait over one "
            "minute without a holding message. Agree your own holding lines."
        ),
    },
    # De-escalation
    {
        "code": "de-escalation-heat-drill",
        "skill": s.DE_ESCALATION,
        "kind": DRILL,
        "title": "De-escalation drill: the billing dispute",
        "duration_minutes": 45,
        "summary": "A customer charged twice arrives already angry; lower the heat before fixing the charge.",
        "content": (
            "The customer opens with a threat to cancel. Practise: let them finish, acknowledge the specific "
            "impact, state what you can do now and by when, and avoid 'policy' as a reason. Run it three times "
            "with rising intensity; debrief on the moment the tone turned."
        ),
    },
    {
        "code": "de-escalation-language-module",
        "skill": s.DE_ESCALATION,
        "kind": MICRO,
        "title": "Words that calm, words that inflame",
        "duration_minutes": 10,
        "summary": "Swap trigger phrases ('calm down', 'as I said') for ones that lower the temperature.",
        "content": (
            "Never tell a customer to calm down or that they are wrong. Replace 'as I said' with 'to make sure "
            "I explained it well', 'you have to' with 'the quickest way is', and 'I can't' with what you can do."
        ),
        "check_question": "Which phrase lowers the temperature?",
        "check_choices": ["Please calm down.", "As I said before…", "The quickest way to fix this is…"],
        "check_answer": 2,
    },
    {
        "code": "de-escalation-mentor-shadow",
        "skill": s.DE_ESCALATION,
        "kind": MENTOR,
        "title": "Peer mentoring: shadow an escalation specialist",
        "duration_minutes": 60,
        "summary": "Listen in on a mentor's escalated calls, then have them listen to yours.",
        "content": "Two shadowing hours: one listening to your mentor, one with your mentor listening to you.",
    },
    {
        "code": "listening-peer-mentor",
        "skill": s.ACTIVE_LISTENING,
        "kind": MENTOR,
        "title": "Peer mentoring: listening partner",
        "duration_minutes": 60,
        "summary": "A mentor strong in active listening reviews two of your calls with you each week.",
        "content": "Weekly for a month: pick two calls, your mentor marks cues caught and missed, agree one change.",
    },
]
