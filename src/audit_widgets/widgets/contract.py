"""ContractForm: the certification contract that follows the review (stage 3)."""
from __future__ import annotations

import ipywidgets as widgets

from .base import BoundWidget


class ContractForm(BoundWidget):
    edits = "contract"

    def __init__(self, workbench, applicant_id: str, application_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, application_id, read_only)
        contract = workbench.contract(self.application_id)
        programme = workbench.programme(self.application_id)
        style = {"description_width": "120px"}
        self.number = widgets.Text(contract.contract_no if contract else "", description="合同编号", style=style)
        self.signed_on = widgets.DatePicker(value=contract.signed_on if contract else None,
                                            description="签订日期", style=style)
        self.fee = widgets.BoundedFloatText(contract.fee if contract else 0.0, min=0, max=10**8,
                                            description="认证费用（元）", style=style)
        days = f"{programme.person_days:g}" if programme else "—"
        self.person_days = widgets.HTML(f"<p>合同人日 person-days：<b>{days}</b></p>")
        self.save_button = widgets.Button(description="保存合同 / save contract", button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        for control in (self.number, self.signed_on, self.fee, self.save_button):
            control.disabled = self.read_only
        self.children = [widgets.HTML("<h3>认证合同 / certification contract</h3>"), self.lock_banner(),
                         self.number, self.signed_on, self.fee, self.person_days, self.save_button, self.message]

    def save(self) -> None:
        self.write(lambda: self.workbench.save_contract(self.application_id, self.number.value, self.signed_on.value,
                                                        self.fee.value), "合同已保存", "contract saved")
