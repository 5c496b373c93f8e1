"""The phrase lists the rule detectors match on the agent's turns: the defaults (seeded into PhraseList rows by a data
migration; admins edit the rows) and their compilation into one case-insensitive, word-boundary-aware pattern per
(kind, language).

    patterns = compile_lists(PhraseList.objects.values_list("kind", "language", "phrases"))  # the runner caches it
    run("phrases", conversation, {"kind": "greeting", "patterns": patterns})

A line of a list is a plain phrase (matched as whole words; "hi" never matches "this") or a regular expression
between slashes (`/thanks? for (?:holding|waiting)/`). Pure module: no database, so the detectors stay pure.
"""

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

# Kinds the phrase rule knows (PhraseList.Kind's values; kept here so the detectors need no model import).
KINDS = (
    "greeting",
    "introduction",
    "empathy",
    "apology",
    "hold",
    "closing",
    "prohibited",
    "verification",
    "account_details",
)
FALLBACK_LANGUAGE = "en"

# Phrases of each kind per language. Plain phrases match whole words; /…/ is a regular expression.
DEFAULTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "greeting": [
            "thank you for contacting",
            "thanks for contacting",
            "thank you for calling",
            "thanks for calling",
            "thank you for reaching out",
            "thanks for reaching out",
            "welcome to",
            "hello",
            "hi",
            "hey there",
            "good morning",
            "good afternoon",
            "good evening",
        ],
        "introduction": [
            "my name is",
            "my name's",
            "/this is \\w+(?: \\w+)? speaking/",
            "/(?:i am|i'm) \\w+,? (?:from|with) (?:the )?\\w+/",
            "/you(?:'re| are) (?:speaking|chatting) (?:with|to) \\w+/",
        ],
        "empathy": [
            "/(?:i'm|i am) (?:so |really |very |truly )?sorry to hear/",
            "sorry to hear",
            "/i (?:completely |totally |fully )?understand (?:how|why|that|your)/",
            "/that (?:must be|sounds|is) (?:so |really |very )?(?:frustrating|stressful|annoying|difficult|hard|"
            "worrying|upsetting|disappointing|inconvenient)/",
            "/i can (?:see|imagine|understand) (?:why|how)/",
            "i appreciate your patience",
            "/i(?:'d| would) feel the same/",
            "/(?:i'm|i am) here to help/",
            "i hear you",
        ],
        "apology": [
            "/(?:i'm|i am|we're|we are) (?:so |really |very |truly |deeply )?sorry/",
            "/(?:i|we) apologi[sz]e/",
            "/(?:my|our) apologies/",
            "sorry about",
            "sorry for",
            "sorry to hear",
            "/apologi[sz]e for the (?:inconvenience|delay|trouble|confusion)/",
        ],
        "hold": [
            "may i put you on hold",
            "can i put you on hold",
            "/(?:may|can|could) i place you on hold/",
            "/(?:do you )?mind if i put you on (?:a (?:brief|short|quick) )?hold/",
            "/thank(?:s| you) for (?:holding|waiting|your patience|bearing with me)/",
            "sorry to keep you waiting",
            "sorry for the wait",
        ],
        "closing": [
            "is there anything else",
            "anything else i can help",
            "anything else i can do",
            "have a great day",
            "have a good day",
            "have a nice day",
            "have a lovely day",
            "have a great evening",
            "have a good one",
            "have a great weekend",
            "thanks for contacting",
            "thank you for contacting",
            "/(?:the )?next steps? (?:is|are|will be)/",
            "you will receive",
            "you'll receive",
            "take care",
        ],
        "prohibited": [
            "calm down",
            "that's not my problem",
            "that is not my problem",
            "not my job",
            "you should have",
            "you should've",
            "there's nothing i can do",
            "there is nothing i can do",
            "that's our policy",
            "that's impossible",
            "you're wrong",
            "you are wrong",
            "/(?:as|like) i (?:already )?(?:said|told you)/",
            "shut up",
        ],
        "verification": [
            "can you confirm your date of birth",
            "could you confirm your date of birth",
            "confirm your date of birth",
            "for security",
            "for security purposes",
            "security question",
            "verify your identity",
            "confirm your identity",
            "/(?:confirm|verify) (?:the |your )?(?:postcode|zip code|address|full name|last four digits)/",
            "/(?:thank you|thanks),? (?:you(?:'re| are) )?(?:now )?verified/",
            "/(?:one-time|verification|security) (?:code|pin|passcode)/",
        ],
        "account_details": [
            "your balance is",
            "your current balance",
            "your account number",
            "your account balance",
            "the balance on your account",
            "your last payment",
            "your last transaction",
            "your sort code",
            "/your (?:card|account) ending in/",
            "/your (?:outstanding|available) (?:balance|credit)/",
        ],
    },
    "es": {
        "greeting": [
            "gracias por contactar",
            "gracias por comunicarse",
            "gracias por llamar",
            "bienvenido",
            "bienvenida",
            "hola",
            "buenos días",
            "buenas tardes",
            "buenas noches",
        ],
        "introduction": ["mi nombre es", "me llamo", "/(?:le|te) atiende \\w+/", "/soy \\w+,? (?:de|del)\\b/"],
        "empathy": [
            "lamento escuchar",
            "siento mucho",
            "/entiendo (?:su|tu|perfectamente|lo)/",
            "/comprendo (?:su|tu|perfectamente|lo)/",
            "/(?:debe|puede) ser (?:muy )?(?:frustrante|molesto|difícil)/",
        ],
        "apology": [
            "lo siento",
            "lo lamento",
            "disculpe",
            "disculpa",
            "/(?:le |te )?pido disculpas/",
            "/(?:mis|nuestras) disculpas/",
            "perdone las molestias",
        ],
        "hold": [
            "/(?:puedo|podría) ponerle en espera/",
            "/(?:le|lo|la) pongo en espera/",
            "/gracias por (?:esperar|la espera|su paciencia|tu paciencia)/",
        ],
        "closing": [
            "/(?:hay )?algo más en (?:lo )?que (?:le |te )?pueda ayudar/",
            "que tenga un buen día",
            "que tengas un buen día",
            "que tenga una buena tarde",
            "gracias por contactar",
            "/(?:el )?próximo paso/",
            "recibirá",
        ],
        "prohibited": [
            "cálmese",
            "cálmate",
            "no es mi problema",
            "no es mi trabajo",
            "debió haber",
            "debería haber",
            "no puedo hacer nada",
            "como ya le dije",
        ],
        "verification": [
            "/(?:confirme|confirmar|puede confirmar) su fecha de nacimiento/",
            "por seguridad",
            "por motivos de seguridad",
            "verificar su identidad",
            "confirmar su identidad",
        ],
        "account_details": ["su saldo es", "su número de cuenta", "su saldo actual", "su último pago"],
    },
    "pt": {
        "greeting": [
            "obrigado por entrar em contato",
            "obrigada por entrar em contato",
            "obrigado por ligar",
            "obrigada por ligar",
            "bem-vindo",
            "bem-vinda",
            "olá",
            "oi",
            "bom dia",
            "boa tarde",
            "boa noite",
        ],
        "introduction": [
            "meu nome é",
            "/(?:aqui é|quem fala é) (?:o |a )?\\w+/",
            "/sou (?:o |a )?\\w+,? (?:da|do|de)\\b/",
        ],
        "empathy": [
            "/lamento (?:ouvir|saber)/",
            "sinto muito",
            "/entendo (?:a sua|sua|o seu|seu|perfeitamente|como)/",
            "/compreendo (?:a sua|sua|o seu|seu|perfeitamente|como)/",
            "/deve ser (?:muito )?(?:frustrante|chato|difícil)/",
        ],
        "apology": [
            "desculpe",
            "desculpa",
            "/(?:peço|pedimos) desculpas/",
            "/(?:minhas|nossas) desculpas/",
            "lamentamos",
            "sinto muito",
        ],
        "hold": [
            "/(?:posso|poderia) (?:colocar|deixar) (?:você|o senhor|a senhora) em espera/",
            "/obrigad[oa] por (?:aguardar|esperar|sua paciência)/",
        ],
        "closing": [
            "/(?:há|tem) mais alguma coisa/",
            "posso ajudar em algo mais",
            "tenha um ótimo dia",
            "tenha um bom dia",
            "tenha uma boa tarde",
            "/(?:o )?próximo passo/",
            "você receberá",
        ],
        "prohibited": [
            "se acalme",
            "acalme-se",
            "não é problema meu",
            "não é meu problema",
            "não é meu trabalho",
            "você deveria ter",
            "não posso fazer nada",
            "como eu já disse",
        ],
        "verification": [
            "/(?:confirme|confirmar|pode confirmar) (?:a )?sua data de nascimento/",
            "por segurança",
            "por motivos de segurança",
            "verificar sua identidade",
            "confirmar sua identidade",
        ],
        "account_details": ["seu saldo é", "o número da sua conta", "seu saldo atual", "seu último pagamento"],
    },
}

