"""ParticularsForm (06): what the team states in the report beside the checklists, one field
per report_particulars entry of the scheme (the client's representative, observers and guides,
changes since the last audit, the internal audit and management review, the use of the
certificate and mark, issues for the audit programme). Saved with one button; locked when the
report is signed."""
from __future__ import annotations

import ipywidgets as widgets

from ..contract import Action
from .base import BoundWidget

NOT_CHOSEN = ""


class ParticularsForm(BoundWidget):
    edits = "particulars"
    writes = Action.EVALUATION

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        audit_type = workbench.audit(self.audit_id).audit_type
        recorded = workbench.particulars(self.audit_id)
        layout = widgets.Layout(width="95%")
        self.fields: dict[str, widgets.ValueWidget] = {}
        rows = []
        for particular in self.scheme.report_particulars:
            required = audit_type in particular.required_for
            label = f"{particular.name}{' *' if required else ''}<br><small>{particular.name_en}</small>"
            value = recorded[particular.id].value if particular.id in recorded else ""
            if particular.choices:
                field = widgets.Dropdown(options=[("—", NOT_CHOSEN), *((c.name, c.id) for c in particular.choices)],
                                         value=value if value in {c.id for c in particular.choices} else NOT_CHOSEN,
                                         layout=layout)
            else:
                field = widgets.Textarea(value=value, placeholder=particular.hint or "", rows=2, layout=layout)
            field.disabled = self.read_only
            self.fields[particular.id] = field
            rows.append(widgets.VBox([widgets.HTML(label), field]))
        self.save_button = widgets.Button(description="保存报告事项 / save", disabled=self.read_only,
                                          layout=widgets.Layout(width="auto"))
        self.save_button.on_click(lambda _: self.save())
        self.children = [widgets.HTML("<h3>审查组确认的事项 / what the audit team states</h3>"
                                      "<p><small>* 本次审核类型的报告必须写明 / required for this audit type's report"
                                      "</small></p>"),
                         self.lock_banner(), *rows, self.save_button, self.message]

    def save(self) -> None:
        self.write(lambda: self.workbench.save_particulars(
            self.audit_id, {pid: field.value or "" for pid, field in self.fields.items()}),
            "报告事项已保存", "saved")
