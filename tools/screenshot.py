"""Screenshot of the Dagster asset graph for the README (docs/asset-graph.png).

Starts `dagster dev` on 127.0.0.1 in its own process group with a fresh instance and, unless --warehouse
is given, a fresh warehouse: the raw-folder sensor then builds it from raw/samples, so every asset
(extract_documents' partitions too) is materialized in the picture. Then it opens the global asset lineage
in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) and saves a PNG.
Run: `make screenshot` (needs `apt-get install chromium` and `pip install -e .[docs]`).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 2400, "height": 1800}
ZOOM_OUT_CLICKS = 2
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("dagster dev exited early:\n" + log.read_text()[-3000:])
        try:
            r = requests.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ assetNodes { id } }"}, timeout=5)
            if r.ok and r.json().get("data", {}).get("assetNodes"):
                return
        except requests.RequestException:
            pass
        time.sleep(2)
    raise SystemExit("dagster dev did not serve the asset graph in time")


RUNS = """{ runsOrError { ... on Runs { results { runId status } } } }"""
ACTIVE = {"QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING"}
QUIET_SECONDS = 45  # longer than the sensors' 30 s interval: a sensor would have launched its next run


def wait_for_runs(port: int, timeout: float = 900) -> None:
    """Wait until runs have been launched (the raw-folder sensor's build, then one report run per document
    once it is published), none is active and none has been added for QUIET_SECONDS."""
    deadline = time.time() + timeout
    seen, quiet_since = -1, time.time()
    while time.time() < deadline:
        r = requests.post(f"http://127.0.0.1:{port}/graphql", json={"query": RUNS}, timeout=10)
        runs = r.json()["data"]["runsOrError"]["results"]
        if len(runs) != seen or any(run["status"] in ACTIVE for run in runs):
            seen, quiet_since = len(runs), time.time()
        elif runs and time.time() - quiet_since >= QUIET_SECONDS:
            return
        time.sleep(3)
    raise SystemExit("the sensors' runs did not finish in time")


def shoot(port: int, out: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
        page.goto(f"http://127.0.0.1:{port}/asset-groups", wait_until="networkidle")
        page.wait_for_timeout(3000)
        skip = page.get_by_role("button", name="Skip")  # a first visit's "Join the Dagster community" dialog
        if skip.count():
            skip.click()
        page.get_by_text("Hide navigation").click()
        page.wait_for_timeout(1000)

        # the graph's button column at the lower right, top to bottom: zoom in, zoom out, settings, …
        boxes = sorted((box for b in page.locator("button").all() if (box := b.bounding_box())
                        and box["x"] > VIEWPORT["width"] - 100 and box["y"] > VIEWPORT["height"] / 2),
                       key=lambda box: box["y"])
        _, zoom_out, settings = [(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2) for b in boxes[:3]]
        page.mouse.click(*settings)
        page.locator("text=Expand all groups >> visible=true").first.click()
        page.keyboard.press("Escape")
        page.wait_for_timeout(2000)
        for _ in range(ZOOM_OUT_CLICKS):
            page.mouse.click(*zoom_out)
            page.wait_for_timeout(500)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(out))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", help="default: a new one in the instance's temporary folder")
    parser.add_argument("--out", default=str(REPO / "docs" / "asset-graph.png"))
    args = parser.parse_args()
    port = free_port()
    home = Path(tempfile.mkdtemp(prefix="budgetwh-screenshot-"))  # a fresh instance: no earlier runs shown
    # a warehouse built elsewhere leaves the sensor nothing to extract, and the partitions show unmaterialized
    warehouse = Path(args.warehouse or home / "warehouse" / "budget.duckdb").resolve()
    bindir = Path(sys.executable).parent
    env = {**os.environ, "DAGSTER_HOME": str(home), "BUDGETWH_WAREHOUSE": str(warehouse),
           "PATH": f"{bindir}:{os.environ.get('PATH', '')}"}
    log = home / "dagster.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(bindir / "dagster"), "dev", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(port, proc, log)
        wait_for_runs(port)
        shoot(port, Path(args.out))
        print(f"wrote {args.out}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
