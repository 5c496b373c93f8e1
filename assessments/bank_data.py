"""The seeded question bank, role-play scenarios, written-reply rubric, mock tickets and aptitude test.

Plain data, keyed by permanent codes; the data migration and the demo seeder upsert from here.
"""

from core import skill_codes as sc

# (code, skill, question, strong answer shows, weak answer shows, (anchor 1, 2, 3, 4))
QUESTIONS = [
    (
        "al-misheard-request",
        sc.ACTIVE_LISTENING,
        "Tell me about a time a customer asked for one thing but actually needed something else. How did you find out?",
        "Asked open questions, restated the need back, noticed the gap between request and goal, and solved the real "
        "problem so the customer did not have to come back.",
        "Did exactly what was asked without checking; cannot say how they would notice a hidden need.",
        (
            "No example, or answered the literal request without checking.",
            "Noticed the real need only after the customer came back.",
            "Asked a clarifying question and restated the need before acting.",
            "Probed with open questions, summarised, confirmed, and fixed the underlying goal first time.",
        ),
    ),
    (
        "al-repeat-yourself",
        sc.ACTIVE_LISTENING,
        "Describe a contact where the customer had already explained their issue to someone else. What did you do "
        "so they did not have to repeat it?",
        "Read the history first, summarised what they already knew, and only asked for what was missing.",
        "Asked the customer to start again from the beginning; sees repetition as normal.",
        (
            "Made the customer repeat everything; no awareness of the cost.",
            "Read some history but still asked questions already answered.",
            "Read the history and summarised it back before continuing.",
            "Summarised the history, acknowledged the frustration of repeating, and asked only the missing facts.",
        ),
    ),
    (
        "al-long-story",
        sc.ACTIVE_LISTENING,
        "A customer gives you a long, rambling story on the phone. How do you pick out what matters without "
        "cutting them off? Give an example.",
        "Lets them finish, notes key facts, reflects the core issue back in one sentence, and checks it is right.",
        "Interrupts early or jumps to a solution before understanding.",
        (
            "Interrupts and guesses the issue.",
            "Listens but loses key facts; needs to ask again.",
            "Listens fully and reflects the main issue back.",
            "Listens fully, reflects issue and feeling, confirms, then steers kindly to next steps.",
        ),
    ),
    (
        "em-upset-customer",
        sc.EMPATHY,
        "Tell me about a customer who was upset about something that was not your fault. What did you say first?",
        "Named and validated the feeling before explaining or fixing; took ownership of the outcome without "
        "blaming a colleague.",
        "Defended the company or explained policy first; says 'it's not my fault'.",
        (
            "Defensive, blamed others or policy.",
            "Apologised by script, then moved straight to the fix.",
            "Acknowledged the feeling in their own words before solving.",
            "Validated the feeling specifically, owned the outcome, and adapted tone to the person.",
        ),
    ),
    (
        "em-read-the-mood",
        sc.EMPATHY,
        "How can you tell how a customer feels in a chat or email, where you cannot hear their voice? Give an example.",
        "Reads word choice, punctuation, repetition and history; adjusts tone and length of the reply to match.",
        "Treats all written contacts the same; relies on templates only.",
        (
            "Cannot describe any signal.",
            "Names obvious signals (capitals, swearing) only.",
            "Names several signals and how they changed their reply.",
            "Gives a concrete case where reading the mood changed the outcome; reflects on their own reaction.",
        ),
    ),
    (
        "em-bad-news",
        sc.EMPATHY,
        "Describe a time you had to give a customer news they did not want. How did you do it?",
        "Was honest early, explained why in plain words, showed understanding, and offered what they could do.",
        "Hid behind policy, was vague, or over-promised to avoid the moment.",
        (
            "Avoided the news or over-promised.",
            "Delivered the news bluntly with no acknowledgement.",
            "Was clear and kind and explained the reason.",
            "Clear, kind, gave the reason and a real alternative; checked how the customer felt about it.",
        ),
    ),
    (
        "ps-root-cause",
        sc.PROBLEM_SOLVING,
        "Tell me about a recurring problem you noticed at work and what you did about it.",
        "Spotted a pattern, looked for the root cause, tested a fix, and told the people who could change it.",
        "Kept applying the same workaround; did not look further.",
        (
            "No example or only repeated a workaround.",
            "Noticed the pattern but did not act.",
            "Found the likely cause and raised it.",
            "Found the cause with evidence, proposed a fix, followed through and measured the result.",
        ),
    ),
    (
        "ps-no-answer",
        sc.PROBLEM_SOLVING,
        "Describe a time you did not know the answer to a customer's question. What did you do?",
        "Was honest, used knowledge base and colleagues, set a clear expectation, and came back with the answer.",
        "Guessed, or handed the customer off without ownership.",
        (
            "Guessed or made something up.",
            "Transferred the customer without owning the outcome.",
            "Researched and came back with the answer.",
            "Researched systematically, set a time to reply, kept it, and added the answer to the knowledge base.",
        ),
    ),
    (
        "ps-two-options",
        sc.PROBLEM_SOLVING,
        "Give an example where you had to choose between two ways to solve a customer's problem. How did you decide?",
        "Weighed cost, time and the customer's priorities; explained the trade-off; chose the option that stops "
        "the case coming back.",
        "Picked the fastest option without considering the customer's situation.",
        (
            "No reasoning given.",
            "Chose the quickest path for themselves.",
            "Compared options against the customer's need.",
            "Compared options, involved the customer in the choice, and checked the result held.",
        ),
    ),
    (
        "co-explain-simply",
        sc.COMMUNICATION,
        "Explain to me, as if I were a customer who is not technical, how to reset a password that keeps failing.",
        "Short numbered steps, no jargon, checks understanding, says what to do if it still fails.",
        "Uses jargon, long paragraphs, or skips steps.",
        (
            "Confusing or full of jargon.",
            "Correct but long-winded or out of order.",
            "Clear steps in plain words.",
            "Clear, short, ordered steps, checks understanding and gives a fallback.",
        ),
    ),
    (
        "co-written-reply",
        sc.COMMUNICATION,
        "Tell me about an email or chat reply you wrote that you were proud of. What made it work?",
        "Can describe structure (answer first, then detail, then next step), tone choice and why.",
        "Cannot say what makes a reply good; focuses on speed only.",
        (
            "No example or cannot explain.",
            "Mentions politeness only.",
            "Describes a clear structure and next step.",
            "Describes structure, tone and expectation-setting with a concrete example and outcome.",
        ),
    ),
    (
        "co-set-expectations",
        sc.COMMUNICATION,
        "Describe a time a misunderstanding with a customer caused a problem. What would you say differently now?",
        "Owns their part, names exactly what was unclear, and how they now confirm expectations and next steps.",
        "Blames the customer for not reading or listening.",
        (
            "Blames the customer.",
            "Recognises the problem but no change.",
            "Names what was unclear and a specific change.",
            "Owns it, names the change and shows they now confirm next steps in writing.",
        ),
    ),
    (
        "pa-bad-day",
        sc.PATIENCE,
        "Tell me about a shift where contacts kept coming and several customers were difficult. "
        "How did you keep going?",
        "Has concrete habits to reset between contacts, keeps quality, asks for help when needed.",
        "Lets frustration show in later contacts, or has no strategy.",
        (
            "Frustration carried into later contacts.",
            "Coped but with no clear strategy.",
            "Describes a reset habit that kept their tone steady.",
            "Describes habits, kept quality up, supported colleagues, and reflected afterwards.",
        ),
    ),
    (
        "pa-same-question",
        sc.PATIENCE,
        "A customer asks the same question for the third time in one call. What do you do?",
        "Stays calm, tries a different explanation, checks what is blocking understanding.",
        "Repeats the same words louder or shows irritation.",
        (
            "Shows irritation.",
            "Repeats the same explanation.",
            "Tries a different explanation calmly.",
            "Calmly finds what blocks understanding and confirms it landed, without making the customer feel slow.",
        ),
    ),
    (
        "pa-rude-customer",
        sc.PATIENCE,
        "Describe a time a customer was rude to you personally. How did you respond, and how did you feel after?",
        "Did not take it personally, kept a steady tone, set a respectful boundary if needed, and recovered.",
        "Responded in kind or was shaken for the rest of the shift.",
        (
            "Responded in kind.",
            "Stayed polite but was visibly shaken afterwards.",
            "Stayed steady and focused on the issue.",
            "Stayed steady, set a respectful boundary, resolved the issue, and recovered quickly.",
        ),
    ),
    (
        "pk-learn-product",
        sc.PRODUCT_KNOWLEDGE,
        "How did you learn a product or service well enough to support it? What resources did you use?",
        "Uses the product themselves, reads documentation, keeps notes, asks experts, tests edge cases.",
        "Relies only on formal training; waits to be told.",
        (
            "Waited for training only.",
            "Read the documentation once.",
            "Used the product and documentation actively.",
            "Used, documented and tested the product, and taught others.",
        ),
    ),
    (
        "pk-policy-gap",
        sc.PRODUCT_KNOWLEDGE,
        "Tell me about a time policy did not fit a customer's situation. What did you do?",
        "Knew the policy and why it exists, escalated with a clear case, stayed within rules.",
        "Ignored the policy or applied it rigidly without escalating.",
        (
            "Broke the policy or applied it blindly.",
            "Applied it and left the customer unhappy without escalating.",
            "Explained the policy and escalated the exception.",
            "Knew the reason behind the policy, escalated with a clear case and suggested a policy improvement.",
        ),
    ),
    (
        "pk-tools",
        sc.PRODUCT_KNOWLEDGE,
        "Which support tools (ticketing, CRM, knowledge base) have you used, and how did you use them to save time?",
        "Names tools, shortcuts, macros, saved searches; keeps records accurate for the next colleague.",
        "Vague about tools; sees notes as a chore.",
        (
            "Cannot name tools or uses.",
            "Names tools but not how they helped.",
            "Uses tools well and keeps accurate notes.",
            "Uses macros, searches and notes deliberately, and improved a shared template.",
        ),
    ),
    (
        "ad-change",
        sc.ADAPTABILITY,
        "Tell me about a time a process or tool changed at short notice. How did you adapt?",
        "Learned quickly, asked questions, helped others, gave feedback on the change.",
        "Resisted the change or waited for others to figure it out.",
        (
            "Resisted or complained only.",
            "Adapted slowly with a lot of help.",
            "Learned the change quickly.",
            "Learned quickly, helped colleagues and gave useful feedback on the change.",
        ),
    ),
    (
        "ad-feedback",
        sc.ADAPTABILITY,
        "Describe feedback you received that was hard to hear. What did you change afterwards?",
        "Names specific feedback, owns it, describes a concrete change and its result.",
        "Cannot recall feedback, or explains why it was wrong.",
        (
            "Rejects or cannot recall feedback.",
            "Accepted it but made no change.",
            "Made a concrete change.",
            "Made a change, asked for follow-up, and can show the result.",
        ),
    ),
    (
        "ad-new-topic",
        sc.ADAPTABILITY,
        "How do you get up to speed on something completely new? Walk me through a real example.",
        "Has a method: break down, find sources, practise, check understanding, teach back.",
        "No method; learning depends on being taught.",
        (
            "No example.",
            "Learned only by being taught.",
            "Describes an active method.",
            "Describes a method, how fast it worked, and how they reuse it.",
        ),
    ),
    (
        "tm-queue",
        sc.TIME_MANAGEMENT,
        "The queue is long and one customer needs a lot of time. How do you balance the two?",
        "Resolves properly but efficiently, uses callbacks or follow-up where right, keeps wrap-up short and complete.",
        "Rushes the customer off, or ignores the queue completely.",
        (
            "Rushes or ignores the queue.",
            "Aware of the tension but no approach.",
            "Balances with a clear approach.",
            "Balances, sets expectations with the customer, and keeps notes complete for follow-up.",
        ),
    ),
    (
        "tm-follow-ups",
        sc.TIME_MANAGEMENT,
        "How do you keep track of promises you made to customers (call-backs, follow-ups)?",
        "A reliable system (reminders, ticket status), meets the promised time, tells the customer if it slips.",
        "Relies on memory; follow-ups get missed.",
        (
            "Relies on memory.",
            "Some system but misses happen.",
            "A reliable system they use consistently.",
            "Reliable system, proactive updates when a promise slips.",
        ),
    ),
    (
        "tm-wrap-up",
        sc.TIME_MANAGEMENT,
        "What goes into good after-contact work, and how do you keep it quick?",
        "Knows what the next person needs (summary, outcome, next step), uses templates, does it at once.",
        "Skips notes or writes long unfocused ones.",
        (
            "Skips or postpones notes.",
            "Writes notes but too long or missing the outcome.",
            "Writes short notes with outcome and next step.",
            "Short, complete notes using templates; explains why the next agent needs each part.",
        ),
    ),
    (
        "oc-switch-channels",
        sc.OMNICHANNEL,
        "How does the way you write change between chat, email and social media? Give examples.",
        "Chat short and quick, email structured and complete, social public and brief with a move to private.",
        "Writes the same everywhere.",
        (
            "No difference between channels.",
            "Names one difference only.",
            "Adapts length and tone per channel.",
            "Adapts per channel, knows when to move a conversation to another channel and how to hand it over.",
        ),
    ),
    (
        "oc-history",
        sc.OMNICHANNEL,
        "A customer emails after calling yesterday about the same issue. What do you check before replying?",
        "Checks previous contacts on all channels, notes and promises, then continues from where it stopped.",
        "Treats the email as a new case.",
        (
            "Treats it as new.",
            "Looks only at the same channel.",
            "Checks all channels before replying.",
            "Checks all channels, refers to yesterday's call and keeps any promise made.",
        ),
    ),
    (
        "oc-several-chats",
        sc.OMNICHANNEL,
        "Have you handled several chats at once? How did you keep quality up?",
        "Knows their limit, uses canned responses wisely, keeps context per chat, does not mix customers up.",
        "Overloads themselves or mixes up conversations.",
        (
            "Never or mixed up customers.",
            "Coped but quality dropped.",
            "Kept quality with a clear method.",
            "Kept quality, knew their limit and said so, and used tools to keep context.",
        ),
    ),
    (
        "de-threat-to-leave",
        sc.DE_ESCALATION,
        "Tell me about a customer who threatened to leave or complain publicly. What did you do?",
        "Stayed calm, listened, validated, took ownership, offered a concrete way forward, kept the customer.",
        "Got defensive, or gave in to any demand to end the call.",
        (
            "Defensive or gave in to anything.",
            "Calm but no real way forward.",
            "Calmed the customer and offered a concrete next step.",
            "Calmed, validated, owned it, found an outcome the customer accepted and kept them.",
        ),
    ),
    (
        "de-ask-manager",
        sc.DE_ESCALATION,
        "A customer demands a manager in the first minute. How do you respond?",
        "Acknowledges, asks for a chance to help, explains what they can do; escalates properly if still wanted.",
        "Transfers at once or refuses outright.",
        (
            "Refuses or transfers without a word.",
            "Transfers after a script.",
            "Acknowledges and offers to help first.",
            "Acknowledges, earns the chance to help, resolves or escalates with a full handover.",
        ),
    ),
    (
        "de-say-no",
        sc.DE_ESCALATION,
        "Describe a time you had to say no to an angry customer and still kept the relationship.",
        "Says no clearly with the reason, offers alternatives, keeps control of the conversation kindly.",
        "Says yes to avoid conflict, or no without alternatives.",
        (
            "Caved or refused flatly.",
            "Said no with reason but no alternative.",
            "Said no with reason and an alternative.",
            "Said no, kept control with empathy, and the customer accepted the alternative.",
        ),
    ),
]

