"""The package's shape: floors, one registry, one home per fact, modules readable in one sitting."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polars as pl

import layofflab
from layofflab import config
from layofflab.manifest import read_manifest

LIB = config.PACKAGE_DIR
MODULES = sorted(p for p in LIB.rglob("*.py") if "__pycache__" not in p.parts)

#: Lower floors never import higher ones (a module may import its own floor and below).
FLOORS = {
    "foundations": 0,
    "cleaning": 1,
    "roles": 1,
    "sources": 2,
    "panel": 3,
    "tables": 4,
    "models": 5,
    "plots": 6,
    "studies": 7,
    "fetch": 8,
    "pipeline": 9,
}
FOUNDATIONS = {"config", "errors", "checks", "io", "lookups", "display", "schemas", "manifest"}


def _floor(module: str) -> int:
    """Floor of ``layofflab.x.y`` by its first component."""
    part = module.split(".")[1] if "." in module else ""
    if part == "__main__":
        return FLOORS["pipeline"]
    if part in FOUNDATIONS or part in ("", "__init__"):
        return FLOORS["foundations"]
    return FLOORS.get(part, FLOORS["foundations"])


def _module_name(path: Path) -> str:
    rel = path.relative_to(LIB.parent).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__")


def test_no_library_module_is_over_450_lines():
    long = {
        p.relative_to(LIB).as_posix(): n
        for p in MODULES
        if (n := len(p.read_text().splitlines())) > 450
    }
    assert long == {}


def test_no_module_outside_sources_and_tables_names_a_raw_file():
    raw_names = [n for n in read_manifest(config.DATA_RAW)["path"].to_list() if n != "README.md"]
    offenders = []
    for path in MODULES:
        rel = path.relative_to(LIB)
        if rel.parts[0] in ("sources", "tables"):
            continue
        text = path.read_text()
        offenders += [f"{rel}: {name}" for name in raw_names if name in text]
    assert offenders == []


def test_the_public_api_is_flat_and_explicit():
    source = (LIB / "__init__.py").read_text()
    assert "__getattr__" not in source
    for name in layofflab.__all__:
        assert hasattr(layofflab, name), name
    for name in ("run_overview", "run_capex", "run_warn"):
        stem = name.removeprefix("run_").capitalize()
        assert {f"{stem}Options", f"{stem}Result", name} <= set(layofflab.__all__)


def test_lower_floors_never_import_higher_ones():
    upward = []
    for path in MODULES:
        me = _module_name(path)
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("layofflab")
            ):
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                target = node.module if node.module != "layofflab" else targets[1]
                if _floor(target) > _floor(me) and me != "layofflab":
                    upward.append(f"{me} -> {target}")
    assert upward == []


def test_every_exception_class_lives_in_errors():
    elsewhere = []
    for path in MODULES:
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                re.search(r"(Error|Exception)$", ast.unparse(b)) for b in node.bases
            ):
                elsewhere.append(f"{path.relative_to(LIB)}: {node.name}")
    assert elsewhere == []


def test_reader_columns_are_derived_from_the_schemas():
    from layofflab import schemas
    from layofflab.sources import announcements, sec, tracker, warn

    pairs = [
        (tracker.COLUMNS, schemas.TRACKER),
        (warn.COLUMNS, schemas.WARN),
        (sec.COLUMNS, schemas.SEC),
        (announcements.COLUMNS, schemas.ANNOUNCEMENTS),
    ]
    for columns, schema in pairs:
        assert columns == tuple(schema.columns)
    from layofflab.sources._base import REJECTS_SCHEMA

    assert list(REJECTS_SCHEMA) == list(schemas.REJECTS.columns)
    assert all(isinstance(t, pl.DataType) for t in REJECTS_SCHEMA.values())
