"""CallbackPanel (5.1a): the certification body's own call-backs. Draw the customers to call
from the customers served in the audit's evidence period (seed recorded), then record each call:
reached or not, and the customer's answers; they count in the survey statistics with their
channel, beside the imported questionnaire."""
from __future__ import annotations

import html
import secrets
from collections.abc import Callable

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle

from ..contract import Action, MethodId
from ..domain import Callback
from ..evidence import audit_evidence
from ..render.html import table_html
from ..rules.survey import NPS_KEY, callback_population, callback_record, draw_callbacks
from .base import BoundWidget, note_layout, page_options, unobserved
from .date_field import DateField
from .shared_models import own_layout

SEED_RANGE = 10**6
NOT_ASKED = ("—", None)
REACHED = (("—", "unknown"), ("接通 reached", "yes"), ("未接通 not reached", "no"))
REACHED_VALUES = {"unknown": None, "yes": True, "no": False}
REACHED_LABELS = {REACHED_VALUES[key]: label for label, key in REACHED}  # by the stored outcome


class RowLook:
    """The layouts and styles the rows share: one model each, not one per row and control."""

    def __init__(self):
        self.info, self.reached = widgets.Layout(width="210px"), widgets.Layout(width="130px")
        self.answer, self.answer_style = widgets.Layout(width="auto"), DescriptionStyle(description_width="initial")
        self.note, self.row = note_layout(), widgets.Layout(flex_flow="row wrap", align_items="baseline")


def questions(scheme) -> list[tuple[str, str, object]]:
    """What a call-back asks: the survey's indicators on the call-back scale, then NPS."""
    scale = scheme.survey_scales_by_id[scheme.survey_rules.callback_scale]
    return ([(i.id, i.name, scale) for i in scheme.survey_indicators]
            + [(NPS_KEY, "推荐意愿 NPS", scheme.survey_scales_by_id["nps"])])


class CallbackRow(widgets.HBox):
    """One drawn customer: the call's outcome and answers, saved as soon as they change. The
    questions appear once the call is reached: a call not made yet is three controls, not ten."""

    def __init__(self, customer: dict, call: Callback | None, scheme, on_change, disabled: bool,
                 look: RowLook | None = None):
        self.look = look or RowLook()
        self.scheme, self.on_change, self.disabled = scheme, on_change, disabled
        self.stored = call.answers if call else {}
        self.customer_id = str(customer["customer_id"])
        self.info = widgets.HTML(f"<b>{html.escape(self.customer_id)}</b> <small>"
                                 f"{html.escape(str(customer['served']))}</small>",
                                 layout=self.look.info)
        reached = next(k for k, v in REACHED_VALUES.items() if v is (call.reached if call else None))
        self.reached = widgets.Dropdown(options=REACHED, value=reached, layout=self.look.reached, disabled=disabled)
        self.answers: dict[str, widgets.Dropdown] = {}
        self.note = widgets.Text(value=call.note if call else "", placeholder="备注 note", disabled=disabled,
                                 layout=self.look.note)
        self.reached.observe(lambda _c: self._reached_changed(), names="value")
        self.note.observe(lambda _c: on_change(self), names="value")  # typed text is sent when it changes
        super().__init__(layout=self.look.row)
        self._show_questions(reached == "yes" or bool(self.stored))

    def _reached_changed(self) -> None:
        self._show_questions(self.reached.value == "yes")
        self.on_change(self)

    def _show_questions(self, shown: bool) -> None:
        if shown and not self.answers:
            for key, name, scale in questions(self.scheme):
                options = [NOT_ASKED] + [(str(v), v) for v in range(scale.min_value, scale.max_value + 1)]
                self.answers[key] = widgets.Dropdown(options=options, value=self.stored.get(key), description=name,
                                                     style=self.look.answer_style, layout=self.look.answer,
                                                     disabled=self.disabled)
                self.answers[key].observe(lambda _c: self.on_change(self), names="value")
        self.children = [self.info, self.reached, *self.answers.values(), self.note]

    def values(self) -> dict:
        return {"reached": REACHED_VALUES[self.reached.value],
                "answers": {k: c.value for k, c in self.answers.items() if c.value is not None},
                "note": self.note.value}


def calls_table(scheme, customers: list[dict], calls: dict[str, Callback]) -> str:
    """A page of calls as one table: what a reader (a decided audit, a person without the right
    to record) sees, one widget instead of ten a call."""
    asked = questions(scheme)
    rows = []
    for customer in customers:
        call = calls.get(str(customer["customer_id"]))
        rows.append({"customer": customer["customer_id"], "served": customer["served"],
                     "reached": REACHED_LABELS[call.reached if call else None],
                     "note": call.note if call else "",
                     **{key: (call.answers.get(key) if call else None) for key, _, _ in asked}})
    return table_html(rows, {"customer": "客户 customer", "served": "服务 served", "reached": "回访 call",
                             **{key: name for key, name, _ in asked}, "note": "备注 note"})


