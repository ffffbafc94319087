"""The engine's own exceptions. Nothing in the engine raises anything else on bad input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class RuleError(Exception):
    """Base class: the input or a rule set cannot be evaluated as given.

    ``message_vi`` and ``message_en`` carry the same sentence in both languages;
    ``str(error)`` is the Vietnamese one followed by the English one.

    >>> str(RuleError("Không có bộ quy định", "No rule set"))
    'Không có bộ quy định / No rule set'
    """

    def __init__(self, message_vi: str, message_en: str | None = None) -> None:
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        super().__init__(f"{self.message_vi} / {self.message_en}")


class InvalidRuleSet(RuleError):
    """A rule set (central or local) is inconsistent, e.g. sub-criteria that do not add up."""


class InvalidFacts(RuleError):
    """The facts given for a subject are inconsistent with the rule set (e.g. missing grades)."""

    def details(self, subject_id: str) -> dict[str, str]:
        """The numbers of the "facts.invalid" sentence about ``subject_id``: both messages
        without their "<subject id>: " lead (the sentence belongs to that subject already).

        >>> InvalidFacts("m1: thiếu điểm", "m1: no score").details("m1")
        {'detail_vi': 'thiếu điểm', 'detail_en': 'no score'}
        """
        lead = f"{subject_id}: "
        return {
            "detail_vi": self.message_vi.removeprefix(lead),
            "detail_en": self.message_en.removeprefix(lead),
        }


@dataclass(frozen=True, slots=True)
class Loosening:
    """One central rule that a local rule set tried to loosen."""

    setting: str
    rule_key: str
    clause: str
    central: str
    local: str

    @property
    def message_vi(self) -> str:
        """The loosening in Vietnamese."""
        return (
            f"{self.setting}: quy định địa phương ({self.local}) nới lỏng quy định "
            f"cấp trên ({self.central}) — {self.rule_key}, {self.clause}"
        )

    @property
    def message_en(self) -> str:
        """The loosening in English."""
        return (
            f"{self.setting}: the local value ({self.local}) loosens the central rule "
            f"({self.central}) — {self.rule_key}, {self.clause}"
        )


class LoosensCentralRule(RuleError):
    """A local rule set loosens one or more central rules; ``loosenings`` lists each one."""

    def __init__(self, local_key: str, loosenings: Sequence[Loosening]) -> None:
        self.local_key = local_key
        self.loosenings = tuple(loosenings)
        vi = "; ".join(item.message_vi for item in self.loosenings)
        en = "; ".join(item.message_en for item in self.loosenings)
        super().__init__(
            f"Bộ quy định địa phương {local_key} bị từ chối vì nới lỏng quy định cấp trên: {vi}",
            f"Local rule set {local_key} refused: it loosens central rules: {en}",
        )
