"""The papermill engine `audit-workbench`: papermill's own nbclient execution, on a kernel
taken from a pool of kernels forked ahead from a process that has the workbench imported.

Registered through the `papermill.engine` entry point, so that both our runner and the plain
command use it:

    papermill --engine audit-workbench 04_characteristic_evaluation.ipynb out.ipynb -p applicant_id X

Papermill loads this module through the entry point: import papermill, not this module. One
process keeps one kernel pool (kernels.kernel_pool, created on first use, closed at exit). In a
single `papermill` command the pool's start costs what a kernel start costs; the gain comes
with every further notebook run by the same process, as the batch runner does.
"""
from __future__ import annotations

import os

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.utils import merge_kwargs, remove_args

from .kernels import kernel_pool


class AuditEngine(NBClientEngine):
    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        # The same arguments as papermill's NBClientEngine, with a kernel of our own.
        kwargs = remove_args(["input_path", "timeout", "startup_timeout", "kernel_manager_class"], **kwargs)
        # papermill changes the process's directory to `cwd`; the runner, whose threads share
        # one directory, names the kernel's directory instead.
        cwd = kwargs.pop("kernel_cwd", None) or os.getcwd()
        pool = kwargs.pop("kernel_pool", None) or kernel_pool()  # the runner brings its own
        watcher = kwargs.pop("on_kernel", None)
        manager = pool.take(cwd)
        client = None
        try:
            if watcher is not None:
                watcher(manager)  # the runner's notebook timeout needs the kernel to stop it
            options = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                   kernel_name=kernel_name, log=_logger(), log_output=log_output,
                                   stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, km=manager, **options)
            return client.execute()
        finally:
            # nbclient leaves a kernel it did not start running, and its client connected.
            if client is not None and client.kc is not None:
                client.kc.stop_channels()
            pool.release(manager)


def _logger():
    from papermill.log import logger
    return logger
