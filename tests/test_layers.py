"""DESIGN.md's layer rule: each layer imports only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cerecorder"

ALLOWED = {
    "domain": {"domain"},
    "crypto": {"crypto", "domain"},
    "storage": {"storage", "domain", "crypto"},
    "services": {"services", "domain", "storage", "crypto"},
    "export": {"export", "domain"},
    "ui": {"ui", "services", "domain"},
    "cli": {"cli", "services", "domain"},
}
THIRD_PARTY = {
    "domain": {"icalendar", "PIL"},  # term dates (domain/term_dates.py), a photo's EXIF
    "crypto": {"cryptography", "pyrage"},
    "storage": {"sqlcipher3"},
    "services": set(),
    "export": {"reportlab", "pypdf", "pypdfium2"},
    "ui": {"PySide6", "shiboken6"},
    "cli": set(),
}
STDLIB_EXTRA_OK = {"__future__"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "cerecorder":
            found += [f"cerecorder.{a.name}" for a in node.names]  # from cerecorder import x
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def _layer_files() -> list[tuple[str, Path]]:
    return [
        (folder.name, path)
        for folder in sorted(PACKAGE.iterdir())
        if folder.is_dir() and folder.name in ALLOWED
        for path in sorted(folder.rglob("*.py"))
    ]


def test_every_layer_folder_is_known() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert folders <= set(ALLOWED), folders - set(ALLOWED)


def test_layers_import_only_downwards() -> None:
    import sys

    stdlib = set(sys.stdlib_module_names) | STDLIB_EXTRA_OK
    violations = []
    files = _layer_files()
    assert len(files) > 10
    for layer, path in files:
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "cerecorder":
                parts = name.split(".")
                target = parts[1] if len(parts) > 1 else ""
                if target not in ALLOWED[layer] | {"__version__"}:
                    violations.append(f"{path.relative_to(PACKAGE)} imports {name}")
            elif top not in stdlib and top not in THIRD_PARTY[layer]:
                violations.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert violations == []


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from cerecorder.storage.vault import open_vault\nimport PySide6\n"
        "from cerecorder import paths\n"
    )
    assert _imports(bad) == ["cerecorder.storage.vault", "PySide6", "cerecorder.paths"]


def test_only_ui_and_the_composition_root_import_qt() -> None:
    """The modules at the top of the package (app, config, paths, policy, selftest) wire
    the layers together; of them only app.py may load PySide6."""
    loading_qt = [
        path.name for path in sorted(PACKAGE.glob("*.py"))
        if path.name != "app.py"
        and any(name.split(".")[0] in THIRD_PARTY["ui"] for name in _imports(path))
    ]
    assert loading_qt == []
