"""ContractForm: the certification contract that follows the review (stage 3)."""
from __future__ import annotations

from datetime import date

import ipywidgets as widgets

from .base import BoundWidget


class ContractForm(BoundWidget):
    stage_id = "contract"

    def __init__(self, workbench, applicant_id: str, application_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, application_id, read_only)
        recorded = (workbench.stage_result(self.application_id, "contract") or {}).get("result", {})
        programme = workbench.programme(self.application_id) or {}
        style = {"description_width": "120px"}
        self.number = widgets.Text(recorded.get("contract_no", ""), description="合同编号", style=style)
        signed = recorded.get("signed_on")
        self.signed_on = widgets.DatePicker(value=date.fromisoformat(signed) if signed else None,
                                            description="签订日期", style=style)
        self.fee = widgets.BoundedFloatText(recorded.get("fee", 0.0), min=0, max=10**8, description="认证费用（元）",
                                            style=style)
        self.person_days = widgets.HTML(f"<p>合同人日 person-days：<b>{programme.get('person_days', '—')}</b></p>")
        self.save_button = widgets.Button(description="保存合同 / save contract", button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        for control in (self.number, self.signed_on, self.fee, self.save_button):
            control.disabled = self.read_only
        self.children = [widgets.HTML("<h3>认证合同 / certification contract</h3>"), self.lock_banner(),
                         self.number, self.signed_on, self.fee, self.person_days, self.save_button, self.message]

    def save(self) -> None:
        programme = self.workbench.programme(self.application_id) or {}
        result = {"contract_no": self.number.value.strip(), "fee": self.fee.value,
                  "signed_on": self.signed_on.value.isoformat() if self.signed_on.value else None,
                  "person_days": programme.get("person_days")}
        if not result["contract_no"] or not result["signed_on"]:
            self.message.value = "<span style='color:#c62828'>请填写合同编号和签订日期 / contract number and date are required</span>"
            return
        self.write(lambda: self.workbench.record_stage_result(self.application_id, "contract", result),
                   "合同已保存", "contract saved")
