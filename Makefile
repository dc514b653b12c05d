# The two commands of the README: `make demo` and `make test`. Both install what they need.
VENV      := .venv
PYTHON    := $(VENV)/bin/python
WORKBENCH := $(VENV)/bin/audit-workbench
STAMP     := $(VENV)/.installed
# System packages the browser tests and PDFs need: Chromium (also prints the PDFs), CJK fonts, colour
# emoji for the 🔒 marks, and poppler-utils (pdftotext, pdffonts) for the tests that read the PDFs.
# python3-venv: the team runtime (.team-venv), an interpreter outside /root that every account may run.
APT_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji poppler-utils postgresql python3-venv

.PHONY: demo lab dashboard hub hub-proxy hub-accounts test test-fast lint benchmark system-packages clean clean-data

$(STAMP): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

demo: $(STAMP) system-packages
	$(WORKBENCH) db init
	$(WORKBENCH) scheme validate
	$(WORKBENCH) demo
	$(WORKBENCH) --as P01 run --all  # as the demo's administrator (P01 in parameters/auditors_template.xlsx)
	@echo "审查报告与证书 / reports and certificates: outputs/<applicant>/audit_report.pdf, certificate.pdf"
	@echo "打开工作簿 / open the workbooks: make lab"
	@echo "认证委员会看板（Ctrl-C 停止）/ the committee dashboard follows (Ctrl-C stops it; make dashboard serves it again):"
	$(WORKBENCH) serve

# The committee's read-only Voila dashboard on 127.0.0.1, with a token printed in the URL.
dashboard: $(STAMP)
	$(WORKBENCH) serve

# Auditors work on per-applicant copies in work/ (the templates in workbooks/ stay clean).
# The copies name the warm kernel (batch/warm.py). JupyterLab starts on LAB_PORT or not at all,
# so that the addresses `open` prints are the ones it serves.
LAB_PORT ?= 8888
lab: $(STAMP)
	$(WORKBENCH) open --all --port $(LAB_PORT)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --ServerApp.port_retries=0 --no-browser --notebook-dir=work $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# The team deployment (README: "For a team"): JupyterHub on 127.0.0.1:$(HUB_PORT), its proxy from
# npm (deploy/node_modules), and the workbench service, which alone holds the store's keys.
HUB_PORT ?= 8000
hub-proxy:
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm)
	@test -x deploy/node_modules/.bin/configurable-http-proxy || (cd deploy && npm install --no-audit --no-fund --silent)

# The team runtime: the interpreter and packages each person's server and the service run with,
# built from the system's python3 so that every OS account may run it (a pyenv under /root is not).
TEAM_VENV := .team-venv
TEAM_STAMP := $(TEAM_VENV)/.installed
$(TEAM_STAMP): pyproject.toml deploy/lab-overrides.json
	test -x $(TEAM_VENV)/bin/python || /usr/bin/python3 -m venv $(TEAM_VENV)
	$(TEAM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TEAM_VENV)/bin/python -m pip install --quiet -e '.[hub,team]'
	$(TEAM_VENV)/bin/python -c "from audit_widgets.batch.warm import install_kernel_spec; install_kernel_spec()"
	# JupyterLab asks no one about its news and checks for no updates: the server works offline.
	mkdir -p $(TEAM_VENV)/share/jupyter/lab/settings && cp deploy/lab-overrides.json $(TEAM_VENV)/share/jupyter/lab/settings/overrides.json
	touch $(TEAM_STAMP)

# The service account owns the store's folder (database, evidence, signing key) and the outputs
# (documents it makes, the batch's runs): no one else may read them, people and the dashboard read
# the documents through the service. The dashboard's account keeps only its page cache, in its home.
SERVICE_ACCOUNT ?= audit-workbench
DASHBOARD_ACCOUNT ?= audit-workbench-dashboard
DATA ?= $(or $(AUDIT_WORKBENCH_DATA),data)
OUTPUTS ?= $(or $(AUDIT_WORKBENCH_OUTPUTS),outputs)
# The folders as the service gets them (the config passes every AUDIT_WORKBENCH_ setting to it).
STORE_FOLDERS := AUDIT_WORKBENCH_DATA=$(abspath $(DATA)) AUDIT_WORKBENCH_OUTPUTS=$(abspath $(OUTPUTS))
hub-accounts:
	@id -u $(SERVICE_ACCOUNT) >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin $(SERVICE_ACCOUNT)
	@id -u $(DASHBOARD_ACCOUNT) >/dev/null 2>&1 || useradd --system --create-home --shell /usr/sbin/nologin $(DASHBOARD_ACCOUNT)
	mkdir -p $(DATA) && chown -R $(SERVICE_ACCOUNT): $(DATA) && chmod 700 $(DATA)
	mkdir -p $(OUTPUTS) && chown -R $(SERVICE_ACCOUNT): $(OUTPUTS) && chmod 700 $(OUTPUTS)

hub: $(STAMP) system-packages hub-proxy $(TEAM_STAMP) hub-accounts
	runuser -u $(SERVICE_ACCOUNT) -- env $(STORE_FOLDERS) $(TEAM_VENV)/bin/audit-workbench db init  # as the store's owner
	@echo "JupyterHub: http://127.0.0.1:$(HUB_PORT)/ (Ctrl-C 停止 stops it)"
	$(STORE_FOLDERS) AUDIT_WORKBENCH_HUB_PORT=$(HUB_PORT) AUDIT_WORKBENCH_SERVICE_ACCOUNT=$(SERVICE_ACCOUNT) \
	  AUDIT_WORKBENCH_DASHBOARD_ACCOUNT=$(DASHBOARD_ACCOUNT) \
	  $(VENV)/bin/jupyterhub -f deploy/jupyterhub_config.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The browser tests need Chromium and the CJK fonts: installed here, not by hand.
test: lint system-packages hub-proxy
	$(PYTHON) -m pytest -q

# The inner loop: everything but the tests that start kernels and run notebooks.
test-fast: lint
	$(PYTHON) -m pytest -q -m "not notebooks"

benchmark: $(STAMP) system-packages
	$(PYTHON) benchmarks/run_all.py

# Generated files only: the audit database, evidence and signing key in data/ stay.
clean:
	rm -rf outputs/* .pytest_cache
	touch outputs/.gitkeep

# Deletes the audit records themselves, so it asks first.
clean-data:
	@printf "删除 data/（审核数据库、证据文件、签名密钥），不可恢复 / delete data/ (audit database, evidence, signing key)? This cannot be undone. Type yes: "; \
	read answer; if [ "$$answer" = yes ]; then rm -rf data/ && echo "data/ 已删除 deleted"; else echo "data/ 保留 kept"; fi
