# The two commands of the README: `make demo` and `make test`. Both install what they need.
VENV      := .venv
PYTHON    := $(VENV)/bin/python
WORKBENCH := $(VENV)/bin/audit-workbench
STAMP     := $(VENV)/.installed
# System packages the browser and PDF tests will need (Chromium, CJK fonts).
APT_PACKAGES := chromium fonts-noto-cjk

.PHONY: demo lab test benchmark system-packages clean

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

demo: $(STAMP)
	$(WORKBENCH) db init
	$(WORKBENCH) scheme validate
	$(WORKBENCH) demo
	$(WORKBENCH) run
	@echo "打开工作簿 / open the workbooks: make lab"

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser --notebook-dir=workbooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

test: $(STAMP)
	$(PYTHON) -m pytest -q

benchmark: $(STAMP) system-packages
	$(PYTHON) benchmarks/run_all.py

clean:
	rm -rf outputs/* data/ .pytest_cache
	touch outputs/.gitkeep
