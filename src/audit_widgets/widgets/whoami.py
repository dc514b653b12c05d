"""WhoAmI: the "您是 / who are you" picker of a notebook whose person is not known (issue 25 §1).
It lists the people records by name, id and roles, and remembers the choice for this JupyterLab
outside the notebook (identity.remember), so that every notebook opened afterwards knows it.
Under JupyterHub the login says who is acting and no picker shows."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..identity import remember
from ..render.html import message_html
from ..store.repository import Workbench
from .base import CHOOSE


def roles_text(workbench: Workbench, person_id: str, audit_id: int | None = None) -> str:
    """The person's roles by their scheme names, the audit's team role first ("本次审核的审查组长、系统管理员")."""
    held = workbench.roles_held(person_id, audit_id) or set()
    if "team_leader" in held:
        held.discard("team_member")  # the leader is a member too; one name says it
    names = workbench.scheme.roles_by_id
    order = [r.id for r in reversed(workbench.scheme.roles)]  # the audit's roles, then the assigned ones
    return "、".join(names[r].name for r in sorted(held, key=order.index) if r in names)


class WhoAmI(widgets.VBox):
    def __init__(self, workbench: Workbench):
        people = sorted(workbench.auditors(), key=lambda p: p.id)
        self.choice = widgets.Dropdown(
            options=[CHOOSE] + [(f"{p.name} {p.id}" + (f" · {roles}" if (roles := roles_text(workbench, p.id)) else ""),
                                 p.id) for p in people],
            description="您是 / who are you", style={"description_width": "auto"},
            layout=widgets.Layout(width="min(560px, 100%)"))
        self.button = widgets.Button(description="就是我 / that's me", button_style="primary",
                                     layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.button.on_click(lambda _: self.pick())
        super().__init__([widgets.HBox([self.choice, self.button]), self.status])
        self.add_class("aw-whoami")

    def pick(self) -> None:
        if not self.choice.value:
            self.status.value = message_html("请先选择您的姓名", "choose your name first")
            return
        remember(self.choice.value)
        name = html.unescape(self.choice.label)
        self.status.value = message_html(f"已记住：{name}。请重新运行全部单元格（Run → Run All Cells），"
                                         "本 JupyterLab 中的其他笔记本也将以此身份打开",
                                         f"remembered: {name}. Run all cells again (Run → Run All Cells); the other "
                                         "notebooks of this JupyterLab open as this person too")
