"""The run list, typed notebook parameters and ``layofflab run`` (no kernel is started here)."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from layofflab import config
from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.pipeline import params, runlist
from layofflab.pipeline.report import notebooks

NOTEBOOKS = notebooks()


def _layofflab(*args, cwd=config.PROJECT_ROOT):
    return subprocess.run(
        [sys.executable, "-m", "layofflab", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


# -- run list -----------------------------------------------------------------------------


def test_shipped_run_list_names_every_notebook_with_distinct_names():
    runs = runlist.read_run_list()
    assert {r.notebook.name for r in runs.runs} == {p.name for p in NOTEBOOKS}
    assert len(set(runs.names())) == len(runs.runs)
    grid = [r for r in runs.runs if r.notebook.stem == "03_warn_which_jobs"]
    assert [r.parameters for r in grid] == [{"company_id": "AMZN"}]
    assert (
        runs.settings.cell_timeout > 0 and runs.settings.run_timeout >= runs.settings.cell_timeout
    )


def test_shipped_run_list_parameters_pass_their_notebooks_checks():
    for run in runlist.read_run_list().runs:
        spec = params.notebook_spec(run.notebook)
        assert params.resolve(spec, run.parameters) == run.parameters


def test_grid_expands_to_every_combination_and_names_derive_from_parameters():
    text = """
