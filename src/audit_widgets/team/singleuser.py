"""A person's Jupyter server in a team deployment (the spawner's command): their overview and
the complaints workbook in ~/work made fresh from the templates, then JupyterHub's single-user
server, which opens the overview."""
from __future__ import annotations


def main() -> None:
    from jupyterhub.singleuser import main as singleuser

    from ..workspace import prepare_overview
    prepare_overview()
    singleuser()


if __name__ == "__main__":
    main()