# A match of these kinds does not count when its sentence also says one of these: "sorry, not my job" is no
# empathy, "sorry, but there's nothing I can do" is no apology.
NEGATIVE_CONTEXT: dict[str, list[str]] = {
    "en": [
        "not my job",
        "not my problem",
        "not my fault",
        "nothing i can do",
        "nothing we can do",
        "/(?:i|we) can(?:'t|not) help/",
        "/sorry,? (?:but )?(?:that's|that is) (?:just )?(?:how it is|the policy|our policy)/",
        "/sorry,? (?:what|who|come again)\\b/",
    ],
    "es": ["no es mi trabajo", "no es mi problema", "no puedo hacer nada", "no puedo ayudar"],
    "pt": ["não é meu trabalho", "não é problema meu", "não é meu problema", "não posso fazer nada"],
}
NEGATED_KINDS = frozenset({"empathy", "apology"})


def default_rows() -> list[tuple[str, str, str]]:
    """The defaults as (kind, language, phrases one per line): what the data migration seeds."""
    return [
        (kind, language, "\n".join(phrases)) for language, kinds in DEFAULTS.items() for kind, phrases in kinds.items()
    ]


def split_lines(text: str | Iterable[str]) -> list[str]:
    lines = text.splitlines() if isinstance(text, str) else list(text)
    return [line.strip() for line in lines if line and line.strip()]