# The written-reply rubric the hiring manager rates mock-ticket answers on (scenario empty).
# (code, skill, name, what to observe, anchors)
WRITTEN_CRITERIA = [
    (
        "wr-understanding",
        sc.ACTIVE_LISTENING,
        "Understood the request",
        "Answers what the customer actually asked, including the question behind it; no facts ignored.",
        (
            "Misses the point.",
            "Answers part of it.",
            "Answers the full request.",
            "Answers the request and the need behind it.",
        ),
    ),
    (
        "wr-empathy",
        sc.EMPATHY,
        "Acknowledges feelings",
        "Names the customer's frustration in their own words before solving; no scripted apology.",
        (
            "Ignores or dismisses.",
            "Scripted apology.",
            "Genuine acknowledgement.",
            "Specific, genuine and well placed.",
        ),
    ),
    (
        "wr-clarity",
        sc.COMMUNICATION,
        "Clear and easy to read",
        "Answer first, short paragraphs or steps, plain words, a clear next step (see reading ease).",
        ("Confusing.", "Correct but hard to follow.", "Clear with a next step.", "Clear, concise, well structured."),
    ),
    (
        "wr-resolution",
        sc.PROBLEM_SOLVING,
        "Resolves or moves forward",
        "Offers a concrete fix or plan and owns it; nothing the customer must chase.",
        ("No solution.", "Vague promise.", "Concrete fix or plan.", "Concrete, owned, prevents a repeat contact."),
    ),
]

