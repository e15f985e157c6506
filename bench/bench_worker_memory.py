"""Memory of the app's gunicorn workers, and the CPU time of importing the app (issue 19).

Run from the repository root (under a minute)::

    .venv/bin/python bench/bench_worker_memory.py [--journeys 8]

1. ``import survey.wsgi`` in three fresh interpreters: the median CPU time (user + system), the
   peak resident memory, and which heavy libraries (README, *Workers*) the import loaded.
2. ``gunicorn survey.wsgi:app`` with 2 sync workers (``SURVEY_ENV=production``, a SQLite file
   in a temporary folder prepared as ``bench/_prepare.py`` does: invitations whose drafts hold
   every answer). Each worker's resident memory (``VmRSS`` of ``/proc/<pid>/status``) and
   proportional share (``Pss`` of ``/proc/<pid>/smaps_rollup``: shared pages divided among the
   processes that map them) and which heavy libraries' compiled modules it maps (from
   ``/proc/<pid>/maps``, so pure-Python ones such as Altair are not seen there), measured:

   - after start (gunicorn's probe of ``/health`` answered);
   - after ``--journeys`` reps each opened their link (intro), went through every page (GET, and
     a POST of each page of statements) and submitted on the last page;
   - after each of them opened the thank-you page, which computes the index's precision and
     draws its chart (numpy, SciPy, pandas, Altair).

Prints the figures; exits 1 only when a check fails (a status other than the one expected, a
submit that does not lead to the thank-you page), never on a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._prepare import (  # noqa: E402
    ANSWER,
    ITEMS_PER_PAGE,
    QUESTIONNAIRE,
    PreparedWave,
    prepare_wave,
    submit_fields,
)
from bench._serve import App, child_pids, serve  # noqa: E402
from bench.bench_rep_journey import http  # noqa: E402
from questionnaires import load_directory  # noqa: E402
from survey.rep.pages import plan_pages  # noqa: E402

WORKERS = 2
IMPORT_RUNS = 3
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
HEAVY = (
    "numpy",
    "scipy",
    "pandas",
    "altair",
    "vl_convert",
    "weasyprint",
    "openpyxl",
    "pptx",
    "pyreadstat",
    "PIL",
    "statsmodels",
    "jsonschema",
    "dramatiq",
    "redis",
)
IMPORT = f"""
import json, resource, sys, time
started = time.process_time()
import survey.wsgi
cpu = time.process_time() - started
print(json.dumps({{
    "cpu_s": cpu,
    "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "heavy": sorted(name for name in {HEAVY!r} if name in sys.modules),
}}))
"""


class CheckFailed(Exception):
    """A request did not get the answer the journey expects."""


def app_env(database_url: str) -> dict[str, str]:
    """Production settings on ``database_url``; no ``SURVEY_`` variable of the caller's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SURVEY_")}
    env |= {"SURVEY_ENV": "production", "SURVEY_SECRET_KEY": secrets.token_hex(32)}
    env |= {"SURVEY_PUBLIC_URL": "http://127.0.0.1", "SURVEY_DATABASE_URL": database_url}
    return env


