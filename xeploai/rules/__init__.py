"""xeploai.rules — the regulation rule engine (standard library only, no Django).

Inputs are frozen dataclasses (:class:`Subject`, :class:`Decision`, :class:`BallotCount`);
the evaluation date is always a parameter; nothing reads the clock or a database. Every
answer is a value plus :class:`Explanation` objects (rule key, clause, numbers, message in
Vietnamese and English).

What it answers:

* :func:`eligibility` — is a subject reviewed, rated, why not, which comments are required;
* :func:`ceiling` — the highest level its grades or score, conditions, forcing cases and caps
  support (or "needs a decision by the competent level"); :func:`score_band` — the band a
  366 score alone falls in (the self-review's live hint);
* :func:`check_decisions` — a deciding body's whole set of decisions: quotas per group,
  ceilings, comments, ordering and preconditions (:func:`check_decision`: what it finds
  about one subject of the set, read from fewer facts);
* :func:`tally` — a secret-ballot count → proposed level;
* :func:`forms_for`, :func:`review_form` — which forms a subject uses, and writes its review in;
* :func:`ruleset_for_year`, :func:`get_ruleset`, :func:`available`, :func:`layer` — versioned
  central rule sets and local rule sets that may only tighten them; :func:`derive` and
  :func:`register` (:func:`registered`) add a version.
"""

from xeploai.rules.ballot import (
    BallotCount,
    BallotResult,
    quorum_needed,
    quorum_short,
    tally,
)
from xeploai.rules.catalog import RULES, RuleText, render
from xeploai.rules.ceiling import Ceiling, CeilingStatus, Limit, Related, ceiling
from xeploai.rules.check import (
    CheckReport,
    check_decision,
    check_decisions,
    missing_comments,
    undecided_first,
)
from xeploai.rules.civil import CivilScale, civil_rating_problems, civil_scale_for
from xeploai.rules.eligibility import Eligibility, eligibility, required_comments
from xeploai.rules.errors import (
    InvalidFacts,
    InvalidRuleSet,
    Loosening,
    LoosensCentralRule,
    RuleError,
)
from xeploai.rules.explain import Explanation, Severity, Violation, format_number
from xeploai.rules.facts import (
    CommentKind,
    Decision,
    Discipline,
    DisciplineForm,
    DisciplineTarget,
    ExcellenceGroup,
    MemberStatus,
    ResidenceExemption,
    Role,
    Subject,
    SubjectKind,
)
from xeploai.rules.forms import forms_for, review_form, review_purpose
from xeploai.rules.levels import Grade, Level, NotRatedReason, at_least
from xeploai.rules.local import LocalRuleSet, layer, loosenings
from xeploai.rules.quarters import (
    consecutive_khtnv,
    khtnv_quarters,
    quarter_findings,
    quarter_local,
)
from xeploai.rules.quota import (
    QuotaGroup,
    QuotaSummary,
    allowed_excellent,
    group_allowed,
    quota_summaries,
)
from xeploai.rules.rulesets import (
    CENTRAL,
    available,
    derive,
    get_ruleset,
    register,
    registered,
    ruleset_for_year,
    unregister,
)
from xeploai.rules.rulesets.base import (
    BallotRule,
    CivilServiceLink,
    Deadline,
    DisciplineScope,
    Form,
    FormPurpose,
    GapPolicy,
    MemberGrouping,
    NewMemberPolicy,
    QuotaBase,
    Rounding,
    RuleSet,
    Scale,
    SelfRemediedPolicy,
    Settings,
    SubCriterion,
)
from xeploai.rules.score import Band, score_band

__all__ = [
    "CENTRAL",
    "RULES",
    "BallotCount",
    "BallotResult",
    "BallotRule",
    "Band",
    "Ceiling",
    "CeilingStatus",
    "CheckReport",
    "CivilScale",
    "CivilServiceLink",
    "CommentKind",
    "Deadline",
    "Decision",
    "Discipline",
    "DisciplineForm",
    "DisciplineScope",
    "DisciplineTarget",
    "Eligibility",
    "ExcellenceGroup",
    "Explanation",
    "Form",
    "FormPurpose",
    "GapPolicy",
    "Grade",
    "InvalidFacts",
    "InvalidRuleSet",
    "Level",
    "Limit",
    "LocalRuleSet",
    "Loosening",
    "LoosensCentralRule",
    "MemberGrouping",
    "MemberStatus",
    "NewMemberPolicy",
    "NotRatedReason",
    "QuotaBase",
    "QuotaGroup",
    "QuotaSummary",
    "Related",
    "ResidenceExemption",
    "Role",
    "Rounding",
    "RuleError",
    "RuleSet",
    "RuleText",
    "Scale",
    "SelfRemediedPolicy",
    "Settings",
    "Severity",
    "SubCriterion",
    "Subject",
    "SubjectKind",
    "Violation",
    "allowed_excellent",
    "at_least",
    "available",
    "ceiling",
    "check_decision",
    "check_decisions",
    "civil_rating_problems",
    "civil_scale_for",
    "consecutive_khtnv",
    "derive",
    "eligibility",
    "format_number",
    "forms_for",
    "get_ruleset",
    "group_allowed",
    "khtnv_quarters",
    "layer",
    "loosenings",
    "missing_comments",
    "quarter_findings",
    "quarter_local",
    "quorum_needed",
    "quorum_short",
    "quota_summaries",
    "register",
    "registered",
    "render",
    "required_comments",
    "review_form",
    "review_purpose",
    "ruleset_for_year",
    "score_band",
    "tally",
    "undecided_first",
    "unregister",
]
