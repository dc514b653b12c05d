"""KernelWatch: a screen that tells the truth after a kernel restart (issue 25 §6).

After a restart, or when the connection drops, the widgets on screen are dead: they still take
clicks and typing, and nothing reaches the store. This widget asks the kernel every few seconds
whether it still holds this page's widgets (a ping its Python side answers). When no answer comes
while JupyterLab reports the kernel idle (or, outside JupyterLab, for 30 s), it shows a banner,
"内核已重启 / kernel restarted: run all cells again", and disables the page's controls. If the
answers come back (a long computation had held the kernel), it takes both back. A note typed
and not yet sent makes closing or reloading the page ask first.
"""
from __future__ import annotations

import anywidget

IDLE_SECONDS = 8      # unanswered while JupyterLab says the kernel is idle: the widgets are gone
SILENT_SECONDS = 30   # unanswered where the kernel's state is not shown (another front end)

_ESM = r"""
function render({ model, el }) {
  const banner = document.createElement("div");
  banner.className = "aw-kernel-lost";
  banner.style.cssText = "display:none;position:sticky;top:0;z-index:20;background:#ffebee;color:#b71c1c;"
    + "border:1px solid #e57373;padding:6px 10px;border-radius:4px;font-weight:bold";
  banner.textContent = "⚠ 内核已重启或连接中断：本页控件已停用，请重新运行全部单元格（Run → Run All Cells）"
    + " / kernel restarted or connection lost: the controls are disabled; run all cells again";
  el.append(banner);
  let answered = Date.now();
  let lost = false;
  const stopped = new Set();
  const page = () => el.closest(".jp-NotebookPanel") || el.closest(".jp-OutputArea") || document.body;
  const kernelState = () => {
    const indicator = el.closest(".jp-NotebookPanel")?.querySelector(".jp-Notebook-ExecutionIndicator");
    return indicator ? indicator.dataset.status : null;
  };
  const lose = () => {
    lost = true;
    banner.style.display = "";
    for (const control of page().querySelectorAll(
        ".jupyter-widgets input, .jupyter-widgets button, .jupyter-widgets select, .jupyter-widgets textarea")) {
      if (!control.disabled) { control.disabled = true; stopped.add(control); }
    }
  };
  const regain = () => {
    lost = false;
    banner.style.display = "none";
    for (const control of stopped) control.disabled = false;
    stopped.clear();
  };
  model.on("msg:custom", (msg) => {
    if (msg.type === "pong") { answered = Date.now(); if (lost) regain(); }
  });
  // A note typed and not yet sent (a text field sends when it loses focus or on Enter) is not
  // left behind silently: closing or reloading the page asks first.
  const typed = new Set();
  const area = page();
  area.addEventListener("input", (event) => {
    if (event.target.matches(".jupyter-widgets input[type=text], .jupyter-widgets textarea")) typed.add(event.target);
  }, true);
  for (const kind of ["change", "blur"]) {
    area.addEventListener(kind, (event) => typed.delete(event.target), true);
  }
  const unsent = (event) => {
    if ([...typed].some((field) => field.isConnected)) { event.preventDefault(); event.returnValue = ""; }
  };
  window.addEventListener("beforeunload", unsent);
  const timer = setInterval(() => {
    if (!el.isConnected) { clearInterval(timer); window.removeEventListener("beforeunload", unsent); return; }
    const state = kernelState();
    if (state === "busy") answered = Date.now();  // a running cell holds the answers back
    try { model.send({ type: "ping" }); } catch (error) { /* a closed connection: no answer comes */ }
    const limit = 1000 * (state === null ? SILENT : IDLE);
    if (!lost && Date.now() - answered > limit) lose();
  }, 2000);
}
export default { render };
"""


class KernelWatch(anywidget.AnyWidget):
    _esm = _ESM.replace("SILENT", str(SILENT_SECONDS)).replace("IDLE", str(IDLE_SECONDS))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_msg(lambda _widget, content, _buffers: self.answer(content))

    def answer(self, content: dict) -> None:
        if content.get("type") == "ping":
            self.send({"type": "pong"})
