"""``make lab``: a real JupyterLab server on 127.0.0.1, driven through its REST and kernel APIs;
and the nbstripout git filter ``make setup`` installs."""

from __future__ import annotations

import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
import uuid

import nbformat
import pytest

from layofflab import config
from layofflab.pipeline.report import notebooks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_make_lab_serves_the_project_root_as_root_with_the_layofflab_kernel():
    proc = subprocess.run(
        ["make", "-n", "-s", "lab", "LAB_ARGS=--no-browser --port 1234"],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        check=True,
    )
    command = proc.stdout.split("jupyter lab", 1)[1]
    assert f'--ServerApp.root_dir="{config.PROJECT_ROOT}"' in command
    assert "--MappingKernelManager.default_kernel_name=layofflab" in command
    assert command.rstrip().endswith("--no-browser --port 1234")
    assert ("--allow-root" in command) == (os.geteuid() == 0)


@pytest.mark.slow
def test_jupyterlab_lists_notebooks_and_runs_a_notebook_in_the_layofflab_kernel(tmp_path):
    from websocket import create_connection

    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
    }
    args = (
        f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} "
        f"--ServerApp.port_retries=0 --IdentityProvider.token={token}"
    )
    server = subprocess.Popen(
        ["make", "-s", "lab", f"LAB_ARGS={args}"],
        cwd=config.PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in server.stdout], daemon=True).start()
    base = f"http://127.0.0.1:{port}"

    def api(method, path, body=None):
        request = urllib.request.Request(
            f"{base}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read().decode()
            return json.loads(text) if text else None

    try:
        seen: list[str] = []
        deadline = time.monotonic() + 180
        while not _listening(port):  # between tries, wait for the server's next log line
            assert time.monotonic() < deadline and server.poll() is None, "".join(seen)
            try:
                seen.append(lines.get(timeout=0.5))
            except queue.Empty:
                pass
        root = {c["name"] for c in api("GET", "/api/contents")["content"]}
        assert {"notebooks", "data", "reports", "lib"} <= root  # the project root, not notebooks/
        listed = {c["name"] for c in api("GET", "/api/contents/notebooks")["content"]}
        assert {p.name for p in notebooks()} <= listed
        specs = api("GET", "/api/kernelspecs")
        assert specs["default"] == config.KERNEL_NAME and config.KERNEL_NAME in specs["kernelspecs"]

        doc = api("GET", "/api/contents/notebooks/01_layoffs_overview.ipynb")["content"]
        nb = nbformat.from_dict(doc)
        assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
        kernel = api("POST", "/api/kernels", {"name": config.KERNEL_NAME})
        ws = create_connection(
            f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels?token={token}", timeout=300
        )
        fixture = config.FIXTURES / "tracker" / "layoffs_2026_format.csv"
        outputs = []
        session = uuid.uuid4().hex
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            code = cell.source
            if "parameters" in cell.metadata.get("tags", []):
                code = (
                    f"tracker_paths = [{str(fixture)!r}]\nstart = '2020-01-01'\nend = ''\ntop_n = 3"
                )
            msg_id = uuid.uuid4().hex
            ws.send(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "username": "test",
                            "session": session,
                            "msg_type": "execute_request",
                            "version": "5.3",
                            "date": "",
                        },
                        "parent_header": {},
                        "metadata": {},
                        "channel": "shell",
                        "buffers": [],
                        "content": {
                            "code": code,
                            "silent": False,
                            "store_history": True,
                            "user_expressions": {},
                            "allow_stdin": False,
                            "stop_on_error": True,
                        },
                    }
                )
            )
            reply, idle = None, False
            while reply is None or not idle:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind == "execute_reply":
                    reply = msg["content"]
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    idle = True
                elif kind in ("stream", "display_data", "execute_result", "error"):
                    outputs.append(msg["content"])
            assert reply["status"] == "ok", (code, reply)
        ws.close()
        api("DELETE", f"/api/kernels/{kernel['id']}")
        text = "".join(o.get("text", "") for o in outputs)
        assert "7 events kept of 7 raw rows (0 rejected)" in text
        html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        assert any("Acme Robotics" in h and re.search(r"\d,\d{3}<", h) for h in html)
        assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_filter_keeps_only_checked_outputs_in_commits(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    for name in ("pyproject.toml", "Makefile"):
        (repo / name).write_text("")
    stamp = repo / "stamp"
    stamp.write_text("")  # newer than both: the venv counts as installed
    python = config.PROJECT_ROOT / ".venv" / "bin" / "python"
    subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(repo),
            "-f",
            str(config.PROJECT_ROOT / "Makefile"),
            "git-filter",
            f"STAMP={stamp}",
            f"PY={python}",
        ],
        check=True,
        capture_output=True,
    )
    assert (
        subprocess.run(
            [*git, "config", "filter.nbstripout.clean"], capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .endswith("--keep-count --keep-id")
    )
    nb = nbformat.read(config.NOTEBOOKS / "01_layoffs_overview.ipynb", as_version=4)
    checked = [c for c in nb.cells if "keep_output" in c.metadata.get("tags", [])]
    plain = next(c for c in nb.cells if c.cell_type == "code" and c not in checked)
    plain.outputs = [nbformat.v4.new_output("stream", name="stdout", text="saved output\n")]
    plain.execution_count = 7
    nbformat.write(nb, repo / "nb.ipynb")
    subprocess.run([*git, "add", "nb.ipynb"], check=True)
    staged = nbformat.reads(
        subprocess.run(
            [*git, "show", ":nb.ipynb"], capture_output=True, text=True, check=True
        ).stdout,
        as_version=4,
    )
    assert "saved output" not in json.dumps(staged)
    kept = [c for c in staged.cells if "keep_output" in c.metadata.get("tags", [])]
    assert [c.outputs for c in kept] == [c.outputs for c in checked] and kept[0].outputs


def test_make_report_reruns_the_builder_when_any_input_of_the_report_changes():
    proc = subprocess.run(
        [
            "make",
            "-s",
            "--eval",
            "print-report-inputs: ; @echo $(REPORT_INPUTS)",
            "print-report-inputs",
        ],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        check=True,
    )
    inputs = set(proc.stdout.split())
    assert {"notebooks/runs.toml", "pyproject.toml", "lib/layofflab/config.py"} <= inputs
    assert {f"notebooks/{p.name}" for p in notebooks()} <= inputs
    assert {f"data/raw/{p.name}" for p in config.DATA_RAW.iterdir() if p.is_file()} <= inputs
    assert not [i for i in inputs if "__pycache__" in i]
