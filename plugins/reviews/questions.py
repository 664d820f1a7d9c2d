"""The fit-and-feel questions a review asks, by category kind."""

from __future__ import annotations

from storefront import lazy_gettext as _l

QUESTIONS: dict[str, list[tuple[str, object, list[tuple[str, object]]]]] = {
    "shoes": [
        (
            "fit",
            _l("Fit"),
            [
                ("small", _l("Runs small")),
                ("true", _l("True to size")),
                ("large", _l("Runs large")),
            ],
        ),
        (
            "comfort",
            _l("Comfort"),
            [
                ("low", _l("Not comfortable")),
                ("medium", _l("Comfortable")),
                ("high", _l("Very comfortable")),
            ],
        ),
    ],
    "bedding": [
        (
            "softness",
            _l("Softness"),
            [("firm", _l("Crisp")), ("medium", _l("Soft")), ("soft", _l("Very soft"))],
        ),
        (
            "warmth",
            _l("Warmth"),
            [("cool", _l("Cool")), ("medium", _l("Just right")), ("warm", _l("Warm"))],
        ),
    ],
}
QUESTIONS["apparel"] = QUESTIONS["shoes"]

SUMMARY_PHRASES = {
    ("fit", "small"): _l("Most say it runs small"),
    ("fit", "true"): _l("Most say true to size"),
    ("fit", "large"): _l("Most say it runs large"),
    ("softness", "firm"): _l("Most find it crisp"),
    ("softness", "medium"): _l("Most find it soft"),
    ("softness", "soft"): _l("Most find it very soft"),
    ("warmth", "cool"): _l("Most find it cool"),
    ("warmth", "medium"): _l("Most find the warmth just right"),
    ("warmth", "warm"): _l("Most find it warm"),
}


def questions_for(kind: str):
    return QUESTIONS.get(kind, [])


def options_of(kind: str) -> dict[str, set[str]]:
    """Each question this kind asks, with the codes of its answers."""
    return {key: {code for code, _ in options} for key, _label, options in questions_for(kind)}


def clean_answers(kind: str, posted) -> dict[str, str]:
    """Only known questions with known answers; anything else is dropped, not stored."""
    answers = {}
    for key, codes in options_of(kind).items():
        value = posted.get(f"q_{key}", "")
        if value in codes:
            answers[key] = value
    return answers


def refused_answer(kind: str, answers: dict[str, str]) -> str | None:
    """The first question of `answers` this kind does not ask, or answered off its options.

    The page drops such answers silently (a radio button cannot send them); a client that
    sends one gets told which.
    """
    known = options_of(kind)
    for key, value in answers.items():
        if value not in known.get(key, ()):
            return key
    return None


def summary_lines(answers: dict[str, dict[str, int]]) -> list[str]:
    """ "Most say true to size" for each question answered by at least three shoppers."""
    lines = []
    for key in ("fit", "softness", "warmth"):
        counts = answers.get(key) or {}
        if sum(counts.values()) >= 3:
            top = max(counts, key=counts.get)
            if (key, top) in SUMMARY_PHRASES:
                lines.append(str(SUMMARY_PHRASES[(key, top)]))
    return lines


def question_label(key: str) -> str:
    """ "Fit", "Softness": how a question reads."""
    for kind_questions in QUESTIONS.values():
        for question, label, _options in kind_questions:
            if question == key:
                return str(label)
    return key


def answer_label(key: str, value: str) -> str:
    """ "Runs small", "Very soft": how an answer reads under a review."""
    for kind_questions in QUESTIONS.values():
        for question, _label, options in kind_questions:
            if question == key:
                return str(dict(options).get(value, value))
    return value