# (code, title, scene, customer brief, goal, debrief questions, criteria)
# criteria: (code, skill, name, what to observe, anchors)
SCENARIOS = [
    (
        "late-wrong-item",
        "Late delivery with the wrong item",
        "Chat with Maya, a long-time customer. Her order for her daughter's birthday arrived three days late, and "
        "the box contained a different product. The party is tomorrow.",
        "You are Maya. You are disappointed more than angry at first. You mention the birthday early. If the agent "
        "jumps straight to a returns form, become sharper ('I don't need a form, I need the present'). Calm down if "
        "the agent acknowledges the party and offers a way to get the right item in time. Hint that you might cancel "
        "your membership if nothing changes.",
        "Keep Maya as a customer: acknowledge the birthday, own the mistake, and find a way to get the right item "
        "there in time (or a fair alternative), not only process a return.",
        "What went well, and what would you do differently?\n"
        "At what moment did you notice how Maya felt, and what did you do with it?\n"
        "If I told you the refund was the wrong move here, what would you change next time?",
        [
            (
                "rp-late-listening",
                sc.ACTIVE_LISTENING,
                "Listening",
                "Picks up the birthday and the deadline, restates the problem before acting.",
                ("Missed the deadline.", "Heard it late.", "Heard and restated it.", "Built the solution around it."),
            ),
            (
                "rp-late-validating",
                sc.EMPATHY,
                "Validating feelings before solving",
                "Acknowledges disappointment and the birthday before offering forms or policy.",
                ("Jumped to process.", "Scripted sorry.", "Genuine acknowledgement first.", "Specific and warm."),
            ),
            (
                "rp-late-resolution",
                sc.PROBLEM_SOLVING,
                "Finds a way to keep the customer",
                "Looks for express replacement, local pickup or a fair alternative; owns the fix.",
                ("Only a return.", "Return plus apology.", "A real fix for tomorrow.", "Fix plus goodwill; she stays."),
            ),
            (
                "rp-late-control",
                sc.DE_ESCALATION,
                "Control of the conversation",
                "Keeps the chat moving to an outcome when Maya becomes sharp; sets clear next steps.",
                ("Lost control.", "Reactive.", "Steady with next steps.", "Led calmly to an agreed outcome."),
            ),
        ],
    ),
    (
        "billing-escalated",
        "Billing dispute that arrives already escalated",
        "Phone call transferred from a colleague. Mr Okafor was charged twice for his annual plan. He has called "
        "twice already, was promised a refund last week that never came, and asked for a supervisor.",
        "You are Mr Okafor. You start angry: 'This is the third time I'm explaining this.' Interrupt the first "
        "scripted apology. Threaten to dispute the charge with your bank and post a review. Soften only when the "
        "agent shows they have read the history, takes ownership, and gives a specific date and reference.",
        "Keep Mr Okafor: lower the temperature, own the failed promise, and leave him with a concrete, believable "
        "refund commitment, without making him repeat his story.",
        "How did you feel when he interrupted you, and how did you handle that feeling?\n"
        "What would you ask a colleague to do differently before transferring a call like this?\n"
        "Which part of your approach would you want coaching on?",
        [
            (
                "rp-bill-listening",
                sc.ACTIVE_LISTENING,
                "Listening",
                "Uses the history; does not make him repeat himself; checks the facts once.",
                ("Made him repeat all.", "Partly repeated.", "Used the history.", "Summarised it before he had to."),
            ),
            (
                "rp-bill-validating",
                sc.EMPATHY,
                "Validating feelings before solving",
                "Acknowledges the broken promise and his wasted time before explaining anything.",
                ("Defensive.", "Scripted.", "Genuine, before the fix.", "Named the broken promise and owned it."),
            ),
            (
                "rp-bill-deescalation",
                sc.DE_ESCALATION,
                "De-escalation and control",
                "Stays calm through interruptions, does not argue, steers to a concrete commitment.",
                ("Argued or gave up.", "Calm but drifting.", "Calm and steering.", "Temperature clearly dropped."),
            ),
            (
                "rp-bill-clarity",
                sc.COMMUNICATION,
                "Clarity of the commitment",
                "Gives a specific refund date, reference number and what happens if it slips.",
                ("Vague.", "Date only.", "Date and reference.", "Date, reference, follow-up plan confirmed back."),
            ),
        ],
    ),
    (
        "tech-fix-non-technical",
        "Technical fix explained to a non-technical customer",
        "Phone call. Mrs Varga (72) cannot log in to the app since her phone updated. The fix is to clear the app's "
        "cache and sign in again with a one-time code sent by text.",
        "You are Mrs Varga. You are polite but nervous about 'breaking something'. You do not know what 'cache', "
        "'settings' or 'two-factor' mean. Ask the agent to slow down once. If they use jargon, say 'I'm sorry, I "
        "don't follow'. Be delighted if you end up logged in and understand what to do next time.",
        "Mrs Varga is logged in, feels capable rather than foolish, and knows what to do if it happens again.",
        "How did you check that she understood each step?\n"
        "Where did you notice yourself using jargon, and what did you say instead?\n"
        "What feedback would help you explain technical steps better?",
        [
            (
                "rp-tech-clarity",
                sc.COMMUNICATION,
                "Plain-language steps",
                "One step at a time, no jargon, checks each step before the next.",
                ("Jargon, lost her.", "Some jargon.", "Plain and stepwise.", "Plain, paced, checked every step."),
            ),
            (
                "rp-tech-patience",
                sc.PATIENCE,
                "Patience",
                "Slows down when asked, repeats kindly in different words, never sounds hurried.",
                ("Hurried her.", "Patient but flat.", "Slowed down kindly.", "Calm and reassuring throughout."),
            ),
            (
                "rp-tech-validating",
                sc.EMPATHY,
                "Validating feelings before solving",
                "Reassures her that nothing will break before starting the steps.",
                ("Ignored her worry.", "Brief reassurance.", "Reassured first.", "Built her confidence throughout."),
            ),
            (
                "rp-tech-knowledge",
                sc.PRODUCT_KNOWLEDGE,
                "Correct fix",
                "Gives the right steps for her phone and explains what to do next time.",
                ("Wrong fix.", "Right fix, muddled.", "Right fix.", "Right fix plus how to prevent it."),
            ),
        ],
    ),
]

