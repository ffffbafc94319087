"""Last year's figures on today's tree: mergers summed, splits followed or "—" (issue 16 §3).

The statistics already project every year's results onto the tree as it is now (decision
0007): a cell that moved carries its members' results of last year to its new ancestors, so
the units handed over in a merger or a split are followed by lineage. What stays behind at a
predecessor's own path — its own evaluation as an organization, and the members evaluated in
it when it was a cell — is added here:

- **merged** (a merger, or a dissolution handing over): the predecessor's rows of last year
  are added to its successor's, so the successor compares with the sum of its predecessors
  ("so với tổng số của các đơn vị trước sáp nhập: …") — named whenever the predecessor was in
  last year's round, even when all of its subjects came over with its units;
- **split**: those rows cannot be attributed to one successor — the blocks where they have
  subjects get no comparison ("—") and the reason.

A predecessor inside its successor's subtree is already counted there and is skipped. Pure
Python over the rows of the report's two statements (``fetch``): no query of its own.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from xeploai.org.models import LineageKind
from xeploai.reports.records import Basis, Report, UnitRef
from xeploai.reviews.models import SubjectKind

StatRow = tuple[Any, ...]  # (period, path, block, *counts): ``fetch.unit_and_children_stats``
Link = tuple[str, str, str, str, str, str]


def follow(
    rows: list[StatRow], links: list[Link], previous_id: int | None
) -> tuple[list[StatRow], dict[str, Basis]]:
    """The statistics rows with the merged predecessors' rows of last year moved to their
    successors (the predecessors' own rows, marked ``-previous_id``, dropped), and the basis of
    every successor whose comparison is not simply its own."""
    if previous_id is None or not links:
        return rows, {}  # no predecessor: no row of theirs was read (``fetch``)
    marker = -previous_id
    kept = [row for row in rows if row[0] != marker]
    # A predecessor with rows of last year was in that round; its rows left at zero are the
    # subjects that moved with its units (already counted where they are now).
    own: dict[str, list[StatRow]] = defaultdict(list)
    for row in rows:
        if row[0] == marker:
            own[row[1]].append(row)
    merged: dict[str, list[UnitRef]] = defaultdict(list)
    split: dict[str, list[UnitRef]] = defaultdict(list)
    unfollowed: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[str, str]] = set()
    for path, code, name, kind, successor, link in links:
        found = own.get(path)
        if not found or path.startswith(successor) or (path, successor) in seen:
            continue
        seen.add((path, successor))
        ref = UnitRef(code, name, kind)
        if link == LineageKind.SPLIT:
            left = {row[2] for row in found if any(row[3:])}
            if left:
                split[successor].append(ref)
                unfollowed[successor].update(left)
            continue
        merged[successor].append(ref)
        kept.extend((previous_id, successor, *row[2:]) for row in found if any(row[3:]))
    bases = {
        path: Basis(
            merged=tuple(sorted(merged.get(path, ()), key=lambda r: r.code)),
            split=tuple(sorted(split.get(path, ()), key=lambda r: r.code)),
            unfollowed=tuple(sorted(unfollowed.get(path, ()))),
        )
        for path in {*merged, *split}
    }
    return kept, bases


def _names(refs: tuple[UnitRef, ...]) -> str:
    return ", ".join(f"{ref.name} ({ref.code})" for ref in refs)


def basis_text(basis: Basis) -> str:
    """The sentence that says what last year's figures of a unit are."""
    parts: list[str] = []
    if basis.merged:
        parts.append(
            _("so với tổng số của các đơn vị trước sáp nhập: {units}").format(
                units=_names(basis.merged)
            )
        )
    if basis.split:
        parts.append(
            _(
                "{blocks}: “—”, không so sánh được với năm trước vì kết quả năm trước của {units} "
                "(trước chia tách) không theo được đến đơn vị này"
            ).format(
                blocks=", ".join(str(SubjectKind(b).label) for b in basis.unfollowed),
                units=_names(basis.split),
            )
        )
    return "; ".join(parts)


def basis_lines(report: Report) -> list[str]:
    """The report's own basis, then its children's, one line each (empty: all their own)."""
    lines: list[str] = []
    if report.basis is not None:
        lines.append(
            _("{unit}: {text}").format(unit=report.unit.name, text=basis_text(report.basis))
        )
    for child in report.children:
        if child.basis is not None:
            lines.append(
                _("{unit}: {text}").format(unit=child.unit.name, text=basis_text(child.basis))
            )
    return lines


def basis_payload(basis: Basis | None) -> dict[str, Any] | None:
    if basis is None:
        return None
    with translation.override("vi"):  # the stored text is the official wording
        text = basis_text(basis)
    return {
        "merged": [{"code": r.code, "name": r.name, "kind": r.kind} for r in basis.merged],
        "split": [{"code": r.code, "name": r.name, "kind": r.kind} for r in basis.split],
        "unfollowed": list(basis.unfollowed),
        "text": text,
    }


def basis_from(data: dict[str, Any] | None) -> Basis | None:
    if not data:
        return None
    return Basis(
        merged=tuple(UnitRef(r["code"], r["name"], r["kind"]) for r in data["merged"]),
        split=tuple(UnitRef(r["code"], r["name"], r["kind"]) for r in data["split"]),
        unfollowed=tuple(data["unfollowed"]),
    )
