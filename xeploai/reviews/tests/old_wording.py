"""The board's old wording of a problem, kept as the tests' reference: the engine's sentence
rewritten by text substitution, the codes of the deciding bodies' quota groups and of the
discipline forms replaced by their names (``wording.violation_message`` must write the same
from the violation's numbers)."""

from xeploai.reviews.models import Evaluation
from xeploai.reviews.wording import GROUP_LABELS, MEMBER_GROUP_LABELS

_WORDS = {
    "KHIEN_TRACH": "khiển trách",
    "CANH_CAO": "cảnh cáo",
    "CACH_CHUC": "cách chức",
    "KHAI_TRU": "khai trừ",
}


def replacements(evaluations: list[Evaluation]) -> list[tuple[str, str]]:
    """The engine's codes and their human names, in the order ``humanize`` applied them."""
    pairs: list[tuple[str, str]] = []
    groups = [(group, str(label)) for group, label in MEMBER_GROUP_LABELS.items()]
    for decider_id in {e.decider_id: e for e in evaluations}:
        for kind, lazy_label in GROUP_LABELS.items():
            kind_label = str(lazy_label)
            for group, group_label in groups:
                pairs.append((f"u{decider_id} / {kind} / {group}", f"{kind_label} — {group_label}"))
            pairs.append((f"u{decider_id} / {kind} / ", f"{kind_label} "))
    pairs.extend(_WORDS.items())
    return pairs


def humanize(text: str, evaluations: list[Evaluation]) -> str:
    """Put human names on the engine's codes: quota groups and discipline forms."""
    for code, name in replacements(evaluations):
        text = text.replace(code, name)
    return text
