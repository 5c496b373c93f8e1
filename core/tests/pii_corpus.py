"""Realistic agent/customer transcripts with their expected masked text and counts (used by test_pii)."""

CORPUS = [
    {
        "name": "card typed by the agent, order number failing Luhn",
        "text": (
            "Agent: Hi, thanks for contacting us, I'm Sam. How can I help?\n"
            "Customer: My order 1234 5678 9012 3456 from 2026-12-08 never arrived. I paid 1,234.56.\n"
            "Agent: I'm sorry to hear that. I see the card 4111 1111 1111 1111 on file, I'll refund it today.\n"
            "Customer: Thanks, at 10:30 I got an email but nothing else."
        ),
        "masked": (
            "Agent: Hi, thanks for contacting us, I'm Sam. How can I help?\n"
            "Customer: My order 1234 5678 9012 3456 from 2026-12-08 never arrived. I paid 1,234.56.\n"
            "Agent: I'm sorry to hear that. I see the card [card] on file, I'll refund it today.\n"
            "Customer: Thanks, at 10:30 I got an email but nothing else."
        ),
        "counts": {"card": 1},
        "flags": ["pii_card_number"],
    },
    {
        "name": "customer gives email, phone and IBAN",
        "text": (
            "Customer: Please send it to <jane.doe+orders@example.co.uk> or call me on +44 20 7946 0958.\n"
            "Agent: Of course. Tracking number A-123-456-789 shows it at the depot.\n"
            "Customer: For the refund my IBAN is GB82 WEST 1234 5698 7654 32."
        ),
        "masked": (
            "Customer: Please send it to <[email]> or call me on [phone].\n"
            "Agent: Of course. Tracking number A-123-456-789 shows it at the depot.\n"
            "Customer: For the refund my IBAN is [iban]."
        ),
        "counts": {"email": 1, "phone": 1, "iban": 1},
        "flags": ["pii_email", "pii_iban", "pii_phone"],
    },
    {
        "name": "already redacted transcript keeps its markers and raises the flags",
        "text": (
            "Agent: I have noted your card [card] and the email [email].\n"
            "Customer: Great, and my mobile is 612 345 678 if anything goes wrong."
        ),
        "masked": (
            "Agent: I have noted your card [card] and the email [email].\n"
            "Customer: Great, and my mobile is [phone] if anything goes wrong."
        ),
        "counts": {"phone": 1},
        "flags": ["pii_card_number", "pii_email", "pii_phone"],
    },
    {
        "name": "no PII: dates, times, amounts, ids, short numbers",
        "text": (
            "Agent: Your ticket #123456789 is open since 08.12.2026 09:15.\n"
            "Customer: The invoice was €1 234 567.89, reference 9876543210, code 555-1234.\n"
            "Agent: Refund of 1,234.56 USD approved on 2026-12-08; expect it within 3-5 days."
        ),
        "masked": (
            "Agent: Your ticket #123456789 is open since 08.12.2026 09:15.\n"
            "Customer: The invoice was €1 234 567.89, reference 9876543210, code 555-1234.\n"
            "Agent: Refund of 1,234.56 USD approved on 2026-12-08; expect it within 3-5 days."
        ),
        "counts": {},
        "flags": [],
    },
    {
        "name": "US customer, Amex typed without spaces, phone in parentheses",
        "text": (
            "Customer: charge my amex 378282246310005 and text (555) 123-4567 when done\n"
            "Agent: Done! You can also reach us at support@shop.example."
        ),
        "masked": (
            "Customer: charge my amex [card] and text [phone] when done\nAgent: Done! You can also reach us at [email]."
        ),
        "counts": {"card": 1, "phone": 1, "email": 1},
        "flags": ["pii_card_number", "pii_email", "pii_phone"],
    },
]
