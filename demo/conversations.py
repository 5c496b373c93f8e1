"""Demo conversations of varied quality, so AutoQA has something to find.

Every written demo contact gets a conversation drawn from the templates below: a greeting or none, the agent
introducing themself or not, empathy ("I'm sorry to hear that") or a dismissive line ("sorry, not my job"), hold
etiquette, a closing with next steps or an abrupt end, now and then a card number, an email address or a phone
number typed by the agent, an angry customer calmed by the end or not, and agent replies fast or slow (the turns'
times). Agents differ: each has a tier drawn from their own survey scores (the weakest skip greetings and reply
slowly, the strongest show empathy and close cleanly), so the automatic scores agree with CSAT where it is cheap.
Pure Python over the rows seed_contacts builds; its own random generator, so no other figure of the demo changes.
"""

import random

# Test card numbers (they pass the Luhn check, no bank issues them) and an order number that looks like one but fails.
TEST_CARDS = ["4111 1111 1111 1111", "5555 5555 5555 4444", "4012 8888 8888 1881"]
NOT_A_CARD = "4111 1111 1111 1112"
EMAILS = ["jamie.doe@example.com", "a.patel@example.org", "sam.lee@example.net"]
PHONES = ["+44 7700 900123", "+353 85 555 0142", "020 7946 0018"]

GREETINGS = [
    "Hi, thanks for contacting us!",
    "Hello and thanks for reaching out.",
    "Good morning, thank you for contacting SkillHub support.",
    "Hi there!",
]
INTRODUCTIONS = ["My name is {agent} and I'll be helping you today.", "You're chatting with {agent}.", "I'm {agent}."]
EMPATHY = [
    "I'm sorry to hear that, I understand how frustrating this must be.",
    "I'm so sorry to hear that. That sounds really frustrating.",
    "I can see why you're upset, and I'm sorry to hear it.",
    "That must be stressful, I completely understand how you feel.",
]
NEUTRAL = ["Let me have a look.", "OK, checking now.", "Let me check that for you."]
DISMISSIVE = [
    "Sorry, not my job to sort out other teams' mistakes, but I'll see.",
    "As I said, that's our policy.",
    "Calm down please, I'm looking.",
]
VERIFY = ["For security, can you confirm your postcode and date of birth?", "Can you confirm your identity first?"]
VERIFIED = ["Sure, it's LS1 4AB and 3 May 1984.", "Yes: M1 2AB, born 12/09/1990."]
ACCOUNT_DETAILS = ["I can see your last payment of £29.99 on the 3rd.", "Your current balance is £42.10."]
HOLD_ASKED = [
    "May I put you on hold for two minutes while I check with the billing team?",
    "Can I put you on hold for a moment while I look into it?",
]
HOLD_BACK = ["Thank you for holding.", "Thanks for waiting, I'm back."]
HOLD_SILENT = "Checking."
JARGON = (
    "Per the aforementioned reconciliation procedure, the duplicated authorisation has been programmatically "
    "reversed subsequent to verification of the transactional ledger and the corresponding settlement batch."
)
CLOSINGS = [
    "Is there anything else I can help with? You'll receive a confirmation email within the hour. Have a great day!",
    "The next step is a confirmation email from us today. Anything else I can help with?",
    "You will receive an update by tomorrow at noon. Have a good day!",
]
ABRUPT = ["Ok.", "Done.", "Bye."]
CALM_OPENERS = ["Hi,", "Hello there,", "Good morning,", "Hey,"]
ANGRY_OPENERS = [
    "This is ridiculous, the third time I'm writing!",
    "I'm furious, nobody has helped me.",
    "Terrible service so far, honestly.",
]
THANKS = ["Great, thanks!", "Perfect, thank you so much.", "Brilliant, thanks for the help."]
CALMED = ["OK, thank you, that's a relief. I appreciate your help.", "Thanks, that's great, much better now."]
STILL_ANGRY = [
    "This is useless. I'm still angry and I will cancel.",
    "Terrible. Nothing is fixed and I'm fed up with this awful service.",
]
WAITING = ["OK, please do.", "Fine, let me know."]

# Per tier: greeting, introduction, empathy (else neutral), dismissive line, clean closing, hold etiquette, readable
# replies, the chance of typing a card number / an email or phone, of verifying the customer's identity; the agent's
# reply time in a chat (seconds).
TIERS = {
    "weak": dict(greet=0.45, intro=0.2, empathy=0.25, dismissive=0.2, close=0.4, hold=0.35, jargon=0.3, card=0.03,
                 contact=0.08, verify=0.3, reply=(60, 400)),
    "steady": dict(greet=0.9, intro=0.6, empathy=0.6, dismissive=0.03, close=0.8, hold=0.8, jargon=0.05, card=0.008,
                   contact=0.03, verify=0.65, reply=(15, 100)),
    "strong": dict(greet=0.98, intro=0.9, empathy=0.92, dismissive=0.0, close=0.96, hold=0.96, jargon=0.0, card=0.0,
                   contact=0.01, verify=0.9, reply=(5, 45)),
}  # fmt: skip
ORDER = ["weak", "steady", "strong"]
EMAIL_REPLY = (1800, 14400)  # an email answer comes hours after the customer's message