# (code, subject, customer, difficulty, position, body)
MOCK_TICKETS = [
    (
        "mt-change-email",
        "How do I change my email address?",
        "Priya Shah",
        "simple",
        1,
        "Hi,\n\nI've got a new work email and want my invoices to go there instead. Where do I change the email on "
        "my account? Will I lose my order history?\n\nThanks,\nPriya",
    ),
    (
        "mt-charged-twice",
        "Charged twice this month??",
        "Tom Becker",
        "moderate",
        2,
        "Hello,\n\nI just checked my bank statement and you've taken my subscription payment twice this month "
        "(12th and 14th). I only have one account. I need the second payment back before my rent goes out on "
        "Friday. Can someone sort this out quickly please?\n\nTom",
    ),
    (
        "mt-angry-complaint",
        "THIRD time asking - cancel everything",
        "Lena Fischer",
        "hard",
        3,
        "This is the THIRD time I'm writing. My order was supposed to arrive last Monday, the tracking hasn't moved "
        "in 8 days, and nobody answers. Your chat bot keeps sending me the same link. I want a full refund today "
        "and I'm cancelling my account. Frankly I'll be telling everyone I know not to use you.\n\nLena Fischer",
    ),
]

APTITUDE_TEST = (
    "support-aptitude",
    "Support tools and product sense",
    "Choose one answer for each question. The timer starts when you open the test; answers save as you go and the "
    "test submits itself when time runs out.",
    15,
)
# (skill, question, choices, index of the correct choice)
APTITUDE_QUESTIONS = [
    (
        sc.PRODUCT_KNOWLEDGE,
        "A customer's ticket is marked 'Pending'. What does that usually mean?",
        ["The agent is working on it now", "We are waiting for the customer to reply", "It is closed", "It is spam"],
        1,
    ),
    (
        sc.TIME_MANAGEMENT,
        "You have a chat open, two emails due in 10 minutes, and a call-back due in 30. What do you do first?",
        ["The call-back", "Finish the chat", "Start the emails and leave the chat", "Ask your lead to pick for you"],
        1,
    ),
    (
        sc.OMNICHANNEL,
        "A customer posts a complaint publicly on social media, including their order number. Best first step?",
        [
            "Reply publicly with their account details",
            "Ignore it; social is marketing's job",
            "Reply publicly with empathy and move to a private message",
            "Ask them to delete the post",
        ],
        2,
    ),
    (
        sc.PRODUCT_KNOWLEDGE,
        "Where should you look first for the approved answer to a common question?",
        ["A colleague's notes", "The knowledge base", "A search engine", "Last year's training slides"],
        1,
    ),
    (
        sc.PROBLEM_SOLVING,
        "Five customers report the same error in the last hour. What is the most useful thing to do?",
        [
            "Answer each one separately",
            "Tell them to try again tomorrow",
            "Report it as a possible incident with the pattern and examples",
            "Close the tickets as duplicates",
        ],
        2,
    ),
    (
        sc.TIME_MANAGEMENT,
        "What belongs in after-contact notes?",
        [
            "A word-for-word transcript",
            "The issue, what was done, the outcome and any next step",
            "Only the customer's mood",
            "Nothing if the issue was resolved",
        ],
        1,
    ),
    (
        sc.PRODUCT_KNOWLEDGE,
        "A macro (canned response) is best used to…",
        [
            "Reply to every customer without reading",
            "Save typing on standard parts, then personalise",
            "Close tickets faster without answering",
            "Replace the knowledge base",
        ],
        1,
    ),
    (
        sc.PROBLEM_SOLVING,
        "A customer says 'the app doesn't work'. Which question helps most first?",
        [
            "Have you tried turning it off and on?",
            "What were you trying to do, and what happened instead?",
            "Which app store did you use?",
            "Are you sure?",
        ],
        1,
    ),
    (
        sc.OMNICHANNEL,
        "A customer called yesterday and now writes by email about the same issue. What do you do?",
        [
            "Open a new case and start from scratch",
            "Link to the existing case and read yesterday's notes before replying",
            "Ask them to call again",
            "Forward to the agent who took the call and close yours",
        ],
        1,
    ),
    (
        sc.TIME_MANAGEMENT,
        "Your queue's service level is 80% of chats answered within 30 seconds. 200 chats came in; 150 were answered "
        "within 30 seconds. Was the target met?",
        ["Yes, 75% is close enough", "No, 75% is below 80%", "Yes, 150 is above 80", "It cannot be known"],
        1,
    ),
    (
        sc.PRODUCT_KNOWLEDGE,
        "Which is the safest way to confirm a caller's identity before changing their account?",
        [
            "Ask for their password",
            "Ask for their full card number",
            "Use the verification steps in policy (e.g. a one-time code)",
            "Trust them if they sound sure",
        ],
        2,
    ),
    (
        sc.PROBLEM_SOLVING,
        "CSAT dropped on one team this week while handle time fell sharply. What is the most likely explanation to "
        "check first?",
        [
            "Customers are happier",
            "Agents may be rushing contacts",
            "The survey is broken",
            "Nothing; the two are unrelated",
        ],
        1,
    ),
]


