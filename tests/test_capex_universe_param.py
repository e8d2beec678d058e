"""Notebook 02's ``universe`` parameter: typed, checked before any kernel, following the data.

No kernel is started here: the command line runs with ``run_notebook`` replaced, and the
notebook's own options cell is executed up to ``options = CapexOptions(...)`` only.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import types

import nbformat
import pytest
from papermill.translators import PythonTranslator

from layofflab import config
from layofflab.errors import InvalidArgumentError
from layofflab.pipeline import cli, params, plan, runlist

NOTEBOOK = config.NOTEBOOKS / "02_ai_capex_and_layoffs.ipynb"
REFUSED = "universe='sp500': expected one of 'bigtech', 'warn-public'"


@pytest.fixture
def shipped_data(monkeypatch):
    monkeypatch.delenv(config.DATA_ENV, raising=False)


@pytest.fixture
def external_data(monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, "external")


def _layofflab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "layofflab", *args],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        check=False,
    )


def _run_list(universe: str) -> runlist.Run:
    text = f'[[run]]\nnotebook = "02_ai_capex_and_layoffs"\nparameters = {{ universe = "{universe}" }}\n'
    (run,) = runlist.parse_run_list(text, source="t.toml", notebook_dir=config.NOTEBOOKS)
    return run


def _notebook_options(injected: dict) -> object:
    """The notebook's ``options`` after papermill injects ``injected`` (run_capex not called)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    exec(nb.cells[at].source, namespace)
    exec(PythonTranslator.codify(injected), namespace)  # papermill's injected-parameters cell
    body = ast.parse(nb.cells[at + 1].source).body
    upto = next(
        i
        for i, node in enumerate(body)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "options"
    )
    exec(compile(ast.Module(body=body[: upto + 1], type_ignores=[]), "options", "exec"), namespace)
    return namespace["options"]


def test_universe_is_a_typed_parameter_of_the_notebook(shipped_data):
    spec = params.notebook_spec(NOTEBOOK)
    universe = spec.parameters["universe"]
    assert universe.type_name == "one of 'bigtech', 'warn-public'"
    assert "universe: one of 'bigtech', 'warn-public' = 'bigtech'" in params.help_text(spec)
    assert params.resolve(spec, {"universe": "warn-public"}, from_text=True) == {
        "universe": "warn-public"
    }


def test_run_passes_universe_from_the_command_line(monkeypatch):
    from layofflab.pipeline import report

    seen = {}

    def fake_run_notebook(path, parameters, **kwargs):
        seen.update(path=path, parameters=parameters)
        return types.SimpleNamespace(page=None, action="executed", status="ok", name="x")

    monkeypatch.setattr(report, "run_notebook", fake_run_notebook)
    status = cli.main(
        ["run", "02_ai_capex_and_layoffs", "-p", "universe", "warn-public", "-p", "lags", "1"]
    )
    assert status == 0
    assert seen["path"].name == NOTEBOOK.name
    assert seen["parameters"] == {"universe": "warn-public", "lags": 1}


def test_run_list_setting_universe_is_accepted_and_named_by_it():
    run = _run_list("warn-public")
    assert run.name == "02_ai_capex_and_layoffs--universe-warn-public"
    assert run.parameters == {"universe": "warn-public"}
    assert plan.check_parameters(run) is None


@pytest.mark.parametrize("from_text", [True, False])
def test_an_unknown_universe_is_one_line_naming_parameter_value_and_choices(from_text):
    spec = params.notebook_spec(NOTEBOOK)
    with pytest.raises(InvalidArgumentError) as info:
        params.resolve(spec, {"universe": "sp500"}, from_text=from_text)
    assert str(info.value) == REFUSED
    assert plan.check_parameters(_run_list("sp500")) == f"InvalidArgumentError: {REFUSED}"


def test_run_refuses_an_unknown_universe_before_a_kernel_starts(tmp_path):
    proc = _layofflab("run", NOTEBOOK.stem, "-p", "universe", "sp500", "--reports", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"layofflab run: {REFUSED}"]
    assert list(tmp_path.iterdir()) == []  # nothing executed, nothing written


def test_report_refuses_a_run_list_universe_before_any_kernel(tmp_path):
    runs = tmp_path / "runs.toml"
    runs.write_text(f'[[run]]\nnotebook = "{NOTEBOOK}"\nparameters = {{ universe = "sp500" }}\n')
    reports = tmp_path / "reports"
    proc = _layofflab(
        "report", "--runs", str(runs), "--reports", str(reports), "--no-data", "-j", "1"
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "layofflab report: 02_ai_capex_and_layoffs--universe-sp500 failed: "
        f"InvalidArgumentError: {REFUSED}"
    ]
    record = json.loads(
        (reports / "runs" / "02_ai_capex_and_layoffs--universe-sp500.json").read_text()
    )
    assert record["status"] == "failed" and "executed_notebook" not in record
    assert not (reports / "executed").exists()


@pytest.mark.parametrize(
    ("data", "expected"), [("shipped_data", "bigtech"), ("external_data", "warn-public")]
)
def test_the_default_universe_follows_the_data(request, data, expected):
    request.getfixturevalue(data)
    spec = params.notebook_spec(NOTEBOOK)
    assert spec.parameters["universe"].default == expected
    assert params.resolve(spec, {}) == {}  # the notebook's defaults pass the options' checks
    assert _notebook_options({}).universe == expected


@pytest.mark.parametrize(
    ("data", "given"), [("external_data", "bigtech"), ("shipped_data", "warn-public")]
)
def test_an_explicit_universe_wins_over_the_data(request, data, given):
    request.getfixturevalue(data)
    spec = params.notebook_spec(NOTEBOOK)
    assert spec.parameters["universe"].default != given
    injected = params.resolve(spec, {"universe": given}, from_text=True)
    assert injected == {"universe": given}
    assert _notebook_options(injected).universe == given
