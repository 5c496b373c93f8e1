"""The floors of the house hold: the import-linter contract passes, has no exceptions, and covers every app."""

import configparser
from pathlib import Path

from django.apps import apps
from django.conf import settings
from importlinter.cli import lint_imports

ROOT = Path(settings.BASE_DIR)
CONFIG = ROOT / ".importlinter"


def _config() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return parser


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.strip().splitlines() if line.strip()]


def test_the_import_contracts_are_kept():
    """Layers (a lower floor never imports a higher one; apps on one floor are independent) and no import cycles."""
    assert lint_imports(config_filename=str(CONFIG), no_cache=True, no_logo=True) == 0


def test_the_contracts_allow_no_exceptions():
    config = _config()
    for section in config.sections():
        assert "ignore_imports" not in config[section], f"{section} has ignore_imports"


def test_every_app_of_the_project_is_on_a_floor():
    """A new app must be given its floor in .importlinter before it can be installed."""
    config = _config()
    floors = {
        app.strip()
        for layer in _lines(config["importlinter:contract:floors"]["layers"])
        for app in layer.replace(":", "|").split("|")
    }
    roots = set(_lines(config["importlinter"]["root_packages"]))
    ours = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    assert ours <= floors and ours <= roots
    assert "skillhub" in floors  # the wiring, on top


def test_the_core_never_names_a_higher_app():
    """The core sends the rollup task by name and is told of other apps' contributions; it imports none of them."""
    higher = ("metrics", "qa", "imports", "assessments", "coaching", "dashboards", "demo")
    for path in (ROOT / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                module = stripped.split()[1]
                assert module.split(".")[0] not in higher, f"{path}: {stripped}"


def test_the_repository_points_at_nothing_outside_it():
    """The README, docs, code and templates say what they need in their own words: no reference to files that live
    outside the repository (the product reference the team works from is not part of it)."""
    outside = ("PRODUCT" + ".md", "../" + "shared", "shared/" + "CONVENTIONS")  # split: this file is scanned too
    suffixes = {".py", ".md", ".html", ".txt", ".js", ".css", ".yml", ".yaml", ".toml", ".ini", ".cfg"}
    found = []
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if path.suffix not in suffixes or parts & {".venv", ".git", "node_modules", "staticfiles", "vendor"}:
            continue
        text = path.read_text(errors="ignore")
        found += [f"{path.relative_to(ROOT)}: {needle}" for needle in outside if needle in text]
    assert found == []
