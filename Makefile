# Two commands on a fresh Debian machine (Python 3.11):
#   make run    install, then open the app on the bundled sample scan
#   make test   install, then lint, type-check and run every test
# Both create .venv, pin the CPU build of torch (constraints.txt) and apt-install what is missing.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Qt offscreen and fonts (tests), OCR and the classical peer (quality tests, benchmarks);
# Korean/Japanese/Chinese fonts and Korean OCR for the CJK pages and the Korean UI.
APT_TEST := libegl1 libgl1 libglib2.0-0 libfontconfig1 libxkbcommon0 fonts-dejavu-core \
            fonts-dejavu-extra fonts-liberation fonts-freefont-ttf fonts-urw-base35 fonts-lmodern \
            fonts-nanum fonts-noto-cjk tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor unpaper
# A real window (and a virtual screen where there is no display).
APT_RUN  := $(APT_TEST) xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 \
            libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 \
            libxcb-xfixes0 libxcb-xkb1

SAMPLE := assets/sample-scan.png

.PHONY: run test lint typecheck pytest apt-test apt-run venv bench clean package package-test

run: apt-run $(VENV)/.installed
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(VENV)/bin/docdenoise-gui $(SAMPLE); \
	else \
		echo "No display: running the app on a virtual screen; it cleans the sample, saves a screenshot and quits."; \
		mkdir -p build; \
		xvfb-run -a -s "-screen 0 1400x900x24" $(VENV)/bin/docdenoise-gui --screenshot build/run-screenshot.png $(SAMPLE) \
		&& echo "Screenshot of the window: build/run-screenshot.png"; \
	fi

test: apt-test $(VENV)/.installed lint typecheck pytest

lint:
	$(VENV)/bin/ruff check docdenoise tests bench
	$(VENV)/bin/ruff format --check docdenoise tests bench

typecheck:
	$(VENV)/bin/mypy

pytest:
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

apt-test:
	@missing=$$(for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "apt: installing $$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi

apt-run:
	@missing=$$(for p in $(APT_RUN); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "apt: installing $$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install -q -c constraints.txt -e ".[dev,cluster,onnx,ocr]"
	touch $@

bench: $(VENV)/.installed
	$(PY) bench/run_all.py

# The desktop bundle for this platform (PyInstaller, one folder): dist/docdenoise/, with the CPU
# torch of .venv. PyInstaller is a build tool, pinned in packaging/requirements.txt and installed
# here, not an app dependency. Windows, macOS and CUDA builds: packaging/README.md.
package: apt-test $(VENV)/.installed $(VENV)/.packaging
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/docdenoise.spec
	@du -sh dist/docdenoise

# Build, then check the bundle without a screen: --self-test, the CLI, the app offscreen.
package-test: package
	$(PY) packaging/check_bundle.py dist/docdenoise

$(VENV)/.packaging: $(VENV)/.installed packaging/requirements.txt
	$(PIP) install -q -c constraints.txt -r packaging/requirements.txt
	touch $@

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
