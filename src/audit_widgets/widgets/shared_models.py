"""One layout model, and one style model of each kind, per kernel, shared by every widget that
keeps the defaults (issue 25 §9).

ipywidgets gives every widget a Layout and a style model of its own, so that an HTML line is
three models in the browser. JupyterLab spends about 4.5 ms a widget making them: 150 HTML lines
took 0.67 s to appear, and 0.19 s with one shared layout and style (measured in JupyterLab on
this machine). Most of the workbook's widgets keep both defaults, so they share one of each.

A shared model refuses every change, since the change would reach every widget sharing it: a
widget whose layout or style changes after it is made is given its own (`own_layout()`, `wide()`,
or `style=…`). The shared models are made in the kernel on first use, never in the
kernel zygote before it forks (batch/zygote.py): one made there would be unknown to the browser.
"""
from __future__ import annotations

import os
from functools import partial
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.trait_types import InstanceDict

SHARED_TRAITS = ("layout", "style")

_shared: dict[tuple[type, int], widgets.Widget] = {}
_frozen_classes: dict[type, type] = {}


class SharedModelChanged(RuntimeError):
    """A change to a layout or style that every default widget shares."""


class _Frozen:
    """Refuses changes to the synchronised state once made."""

    _frozen = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen and not name.startswith("_") and name in self.keys:  # type: ignore[attr-defined]
            raise SharedModelChanged(
                f"{type(self).__name__}.{name}: this layout or style is shared by every widget that kept the "
                f"default; give the widget its own (own_layout(), wide() or style=…) / "
                f"共享的布局或样式不可修改")
        super().__setattr__(name, value)


def own_layout() -> widgets.Layout:
    """A layout of the widget's own, for a widget that is shown and hidden (`layout.display`)."""
    return widgets.Layout()


def shared(klass: type) -> widgets.Widget:
    """This process's shared, unchangeable instance of a Layout or style class (made on first use;
    remade after a fork, or once closed)."""
    key = (klass, os.getpid())
    model = _shared.get(key)
    if model is None or model.comm is None:
        frozen = _frozen_classes.get(klass)
        if frozen is None:
            frozen = _frozen_classes[klass] = type(f"Shared{klass.__name__}", (_Frozen, klass), {})
        model = _shared[key] = frozen()
        model._frozen = True
    return model


def share_default_models() -> None:
    """Make every ipywidgets widget's default layout and style the shared ones (idempotent)."""
    classes, pending = set(), [widgets.DOMWidget]
    while pending:
        klass = pending.pop()
        classes.add(klass)
        pending.extend(klass.__subclasses__())
    for klass in classes:
        for name in SHARED_TRAITS:
            trait = klass.class_traits().get(name)
            if (isinstance(trait, InstanceDict) and not trait.default_args and not trait.default_kwargs
                    and not isinstance(trait.make_dynamic_default, partial)):
                trait.make_dynamic_default = partial(shared, trait.klass)  # type: ignore[method-assign]