# ---------------------------------------------------------------- role-profile skills beyond the ten core skills
# Added by migration 0006: every skill a seeded role profile weights gets three or more questions, a rubric line and
# a role-play scenario (Sales and renewals weights persuasion and resilience; adaptability, time management and
# omnichannel had questions but no rubric line or scenario). Same shapes as QUESTIONS and SCENARIOS above.

ROLE_SKILL_QUESTIONS = [
    (
        "pe-recommend-upgrade",
        sc.PERSUASION,
        "Tell me about a time you recommended a product, plan or upgrade to a customer. How did you decide what to "
        "recommend, and how did you put it?",
        "Asked about the customer's situation first, tied one clear recommendation to what they said they needed, "
        "was honest about price and trade-offs, and asked for the decision.",
        "Pitched the most expensive option or read a script; cannot say why it suited that customer.",
        (
            "No example, or pushed a product without asking about the customer's needs.",
            "Recommended something sensible, but in general terms rather than the customer's.",
            "Linked the recommendation to needs the customer had stated and made a clear ask.",
            "Uncovered the need, framed the value in the customer's words, named the trade-off; the customer chose.",
        ),
    ),
    (
        "pe-price-objection",
        sc.PERSUASION,
        "A customer at renewal says you are too expensive and a competitor is cheaper. What do you say? Walk me "
        "through the conversation.",
        "Acknowledges the concern, asks what they use and value, compares on outcomes rather than price alone, offers "
        "a fitting plan or term honestly, and never runs down the competitor.",
        "Offers a discount at once, argues, or criticises the competitor.",
        (
            "Argues, gives up at once, or criticises the competitor.",
            "Goes straight to a discount without understanding the reason.",
            "Explores what the customer values and restates the value against it.",
            "Explores, reframes value on outcomes the customer named, offers an honest fit and agrees a next step.",
        ),
    ),
    (
        "pe-honest-no-sale",
        sc.PERSUASION,
        "Tell me about a time the right answer for the customer was not to buy, or to buy less. What did you do?",
        "Put the customer's fit ahead of the sale, explained why in plain words, and kept the relationship so the "
        "customer stayed or came back.",
        "Cannot imagine advising against a sale, or sold anyway to reach a target.",
        (
            "Sold regardless of fit, or no example.",
            "Saw the poor fit but said nothing.",
            "Advised honestly against the purchase, or for a smaller one.",
            "Advised honestly, explained why, and it earned trust (a renewal, a referral or a later upgrade).",
        ),
    ),
    (
        "re-run-of-noes",
        sc.RESILIENCE,
        "Describe a shift where you heard 'no' many times in a row, or had one difficult contact after another. How "
        "did you keep going?",
        "Names concrete habits (a short reset between contacts, focusing on what they control, picking one thing to "
        "improve) and kept the quality of the next contacts up.",
        "Took it personally, let it show with the next customer, or has no way to recover.",
        (
            "No example, or the mood carried into the next contacts.",
            "Kept going, but quality or energy dropped noticeably.",
            "Used a clear way to reset and kept quality steady.",
            "Reset deliberately, learned from the refusals, and finished the shift as strong as they started.",
        ),
    ),
    (
        "re-missed-target",
        sc.RESILIENCE,
        "Tell me about a target you missed or hard feedback you received. What happened next?",
        "Owns the result without excuses, keeps the setback apart from their self-worth, makes a plan and can show "
        "the improvement.",
        "Blames others or circumstances; nothing changed afterwards.",
        (
            "Blamed others; nothing changed.",
            "Accepted it but was discouraged and made no plan.",
            "Owned it and made a concrete plan.",
            "Owned it, followed the plan, and can show the improvement that followed.",
        ),
    ),
    (
        "re-after-rude-call",
        sc.RESILIENCE,
        "A customer has just been rude to you and hung up. The next customer is already waiting. What do you do in "
        "the next thirty seconds?",
        "Takes a breath or a brief reset, finishes the case note, greets the next customer fresh; knows when to ask a "
        "team lead for support.",
        "Carries the irritation into the next contact or dwells on it; does not know where to get support.",
        (
            "Carries the frustration straight into the next contact.",
            "Knows it affects them but has no way to reset.",
            "Resets briefly and starts the next contact fresh.",
            "Resets, completes the note, greets the next customer warmly, and knows when to ask for support.",
        ),
    ),
]

