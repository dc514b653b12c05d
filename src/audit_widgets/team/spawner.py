"""Each person's server as their own operating-system account (issue 27 §1): JupyterHub's
LocalProcessSpawner, with the account named `<prefix><hub name>` (made on first start if the
deployment says so) and the environment of a team kernel: the workbench service's address, the
scheme and the person's own copies in ~/work and ~/outputs; never the store's address or its key."""
from __future__ import annotations

import pwd
import subprocess

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Bool, Unicode

from ..settings import variable


class WorkbenchSpawner(LocalProcessSpawner):
    account_prefix = Unicode("", config=True, help="The OS account of hub user NAME is <prefix>NAME.")
    create_accounts = Bool(False, config=True, help="Make a missing OS account (useradd) on its first start.")
    service_url = Unicode(config=True, help="The workbench service, as the person's kernels call it.")
    scheme_dir = Unicode(config=True, help="The scheme folder every account may read.")

    @property
    def account(self) -> str:
        return self.account_prefix + self.user.name

    def _passwd(self) -> pwd.struct_passwd:
        try:
            return pwd.getpwnam(self.account)
        except KeyError:
            if not self.create_accounts:
                raise RuntimeError(f"No OS account {self.account} for hub user {self.user.name}: "
                                   f"useradd --create-home {self.account}") from None
        # A home only its owner may enter: their copies, their kernels' files.
        subprocess.run(["useradd", "--create-home", "--shell", "/usr/sbin/nologin", "--user-group", self.account],
                       check=True, capture_output=True)
        home = pwd.getpwnam(self.account)
        subprocess.run(["chmod", "700", home.pw_dir], check=True)
        return home

    def make_preexec_fn(self, name):
        return set_user_setuid(self._passwd().pw_name)

    def user_env(self, env):
        account = self._passwd()
        env.update({"USER": account.pw_name, "HOME": account.pw_dir, "SHELL": account.pw_shell,
                    variable("service"): self.service_url, variable("scheme"): self.scheme_dir,
                    variable("work"): f"{account.pw_dir}/work",
                    # what a notebook writes (its stage's result file): the person's own copy; the
                    # documents others read are made by the service (store/outputs.py)
                    variable("outputs"): f"{account.pw_dir}/outputs"})
        return env
