"""`Question`: a question parsed once, at intake, and passed down.

Everything the search, the ranker, the decline decision, the composer and the notices need to
know about the asker's words is read here, once: the instruction sentences dropped
(`instructions.strip_instructions`), its language, what kind of answer it asks for and the names
it mentions (`ranking.question.analyse`), and whether it is a request Basis does not take. Nothing
below re-reads the raw text to find these again.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.ranking.question import QuestionAnalysis, analyse
from bot.ranking.scope import request_kind
from bot.retrieval.instructions import only_instructions, strip_instructions
from bot.text import detect_language


@dataclass(frozen=True)
class Question:
    text: str  # as asked (normalised at intake): what is answered, logged and shown
    stripped: str  # without the sentences that instruct the bot: what is searched and analysed
    lang: str  # the language of `stripped`, which the answer is written in
    analysis: QuestionAnalysis  # answer type, yes/no, names, sections, present/status/basis
    request: bool  # a request that is not Basis's job, or nothing but instructions: declined

    @classmethod
    def parse(cls, text: str) -> Question:
        """Parse a question that passed intake (`answering_service.check_question`)."""
        stripped = strip_instructions(text)
        return cls(
            text=text,
            stripped=stripped,
            lang=detect_language(stripped),
            analysis=analyse(stripped),
            request=bool(request_kind(stripped)) or only_instructions(text),
        )

    @property
    def names(self) -> tuple[str, ...]:
        """The proper names the question mentions (people, companies, countries, laws, acronyms)."""
        return self.analysis.names
