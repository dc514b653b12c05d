"""ChecklistWidget: the scheme's items for one method, filtered to the applicant's domains.

One page of rows is on screen at a time, so a checklist of 150 items costs no more widgets
than one of 20. Each change is written to the store at once; the running score per
dimension is recomputed by the same `evaluate` the batch run uses.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle

from ..contract import Action
from ..domain import Answer, AnswerRecord
from ..errors import DatabaseBusy, ReasonRequired, WorkbenchError
from ..evaluation import evaluate
from ..render.html import ERROR_COLOUR, ERROR_STYLE, WARNING_STYLE, error_html, gates_html, message_html
from ..scheme import ChecklistItem
from .base import BoundWidget, note_layout, page_options, unobserved
from .upload import ChunkedUpload

# ipywidgets shows a None value as no selection, so "no answer" and "no grade" are "".
UNANSWERED = ""
NO_GRADE = ("—", "")
JUDGEMENT_LABELS = {"qualitative": "定性", "sample": "抽样", "measure": "测量"}
NOTE_PLACEHOLDER = "证据说明 / note"
REASON_PLACEHOLDER = "请写明理由 / reason required"
NEEDS_REASON_CSS = f".aw-needs-reason input {{ border: 2px solid {ERROR_COLOUR} !important; background: #fff5f5; }}"


class RowLook:
    """The layouts and styles every row of a checklist shares: one model each instead of one per
    row and control (a row built its own ten, and building them was a third of opening 04)."""

    def __init__(self):
        self.label = widgets.Layout(flex="1 1 340px", min_width="300px")
        self.result = widgets.Layout(width="420px", flex="0 0 420px")
        self.result_style = widgets.ToggleButtonsStyle(button_width="76px")
        self.checked = widgets.Layout(width="120px")
        self.checked_style = DescriptionStyle(description_width="32px")
        self.nonconforming = widgets.Layout(width="130px")
        self.nonconforming_style = DescriptionStyle(description_width="44px")
        self.measured = widgets.Layout(width="120px")
        self.note = note_layout()
        self.grade = widgets.Layout(width="130px")
        self.evidence = widgets.Layout(width="36px")
        self.controls = widgets.Layout(flex="0 1 auto", flex_flow="row wrap", align_items="center")
        self.row = widgets.Layout(border_bottom="1px solid #eee", align_items="center", flex_flow="row wrap")


class ChecklistRow(widgets.HBox):
    """One item: its text, the result, sample counts, a note and a finding grade."""

    def __init__(self, item: ChecklistItem, checklist: ChecklistWidget):
        self.item = item
        self.checklist = checklist
        scheme = checklist.scheme
        veto = f" <b style='{ERROR_STYLE}'>否决项</b>" if item.veto else ""
        shared = checklist.row_look
        self.label = widgets.HTML(
            f"<b>{item.id}</b> {html.escape(item.text)}{veto}<br><small>{scheme.dimension_names[item.dimension]} · "
            f"{item.points:g} 分 · {JUDGEMENT_LABELS[item.judgement]} · 证据：{html.escape(item.evidence)}</small>",
            layout=shared.label)
        self.result = widgets.ToggleButtons(
            options=[("未答", UNANSWERED)] + [(r.name, r.id) for r in scheme.answer_results],
            style=shared.result_style, layout=shared.result)
        # The counts exist on sample items only and the measured value on measure items only: a
        # control a row does not show would still be a widget model the browser builds.
        sample, measure = item.judgement == "sample", item.judgement == "measure"
        self.checked = widgets.BoundedIntText(min=0, max=100000, description="抽查", layout=shared.checked,
                                              style=shared.checked_style) if sample else None
        self.nonconforming = widgets.BoundedIntText(min=0, max=100000, description="不符合",
                                                    layout=shared.nonconforming,
                                                    style=shared.nonconforming_style) if sample else None
        self.measured = widgets.HTML(layout=shared.measured) if measure else None
        # Saved when the auditor leaves the field, not per keystroke (one version per note).
        self.note = widgets.Text(placeholder=NOTE_PLACEHOLDER, continuous_update=False, layout=shared.note)
        self.grade = widgets.Dropdown(options=[NO_GRADE] + [(g.name, g.id) for g in scheme.finding_grades],
                                      layout=shared.grade)
        self.evidence_button = widgets.Button(icon="paperclip", tooltip="证据文件 / evidence files",
                                              layout=shared.evidence)
        self.evidence_button.on_click(lambda _: checklist.select_for_evidence(item.id))
        extra = [c for c in (self.checked, self.nonconforming, self.measured) if c is not None]
        # The row wraps instead of squeezing: when the line is too short for the item text and the
        # controls side by side, the controls move below the text (no column one character wide).
        controls = widgets.HBox([self.result, *extra, self.note, self.grade, self.evidence_button],
                                layout=shared.controls)
        super().__init__([self.label, controls], layout=shared.row)
        self.add_class("aw-checklist-row")  # for the browser layout test
        self.inputs = tuple(c for c in (self.result, self.checked, self.nonconforming, self.grade, self.note)
                            if c is not None)
        for control in self.inputs:
            control.observe(self._changed, names="value")

    def controls(self):
        return tuple(c for c in (self.result, self.checked, self.nonconforming, self.note, self.grade,
                                 self.evidence_button) if c is not None)

    def load(self, record: AnswerRecord | None, measured: float | None, from_cases: Answer | None = None) -> None:
        """Show the stored answer without writing it back. A sample item the auditor has not
        answered shows the counts of the case verification, which is what the score uses."""
        answer = record.answer if record else (from_cases or Answer())
        with unobserved(self._changed, *self.inputs), self.hold_sync():
            self.result.value = answer.result or UNANSWERED
            if self.checked is not None and self.nonconforming is not None:
                self.checked.value = answer.checked or 0
                self.nonconforming.value = answer.nonconforming or 0
            self.note.value = record.note if record else ""
            self.ask_for_reason(False)
            self.grade.value = (record.finding_grade if record else None) or ""
            files = len(record.evidence) if record else 0
            self.evidence_button.description = str(files) if files else ""
            if self.measured is not None:
                self.measured.value = "—" if measured is None else f"实测 {measured:.4g}"

    def ask_for_reason(self, asked: bool) -> None:
        """Mark the note as the reason still to write: the answer waits on screen until then."""
        self.note.placeholder = REASON_PLACEHOLDER if asked else NOTE_PLACEHOLDER
        (self.note.add_class if asked else self.note.remove_class)("aw-needs-reason")

    def answer(self) -> Answer:
        if self.checked is None or self.nonconforming is None or self.checked.value <= 0:
            return Answer(result=self.result.value or None)
        return Answer(result=self.result.value or None, checked=self.checked.value,
                      nonconforming=self.nonconforming.value)

    def _changed(self, _change) -> None:
        self.checklist.save_row(self)


class ChecklistWidget(BoundWidget):
    """The checklist of one method (5.1a … 5.2c) for one audit."""
    writes = Action.EVALUATION

    def __init__(self, workbench, applicant_id: str, method: str, *, audit_id: int | None = None,
                 read_only: bool = False, page_size: int = 20, items: list[ChecklistItem] | None = None,
                 evaluation=None):
        self.method = method
        super().__init__(workbench, applicant_id, audit_id, read_only)
        domains = workbench.audit_domains(self.audit_id)  # a scope extension adds domains
        self.items = items if items is not None else self.scheme.items_for(domains, method)
        self.page_size = page_size
        # KPIs and survey figures change only on an import: reuse the stage's evaluation when given.
        self.evaluation = evaluate(workbench, applicant_id, self.audit_id, reuse=evaluation)
        self.peers: list[ChecklistWidget] = [self]  # the checklists of the same stage share one score
        self.records = workbench.answer_records(self.audit_id)
        self.row_look = RowLook()
        self.rows = [ChecklistRow(item, self) for item in self.items[:page_size]]

        options = page_options(len(self.items), page_size)
        self.page = widgets.Dropdown(
            options=options,
            description="页 page", layout=widgets.Layout(width="260px"))
        self.page.observe(lambda change: self.show_page(change["new"]), names="value")
        if len(options) == 1:
            self.page.layout.display = "none"  # one page needs no pager
        self.progress = widgets.HTML()
        self.score = widgets.HTML()
        self.evidence_item = widgets.HTML()
        self.upload = ChunkedUpload(multiple=True, description="上传证据 / upload", message=self.message)
        self.upload.observe(self._uploaded, names="value")
        self.selected_item: str | None = None
        self.rows_box = widgets.VBox(self.rows)
        method_name = next(m.name for m in self.scheme.methods if m.id == method)
        header = widgets.HTML(f"<h3>{method} {html.escape(method_name)}（{len(self.items)} 项 items）</h3>"
                              f"<style>{NEEDS_REASON_CSS}</style>")
        self.add_class("aw-checklist")  # for the browser tests
        self.page.add_class("aw-checklist-page")
        self.pending_row: ChecklistRow | None = None  # a change kept on screen, not saved yet
        self.retry = widgets.Button(description="重试保存 / retry", icon="refresh",
                                    layout=widgets.Layout(display="none"))
        self.retry.on_click(lambda _: self.save_row(self.pending_row))
        # As 04's case sample has: everything conforming first, then the auditor flags the exceptions.
        # Short enough not to be cut beside the file browser at 1280 px; the rest is in the tooltip
        # and in the message after the click.
        self.mark_button = widgets.Button(description="未答的定性条目全部标为符合 / mark the unanswered conforming",
                                          tooltip="再逐项标出例外 / then flag the exceptions",
                                          layout=widgets.Layout(width="auto"), disabled=self.read_only)
        self.mark_button.on_click(lambda _: self.mark_conforming())
        self.children = [header, self.lock_banner(), widgets.HBox([self.page, self.progress]), self.mark_button,
                         self.rows_box,
                         widgets.HBox([self.evidence_item, self.upload]), widgets.HBox([self.message, self.retry]),
                         self.score]
        self.show_page(0)

    @classmethod
    def for_stage(cls, view) -> list[ChecklistWidget]:
        """One checklist per method of the stage's modes that the audit covers, sharing the stage's
        evaluation."""
        return [cls.for_method(view, method) for method in view.workbench.scheme.methods_of(view.stage, view.methods)]

    @classmethod
    def for_method(cls, view, method: str) -> ChecklistWidget:
        """The checklist of one method, joined to the stage's others (built now or later, in a
        section opened later): they share one score, and an import re-reads them all."""
        checklist = cls(view.workbench, view.applicant_id, method, audit_id=view.audit_id, read_only=view.read_only,
                        evaluation=view.evaluation, **view.paging())
        checklist.peers = view.checklists
        if not view.checklists:
            view.data_listeners.append(checklist.reread_data)
        view.checklists.append(checklist)
        return checklist

    def reread_data(self) -> None:
        """After an import: measure the KPIs and the survey again, and show the new figures in
        every checklist of the stage."""
        evaluation = evaluate(self.workbench, self.applicant_id, self.audit_id)
        for checklist in self.peers:
            checklist.evaluation = evaluation
            checklist.show_page(checklist.page.value or 0)

    def lock_stage(self):
        return self.scheme.stage_recording_mode(self.scheme.method_mode[self.method])

    # --- display ------------------------------------------------------------------------
    def show_page(self, page: int) -> None:
        start = page * self.page_size
        shown = self.items[start:start + self.page_size]
        measures = self.evaluation.measures()
        for row, item in zip(self.rows, shown):
            if row.item is not item:
                new_row = ChecklistRow(item, self)
                self.rows[self.rows.index(row)] = new_row
                row.close()
                row = new_row
            self._load_row(row, measures)
        self.rows_box.children = self.rows[:len(shown)]
        self._set_disabled(self.read_only)
        self.refresh_score()

    def _load_row(self, row: ChecklistRow, measures: dict[str, float] | None = None) -> None:
        item = row.item
        measures = self.evaluation.measures() if measures is None else measures
        measured = measures.get(item.measure) if item.measure else None
        row.load(self.records.get(item.id), measured, self.evaluation.case_answers.get(item.id))

    def _set_disabled(self, disabled: bool) -> None:
        for row in self.rows:
            for control in row.controls():
                control.disabled = disabled
        self.upload.disabled = disabled
        self.mark_button.disabled = disabled

    def refresh_score(self) -> None:
        """Rescore once and show it in this checklist and in every other checklist of the stage,
        so no section shows a stale total."""
        evaluation = evaluate(self.workbench, self.applicant_id, self.audit_id, reuse=self.evaluation)
        for checklist in self.peers:
            checklist.evaluation = evaluation
            checklist.render_score()

    def render_score(self) -> None:
        """The count of what needs an answer, and the running score beside its gates: provisional
        while items are unanswered, and never a level shown without what blocks it."""
        score = self.evaluation.score
        scored = {i.item_id: i for i in score.items}
        from_data = [item for item in self.items if item.judgement == "measure" and item.id in scored
                     and scored[item.id].status == "scored" and not self._answered_by_hand(item.id)]
        needing = [item for item in self.items if item not in from_data]
        answered = sum(1 for item in needing if item.id in scored and scored[item.id].status != "unanswered")
        self.progress.value = (f"&nbsp;已答 {answered}/{len(needing)} answered"
                               + (f"（另 {len(from_data)} 项由监测数据计分 / {len(from_data)} scored from data）"
                                  if from_data else ""))
        cells = "".join(
            f"<td style='padding:2px 10px'>{self.scheme.dimension_names[d]}<br><b>{v:.1f}</b></td>"
            for d, v in score.dimension_scores.items())
        # The score is the audit's, the same in each checklist of the stage (its count too); the
        # count above is this checklist's.
        stage_items = {item.id for checklist in self.peers for item in checklist.items}
        in_stage = sum(1 for item_id in score.unanswered if item_id in stage_items)
        provisional = (message_html(f"暂定分：本次审核尚有 {len(score.unanswered)} 项未答（本阶段 {in_stage} 项），"
                                    "未答条目不计分",
                                    f"provisional: {len(score.unanswered)} items of the audit unanswered ({in_stage} "
                                    "in this stage); they are not scored", WARNING_STYLE)
                       if score.unanswered else "")
        verdict = ("" if score.certifiable else
                   f"<br><b style='{ERROR_STYLE}'>不可认证 not certifiable</b>")
        label = "暂定总分 provisional score" if score.unanswered else "总分 score"
        self.score.value = (
            f"{provisional}<div style='display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start'>"
            f"<table><tr>{cells}<td style='padding:2px 10px'>{label}<br><b>{score.score:.1f}</b></td>"
            f"<td style='padding:2px 10px'>等级 level<br><b>{score.level.label} {score.level.name}</b>{verdict}</td>"
            f"</tr></table><div><b>等级门槛 gates</b>{gates_html([g.__dict__ for g in score.gates])}</div></div>")

    def _answered_by_hand(self, item_id: str) -> bool:
        record = self.records.get(item_id)
        return record is not None and record.answer.result is not None

    # --- writes -------------------------------------------------------------------------
    def save_row(self, row: ChecklistRow) -> None:
        if self.read_only:
            return
        self.retry.layout.display = "none"
        record = self.records.get(row.item.id)
        try:
            self.workbench.save_answer(self.audit_id, row.item.id, row.answer(), note=row.note.value,
                                       finding_grade=row.grade.value or None,
                                       expected_version=record.version if record else 0)
        except ReasonRequired as exc:
            # Keep the choice on screen and save it with the reason, rather than lose it.
            row.ask_for_reason(True)
            self.message.value = message_html(f"{exc.zh}。写明理由后自动保存。", f"{exc.en}; it is saved once written.",
                                              style=WARNING_STYLE)
            return
        except DatabaseBusy as exc:
            self._keep_for_retry(row, exc)
            return
        except WorkbenchError as exc:  # refused (or stale: someone saved since): show what the store holds
            self.message.value = error_html(exc)
            self.records = self.workbench.answer_records(self.audit_id)
            self._load_row(row)
            return
        except Exception as exc:  # noqa: BLE001  (a lost connection, a bug: the value stays for a retry)
            self._keep_for_retry(row, exc)
            return
        row.ask_for_reason(False)
        self.records = self.workbench.answer_records(self.audit_id)
        self.message.value = message_html(f"{row.item.id} 已保存", f"{row.item.id} saved")
        self.refresh_score()

    def mark_conforming(self) -> None:
        """Answer 符合 for every qualitative item of this checklist nobody has answered (one write
        each, as if clicked); the first refusal stops it and is shown."""
        if self.read_only:
            return
        open_items = [item for item in self.items if item.judgement == "qualitative" and item.id not in self.records]
        for item in open_items:
            try:
                self.workbench.save_answer(self.audit_id, item.id, Answer("conform"), expected_version=0)
            except WorkbenchError as exc:
                self.message.value = error_html(exc)
                break
        else:
            self.message.value = message_html(f"{len(open_items)} 项已标为符合，请逐项标出例外",
                                              f"{len(open_items)} items marked conforming: now flag the exceptions")
        self.records = self.workbench.answer_records(self.audit_id)
        self.show_page(self.page.value or 0)

    def _keep_for_retry(self, row: ChecklistRow, exc: BaseException) -> None:
        """Not saved for a reason that may pass (a busy database): the value stays on screen."""
        self.message.value = error_html(exc)
        self.pending_row = row
        self.retry.layout.display = None

    def select_for_evidence(self, item_id: str) -> None:
        self.selected_item = item_id
        record = self.records.get(item_id)
        files = record.evidence if record else ()
        listed = "".join(f"<li>{html.escape(f.filename)} <small>SHA-256 {f.sha256[:16]}…</small></li>"
                         for f in files)
        self.evidence_item.value = f"<b>{item_id}</b> 的证据 evidence：<ul>{listed or '<li>（无 none）</li>'}</ul>"

    def _uploaded(self, change) -> None:
        if not change["new"] or self.read_only:
            return
        if self.selected_item is None:
            self.message.value = message_html("请先点击条目旁的 📎 选择条目", "Click an item's 📎 first")
            return
        for upload in change["new"]:
            content = bytes(upload["content"])
            if not self.write(lambda: self.workbench.add_evidence(self.audit_id, self.selected_item, content,
                                                                  upload["name"]),
                              f"已保存证据 {upload['name']}", f"evidence {upload['name']} kept"):
                break
        self.upload.value = ()
        self.records = self.workbench.answer_records(self.audit_id)
        self.select_for_evidence(self.selected_item)
        self.show_page(self.page.value)
