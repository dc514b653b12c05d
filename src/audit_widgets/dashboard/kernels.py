"""The dashboard's kernels (issue 24 §7): each page view holds a kernel of about 270 MB, so
their number is capped, and idle ones are culled (MappingKernelManager.cull_idle_timeout, set
by serve.py). Beyond the cap a page view gets a plain "the dashboard is busy" page (the audit
template's 503.html), and the preheated pool waits for room instead of starting more.

Voila builds its preheating kernel manager as a subclass of this class
(voila_kernel_manager_factory); __init_subclass__ puts the cap in front of that subclass's pool,
which hands out a kernel already running when it has one."""
from __future__ import annotations

import asyncio

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Integer

PREHEAT_ENV = "VOILA_PREHEAT"  # Voila marks the kernels it starts for its pool
BUSY = "看板繁忙 / the dashboard is busy"
ROOM_POLL_SECONDS = 1.0


class DashboardKernels(AsyncMappingKernelManager):
    max_kernels = Integer(8, config=True, help="At most this many kernels at once (the preheated ones included).")

    def refuse_if_full(self) -> None:
        if len(self) >= self.max_kernels:
            self.log.warning("%d kernels, the most allowed: a page view is refused as busy", len(self))
            raise HTTPError(503, reason=BUSY)

    async def start_kernel(self, *args, **kwargs) -> str:
        if (kwargs.get("env") or {}).get(PREHEAT_ENV) == "True":
            while len(self) >= self.max_kernels:  # a kernel for the pool waits for room, and never fails
                await asyncio.sleep(ROOM_POLL_SECONDS)
        else:
            self.refuse_if_full()
        return await super().start_kernel(*args, **kwargs)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        pooled = cls.__dict__.get("get_rendered_notebook")
        if pooled is None:
            return

        async def get_rendered_notebook(self, notebook_name: str, *args, **kw):
            """A page view on a preheated kernel: refused as busy only if none is running yet."""
            waiting = self._pools.get(notebook_name) or []
            if not (waiting and waiting[0].done()):
                self.refuse_if_full()
            return await pooled(self, notebook_name, *args, **kw)
        cls.get_rendered_notebook = get_rendered_notebook
