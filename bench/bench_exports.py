"""Benchmark of the jobs that make the exports and the PDF report (issue: a real job queue).

Run from the repository root (about a minute)::

    .venv/bin/python bench/bench_exports.py            # 20,000 responses
    .venv/bin/python bench/bench_exports.py 2000       # another size

Builds one SQLite file with ``bench/bench_dashboard.py``'s organisation (203 teams, 4 waves,
WHY rungs and cooperation links) holding the given number of responses, makes every wave's final
release, then runs each job the exports page and the report page ask for (``survey.reports.jobs``)
through the runner, as a worker would, each in a process forked for it, and prints its wall and
CPU time, the file's size and how far the job raised the process's peak resident memory above
what the process held when it was forked (the database built and released).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_dashboard import Shape, bench_app, build_database  # noqa: E402
from survey.db import db  # noqa: E402
from survey.jobs import runner  # noqa: E402
from survey.models import Assessment, Job, JobFilePart  # noqa: E402
from survey.releases.build import make_release  # noqa: E402
from survey.reports.jobs import (  # noqa: E402
    ANALYSIS_FILES,
    DECK_KIND,
    EXPORT_KINDS,
    REPORT_KIND,
    WORKBOOK_KIND,
)

READER = {"language": "en", "zone": "UTC"}


def jobs(assessment: Assessment) -> list[tuple[str, str, dict]]:
    """(what, kind, params) of every file the two pages offer, the biggest report included."""
    version = assessment.waves[-1].instrument("rep")[1]
    found = [
        (name, kind, {"export": name, "version": version, "style": "comma"})
        for name, kind in EXPORT_KINDS.items()
    ]
    found += [
        (name, kind, {"export": name, "version": version})
        for name, (kind, *_rest) in ANALYSIS_FILES.items()
    ]
    wave = assessment.waves[-1].id
    found.append(("report, whole organisation", REPORT_KIND, {"team": None, "wave": wave}))
    found.append(("report, one top team", REPORT_KIND, {"team": 1, "wave": wave}))
    for what, kind in (("workbook", WORKBOOK_KIND), ("slides", DECK_KIND)):
        found.append((f"{what}, whole organisation", kind, {"team": None, "wave": wave}))
        found.append((f"{what}, one top team", kind, {"team": 1, "wave": wave}))
    return [
        (what, kind, {"assessment": assessment.id, **params, **READER})
        for what, kind, params in found
    ]


def main() -> int:
    responses = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(f"sqlite:///{folder}/bench.db")
        started = time.perf_counter()
        build_database(app, Shape(f"{responses}", responses, 10, 19), seed=7)
        with app.app_context():
            assessment = db.session.get(Assessment, 1)
            for wave in assessment.waves:
                make_release(db.session, assessment, wave, final=True)
                db.session.commit()
            asked = jobs(assessment)
        print(
            f"built and released {responses:,} responses in {time.perf_counter() - started:.1f} s"
        )
        print(f"peak RSS so far {peak_rss():.0f} MiB")
        print("| file | wall s | CPU s | size KiB | peak memory added, MiB |")
        print("| --- | --- | --- | --- | --- |")
        for number, (what, kind, params) in enumerate(asked):
            with app.app_context():
                job = runner.submit(db.session, kind, f"bench:{number}", params, 1, 1)
                job_id = job.id
            results = multiprocessing.get_context("fork").Queue()
            child = multiprocessing.get_context("fork").Process(
                target=run_one, args=(app, job_id, results)
            )
            child.start()
            state, wall, cpu, added = results.get()
            child.join()
            with app.app_context():
                done = db.session.get(Job, job_id)
                size = db.session.scalar(
                    select(func.coalesce(func.sum(func.length(JobFilePart.data)), 0)).where(
                        JobFilePart.job_id == job_id
                    )
                )
                if state != "done":
                    print(f"{what}: {state} ({done.error})")
                    return 1
            print(f"| {what} | {wall:.2f} | {cpu:.2f} | {size / 1024:,.0f} | {added:.0f} |")
    print(f"\nprocess peak RSS {peak_rss():.0f} MiB")
    return 0


def run_one(app, job_id: int, results) -> None:
    """In a forked process: run the job; put (state, wall s, CPU s, MiB of peak memory added)."""
    app.extensions["database"].engine.dispose(close=False)  # the parent's connections stay its
    before = current_rss()
    wall, cpu = time.perf_counter(), time.process_time()
    state = runner.run(app, job_id)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    results.put((state, wall, cpu, peak_rss() - before))


def current_rss() -> float:
    """The process's resident memory now, in MiB."""
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss() -> float:
    """The process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
