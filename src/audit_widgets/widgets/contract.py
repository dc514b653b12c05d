"""ContractForm: the certification contract that follows the review (stage 3). Like every
other form it saves as you type, once the number and the signing date are there."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..contract import Action
from ..render.html import LOCKED_STYLE, message_html
from .base import BoundWidget, unobserved
from .date_field import DateField


class ContractForm(BoundWidget):
    edits = "contract"
    writes = Action.REVIEW

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        programme = workbench.programme(self.audit_id)
        style = {"description_width": "160px"}
        self.number = widgets.Text(description="合同编号 contract no.", style=style)
        self.signed_on = DateField(description="签订日期 signed on", style=style)
        self.fee = widgets.BoundedFloatText(min=0, max=10**8, description="认证费用（元）fee", style=style)
        days = f"{programme.person_days:g}" if programme else "—"
        self.person_days = widgets.HTML(f"<p>合同人日 person-days：<b>{days}</b></p>")
        self.controls = (self.number, self.signed_on, self.fee)
        self._show_stored()
        for control in self.controls:
            control.disabled = self.read_only
            control.observe(self._changed, names="value")
        contract = workbench.contract(self.audit_id)
        clauses = contract.obligations if contract and contract.obligations else tuple(
            o.text for o in self.scheme.contract_obligations)
        self.obligations = widgets.HTML("<p>持证方义务（合同条款）/ the holder's obligations in the contract：</p><ol>"
                                        + "".join(f"<li>{html.escape(c)}</li>" for c in clauses) + "</ol>")
        self.children = [widgets.HTML("<h3>认证合同 / certification contract</h3>"), self.lock_banner(),
                         *self.controls, self.person_days, self.obligations, self.message]

    def _show_stored(self) -> None:
        contract = self.workbench.contract(self.audit_id)
        with self.hold_sync():
            self.number.value = contract.contract_no if contract else ""
            self.signed_on.value = contract.signed_on if contract else None
            self.fee.value = contract.fee if contract else 0.0

    def _changed(self, _change) -> None:
        if self.read_only:
            return
        if not self.number.value.strip() or self.signed_on.value is None:
            self.message.value = message_html("填写合同编号和签订日期后自动保存",
                                              "saved as soon as the number and the signing date are filled in",
                                              LOCKED_STYLE)
            return
        self.save()

    def save(self) -> None:
        if not self.write(lambda: self.workbench.save_contract(self.audit_id, self.number.value,
                                                               self.signed_on.value, self.fee.value),
                          "合同已保存", "contract saved"):
            with unobserved(self._changed, *self.controls):
                self._show_stored()
