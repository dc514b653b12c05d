"""ApplicantForm: the application data with live validation, and the application documents."""
from __future__ import annotations

import html

import ipywidgets as widgets
from pydantic import ValidationError

from ..contract import Action
from ..imports.applicants import ApplicantData, check_applicant
from ..render.html import ERROR_STYLE, OK_STYLE
from ..rules.application import missing_documents
from ..rules.uscc import check_uscc
from ..scheme import Scheme
from .base import BoundWidget, unobserved
from .upload import ChunkedUpload

FIELD_LABELS = {
    "name": "企业名称 name", "uscc": "统一社会信用代码 USCC", "organisation_type": "组织类型 type",
    "domains": "认证领域 domains", "address": "地址 address", "personnel": "有效售后人员 personnel",
    "product_categories": "产品类别 categories", "goods": "商品 goods",
    "services": "服务内容 services", "sites": "全部场所（每行「类型：名称：人数：地址」）sites",
    "service_promises": "服务承诺（每行「指标：值」）promises",
}
SEPARATOR = "："


def sites_text(sites, scheme) -> str:
    """One line per site, 「类型：名称：人数：地址」, with the type's name from the scheme."""
    lines = []
    for site in sites:
        kind = scheme.site_types_by_id[site.type].name if site.type in scheme.site_types_by_id else site.type
        parts = [kind, site.name, "" if site.headcount is None else str(site.headcount), site.address]
        lines.append(SEPARATOR.join(parts).rstrip(SEPARATOR))
    return "\n".join(lines)


def parse_sites(text: str, scheme) -> list[dict]:
    """Lines 「类型：名称：人数：地址」 (the type by its name or id; headcount and address optional);
    a line without a type is a service outlet. A headcount that is not a number is passed on
    for the validation to name."""
    by_name = {t.name: t.id for t in scheme.site_types} | {t.id: t.id for t in scheme.site_types}
    sites = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.replace(":", SEPARATOR).split(SEPARATOR, 3)]
        if len(parts) == 1:
            parts = ["service_outlet", *parts]
        kind, name, headcount, address = (parts + ["", ""])[:4]
        if name:
            site: dict = {"name": name, "type": by_name.get(kind, kind), "address": address}
            if headcount:
                site["headcount"] = int(headcount) if headcount.isdigit() else headcount
            sites.append(site)
    return sites


def promises_text(scheme: Scheme, promises: dict) -> str:
    """One line 「指标名称：值」 per promise, the measure by its scheme name (not its id)."""
    names = {m.id: m.name for m in scheme.measures}
    return "\n".join(f"{names.get(k, k)}{SEPARATOR}{v:g}" for k, v in promises.items())


def parse_promises(text: str, scheme: Scheme | None = None) -> dict:
    """Lines 「指标：值」, the measure by its scheme name or id; a value that is not a number (or
    a measure the scheme does not name) is passed on for the validation to name."""
    ids = {m.name: m.id for m in scheme.measures} if scheme is not None else {}
    promises = {}
    for line in text.splitlines():
        measure, _, value = line.replace(":", SEPARATOR).partition(SEPARATOR)
        measure = ids.get(measure.strip(), measure)
        if measure.strip():
            try:
                promises[measure.strip()] = float(value)
            except ValueError:
                promises[measure.strip()] = value.strip()
    return promises


