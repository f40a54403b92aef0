"""scripts/benchmark_browser.py: the browser's busy time read from a Chrome trace."""

from __future__ import annotations

import json

from benchmark_browser import busy_seconds  # scripts/ is on the test path (pyproject.toml)


def thread_name(pid: int, tid: int, name: str) -> dict[str, object]:
    return {"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": name}}


def task(
    pid: int, tid: int, start_us: int, duration_us: int, name: str = "RunTask"
) -> dict[str, object]:
    return {"ph": "X", "name": name, "pid": pid, "tid": tid, "ts": start_us, "dur": duration_us}


def test_busy_time_is_the_union_of_the_renderer_main_threads_top_level_tasks():
    trace = {
        "traceEvents": [
            thread_name(10, 1, "CrRendererMain"),
            thread_name(10, 2, "Compositor"),
            thread_name(20, 1, "CrRendererMain"),
            thread_name(30, 5, "CrBrowserMain"),
            # renderer 10's main thread: 0-100 ms and 50-150 ms (overlapping: 150 ms in all),
            # then 200-210 ms with 205-208 ms nested inside it (10 ms)
            task(10, 1, 0, 100_000),
            task(10, 1, 50_000, 100_000),
            task(10, 1, 200_000, 10_000),
            task(10, 1, 205_000, 3_000),
            # a script inside a task is not a task of its own
            task(10, 1, 300_000, 40_000, name="FunctionCall"),
            # not a renderer's main thread: the compositor, and the browser process
            task(10, 2, 0, 500_000),
            task(30, 5, 0, 900_000),
            # a second renderer's main thread: 25 ms
            task(20, 1, 1_000_000, 25_000),
        ]
    }
    # By hand: 150 ms + 10 ms on renderer 10, 25 ms on renderer 20.
    assert abs(busy_seconds(json.dumps(trace).encode()) - 0.185) < 1e-9


def test_a_trace_with_no_renderer_is_not_busy():
    trace = {"traceEvents": [thread_name(30, 5, "CrBrowserMain"), task(30, 5, 0, 900_000)]}
    assert busy_seconds(json.dumps(trace).encode()) == 0
