"""The code's structure, checked: every module of the application imports on its own, as
the first module of a fresh interpreter (no import cycle hides behind an import order), and
no import hides inside a function body."""
import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "api", "compliance", "demo", "enterprises", "facilities", "home",
            "inmates", "jobs", "marketplace", "reference", "reports", "tabular", "web")
MODULES = ("app", "commands", "config", "extensions", "i18n", "timeutil")

# Run in one interpreter: for each module, forget every module of the project (libraries
# stay loaded), so that module is imported first, as in a fresh interpreter; print failures.
SCRIPT = """
import importlib, json, sys, traceback
names = json.loads(sys.argv[1])
mine = {n.split(".")[0] for n in names}
failures = {}
for first in names:
    for loaded in [m for m in sys.modules if m.split(".")[0] in mine]:
        del sys.modules[loaded]
    try:
        importlib.import_module(first)
    except Exception:
        failures[first] = traceback.format_exc(limit=4)
print(json.dumps(failures))
"""


def module_names():
    """Every module of the application, as a dotted name."""
    names = list(MODULES)
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                    reason="imports do not depend on the database: the SQLite pass runs it")
def test_every_module_imports_first_in_a_fresh_interpreter():
    names = module_names()
    assert len(names) > 100
    result = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(names)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600, check=True)
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in list(failures.items())[:5])


def _inner_imports(tree):
    """Yield (line, statement) of every import below module level."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield inner.lineno, ast.unparse(inner)


def test_no_import_hides_in_a_function_body():
    found = []
    for name in module_names():
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / name.replace(".", "/") / "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}:{line}: {text}" for line, text in _inner_imports(tree)]
    assert not found, "\n".join(found)
