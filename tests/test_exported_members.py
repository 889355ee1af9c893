"""core's public API is exactly __all__ (like httpx's test_exported_members.py), and the pages use only it."""
import ast
import re
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[1]


def test_all_exports_exist_and_are_unique():
    assert len(core.__all__) == len(set(core.__all__))
    for name in core.__all__:
        obj = getattr(core, name)  # lazy names load here
        if isinstance(obj, (list, tuple)):  # a declared table (SETTINGS): its entries are core's
            obj = obj[0]
        assert getattr(obj, "__module__", getattr(obj, "__name__", "")).startswith("core"), name


def test_public_names_are_all_exported():
    # names bound at import time (not lazy, not modules, not private) must be listed
    public = {n for n, v in vars(core).items() if not n.startswith("_") and not isinstance(v, type(core))}
    assert public <= set(core.__all__), sorted(public - set(core.__all__))


def test_pages_and_app_import_only_the_public_api():
    used = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "core":
                assert node.module == "core", f"{path.name} imports {node.module}: use `from core import ...`"
                used |= {a.name for a in node.names}
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("core.") for a in node.names), path.name
        assert not re.search(r"\bcore\.(?!ui\b)[a-z_]+\.", path.read_text()), f"{path.name} reaches into a core module"
    assert used <= set(core.__all__), sorted(used - set(core.__all__))
