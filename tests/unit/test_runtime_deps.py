"""`make run` installs only the app's own dependencies: no module of the app
may need one that only the dev extra (tests, browser, bench tools) brings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEV_ONLY = ["pytest", "pytest_asyncio", "html5lib", "playwright", "hypothesis", "PIL"]

# Imports every module of the app, and builds it, with the dev-only packages made unimportable.
PROBE = """
import importlib, pkgutil, sys
blocked = set(sys.argv[1:])
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError("dev-only package imported by the app: " + name)
sys.meta_path.insert(0, Block())
import webapp
for module in pkgutil.walk_packages(webapp.__path__, "webapp."):
    importlib.import_module(module.name)
from webapp.app import create_app
create_app()
print("ok")
"""


def test_the_app_imports_and_builds_without_the_dev_extra(tmp_path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *DEV_ONLY], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_make_run_installs_the_app_without_the_dev_extra() -> None:
    makefile = (ROOT / "Makefile").read_text()
    run_install = makefile.split("$(VENV)/.installed:", 1)[1].split("\n\n", 1)[0]
    assert "-e ." in run_install and "[dev]" not in run_install
    assert "test: install-dev" in makefile
