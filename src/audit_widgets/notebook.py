"""What a stage notebook calls: open the stage, show its widgets, finish it.

```python
stage = open_stage("characteristic", applicant_id, audit=audit, mode=mode, database_url=database_url)
stage.show()    # interactive: editable widgets; batch: the same widgets, read-only
stage.finish()  # batch: compute, record the stage result, write outputs/<applicant>/<notebook>.json
```
A stage whose prerequisite has no result says so plainly, in Chinese and English. Which
widgets a stage shows and what it computes is the stage registry's (`audit_widgets.stages`).
"""
from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML, display

from . import __version__
from .contract import Action
from .errors import PermissionDenied, TamperedError, WorkbenchError
from .files import write_atomically
from .identity import notebook_identity, under_hub
from .paths import audit_key, audit_outputs_dir
from .render.html import ERROR_STYLE, LOCKED_STYLE, error_html, message_html, person
from .scheme import load_scheme
from .settings import USER_ENV, current
from .stages import StageOutcome, StageView, registry, run_stage
from .store.repository import Workbench
from .team import open_workbench

MODES = ("interactive", "batch")


class StageNotebook:
    """One procedure stage of one applicant, as its notebook shows it."""

    def __init__(self, stage_id: str, applicant_id: str, *, audit: int | None = None, mode: str = "interactive",
                 database_url: str | None = None, scheme_dir: str | None = None, auditor: str | None = None):
        if mode not in MODES:
            raise WorkbenchError(f"mode 应为 interactive 或 batch，实为「{mode}」",
                                 f"mode must be 'interactive' or 'batch', got '{mode}'")
        scheme = load_scheme(scheme_dir)
        self.workbench = open_workbench(database_url, scheme, notebook_identity(auditor))
        self.person = next((a for a in self.workbench.auditors() if a.id == self.workbench.actor), None)
        self.registered = registry.get(stage_id)  # a plain message for an unknown stage
        self.stage = scheme.procedure_by_id[stage_id]
        self.applicant_id = applicant_id
        self.mode = mode
        self.applicant = self.workbench.get_applicant(applicant_id)
        current = self.workbench.current_audit(applicant_id)
        self.audit_id = self.workbench.resolve_audit(applicant_id, audit, open_if_none=True)
        self.audit = self.workbench.audit(self.audit_id)
        self.is_current_audit = current is None or self.audit_id == current
        self.missing = self.workbench.missing_prerequisites(self.audit_id, stage_id)
        # An unknown person may look but not write: every write must be traceable to someone.
        self.read_only = mode == "batch" or self.person is None
        self.outcome: StageOutcome | None = None

    @property
    def blocked(self) -> bool:
        return bool(self.missing)

    def view(self) -> StageView:
        return StageView(self.workbench, self.applicant_id, self.audit_id, self.stage, self.read_only,
                         whole=self.mode == "batch")

    def stage_widgets(self) -> list[widgets.Widget]:
        """The registered widgets of the stage, all built, bound to the audit the notebook opened."""
        view = self.view()
        return [w for cls in self.registered.widget_classes() for w in cls.for_stage(view)]

    def identity_html(self) -> str:
        """Who is acting, and in what role on this audit; or how to say who you are."""
        if self.mode == "batch":
            return ""
        if self.person is None:
            actor = html.escape(self.workbench.actor)
            if current().service:
                return not_registered_html(self.workbench.actor)
            return (f'<div style="{ERROR_STYLE}">未能识别您的身份（{actor} 不是登记的审查员或委员），本页只读。'
                    f"请在下方「您是」中选择您的姓名，"
                    f"或在笔记本第一个代码单元格（参数单元格）设置 <code>auditor = \"您的编号\"</code> 后重新运行全部单元格，"
                    f"或设置环境变量 "
                    f"<code>{USER_ENV}</code>。<br>Unknown identity ({actor} is not a registered auditor or "
                    f"committee member): this page is read-only. Pick your name under 您是 below, or set "
                    f"<code>auditor = \"YOUR ID\"</code> in the "
                    f"notebook's first code cell (the parameters cell) and run all cells again, or set the "
                    f"environment variable <code>{USER_ENV}</code>.</div>")
        from .widgets.whoami import roles_text
        held = self.workbench.roles_held(self.person.id, self.audit_id) or set()
        on_team = held & {"team_leader", "team_member"}
        roles = roles_text(self.workbench, self.person.id, self.audit_id)
        english = ", ".join(r.replace("_", " ") for r in sorted(held - ({"team_member"} if "team_leader" in held else set())))
        role = (roles or "无角色 no role") + ("" if on_team else "；不在本次审查组") + (f" / {english}" if english else "")
        return (f"<p>您是 / you are: <b>{html.escape(self.person.name)} {html.escape(self.person.id)}</b>，"
                f"{html.escape(role)}</p>")

    def header(self) -> widgets.HTML:
        signed = self.workbench.stage_result(self.audit_id, self.stage.id)
        signer = person(self.workbench.people_names(), signed.signed_by) if signed and signed.signed else ""
        state = (f'<span style="{LOCKED_STYLE}">🔒 已签署 signed off by {html.escape(signer)}</span>'
                 if signed and signed.signed else "")
        audit_name = self.workbench.scheme.audit_type(self.audit.audit_type).name
        earlier = "" if self.is_current_audit else "（较早的审核，只读参考 an earlier audit）"
        return widgets.HTML(f"<h2>{self.stage.notebook[:2]} {html.escape(self.stage.name)} — "
                            f"{html.escape(self.applicant.name)}（{html.escape(self.applicant_id)}）</h2>"
                            f"<p>审核 audit {self.audit_id}：{html.escape(audit_name)} "
                            f"{self.audit.audit_type}，{self.audit.submitted_on}{earlier}</p>"
                            f"{self.identity_html()}{state}")

    def blocked_message(self) -> str:
        names = "、".join(s.name for s in self.missing)
        ids = ", ".join(s.id for s in self.missing)
        return (f'<div style="{ERROR_STYLE}"><b>本阶段尚不能开始：请先完成 {html.escape(names)}</b><br>'
                f"This stage cannot start yet: finish {html.escape(ids)} first.</div>")

    def show(self) -> None:
        if self.mode == "batch":
            self.show_static()
            return
        from .widgets.kernel_watch import KernelWatch
        from .widgets.sections import StageSections, in_sections
        from .widgets.summary import StageSummary
        from .widgets.whoami import WhoAmI
        display(KernelWatch())  # dead widgets after a restart say so, and stop taking input
        display(self.header())
        if self.person is None and not under_hub():
            display(WhoAmI(self.workbench))
        if self.blocked:
            display(HTML(self.blocked_message()))
            return
        view = self.view()
        classes = self.registered.widget_classes()
        if in_sections(view, classes):  # one tab per method, built when opened
            sections = StageSections(view, classes)
            display(sections)
            self.widgets = sections.widgets_built()
        else:
            self.widgets = [w for cls in classes for w in cls.for_stage(view)]
            for widget in self.widgets:
                display(widget)
        display(StageSummary(self))

    def show_static(self) -> None:
        """Batch: the same widgets, built offline and shown as HTML and SVG, so that the
        executed notebook carries no widget state and reads as a document."""
        from .widgets.static import offline, static_html
        produced = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
        banner = (f'<p style="{LOCKED_STYLE}">批量运行生成的只读文件（{produced}）：上方的操作说明适用于在 JupyterLab 中填写。'
                  f"<br>A read-only document produced by a batch run ({produced}); the instructions above are for "
                  "filling the workbook in JupyterLab.</p>")
        with offline():
            parts = [static_html(self.header()), banner]
            if self.blocked:
                parts.append(self.blocked_message())
            else:
                self.widgets = self.stage_widgets()
                parts += [static_html(widget) for widget in self.widgets]
        display(HTML("".join(parts)))

    def finish(self) -> None:
        """Batch: compute the stage, record its result (kept as `self.outcome`), write the results
        file. Interactive: the auditor records the result with the button once the widgets are
        filled in. Returns nothing: a cell's last value would be printed into the document."""
        if self.mode == "interactive":
            display(HTML(self.next_steps_html()))
            return
        outcome = run_stage(self.workbench, self.stage.id, self.applicant_id, self.audit_id, start=False)
        self.outcome = outcome
        path = self.write_results(outcome)
        display(HTML(outcome_html(outcome) + f"<p><small>结果文件 results: {html.escape(str(path))}</small></p>"))
        if outcome.status == "tampered":  # the batch must not count this run as done
            raise TamperedError(outcome.zh, outcome.en)

    def next_steps_html(self) -> str:
        """Links to the stages that follow this one. Where the stage stands is shown, live, by
        the summary above (text written here at run time would go stale after a sign-off)."""
        recorded = self.workbench.stage_results(self.audit_id)
        has_certificate = self.workbench.certificate_for(self.applicant_id) is not None
        following = self.workbench.scheme.next_stages(self.stage.id, self.audit.audit_type, recorded, has_certificate)
        links = "".join(f'<li><a href="{html.escape(s.notebook)}.ipynb">{html.escape(s.notebook[:2])} '
                        f"{html.escape(s.name)}</a></li>" for s in following)
        return f"<p>下一步 / next:</p><ul>{links}</ul>" if links else ""

    def write_results(self, outcome: StageOutcome) -> Path:
        scheme = self.workbench.scheme
        earlier = None if self.is_current_audit else audit_key(self.audit_id, self.audit.audit_type)
        path = audit_outputs_dir(self.applicant_id, earlier) / f"{self.stage.notebook}.json"
        payload = {
            "applicant_id": self.applicant_id, "audit": {"id": self.audit_id, "type": self.audit.audit_type},
            "stage": self.stage.id, "notebook": self.stage.notebook,
            "status": outcome.status, "message": {"zh": outcome.zh, "en": outcome.en},
            "scheme": {"name": scheme.meta.name, "version": scheme.meta.version, "fingerprint": scheme.fingerprint},
            "package_version": __version__,
            "computed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "result": outcome.result,
        }
        return write_atomically(path, json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def outcome_html(outcome: StageOutcome) -> str:
    if outcome.status == "done":
        return message_html("本阶段结果已记录", "the stage result is recorded")
    if outcome.status == "skipped":
        return message_html(outcome.zh, outcome.en)
    return f'<div style="{ERROR_STYLE}">{html.escape(outcome.zh)}<br><small>{html.escape(outcome.en)}</small></div>'


def _show_plainly(shell, etype, value, tb, tb_offset=None):
    """IPython hook: a WorkbenchError in a notebook cell shows as a message, not a traceback."""
    display(HTML(error_html(value)))


def open_stage(stage_id: str, applicant_id: str, **options) -> StageNotebook:
    """Open a stage for an applicant. In a notebook, workbench errors then show as plain
    bilingual messages (the cell still counts as failed, so a batch run notices)."""
    from IPython import get_ipython
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((WorkbenchError,), _show_plainly)
    try:
        return StageNotebook(stage_id, applicant_id, **options)
    except PermissionDenied:
        # Opening the applicant's first audit is a write: someone unknown is refused it. Offer
        # the picker with the refusal, so a newcomer is not left without a way to say who they are.
        if shell is not None and options.get("mode", "interactive") == "interactive" and not under_hub():
            workbench = Workbench(options.get("database_url"), load_scheme(options.get("scheme_dir")),
                                  notebook_identity(options.get("auditor")))
            if workbench.actor not in workbench.people_names():
                from .widgets.whoami import WhoAmI
                display(WhoAmI(workbench))
        raise


def not_registered_html(hub_name: str) -> str:
    """A team deployment's hub user who is not in the people records: they may look, not write."""
    name = html.escape(hub_name)
    return (f'<div style="{ERROR_STYLE}">您的登录名 {name} 不在认证机构的人员记录中，本页只读。如您应参与审核，请联系管理员'
            f"在人员记录中登记您。<br>Your login {name} is not in the body's people records: these pages are "
            f"read-only for you. If you should take part, ask the administrator to register you.</div>")


def show_overview(*, database_url: str | None = None, scheme_dir: str | None = None,
                  auditor: str | None = None) -> None:
    """00_overview: every applicant's stages, with links to the per-applicant copies."""
    from .widgets.kernel_watch import KernelWatch
    from .widgets.overview import OverviewTable
    scheme = load_scheme(scheme_dir)
    workbench = open_workbench(database_url, scheme, notebook_identity(auditor))
    display(KernelWatch())
    if current().service:  # behind the hub: who they are, as the hub said
        people = workbench.people_names()
        display(HTML(f"<p>您是 / you are: <b>{html.escape(people[workbench.actor])} {html.escape(workbench.actor)}</b></p>"
                     if workbench.actor in people else not_registered_html(workbench.actor)))
    OverviewTable(workbench, workbench.actor).show()


def show_complaints_and_appeals(*, mode: str = "interactive", database_url: str | None = None,
                                scheme_dir: str | None = None, auditor: str | None = None) -> None:
    """11_complaints_and_appeals: every complaint and appeal, and the forms to handle them.
    Batch: the same lists as a read-only document."""
    from .widgets.base import permission_refusal
    from .widgets.complaints import ComplaintsAndAppeals
    scheme = load_scheme(scheme_dir)
    workbench = open_workbench(database_url, scheme, notebook_identity(auditor))
    # an unknown person, or one who may not handle complaints, may look but not write
    panel = ComplaintsAndAppeals(workbench, read_only=mode == "batch"
                                 or permission_refusal(workbench, Action.COMPLAINTS, None) is not None)
    if mode == "batch":
        from .widgets.static import offline, static_html
        with offline():
            display(HTML(static_html(panel)))
    else:
        from .widgets.kernel_watch import KernelWatch
        display(KernelWatch(), panel)
