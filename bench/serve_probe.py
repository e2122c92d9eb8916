"""`streamlit run` with a probe: what the server keeps per session, for bench_load.py
--probe. Not for timing runs (the probe walks session state every few seconds).

Runs Streamlit's own command line in this process, and a daemon thread that every
`PROBE_INTERVAL_S` appends one JSON line to `$PROBE_OUT`: seconds since start, sessions
connected, AppSession objects still alive (weak references: closed sessions that are
kept for reconnection or not yet freed), the bytes their session state holds
(pickled: an estimate), VmRSS.

With `PROBE_PROFILE=FILE`, every script run is profiled (cProfile, the script thread's
CPU time) and the merged stats are written to FILE (pstats) with each probe line.

Run: python bench/serve_probe.py run streamlit_app.py [streamlit options]
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import weakref

PROBE_INTERVAL_S = float(os.environ.get("PROBE_INTERVAL_S", "2"))


def vm_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    from streamlit.runtime.app_session import AppSession
    from streamlit.web import cli

    sessions: weakref.WeakSet = weakref.WeakSet()
    original_init = AppSession.__init__

    def tracked_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        sessions.add(self)

    AppSession.__init__ = tracked_init
    profiles: list = []  # finished script runs' cProfile.Profile, merged by the probe
    profile_out = os.environ.get("PROBE_PROFILE")
    if profile_out:
        import cProfile

        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        original_run = ScriptRunner._run_script

        def profiled_run(self, rerun_data):
            profile = cProfile.Profile(time.thread_time)
            profile.enable()
            try:
                return original_run(self, rerun_data)
            finally:
                profile.disable()
                profiles.append(profile)

        ScriptRunner._run_script = profiled_run
    out = os.environ.get("PROBE_OUT", "/tmp/serve_probe.jsonl")
    started = time.monotonic()

    def probe() -> None:
        import pickle

        while True:
            time.sleep(PROBE_INTERVAL_S)
            row: dict[str, object] = {"t": round(time.monotonic() - started, 1)}
            try:
                from streamlit.runtime import Runtime

                runtime = Runtime.instance()
                row["connected"] = len(runtime._session_mgr.list_active_sessions())
                alive = list(sessions)
                row["app_sessions_alive"] = len(alive)
                state_bytes = 0
                for session in alive:  # what its state would take pickled (an estimate)
                    state = dict(session.session_state.filtered_state)
                    state_bytes += len(pickle.dumps(state, protocol=5))
                row["state_mb"] = round(state_bytes / 2**20, 2)
            except Exception as exc:  # noqa: BLE001 - a probe never breaks the server
                row["error"] = repr(exc)[:200]
            row["rss_mb"] = round(vm_rss_mb())
            if profile_out and profiles:
                import pstats

                done = [profiles.pop(0) for _ in range(len(profiles))]
                merged = pstats.Stats(done[0])
                for profile in done[1:]:
                    merged.add(profile)
                if os.path.exists(profile_out):
                    merged.add(profile_out)
                merged.dump_stats(profile_out)
                row["profiled_runs"] = len(done)
            with open(out, "a") as f:
                f.write(json.dumps(row) + "\n")

    threading.Thread(target=probe, name="probe", daemon=True).start()
    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