def agent_tiers(rows: list[dict]) -> dict[int, str]:
    """agent id → "weak", "steady" or "strong": the agents with the lowest mean CSAT (a fifth) are weak, the highest
    (a third) strong."""
    scores: dict[int, list[int]] = {}
    for row in rows:
        scores.setdefault(row["agent_id"], [])
        if row["csat"] is not None:
            scores[row["agent_id"]].append(row["csat"])
    ranked = sorted(scores, key=lambda agent: (sum(scores[agent]) / max(1, len(scores[agent])), agent))
    weak, strong = max(1, len(ranked) // 5), max(1, len(ranked) // 3)
    return {agent: "weak" if i < weak else "strong" if i >= len(ranked) - strong else "steady" for i, agent in
            enumerate(ranked)}  # fmt: skip


def conversations_write(rows: list[dict], rng: random.Random, *, names: dict[int, str], topics: list[tuple]) -> None:
    """Replace each written row's transcript by a conversation of the agent's tier, and note the agent's reply time
    (`reply_gap`, read when the turns are timed)."""
    tiers = agent_tiers(rows)
    answers = {question: answer for _, question, answer in topics}
    for row in rows:
        if not row["transcript"]:
            continue
        question = row["transcript"].split("\n", 1)[0].split(", ", 1)[-1]
        # The contact's own survey moves it a tier now and then: a 1 or 2 tends to be the agent's worse day.
        level = ORDER.index(tiers[row["agent_id"]])
        if row["csat"] is not None and rng.random() < 0.5:
            level = max(0, level - 1) if row["csat"] <= 2 else min(2, level + 1) if row["csat"] == 5 else level
        tier = TIERS[ORDER[level]]
        row["transcript"] = _conversation(row, rng, tier, names.get(row["agent_id"]) or "Alex", question, answers)
        row["reply_gap"] = EMAIL_REPLY if row["channel"] == "email" else tier["reply"]


def _conversation(row: dict, rng: random.Random, tier: dict, agent: str, question: str, answers: dict) -> str:
    chance = rng.random
    resolved = row["resolved"]
    unhappy = row["csat"] is not None and row["csat"] <= 2
    angry = chance() < (0.5 if unhappy or not resolved else 0.12)
    lines: list[tuple[str, str]] = []
    say = lines.append

    if angry:
        say(("Customer", f"{question} {rng.choice(ANGRY_OPENERS)}"))
    else:
        say(("Customer", f"{rng.choice(CALM_OPENERS)} {question}"))
    first = []
    if chance() < tier["greet"]:
        first.append(rng.choice(GREETINGS))
    if chance() < tier["intro"]:
        first.append(rng.choice(INTRODUCTIONS).format(agent=agent))
    dismissive = chance() < tier["dismissive"] * (2 if angry else 1)
    empathy = not dismissive and chance() < tier["empathy"] * (1.0 if angry else 0.7)
    first.append(rng.choice(DISMISSIVE if dismissive else EMPATHY if empathy else NEUTRAL))
    verifies = chance() < tier["verify"]
    if verifies:
        first.append(rng.choice(VERIFY))
    say(("Agent", " ".join(first)))
    say(("Customer", rng.choice(VERIFIED) if verifies else "OK, thanks."))
    if row["channel"] != "email" and chance() < 0.3:
        if chance() < tier["hold"]:
            say(("Agent", rng.choice(HOLD_ASKED)))
            say(("Customer", "OK."))
            say(("Agent", rng.choice(HOLD_BACK) + " I have the details now."))
        else:
            say(("Agent", HOLD_SILENT))
            say(("Customer", "Hello? Are you still there?"))
    answer = answers.get(question, "I've sorted it")
    reply = f"{answer}." if resolved else "I'll look into it and get back to you."
    if chance() < 0.3:  # account details: after the identity check, or (a compliance fail) without one
        reply = f"{rng.choice(ACCOUNT_DETAILS)} {reply}"
    if chance() < tier["jargon"]:
        reply = f"{JARGON} {reply}"
    if chance() < tier["card"]:
        reply += f" I've noted the card {rng.choice(TEST_CARDS)} you gave me for the payment."
    elif chance() < tier["contact"]:
        reply += rng.choice(
            [f" I've sent the details to {rng.choice(EMAILS)}.", f" We'll call you back on {rng.choice(PHONES)}."]
        )
    elif chance() < 0.03:
        reply += f" Your order reference is {NOT_A_CARD}."  # looks like a card, fails the Luhn check
    say(("Agent", reply))
    if angry:
        calms = chance() < (0.85 if resolved and not dismissive else 0.3 if resolved else 0.15)
        say(("Customer", rng.choice(CALMED if calms else STILL_ANGRY)))
    else:
        say(("Customer", rng.choice(THANKS) if resolved else rng.choice(WAITING)))
    if chance() < tier["close"]:
        say(("Agent", rng.choice(CLOSINGS)))
    elif chance() < 0.6:
        say(("Agent", rng.choice(ABRUPT)))
    return "\n".join(f"{'Customer' if who == 'Customer' else agent}: {text}" for who, text in lines)