class ApplicantForm(BoundWidget):
    """Edits are checked as they are typed; only a complete, valid form is written."""

    edits = "applicant"
    writes = Action.APPLICANT

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        data = workbench.get_applicant(applicant_id).as_dict()
        style = {"description_width": "190px"}
        wide = widgets.Layout(width="560px")
        self.fields = {
            "name": widgets.Text(data["name"], layout=wide),
            "uscc": widgets.Text(data["uscc"], layout=wide),
            "organisation_type": widgets.Dropdown(options=[(t.name, t.id) for t in self.scheme.organisation_types],
                                                  value=data["organisation_type"]),
            "domains": widgets.SelectMultiple(options=[(f"{d.id}）{d.name}", d.id) for d in self.scheme.domains],
                                              value=tuple(data["domains"]), rows=4),
            "address": widgets.Text(data["address"], layout=wide),
            "personnel": widgets.BoundedIntText(data["personnel"], min=0, max=10**6),
            "product_categories": widgets.BoundedIntText(data["product_categories"], min=0, max=1000),
            "goods": widgets.Text(data["goods"], layout=wide),
            "services": widgets.Text(data["services"], layout=wide),
            "sites": widgets.Textarea(sites_text(workbench.get_applicant(applicant_id).sites, self.scheme),
                                      layout=widgets.Layout(width="560px", height="120px")),
            "service_promises": widgets.Textarea(
                promises_text(self.scheme, data["service_promises"]),
                placeholder=f"{self.scheme.measures_by_id['mean_time_to_resolve_hours'].name}{SEPARATOR}48"
                if "mean_time_to_resolve_hours" in self.scheme.measures_by_id else "",
                layout=widgets.Layout(width="560px", height="50px")),
        }
        for key, control in self.fields.items():
            control.description = FIELD_LABELS[key]
            control.style = style
            control.disabled = self.read_only
            control.observe(self._changed, names="value")
        self.uscc_status = widgets.HTML()
        self.problems = widgets.HTML()
        self.documents = widgets.VBox()
        self._render_uscc()
        self.children = [widgets.HTML(f"<h3>申请方 {html.escape(applicant_id)}</h3>"), self.lock_banner(),
                         *self.fields.values(), self.uscc_status, self.problems, self.message,
                         widgets.HTML("<h4>申请文件 / application documents</h4>"), self.documents]
        self._render_documents()

    def form_values(self) -> dict:
        values = {key: control.value for key, control in self.fields.items()}
        values["domains"] = list(values["domains"])
        values["sites"] = parse_sites(values["sites"], self.scheme)
        values["service_promises"] = parse_promises(values["service_promises"], self.scheme)
        values["uscc"] = values["uscc"].strip().upper()
        return {"id": self.applicant_id, **values}

    def _render_uscc(self) -> None:
        check = check_uscc(self.fields["uscc"].value.strip().upper())
        self.uscc_status.value = (f'<span style="{OK_STYLE}">✓ 统一社会信用代码有效 / USCC valid</span>' if check.valid
                                  else f'<span style="{ERROR_STYLE}">✗ {html.escape(check.reason)}</span>')

    def _changed(self, _change) -> None:
        self._render_uscc()
        try:
            data = ApplicantData.model_validate(self.form_values())
            problems = check_applicant(data, self.scheme)
        except ValidationError as exc:
            lines = [f"{FIELD_LABELS.get(str(e['loc'][0]), e['loc'][0])}：{e['msg']}" for e in exc.errors()]
        else:
            lines = [f"{FIELD_LABELS.get(p.column, p.column)}：{p.zh} / {p.en}" for p in problems]
        if lines:
            self.problems.value = (f'<div style="{ERROR_STYLE}">未保存，请修正 / not saved, please correct:<br>'
                                   + "<br>".join(html.escape(line) for line in lines) + "</div>")
            return
        self.problems.value = ""
        if not self.write(lambda: self.workbench.update_applicant(data)):
            self._show_stored()

    def _show_stored(self) -> None:
        """After a refused write the form shows what the store holds."""
        applicant = self.workbench.get_applicant(self.applicant_id)
        stored = applicant.as_dict()
        stored["sites"] = sites_text(applicant.sites, self.scheme)
        stored["service_promises"] = promises_text(self.scheme, applicant.service_promises)
        with unobserved(self._changed, *self.fields.values()), self.hold_sync():
            for key, control in self.fields.items():
                value = stored[key]
                control.value = tuple(value) if key == "domains" else value
        self._render_uscc()

    # --- documents ------------------------------------------------------------------------
    def _render_documents(self) -> None:
        submitted = self.workbench.documents(self.audit_id)
        rows = []
        for document in self.scheme.application_documents:
            files = submitted.get(document.id, [])
            mark = "✓" if files else ("✗ 必交 required" if document.required else "—")
            names = "，".join(html.escape(f.filename) for f in files)
            label = widgets.HTML(f"<b>{mark}</b> {html.escape(document.name)} <small>{names}</small>",
                                 layout=widgets.Layout(width="460px"))
            upload = ChunkedUpload(multiple=True, description="上传 upload", disabled=self.read_only,
                                   message=self.message)
            upload.observe(lambda change, doc=document.id: self._uploaded(doc, change), names="value")
            rows.append(widgets.HBox([label, upload]))
        self.documents.children = rows

    def _uploaded(self, document_id: str, change) -> None:
        for upload in change["new"] or ():
            content = bytes(upload["content"])
            self.write(lambda: self.workbench.add_document(self.audit_id, document_id, content, upload["name"]),
                       f"已保存 {upload['name']}", f"{upload['name']} kept")
        self._render_documents()

    def missing_documents(self) -> list[str]:
        return missing_documents(self.scheme, self.workbench.documents(self.audit_id))
