"""The report site in a real browser: headless Chromium (Debian's package) driven by Selenium.

The shipped run list is built into ``tmp_path`` together with a run of the overview
notebook on a tracker export whose company is ``<img src=x onerror=alert(1)>`` (and whose
file name carries a second payload into the page header and the index), served from
127.0.0.1 and opened page by page: no console error, every image loaded, every link
resolving, no request leaving the machine, and no script run.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from layofflab import config
from layofflab.pipeline import runlist
from layofflab.pipeline.executor import Progress
from layofflab.pipeline.report import build_reports

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
XSS = "<img src=x onerror=alert(1)>"
XSS_FILE = "<img src=x onerror=alert(2)>.csv"


def _install_chromium() -> None:
    """Debian's chromium and chromium-driver, installed with apt-get when missing (CI is root)."""
    if CHROMIUM.exists() and DRIVER.exists():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.fail(
            "chromium and chromium-driver are missing; install them: apt-get install -y chromium chromium-driver"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium", "chromium-driver"]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=True)
        subprocess.run(install, env=env, capture_output=True, check=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site: ``(report dir, base URL)`` served on 127.0.0.1 for the module."""
    tmp = tmp_path_factory.mktemp("site")
    data = tmp / "data"
    data.mkdir()
    evil = (config.FIXTURES / "tracker" / "layoffs_2026_format.csv").read_text()
    (data / XSS_FILE).write_text(evil.replace("Acme Robotics", XSS))
    shipped = runlist.read_run_list()
    xss = runlist.Run(
        runlist.run_name("01_layoffs_overview", {"tracker_paths": ["xss"]}),
        config.NOTEBOOKS / "01_layoffs_overview.ipynb",
        {"tracker_paths": [str(data / XSS_FILE)], "start": "2020-01-01"},
    )
    runs = runlist.RunList((*shipped.runs, xss), shipped.settings)
    reports = tmp / "reports"
    result = build_reports(
        runs=runs,
        report_dir=reports,
        progress=Progress([], live=False, stream=open(os.devnull, "w")),
    )
    assert [o.status for o in result.outcomes] == ["ok"] * len(runs.runs), result.outcomes

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(reports))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield reports, f"http://127.0.0.1:{server.server_address[1]}/", runs
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _install_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    yield driver
    driver.quit()


def _visit(driver, url: str) -> dict:
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)
    state = driver.execute_script(
        """return {
          images: [...document.images].map(i => [i.getAttribute('src'), i.complete,
                   i.naturalWidth, i.naturalHeight, i.getAttribute('alt')]),
          links: [...document.querySelectorAll('a[href]')].map(a => a.href),
          scripts: document.scripts.length,
          injected: document.querySelectorAll("img[src='x']").length,
          text: document.body.innerText,
          title: document.title,
        };"""
    )
    state["console"] = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    state["requests"] = requests
    return state


def _pages(reports: Path) -> list[str]:
    return ["index.html", *sorted(p.name for p in reports.glob("*.html") if p.name != "index.html")]


def test_every_page_loads_cleanly_offline(site, browser):
    reports, base, runs = site
    pages = _pages(reports)
    assert len(pages) == 1 + len(runs.runs)
    checked_links: set[str] = set()
    for name in pages:
        state = _visit(browser, base + name)
        assert state["console"] == [], (name, state["console"])
        assert state["scripts"] == 0, name
        for src, complete, width, height, alt in state["images"]:
            assert complete and width > 0 and height > 0, (name, src)
            assert alt and not alt.startswith("Figure "), (name, src, alt)
        # Chromium's own pages load chrome:// resources; anything else must stay on this host.
        foreign = [
            u for u in state["requests"] if not u.startswith((base, "data:", "chrome://", "about:"))
        ]
        assert foreign == [], (name, foreign)
        assert "Notebook" != state["title"] and state["title"], name
        for link in state["links"]:
            url, _, fragment = link.partition("#")
            if not url.startswith(base):
                assert url.startswith("https://"), (name, link)  # cited sources, never requested
                continue
            if url not in checked_links:
                with urllib.request.urlopen(url) as response:
                    assert response.status == 200, (name, link)
                checked_links.add(url)
            if fragment and url == base + name:
                found = browser.execute_script(
                    "return document.getElementById(arguments[0]) !== null",
                    urllib.parse.unquote(fragment),
                )
                assert found, (name, link)
    assert any("/figures/" in u and u.endswith(".svg") for u in checked_links)
    assert any("/tables/" in u and u.endswith(".tex") for u in checked_links)


def test_a_company_named_like_a_script_runs_nothing(site, browser):
    from selenium.common.exceptions import NoAlertPresentException

    _reports, base, runs = site
    name = runs.runs[-1].name
    for page in (f"{name}.html", "index.html"):
        state = _visit(browser, base + page)
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018 - reading it raises when there is none
        assert state["injected"] == 0 and state["console"] == []
        assert "<img src=x onerror=alert(2)>" in state["text"]  # the file name, as text
    assert XSS in state["text"] or XSS in _visit(browser, base + f"{name}.html")["text"]


def test_code_is_hidden_until_asked_for_and_the_run_log_is_collapsed(site, browser):
    from selenium.webdriver.common.by import By

    _reports, base, runs = site
    browser.get(base + f"{runs.runs[0].name}.html")
    code = browser.find_elements(By.CSS_SELECTOR, ".jp-CodeCell .jp-Cell-inputWrapper")
    assert code and not any(c.is_displayed() for c in code)
    browser.find_element(By.CSS_SELECTOR, "label[for='lf-show-code']").click()
    assert any(c.is_displayed() for c in code)
    log = browser.find_element(By.ID, "lf-run-log")
    assert log.get_attribute("open") is None
    assert (
        browser.find_element(By.LINK_TEXT, "← All reports").get_attribute("href")
        == base + "index.html"
    )
