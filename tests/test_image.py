"""The production image holds what `run` and `serve` need and no test double: the packages
the Dockerfile copies import on their own, without the sandbox, and `run --or-sandbox`
without a token says the sandbox is not part of the installation.

Docker itself is not needed: the packages the Dockerfile copies are put in a folder of
their own and imported from there, in a Python that sees nothing else of this checkout.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copied() -> list[str]:
    """The sources of the Dockerfile's COPY instructions."""
    sources: list[str] = []
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"COPY\s+(.+)", line)
        if match:
            *found, _target = match.group(1).split()
            sources.extend(found)
    return sources


def test_the_image_copies_no_sandbox() -> None:
    sources = copied()
    assert {"bot", "flows", "analysis", "storage"} <= set(sources)
    assert "sandbox" not in sources
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert "sandbox" in ignored


# Run in a fresh interpreter: only the copied packages are importable from this checkout
# (the editable install's finders are dropped), the dependencies come from the venv.
CHECK = r"""
import importlib, json, pkgutil, sys
def name(finder):
    return (finder if isinstance(finder, type) else type(finder)).__name__.lower()
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in name(f)]
sys.path[:] = [IMAGE] + [p for p in sys.path if "site-packages" in p or not p.startswith(CHECKOUT)]
modules = []
for package in ("bot", "flows", "analysis", "storage"):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if info.name.startswith("storage.migrations"):  # alembic runs those, not an import
            continue
        importlib.import_module(info.name)
        modules.append(info.name)
from bot.app import cli, plugins
status = cli.main(["run", "--or-sandbox"])
print(json.dumps({
    "modules": len(modules),
    "sandbox_loaded": any(m == "sandbox" or m.startswith("sandbox.") for m in sys.modules),
    "sandbox_found": plugins.find("sandbox") is not None,
    "status": status,
}))
"""


def test_the_copied_packages_run_without_the_sandbox(tmp_path: Path) -> None:
    image = tmp_path / "app"
    image.mkdir()
    for source in copied():
        path = ROOT / source
        if path.is_dir():
            shutil.copytree(path, image / source, ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MPLCONFIGDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"IMAGE = {str(image)!r}\nCHECKOUT = {str(ROOT)!r}\n{CHECK}"],
        cwd=tmp_path,  # no .env here: no token
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["modules"] > 50
    assert not found["sandbox_loaded"]
    assert not found["sandbox_found"]
    assert found["status"] == 2
    assert "the sandbox is not part of this installation" in result.stderr
