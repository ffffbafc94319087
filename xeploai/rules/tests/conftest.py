"""Small builders shared by the engine tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xeploai.rules import Decision, Level, Subject, SubjectKind

ON_2024 = dt.date(2024, 12, 10)
ON_2025 = dt.date(2025, 12, 15)
ON_2020 = dt.date(2020, 12, 10)


def member(id: str = "dv", **facts: Any) -> Subject:
    """A party member with the residence comment on file, plus ``facts``."""
    facts.setdefault("comments_received", frozenset({"NOI_CU_TRU"}))
    facts.setdefault("admitted_on", dt.date(2010, 1, 1))
    return Subject(id, SubjectKind.DANG_VIEN, **facts)


def org(id: str = "cb", kind: SubjectKind = SubjectKind.CHI_BO, **facts: Any) -> Subject:
    """A collective of ``kind`` with ``facts``."""
    return Subject(id, kind, **facts)


def decide(subject: Subject, level: Level | None, body: str = "DU", **more: Any) -> Decision:
    """A decision of ``body`` on ``subject``."""
    return Decision(subject, level, body, **more)
