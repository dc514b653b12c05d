"""Widgets that keep the default layout and style share one model of each per kernel
(widgets/shared_models.py): the browser makes a third as many models for a stage."""
from __future__ import annotations

import ipywidgets as widgets
import pytest

from audit_widgets.widgets import shared_models
from audit_widgets.widgets.shared_models import SharedModelChanged


def test_widgets_that_keep_the_defaults_share_one_layout_and_one_style_of_each_kind():
    first, second = widgets.HTML("a"), widgets.HTML("b")
    assert first.layout is second.layout and first.style is second.style
    button = widgets.Button()
    assert button.layout is first.layout  # one layout for every kind of widget
    assert button.style is not first.style and type(button.style).__name__ == "SharedButtonStyle"
    own = widgets.HTML("c", layout=widgets.Layout(width="10px"))
    assert own.layout is not first.layout and own.style is first.style


def test_a_shared_layout_refuses_a_change_that_would_reach_every_widget_and_keeps_its_value():
    line = widgets.HTML("a")
    with pytest.raises(SharedModelChanged, match="give the widget its own"):
        line.layout.display = "none"
    assert line.layout.display is None and widgets.HTML("b").layout.display is None
    own = widgets.HTML("c", layout=widgets.Layout())
    own.layout.display = "none"  # its own: hidden alone
    assert own.layout.display == "none" and line.layout.display is None


def test_a_forked_kernel_makes_its_own_shared_models(monkeypatch):
    """One made in the zygote before the fork would be unknown to the kernel's browser."""
    before = widgets.HTML("a").layout
    monkeypatch.setattr(shared_models.os, "getpid", lambda: -1)
    after = widgets.HTML("b").layout
    assert after is not before and after.comm is not None


def test_a_closed_shared_model_is_made_again():
    layout = widgets.HTML("a").layout
    layout.close()
    again = widgets.HTML("b").layout
    assert again is not layout and again.comm is not None
