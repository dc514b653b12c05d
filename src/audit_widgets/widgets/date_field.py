"""DateField: a date entered and shown as yyyy-mm-dd, whatever the browser's language
(issue 25 §7).

ipywidgets' DatePicker is the browser's own `<input type=date>`, which shows the date in the
browser's locale: 12/06/2026 in an English Chromium, 06.12.2026 in a German one, while every
document, the register and the CNCA report write 2026-12-06. This field is a text box that
always shows yyyy-mm-dd, accepts 2026/12/6 or 20261206 as typed on site and rewrites them,
refuses what is not a date with a red line (the value stays as it was), and keeps the browser's
calendar behind a 📅 button. `value` is a `datetime.date` or None, as DatePicker's is, so the
forms read and set it as before.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

_ESM = r"""
const pad = (n) => String(n).padStart(2, "0");
// 2026-12-06, 2026/12/6, 2026.12.6, 20261206 → "2026-12-06"; "" → ""; anything else → null
function parse(text) {
  text = text.trim();
  if (text === "") return "";
  const m = text.match(/^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  return `${m[1]}-${pad(mo)}-${pad(d)}`;
}
function render({ model, el }) {
  el.classList.add("widget-inline-hbox", "aw-date");
  const label = document.createElement("label");
  label.className = "widget-label";
  const text = document.createElement("input");
  text.type = "text";
  text.className = "aw-date-text";
  text.placeholder = "yyyy-mm-dd";
  text.size = 11;
  text.style.cssText = "flex:0 0 auto;width:9.5em;font-family:var(--jp-code-font-family, monospace);"
    + "border:var(--jp-border-width, 1px) solid var(--jp-border-color1, #ccc);padding:0 6px;"
    + "height:var(--jp-widgets-inline-height, 28px);box-sizing:border-box";
  const calendar = document.createElement("input");
  calendar.type = "date";
  calendar.tabIndex = -1;
  calendar.setAttribute("aria-hidden", "true");
  calendar.style.cssText = "position:absolute;opacity:0;width:1px;height:1px;pointer-events:none";
  const pick = document.createElement("button");
  pick.className = "jupyter-button aw-date-pick";
  pick.textContent = "📅";
  pick.title = "选择日期 / pick a date";
  pick.style.cssText = "width:auto;margin-left:2px;position:relative";
  const error = document.createElement("span");
  error.className = "aw-date-error";
  error.style.cssText = "color:#b00020;margin-left:6px;white-space:nowrap";
  const draw = () => {
    label.textContent = model.get("description");
    label.title = model.get("description");
    label.style.display = model.get("description") ? "" : "none";
    const width = model.get("description_width");
    if (width) label.style.width = width;
    const value = model.get("value") || "";
    if (document.activeElement !== text || !error.textContent) text.value = value;
    calendar.value = value;
    text.disabled = pick.disabled = model.get("disabled");
  };
  const commit = () => {
    const iso = parse(text.value);
    if (iso === null) {
      text.style.borderColor = "#b00020";
      error.textContent = "请按 yyyy-mm-dd 填写日期 / enter the date as yyyy-mm-dd";
      return;
    }
    text.style.borderColor = "";
    error.textContent = "";
    text.value = iso;
    if (iso !== (model.get("value") || "")) {
      model.set("value", iso === "" ? null : iso);
      model.save_changes();
    }
  };
  text.addEventListener("change", commit);
  text.addEventListener("keydown", (event) => { if (event.key === "Enter") commit(); });
  pick.addEventListener("click", () => {
    try { calendar.showPicker(); } catch (e) { text.focus(); }
  });
  calendar.addEventListener("change", () => { text.value = calendar.value; commit(); });
  model.on("change:value", draw);
  model.on("change:disabled", draw);
  model.on("change:description", draw);
  draw();
  pick.append(calendar);
  el.append(label, text, pick, error);
}
export default { render };
"""


def _to_json(value: date | None, _widget: Any) -> str | None:
    return value.isoformat() if value else None


def _from_json(value: str | None, _widget: Any) -> date | None:
    return date.fromisoformat(value) if value else None  # the browser sends only what it parsed


class DateField(anywidget.AnyWidget, widgets.ValueWidget):  # a value widget: documents show it
    """A date as yyyy-mm-dd, in place of ipywidgets.DatePicker (same `value`, `description`,
    `disabled`; `style={"description_width": …}` as the other widgets take it)."""

    _esm = _ESM
    value = traitlets.Instance(date, allow_none=True).tag(sync=True, to_json=_to_json, from_json=_from_json)
    description = traitlets.Unicode("").tag(sync=True)
    description_width = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, *, style: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(description_width=(style or {}).get("description_width", ""), **kwargs)
