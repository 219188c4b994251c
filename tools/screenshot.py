"""Screenshot of the Dagster asset graph for the README (docs/asset-graph.png).

Starts `dagster dev` on 127.0.0.1 in its own process group with a fresh instance and, unless --warehouse
is given, a fresh warehouse: the raw-folder sensor then builds it from raw/samples, so every asset
(extract_documents' partitions too) is materialized in the picture. Then it opens the global asset lineage
in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): the asset groups collapsed and laid
out top to bottom, so that the picture stays readable at README width (the whole graph with every asset is
far wider than a page; the UI shows it), and saves a PNG cropped to the groups.
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
VIEWPORT = {"width": 1400, "height": 1300}
SCALE = 2  # device pixels per CSS pixel: sharp text when GitHub shrinks the picture to README width
LABEL_PX = 14  # zoom in until a group's name is this tall (CSS px): readable at README width
MARGIN = 24
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# the asset groups (dagster_project/assets/*.py group_name, dbt folders via LayerTranslator), top to bottom
GROUPS = [
    "raw",
    "extracted",
    "events",
    "staging",
    "catalogues",
    "intermediate",
    "marts",
    "checks",
    "publish",
    "documents",
]
# a group's node: the first ancestor of its name that is three times as tall as the name
NODE_RECT = """el => { const h = el.getBoundingClientRect().height; let n = el;
  while (n.parentElement && n.getBoundingClientRect().height < 3 * h) n = n.parentElement;
  const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, h]; }"""


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
            r = requests.post(
                f"http://127.0.0.1:{port}/graphql", json={"query": "{ assetNodes { id } }"}, timeout=5
            )
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


def graph_pane(page) -> dict[str, float]:
    """The canvas: right of the asset tree and below the search box (CSS px); the zoom buttons excluded."""
    search = page.get_by_text("Search and filter assets").first.bounding_box()  # the search box's placeholder
    left, top = search["x"] - 30, search["y"] + 40
    return {"x": left, "y": top, "width": VIEWPORT["width"] - left - 80, "height": VIEWPORT["height"] - top}


def group_nodes(page) -> list[list[float]]:
    """[left, top, right, bottom, name height] of each collapsed group node on the canvas (CSS px)."""
    pane = graph_pane(page)
    rects = [el.evaluate(NODE_RECT) for g in GROUPS for el in page.get_by_text(g, exact=True).all()]
    return [r for r in rects if r[0] >= pane["x"] and r[1] >= pane["y"]]  # not the asset tree's entries


def center_graph(page) -> None:
    """Drag the canvas so that the group nodes are in the middle of the pane."""
    nodes = group_nodes(page)
    if not nodes:
        raise SystemExit("no asset group names on the canvas")
    pane = graph_pane(page)
    cx = (min(r[0] for r in nodes) + max(r[2] for r in nodes)) / 2
    cy = (min(r[1] for r in nodes) + max(r[3] for r in nodes)) / 2
    dx, dy = pane["x"] + pane["width"] / 2 - cx, pane["y"] + pane["height"] / 2 - cy
    # start the drag on empty canvas: the corner of the pane the graph moves away from
    sx = pane["x"] + (20 if dx >= 0 else pane["width"] - 20)
    sy = pane["y"] + (20 if dy >= 0 else pane["height"] - 20)
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + dx, sy + dy, steps=15)
    page.mouse.up()
    page.wait_for_timeout(400)


def shoot(port: int, out: Path) -> None:
    """The global asset lineage, groups collapsed (each shows how many of its assets are materialized),
    laid out top to bottom, zoomed until the names are readable and cropped to the groups."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport=VIEWPORT, device_scale_factor=SCALE)
        page.goto(f"http://127.0.0.1:{port}/asset-groups", wait_until="load")
        page.get_by_text("Hide navigation").wait_for(timeout=120_000)
        page.wait_for_timeout(3000)
        skip = page.get_by_role("button", name="Skip")  # a first visit's "Join the Dagster community" dialog
        if skip.count():
            skip.click()
        page.get_by_text("Hide navigation").click()
        page.wait_for_timeout(1000)
        # the graph's button column at the lower right, top to bottom: zoom in, zoom out, settings, …
        boxes = sorted(
            (
                box
                for b in page.locator("button").all()
                if (box := b.bounding_box())
                and box["x"] > VIEWPORT["width"] - 100
                and box["y"] > VIEWPORT["height"] / 2
            ),
            key=lambda box: box["y"],
        )
        zoom_in, _, settings = [(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2) for b in boxes[:3]]
        page.mouse.click(*settings)
        page.get_by_role("menuitem").filter(has_text="vertical orientation").first.click()
        # the UI keeps the orientation (and the hidden navigation) in the browser's storage; a reload lays the
        # graph out anew and fits it to the pane
        page.reload(wait_until="load")  # not "networkidle": the UI polls for live data every 2 s
        # the search box's placeholder has no height: wait for it to be there, not visible
        page.get_by_text("Search and filter assets").first.wait_for(state="attached", timeout=120_000)
        page.wait_for_timeout(5000)
        for _ in range(40):  # the canvas shows names only from some zoom on; each click adds a step
            nodes = group_nodes(page)
            if nodes and max(r[4] for r in nodes) >= LABEL_PX:
                break
            if nodes:
                center_graph(page)
            page.mouse.click(*zoom_in)
            page.wait_for_timeout(300)
        center_graph(page)
        page.wait_for_timeout(5000)  # the groups' materialization counts load
        nodes = group_nodes(page)
        if len(nodes) != len(GROUPS):
            raise SystemExit(f"found {len(nodes)} of the {len(GROUPS)} asset groups on the canvas")
        x0, y0 = min(r[0] for r in nodes) - MARGIN, min(r[1] for r in nodes) - MARGIN
        x1, y1 = max(r[2] for r in nodes) + MARGIN, max(r[3] for r in nodes) + MARGIN
        page.screenshot(path=str(out), clip={"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0})
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", help="default: a new one in the instance's temporary folder")
    parser.add_argument("--out", default=str(REPO / "docs" / "asset-graph.png"))
    parser.add_argument("--port", type=int, help="shoot a `dagster dev` already serving on this port instead")
    args = parser.parse_args()
    if args.port:
        shoot(args.port, Path(args.out))
        print(f"wrote {args.out}")
        return 0
    port = free_port()
    home = Path(tempfile.mkdtemp(prefix="budgetwh-screenshot-"))  # a fresh instance: no earlier runs shown
    # a warehouse built elsewhere leaves the sensor nothing to extract, and the partitions show unmaterialized
    warehouse = Path(args.warehouse or home / "warehouse" / "budget.duckdb").resolve()
    bindir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "BUDGETWH_WAREHOUSE": str(warehouse),
        "PATH": f"{bindir}:{os.environ.get('PATH', '')}",
    }
    log = home / "dagster.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(bindir / "dagster"), "dev", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
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
