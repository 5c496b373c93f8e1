"""How fast the detectors run: every registered detector over N synthetic conversations, conversations per second.
No database, no Django setup needed:

    python -m qa.autoqa.detectors.bench [N]      # default 1000
"""

import random
import sys
import time
from datetime import UTC, datetime, timedelta

from qa.autoqa import phrases
from qa.autoqa.detectors import Conversation, Turn, analyse, warm_up

AGENT_LINES = [
    "Hi {name}, thank you for contacting Acme. My name is Lena, how can I help you today?",
    "Hello, what's the order number?",
    "I'm so sorry to hear that. May I put you on hold while I check with the courier?",
    "Thank you for holding. I have sent a replacement; you will receive it on Friday.",
    "For security, can you confirm your date of birth? Thanks, your balance is 120 euros.",
    "I'm sorry, but that's not my job. You should have called the courier.",
    "I can see the card 4111 1111 1111 1111 on your account, is that the one?",
    "Is there anything else I can help with? Have a great day!",
    "Notwithstanding the aforementioned considerations, the documentation necessitates verification.",
]
CUSTOMER_LINES = [
    "My parcel never arrived and I am really angry about it.",
    "Hi, I have a quick question about my bill.",
    "OK, thanks.",
    "That's great, thank you so much!",
    "This is terrible service. I'm furious.",
    "It's order 44118812, write to me at sam@example.com.",
]
SPECS = [
    ("greeting", "phrases", {"kind": "greeting", "where": "first_agent_turn"}),
    ("introduction", "phrases", {"kind": "introduction", "where": "first_agent_turn"}),
    ("empathy", "phrases", {"kind": "empathy"}),
    ("apology", "phrases", {"kind": "apology"}),
    ("hold", "phrases", {"kind": "hold"}),
    ("closing", "phrases", {"kind": "closing", "where": "last_agent_turns"}),
    ("prohibited", "phrases", {"kind": "prohibited"}),
    ("name", "customer_name", {}),
    ("verification", "verification_before_account", {}),
    ("pii", "pii", {}),
    ("readability", "readability", {"min_flesch": 60}),
    ("response_time", "response_time", {"max_seconds": 120}),
    ("sentiment_end", "sentiment_end", {"min_end": 0.05}),
    ("sentiment_recovered", "sentiment_recovered", {}),
]


def synthetic(n: int, seed: int = 19) -> list[Conversation]:
    rng = random.Random(seed)
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    conversations = []
    for i in range(n):
        at, turns = start, []
        name = rng.choice(["Maria", "Sam", "Ana", "Tom"])
        for j in range(rng.randint(4, 12)):
            at += timedelta(seconds=rng.randint(5, 300))
            if j % 2:
                turns.append(Turn("customer", rng.choice(CUSTOMER_LINES) + f" ({i})", at))
            else:
                turns.append(Turn("agent", rng.choice(AGENT_LINES).format(name=name) + f" ({i})", at))
        conversations.append(Conversation(turns=tuple(turns), channel="chat", customer_name=f"{name} Doe"))
    return conversations


def main(n: int = 1000) -> float:
    conversations = synthetic(n)
    patterns = phrases.default_patterns()
    specs = [(key, code, {**params, "patterns": patterns}) for key, code, params in SPECS]
    warm_up()
    began = time.perf_counter()
    for conversation in conversations:
        analyse(conversation, specs)
    elapsed = time.perf_counter() - began
    rate = n / elapsed
    print(f"{n} conversations, {len(SPECS)} criteria each, in {elapsed:.2f} s: {rate:.0f} conversations/s")
    return rate


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