ROLE_SKILL_SCENARIOS = [
    (
        "renewal-price-objection",
        "Renewal at risk over price",
        "Phone call. Dana's company subscription renews in five days. She has a competitor's quote 20% lower and "
        "has called to cancel.",
        "You are Dana, operations manager at a 40-person firm. Your team uses the weekly reports every Monday but "
        "has never set up the integrations. You are polite but firm: 'the other quote is cheaper, so unless you can "
        "match it, please cancel'. Say no to the first thing the agent offers. If the agent mentions a discount "
        "before asking how you use the product, say 'I've heard that before'. If the agent asks about your use and "
        "ties the value to the Monday reports, soften and consider a smaller plan.",
        "Keep Dana honestly: find out how her team uses the service, recommend the plan that fits (not the biggest "
        "one), keep going calmly after the first no, and agree a clear next step.",
        "How did you decide what to recommend?\n"
        "What went through your mind when Dana said no the first time?\n"
        "What would you do differently on the next call like this?",
        [
            (
                "rp-renewal-discovery",
                sc.ACTIVE_LISTENING,
                "Finds out how they use it",
                "Asks open questions about use and priorities before offering anything; summarises what matters to "
                "Dana.",
                (
                    "Offers before asking anything.",
                    "Asks one closed question.",
                    "Asks open questions and summarises Dana's use.",
                    "Uncovers use and priorities, summarises them, and builds the offer on them.",
                ),
            ),
            (
                "rp-renewal-value",
                sc.PERSUASION,
                "Recommends in the customer's terms",
                "Frames value in Dana's own outcomes (the Monday reports), makes one clear, honest recommendation and "
                "asks for the decision.",
                (
                    "No recommendation, or matches the price with no reason.",
                    "Lists features in general.",
                    "A clear recommendation tied to Dana's use.",
                    "Clear and honest, in Dana's words, with the trade-off and a confident ask.",
                ),
            ),
            (
                "rp-renewal-after-no",
                sc.RESILIENCE,
                "Keeps going after a no",
                "Stays calm and positive after the first refusal, tries another honest angle without pressure, and "
                "respects a final answer.",
                (
                    "Gives up or turns pushy after the first no.",
                    "Carries on but sounds flat or defensive.",
                    "Stays positive and tries another angle.",
                    "Stays warm, acknowledges the no, offers a fitting alternative and respects the final answer.",
                ),
            ),
            (
                "rp-renewal-next-step",
                sc.COMMUNICATION,
                "Agrees a clear next step",
                "Ends with what happens next, by when and who does it (plan change, quote by email, a call-back), "
                "checked back with Dana.",
                (
                    "Ends with no next step.",
                    "A vague next step ('we'll be in touch').",
                    "A clear next step with a time.",
                    "A clear next step with a time and owner, confirmed with Dana in her words.",
                ),
            ),
        ],
    ),
    (
        "busy-shift-policy-change",
        "Busy shift: a policy change across channels",
        "Chat, with three more chats queued. This morning's briefing changed the returns window from 30 to 14 days; "
        "orders placed before today keep 30 days. Sam bought a jacket 20 days ago, emailed about returning it "
        "yesterday, got no reply yet, and is now on chat.",
        "You are Sam. You expect to return the jacket: the website said 30 days when you bought it. If the agent asks "
        "for details that were in your email, ask 'did you even read my email?'. If the agent tells you returns are "
        "now 14 days, get annoyed. Calm down as soon as the agent refers to your email and explains clearly what "
        "applies to you.",
        "Resolve Sam's return in this one chat: read yesterday's email first, apply the new policy and its exception "
        "correctly, close the email so Sam does not get a second answer, and keep a pace that respects the queue.",
        "What did you check before your first reply, and why?\n"
        "How did you make sure you applied this morning's change correctly?\n"
        "What did you leave for the next agent, and what would you do faster next time?",
        [
            (
                "rp-shift-history",
                sc.OMNICHANNEL,
                "Uses the earlier email",
                "Finds and refers to yesterday's email; does not make Sam repeat anything; links or closes the email "
                "so only one answer goes out.",
                (
                    "Treats the chat as new; Sam repeats everything.",
                    "Finds the email only after Sam complains.",
                    "Reads the email first and refers to it.",
                    "Reads it first, refers to it, and closes or links the email case so there is one answer.",
                ),
            ),
            (
                "rp-shift-new-policy",
                sc.ADAPTABILITY,
                "Applies the new policy",
                "Applies this morning's change correctly, including the exception for earlier orders, and explains "
                "it in plain words.",
                (
                    "Applies the old policy, or guesses.",
                    "Applies the 14 days but misses the exception.",
                    "Applies the new policy and its exception correctly.",
                    "Applies it correctly, explains it plainly, and flags the out-of-date website text to the team.",
                ),
            ),
            (
                "rp-shift-pace",
                sc.TIME_MANAGEMENT,
                "One contact, at a good pace",
                "Keeps the chat moving with the queue in mind without rushing Sam; wraps up with a short, complete "
                "note.",
                (
                    "Rushes Sam, or lets the chat stall for long gaps.",
                    "Resolves it, but slowly or with an incomplete note.",
                    "Resolves it in one contact at a steady pace with a complete note.",
                    "One contact, sets expectations for the refund, and leaves a note the next agent can use as is.",
                ),
            ),
            (
                "rp-shift-calm",
                sc.PATIENCE,
                "Stays calm when challenged",
                "Answers 'did you even read my email?' calmly, owns the missing reply, and keeps a friendly tone.",
                (
                    "Defensive or curt.",
                    "Polite but scripted.",
                    "Calm, owns the delay, friendly tone.",
                    "Calm and warm, owns the delay, and turns Sam's mood around.",
                ),
            ),
        ],
    ),
]
