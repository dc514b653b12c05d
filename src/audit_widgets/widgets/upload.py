"""ChunkedUpload: an upload button that takes a file of the size a phone takes, or refuses it
before anything is sent (issue 25 §5).

ipywidgets' FileUpload sends a whole file in one websocket message, and Tornado closes the
kernel's connection on a message over 10 MB: a 15 MB photo was lost with the connection and
the screen still said the previous file was saved. This button reads the file in the browser
in chunks of 1 MB, sends them one at a time and waits for the kernel's receipt of each (the
progress bar shows what the kernel holds, and a dead kernel stops the upload with a message),
and checks the size against the limit before the first chunk. When a file is whole, `value`
is set to it, as FileUpload's is, so the forms' handlers stay as they were.
"""
from __future__ import annotations

from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from ..render.html import WARNING_STYLE, message_html
from ..settings import current, variable

CHUNK_BYTES = 1024 * 1024
MB = 1024 * 1024

_ESM = r"""
function render({ model, el }) {
  const input = document.createElement("input");
  input.type = "file";
  input.style.display = "none";
  const button = document.createElement("button");
  button.className = "jupyter-button widget-button aw-upload-button";
  button.style.width = "auto";
  const bar = document.createElement("progress");
  bar.style.display = "none";
  bar.style.marginLeft = "8px";
  const status = document.createElement("span");
  status.className = "aw-upload-status";
  status.style.marginLeft = "8px";
  const mb = (bytes) => (bytes / 1048576).toFixed(1);
  const draw = () => {
    const count = model.get("count");
    button.textContent = model.get("description") + `（≤ ${mb(model.get("limit"))} MB）` + (count ? ` ✓${count}` : "");
    button.disabled = model.get("disabled");
    input.accept = model.get("accept");
    input.multiple = model.get("multiple");
  };
  let waiting = null;  // the kernel's receipt of the chunk last sent
  model.on("msg:custom", (msg) => {
    if (msg.type === "ack" && waiting) { const w = waiting; waiting = null; w(msg); }
  });
  const receipt = () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { waiting = null; reject(new Error("timeout")); }, 60000);
    waiting = (msg) => { clearTimeout(timer); resolve(msg); };
  });
  const send = async (file, id) => {
    model.send({ type: "start", upload: id, name: file.name, size: file.size });
    bar.max = file.size || 1;
    bar.value = 0;
    bar.style.display = "";
    for (let offset = 0; offset < file.size || offset === 0; offset += CHUNK) {
      const chunk = await file.slice(offset, offset + CHUNK).arrayBuffer();
      const last = offset + CHUNK >= file.size;
      const sent = receipt();
      model.send({ type: "chunk", upload: id, name: file.name, size: file.size, offset, last }, undefined, [chunk]);
      await sent;
      bar.value = Math.min(file.size, offset + CHUNK);
      status.textContent = `上传中 uploading ${file.name}：${mb(bar.value)} / ${mb(file.size)} MB`;
      if (last) break;
    }
    bar.style.display = "none";
    status.textContent = `已送达 received：${file.name}（${mb(file.size)} MB）`;
  };
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    for (const file of files) {
      if (file.size > model.get("limit")) {  // refused here: nothing is sent, nothing is lost
        status.textContent = `✗ ${file.name}（${mb(file.size)} MB）超过上限 ${mb(model.get("limit"))} MB，未上传`
          + " / over the limit, not uploaded";
        model.send({ type: "refused", name: file.name, size: file.size });
        continue;
      }
      try {
        await send(file, `${Date.now()}-${Math.random()}`);
      } catch (error) {
        bar.style.display = "none";
        status.textContent = `✗ ${file.name} 上传中断，未保存：内核无响应，请重新运行全部单元格`
          + " / upload interrupted, not saved: the kernel does not answer; run all cells again";
        return;
      }
    }
  });
  model.on("change:count", draw);
  model.on("change:disabled", draw);
  model.on("change:description", draw);
  draw();
  el.append(button, input, bar, status);
}
export default { render };
"""


class ChunkedUpload(anywidget.AnyWidget):
    _esm = _ESM.replace("CHUNK", str(CHUNK_BYTES))
    description = traitlets.Unicode("上传 upload").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    limit = traitlets.Int(0).tag(sync=True)  # bytes; the settings' upload_limit_mb
    count = traitlets.Int(0).tag(sync=True)  # files received since the screen opened
    # The file just received, as FileUpload gives it: ({"name", "size", "content"},). Not synced:
    # the content stays in the kernel.
    value = traitlets.Tuple()

    def __init__(self, *, message: widgets.HTML | None = None, **kwargs: Any):
        super().__init__(limit=int(current().upload_limit_mb * MB), **kwargs)
        self.message = message  # the form's message line: cleared when a file starts, the refusal shown
        self._parts: dict[str, list[bytes]] = {}
        self.on_msg(lambda _widget, content, buffers: self.receive(content, buffers))

    def receive(self, content: dict, buffers: list) -> None:
        """One message of the browser: a file starts, a chunk arrives, or a file was refused."""
        kind, upload = content.get("type"), str(content.get("upload", ""))
        if kind == "refused":
            self._say(f"✗ {content.get('name')}（{content.get('size', 0) / MB:.1f} MB）超过上传上限 "
                      f"{self.limit / MB:.0f} MB，未上传（上限由 {variable('upload_limit_mb')} 设置）",
                      f"{content.get('name')} is over the upload limit of {self.limit / MB:.0f} MB and was not "
                      f"uploaded (set by {variable('upload_limit_mb')})")
        elif kind == "start":
            self._parts[upload] = []
            if self.message is not None:
                self.message.value = ""  # the previous file's "saved" no longer describes the screen
        elif kind == "chunk" and upload in self._parts:
            self._parts[upload].append(bytes(buffers[0]) if buffers else b"")
            self.send({"type": "ack", "upload": upload})
            if content.get("last"):
                self._whole(upload, str(content.get("name")), int(content.get("size", 0)))

    def _whole(self, upload: str, name: str, size: int) -> None:
        data = b"".join(self._parts.pop(upload))
        if len(data) != size or size > self.limit:
            self._say(f"✗ {name} 未完整收到（{len(data)} / {size} 字节），未保存，请重新上传",
                      f"{name} arrived incomplete ({len(data)} of {size} bytes) and was not kept; upload it again")
            return
        self.count += 1
        self.value = ({"name": name, "size": size, "content": memoryview(data)},)

    def _say(self, zh: str, en: str) -> None:
        if self.message is not None:
            self.message.value = message_html(zh, en, WARNING_STYLE)
