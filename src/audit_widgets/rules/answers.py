"""Which checklist answers may be recorded (GB/T 27922: every 删减 and every deduction is
justified), shared by the store, the widgets and `calc score`."""
from __future__ import annotations

from typing import Any, Iterable

from ..domain import Answer
from ..errors import Problem
from ..scheme import Scheme


def answer_problem(scheme: Scheme, item_id: str, answer: Answer, reason: str,
                   domains: list[str] | tuple[str, ...], organisation_type: str) -> Problem | None:
    """Why this answer to this item may not be recorded for this applicant; None when it may."""
    item = scheme.items_by_id.get(item_id)
    if item is None:
        return Problem(zh=f"未知的条目「{item_id}」", en=f"unknown checklist item '{item_id}'", entry=item_id)
    if not item.applies_to(domains):
        return Problem(zh=f"条目 {item_id} 不适用于申请方的认证领域 {'、'.join(domains)}",
                       en=f"item {item_id} is not in the checklist of domains {', '.join(domains)}", entry=item_id)
    result = scheme.results_by_id.get(answer.result) if answer.result is not None else None
    if answer.result is not None and result is None:
        options = ", ".join(scheme.results_by_id)
        return Problem(zh=f"未知的评价结果「{answer.result}」，可选：{options}",
                       en=f"unknown result '{answer.result}'; expected one of: {options}", entry=item_id)
    if answer.checked is not None and answer.nonconforming is not None and not (
            0 <= answer.nonconforming <= answer.checked):
        return Problem(zh="不符合数应在 0 与抽查数之间",
                       en="nonconforming samples must be between 0 and the samples checked", entry=item_id)
    if result is not None and not result.applicable and item.veto:
        if scheme.veto_exemption(item_id, domains, organisation_type) is None:
            return Problem(
                zh=f"{item_id} 是否决项，方案未允许该领域或组织类型的申请方将其判为「{result.name}」",
                en=f"{item_id} is a veto item; the scheme does not allow it to be '{result.id}' for this "
                   "applicant's domains and organisation type", entry=item_id)
    needs_reason = (result is not None and result.needs_reason) or bool(answer.nonconforming)
    if needs_reason and not reason.strip():
        what = result.name if result is not None else "抽样不符合"
        return Problem(zh=f"「{what}」须写明理由（GB/T 27922：删减与扣分均须说明）",
                       en=f"'{result.id if result else 'nonconforming samples'}' needs a written reason",
                       entry=item_id, column="note")
    return None


def exclusions(scheme: Scheme, items: Iterable[Any], notes: dict[str, str], domains: list[str] | tuple[str, ...],
               organisation_type: str) -> list[dict[str, Any]]:
    """Every 不适用 of the scored items, with the auditor's reason and, for a veto item, the
    scheme's allowance and its legal basis: what the report lists (GB/T 27922 删减)."""
    rows = []
    for scored in items:
        if scored.status != "not_applicable":
            continue
        item = scheme.items_by_id[scored.item_id]
        exemption = scheme.veto_exemption(item.id, domains, organisation_type) if item.veto else None
        rows.append({"item_id": item.id, "text": item.text, "points": item.points, "veto": item.veto,
                     "reason": notes.get(item.id, ""),
                     "basis": f"{exemption.condition}（{exemption.basis}）" if exemption else ""})
    return rows