class CallbackPanel(BoundWidget):
    edits = "surveys"
    writes = Action.EVALUATION
    method_shown = MethodId.SURVEY

    paged = True  # five calls a page: 20 rows of nine controls were 300 widget models on opening 04

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False,
                 page_size: int = 5):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.page_size = page_size
        self.page = widgets.Dropdown(description="页 page", layout=widgets.Layout(width="260px", display="none"))
        self._page_chosen = lambda _change: self.show_page()
        self.page.observe(self._page_chosen, names="value")
        self.customers = callback_population(audit_evidence(workbench, self.audit_id).work_orders.records)
        # by customer, looked up for the page's five (a dict of every customer cost 0.04 s an opening)
        self.served = self.customers.set_index("customer_id")["served"]
        rules = self.scheme.survey_rules
        self.size = widgets.BoundedIntText(value=min(rules.callback_sample_size, len(self.customers)), min=0,
                                           max=max(len(self.customers), 1), description="回访客户数 customers",
                                           style={"description_width": "initial"}, disabled=self.read_only)
        # A fresh seed per audit, drawn here and recorded with the sample (which it reproduces).
        self.seed = widgets.IntText(value=secrets.randbelow(SEED_RANGE), description="随机种子 seed",
                                    style={"description_width": "initial"}, disabled=self.read_only)
        self.draw_button = widgets.Button(description="抽取回访客户 / draw the customers", button_style="primary",
                                          disabled=self.read_only, layout=widgets.Layout(width="auto"))
        self.draw_button.on_click(lambda _: self.draw())
        self.called_on = DateField(value=self.workbench.clock.today(), description="回访日期 called on",
                                   style={"description_width": "initial"}, disabled=self.read_only)
        self.drawing = widgets.HBox([self.size, self.seed, self.draw_button], layout=own_layout())
        self.record = widgets.HTML()
        self.rows_box = widgets.VBox()
        self.on_call: Callable[[], None] = lambda: None
        self.children = [
            widgets.HTML("<h3>5.1a 认证机构电话回访 / the certification body's call-backs</h3>"
                         f"<p><small>从证据期间内接受服务的 {len(self.customers)} 位客户中随机抽取，由审查组致电，答案按渠道"
                         "「电话回访」计入满意度统计 / customers served in the evidence period, drawn at random and "
                         "called by the team; their answers count in the survey with the channel phone call-back"
                         "</small></p>"),
            self.lock_banner(), self.drawing, self.called_on,
            self.record, self.page, self.rows_box, self.message]
        self.refresh()

    @classmethod
    def for_stage(cls, view) -> list[CallbackPanel]:
        [panel] = super().for_stage(view)
        panel.on_call = view.data_changed  # the stage's survey figures and checklists count the call
        return [panel]

    def draw(self) -> None:
        if self.read_only or self.customers.empty:
            return
        record = draw_callbacks(self.customers, self.size.value, seed=self.seed.value)
        if self.write(lambda: self.workbench.save_callback_sample(self.audit_id, record),
                      f"已抽取 {record.sample_size} 位回访客户", f"{record.sample_size} customers drawn to call"):
            self.refresh()

    def refresh(self) -> None:
        self.sample = self.workbench.callback_sample(self.audit_id)
        if self.sample is None:
            self.record.value = "<p>尚未抽取回访客户 / no customers drawn yet</p>"
            self.rows_box.children = ()
            return
        self._render_record()
        # once a customer is called the draw stands (the store refuses another): its controls go
        self.drawing.layout.display = "none" if self.sample.calls else None
        pages = page_options(len(self.sample.ids), self.page_size)
        shown = self.page.value if self.page.value is not None and self.page.value < len(pages) else 0
        with unobserved(self._page_chosen, self.page):  # the rows are built once, below
            self.page.options, self.page.value = pages, shown
        self.page.layout.display = None if len(pages) > 1 else "none"
        self.show_page()

    def show_page(self) -> None:
        """The rows of the page chosen: built when shown, from the calls as stored."""
        if self.sample is None or self.page.value is None:
            return
        start = self.page.value * self.page_size
        customers = [{"customer_id": c, "served": self.served.get(c, "")}
                     for c in self.sample.ids[start:start + self.page_size]]
        if self.read_only:
            self.rows_box.children = [widgets.HTML(calls_table(self.scheme, customers, self.sample.calls))]
            return
        look = RowLook()
        self.rows_box.children = [CallbackRow(customer, self.sample.calls.get(customer["customer_id"]), self.scheme,
                                              self._call, self.read_only, look) for customer in customers]

    def _render_record(self) -> None:
        s = callback_record(self.sample)  # what the stage's result keeps, in the same words as the report
        called = (f"；回访 called {s['first_call']}…{s['last_call']}，{html.escape('、'.join(s['called_by']))}"
                  if s["called"] else "")
        self.record.value = (f"<p>抽样记录 draw record：种子 seed {s['seed']}，客户总体 population {s['population_size']}，"
                             f"总体哈希 <code>{s['population_hash'][:16]}…</code>，抽取 drawn {s['drawn']}"
                             f"（{html.escape(s['drawn_by'])} {s['drawn_on']}），已回访 called {s['called']}，"
                             f"接通 reached {s['reached']}{called}</p>")

    def _call(self, row: CallbackRow) -> None:
        values = row.values()
        if values["reached"] is None:
            return  # nothing to record until the call's outcome is chosen
        called_on = self.called_on.value or self.workbench.clock.today()
        saved = self.write(lambda: self.workbench.record_callback(self.sample.id, row.customer_id,
                                                                  called_on=called_on, **values),
                           f"{row.customer_id} 回访已记录", f"{row.customer_id}'s call recorded")
        self.sample = self.workbench.callback_sample(self.audit_id)
        if saved:
            self._render_record()
            self.drawing.layout.display = "none"
            self.on_call()