def import_figures(env: dict[str, str]) -> dict:
    """Median CPU time of ``import survey.wsgi`` over fresh interpreters, with the rest."""
    runs = []
    for _ in range(IMPORT_RUNS):
        done = subprocess.run(
            [sys.executable, "-c", IMPORT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise CheckFailed(f"import survey.wsgi failed:\n{done.stderr[-2000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "cpu_s": [round(run["cpu_s"], 3) for run in runs],
        "median_cpu_s": round(statistics.median(run["cpu_s"] for run in runs), 3),
        "max_rss_mib": round(statistics.median(run["max_rss_mib"] for run in runs), 1),
        "heavy": sorted({name for run in runs for name in run["heavy"]}),
    }


def worker_memory(pid: int) -> dict:
    """A process's resident and proportional memory in MiB, and the heavy libraries it maps."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kib = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    pss_kib = int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))
    maps = Path(f"/proc/{pid}/maps").read_text()
    mapped = sorted(name for name in HEAVY if f"/site-packages/{name}/" in maps)
    return {
        "rss_mib": round(rss_kib / 1024, 1),
        "pss_mib": round(pss_kib / 1024, 1),
        "maps": mapped,
    }


class Rep:
    """One rep's browser: its session cookie, kept as the server updates it."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.cookie = ""

    def request(self, method: str, path: str, expected: int, body: str = "") -> tuple[dict, str]:
        status, headers, text = http(self.port, method, path, body, self.cookie)
        if "Set-Cookie" in headers:
            self.cookie = headers["Set-Cookie"].split(";", 1)[0]
        if status != expected:
            raise CheckFailed(f"{method} {path.replace(self.token, '<token>')}: {status}")
        return headers, text

    def journey(self, wave: PreparedWave, pages) -> None:
        """Intro, every page (a POST of each page of statements), the submit on the last."""
        self.request("GET", f"/r/{self.token}", 200)
        for page in pages:
            path = f"/r/{self.token}/{page.number}"
            _headers, html = self.request("GET", path, 200)
            csrf = CSRF_FIELD.search(html)
            if csrf is None:
                raise CheckFailed(f"page {page.number} has no CSRF token")
            if page.number == wave.last_page:
                fields = {"action": "submit", **submit_fields(wave)}
            elif page.kind == "items":
                fields = {"action": "next", **{f"q-{item.id}": str(ANSWER) for item in page.items}}
            else:
                continue  # the prepared draft has climbed the ladder already
            headers, _text = self.request(
                "POST", path, 302, urlencode({"csrf_token": csrf.group(1), **fields})
            )
            if page.number == wave.last_page and not headers["Location"].endswith("/thanks"):
                raise CheckFailed(f"the submit led to {headers['Location']}, not /thanks")

    def thanks(self) -> None:
        _headers, html = self.request("GET", "/thanks", 200)
        if 'id="personal-spec"' not in html:
            raise CheckFailed("the thank-you page shows no result")


def measure(journeys: int) -> dict:
    questionnaire = load_directory()[QUESTIONNAIRE]
    pages = plan_pages(questionnaire, ITEMS_PER_PAGE)
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as folder:
        temp = Path(folder)
        database_url = f"sqlite:///{temp / 'survey.db'}"
        wave = prepare_wave(database_url, journeys)
        env = app_env(database_url)
        figures: dict = {"import": import_figures(env), "workers": {}}
        app = App("survey.wsgi:app", "/health", temp / "survey.log")
        with serve([app], env, WORKERS) as (server,):
            workers = child_pids(server.pid)

            def snapshot(phase: str) -> None:
                figures["workers"][phase] = [worker_memory(pid) for pid in workers]

            snapshot("after start")
            reps = [Rep(server.port, token) for token in wave.tokens]
            for rep in reps:
                rep.journey(wave, pages)
            snapshot(f"after {journeys} journeys to the submit")
            for rep in reps:
                rep.thanks()
            snapshot("after their thank-you pages")
            if child_pids(server.pid) != workers:
                raise CheckFailed("a worker was replaced during the run")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--journeys", type=int, default=8, help="reps served (default 8)")
    args = parser.parse_args()
    try:
        figures = measure(args.journeys)
    except CheckFailed as failed:
        print(f"CHECK FAILED: {failed}")
        return 1
    found = figures["import"]
    print(
        f"import survey.wsgi: {found['median_cpu_s']} s CPU (median of {found['cpu_s']}), "
        f"peak RSS {found['max_rss_mib']} MiB, heavy libraries loaded: {found['heavy'] or 'none'}"
    )
    print(f"gunicorn, {WORKERS} sync workers (RSS / PSS in MiB; heavy libraries mapped):")
    for phase, workers in figures["workers"].items():
        shown = "; ".join(
            f"{w['rss_mib']} / {w['pss_mib']} ({', '.join(w['maps']) or 'none'})" for w in workers
        )
        print(f"  {phase:<38} {shown}")
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