def _alternative(line: str) -> str:
    if len(line) > 2 and line.startswith("/") and line.endswith("/"):
        body = line[1:-1]
        re.compile(body)  # a broken expression raises re.error here, naming the line's list
        return f"(?:{body})"
    # Whole words: a phrase starting or ending in a letter or digit must not touch another one ("hi" ≠ "this").
    escaped = re.escape(line).replace(r"\ ", r"\s+")
    head = r"(?<!\w)" if line[0].isalnum() else ""
    tail = r"(?!\w)" if line[-1].isalnum() else ""
    return f"{head}{escaped}{tail}"


def compile_phrases(lines: str | Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of `lines` (a list, or text one phrase per line); None when empty.
    Longer phrases first so the evidence shows the whole phrase."""
    phrases = sorted(set(split_lines(lines)), key=len, reverse=True)
    if not phrases:
        return None
    return re.compile("|".join(_alternative(line) for line in phrases), re.IGNORECASE)


def _row(row: Any) -> tuple[str, str, str]:
    if isinstance(row, tuple | list):
        kind, language, phrases = row
        return kind, language, phrases
    return row.kind, row.language, row.phrases


def compile_lists(rows: Iterable[Any]) -> dict[tuple[str, str], re.Pattern[str]]:
    """Patterns per (kind, language) from PhraseList rows (model instances or (kind, language, phrases) tuples).
    The negative contexts of each language come along under the kind "negative"."""
    patterns: dict[tuple[str, str], re.Pattern[str]] = {}
    for row in rows:
        kind, language, phrases = _row(row)
        pattern = compile_phrases(phrases)
        if pattern is not None:
            patterns[(kind, (language or FALLBACK_LANGUAGE).lower())] = pattern
    for language, lines in NEGATIVE_CONTEXT.items():
        patterns[("negative", language)] = compile_phrases(lines)  # type: ignore[assignment]
    return patterns


@lru_cache(maxsize=1)
def default_patterns() -> dict[tuple[str, str], re.Pattern[str]]:
    """The defaults compiled: what a detector uses when the runner passes no patterns (tests, the bench)."""
    return compile_lists(default_rows())


def lookup(patterns: dict[tuple[str, str], re.Pattern[str]], kind: str, language: str) -> re.Pattern[str] | None:
    """The pattern of `kind` in `language` (its base: "pt-BR" → "pt"), else English's."""
    language = (language or FALLBACK_LANGUAGE).lower()
    for candidate in (language, language.split("-")[0].split("_")[0], FALLBACK_LANGUAGE):
        pattern = patterns.get((kind, candidate))
        if pattern is not None:
            return pattern
    return None