[settings]
cell_timeout = 5
[[run]]
notebook = "01_layoffs_overview"
parameters = { start = "2024-01-01" }
grid = { top_n = [3, 5], end = ["", "2025-12-31"] }
run_timeout = 99
"""
    runs = runlist.parse_run_list(text, source="t.toml")
    assert [r.name for r in runs] == [
        "01_layoffs_overview--end-empty--start-2024-01-01--top_n-3",
        "01_layoffs_overview--end-2025-12-31--start-2024-01-01--top_n-3",
        "01_layoffs_overview--end-empty--start-2024-01-01--top_n-5",
        "01_layoffs_overview--end-2025-12-31--start-2024-01-01--top_n-5",
    ]
    assert all(r.parameters["start"] == "2024-01-01" for r in runs)
    assert {(r.cell_timeout, r.run_timeout) for r in runs} == {(5.0, 99.0)}


def test_long_names_stay_unique():
    a = runlist.run_name("nb", {"paths": ["x" * 90 + "a"]})
    b = runlist.run_name("nb", {"paths": ["x" * 90 + "b"]})
    assert a != b and len(a) <= 80 and len(b) <= 80


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[run]]\nnotebook = "01_layoffs_overview"\ncolour = 1', "value 'colour'"),
        ('[[run]]\nnotebook = "no_such"', "one of 01_layoffs_overview"),
        ("[[run]]\nnotebook = 3", "value 3"),
        ('[setting]\nx = 1\n[[run]]\nnotebook = "01_layoffs_overview"', "value 'setting'"),
        ('[settings]\ncell_timeout = -1\n[[run]]\nnotebook = "01_layoffs_overview"', "-1"),
        ('[[run]]\nnotebook = "01_layoffs_overview"\ngrid = { top_n = [] }', "non-empty list"),
        (
            '[[run]]\nnotebook = "01_layoffs_overview"\n[[run]]\nnotebook = "01_layoffs_overview"',
            "also made by t.toml [[run]] #1",
        ),
        ("x = [", "a TOML run list"),
        ("", "at least one [[run]]"),
    ],
)
def test_a_bad_run_list_is_one_line_naming_file_entry_and_value(text, message):
    with pytest.raises(InputFileError) as info:
        runlist.parse_run_list(text, source="t.toml")
    assert message in str(info.value) and "t.toml" in str(info.value)
    assert "\n" not in str(info.value)


def test_select_takes_run_names_or_notebook_stems():
    rl = runlist.read_run_list()
    assert [r.name for r in runlist.select(rl, ["03_warn_which_jobs"])] == [
        "03_warn_which_jobs--company_id-amzn"
    ]
    assert [r.name for r in runlist.select(rl, ["01_layoffs_overview"])] == ["01_layoffs_overview"]
    with pytest.raises(InvalidArgumentError, match="only='nope'"):
        runlist.select(rl, ["nope"])


# -- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_declares_its_options_and_types_every_parameter(path):
    spec = params.notebook_spec(path)
    assert spec.options_class is not None, f"{path.name}: metadata layofflab.options"
    from papermill.translators import PythonTranslator

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assignments = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")]
    inferred = PythonTranslator.inspect(cell)
    assert len(inferred) == len(assignments), "papermill parses every parameter line"
    for p in inferred:
        assert p.inferred_type_name != "None", f"{p.name}: annotate its type"
        assert p.help, f"{p.name}: a comment after the value is papermill's help"
        assert spec.parameters[p.name].description, f"{p.name}: describe it in the dataclass"
        option = spec.options_class.__dataclass_fields__[p.name]
        assert option is not None
    defaults = {n: p.default for n, p in spec.parameters.items()}
    spec.options_class(**{k: tuple(v) if isinstance(v, list) else v for k, v in defaults.items()})


def test_text_values_are_typed_by_the_dataclass():
    spec = params.notebook_spec(config.NOTEBOOKS / "03_warn_which_jobs.ipynb")
    out = params.resolve(
        spec,
        {"company_id": "AMZN", "warn_paths": '["a.csv", "b b.csv"]', "job_title_paths": ""},
        from_text=True,
    )
    assert out == {"company_id": "AMZN", "warn_paths": ["a.csv", "b b.csv"], "job_title_paths": []}
    capex = params.notebook_spec(config.NOTEBOOKS / "02_ai_capex_and_layoffs.ipynb")
    out = params.resolve(
        capex, {"controls": "yes", "lags": "1", "honest_m": "0,1.5"}, from_text=True
    )
    assert out == {"controls": True, "lags": 1, "honest_m": [0.0, 1.5]}


@pytest.mark.parametrize(
    ("values", "from_text", "message"),
    [
        ({"controls": "maybe"}, True, "controls='maybe': expected true or false"),
        ({"controls": 1}, False, "controls=1: expected true or false"),
        ({"lags": "1.5"}, True, "lags='1.5': expected an integer"),
        ({"lags": True}, False, "lags=True: expected an integer"),
        ({"lags": 9}, False, "lags=9: expected an integer ≥ 1 and ≤ 4"),
        ({"spike_k": "high"}, True, "spike_k='high': expected a number"),
        ({"event_outcome": 3}, False, "event_outcome=3: expected a string"),
        ({"outcomes": "jobs"}, True, "outcomes='jobs': expected one of 'workers_cut'"),
        ({"lag": 1}, False, "lag=1: expected a parameter of 02_ai_capex_and_layoffs: one of"),
    ],
)
def test_bad_values_and_unknown_parameters_are_one_line(values, from_text, message):
    spec = params.notebook_spec(config.NOTEBOOKS / "02_ai_capex_and_layoffs.ipynb")
    with pytest.raises(InvalidArgumentError) as info:
        params.resolve(spec, values, from_text=from_text)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_yaml_dates_and_lists_are_accepted_from_a_file(tmp_path):
    file = tmp_path / "p.yaml"
    file.write_text("start: 2023-01-01\nwarn_paths: [a.csv]\n")
    spec = params.notebook_spec(config.NOTEBOOKS / "03_warn_which_jobs.ipynb")
    out = params.resolve(spec, params.read_parameter_file(file))
    assert out == {"start": "2023-01-01", "warn_paths": ["a.csv"]}


def test_run_help_lists_type_default_and_description():
    proc = _layofflab("run", "01_layoffs_overview", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "top_n: int = 12" in proc.stdout
    assert "How many companies to rank." in proc.stdout
    assert "tracker_paths: list[str] = []" in proc.stdout
    assert "layofflab.studies.overview:OverviewOptions" in proc.stdout


def test_papermill_help_shows_every_type():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            "--help-notebook",
            "notebooks/03_warn_which_jobs.ipynb",
        ],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        check=True,
    )
    assert "Unknown type" not in proc.stdout
    assert "warn_paths: list[str]" in proc.stdout and "company_id: str" in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "top", "3"], "top='3': expected a parameter of 01_layoffs_overview: one of"),
        (["-p", "top_n", "many"], "top_n='many': expected an integer"),
        (["-p", "start", "yesterday"], "start='yesterday': expected an ISO date"),
    ],
)
def test_run_refuses_bad_parameters_before_a_kernel_starts(tmp_path, args, message):
    proc = _layofflab("run", "01_layoffs_overview", *args, "--reports", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"layofflab run: {message}"] or (
        len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr
    )
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing executed, nothing written


def test_unknown_notebook_names_the_notebooks():
    proc = _layofflab("run", "no_such_notebook")
    assert proc.returncode == 2
    assert "no_such_notebook: no such notebook (notebooks: 01_layoffs_overview" in proc.stderr


def test_report_refuses_a_run_list_parameter_before_any_kernel(tmp_path):
    runs = tmp_path / "runs.toml"
    notebook = config.NOTEBOOKS / "01_layoffs_overview.ipynb"
    runs.write_text(f'[[run]]\nnotebook = "{notebook}"\nparameters = {{ top = 3 }}\n')
    reports = tmp_path / "reports"
    proc = _layofflab(
        "report", "--runs", str(runs), "--reports", str(reports), "--no-data", "-j", "1"
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "layofflab report: 01_layoffs_overview--top-3 failed: InvalidArgumentError: top=3: "
        "expected a parameter of 01_layoffs_overview: one of end, start, top_n, tracker_paths"
    ]
    record = json.loads((reports / "runs" / "01_layoffs_overview--top-3.json").read_text())
    assert record["status"] == "failed" and "executed_notebook" not in record
    assert not (reports / "executed").exists()
    index = (reports / "index.html").read_text()
    assert "1 failed" in index and "expected a parameter of 01_layoffs_overview" in index


def test_side_by_side_runs_share_the_cores_between_their_thread_pools(monkeypatch):
    from layofflab.pipeline import executor

    for name in executor.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(executor, "default_workers", lambda: 4)
    assert {executor.worker_environment(2)[n] for n in executor.THREAD_VARIABLES} == {"2"}
    assert not set(executor.THREAD_VARIABLES) & set(executor.worker_environment(1))
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert executor.worker_environment(4)["OMP_NUM_THREADS"] == "3"
