"""The kernel watch (issue 25 §6): its kernel side here, the page side in test_walkthrough.py."""


def test_the_kernel_watch_answers_while_the_kernel_holds_the_page(monkeypatch):
    """Each ping is answered (the page shows its banner and disables its controls when none comes)."""
    from audit_widgets.widgets.kernel_watch import KernelWatch
    watch = KernelWatch()
    sent = []
    monkeypatch.setattr(watch, "send", sent.append)
    watch.answer({"type": "ping"})
    watch.answer({"type": "other"})
    assert sent == [{"type": "pong"}]
