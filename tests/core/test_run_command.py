"""The run command's supervisor (scripts/supervise.sh, used by scripts/run.sh): a process that dies
is started again and the run command says so; the others keep running; a signal to the run command
stops them all."""

import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

from django.conf import settings

SCRIPT = """
say() { echo "[onegate] $*"; }
source scripts/supervise.sh
run_worker() { echo "worker running $BASHPID"; exec sleep 1000; }
run_web() { echo "web running $BASHPID"; exec sleep 1000; }
trap 'supervise_stop; exit 0' INT TERM
supervise_add worker run_worker
supervise_add web run_web
supervise_loop
"""


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()


class Output:
    """The supervisor's lines, read in a thread so that waiting for one can time out."""

    def __init__(self, process):
        self.lines, self.seen, self.unread = queue.Queue(), [], []
        threading.Thread(target=lambda: [self.lines.put(line) for line in process.stdout], daemon=True).start()

    def until(self, prefix: str, timeout: float = 20) -> str:
        """The next line starting with ``prefix`` (the processes print in any order)."""
        for line in self.unread:
            if line.startswith(prefix):
                self.unread.remove(line)
                return line
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left).strip()
            except queue.Empty:
                break
            self.seen.append(line)
            if line.startswith(prefix):
                return line
            self.unread.append(line)
        raise AssertionError(f"the supervisor never said {prefix!r}; it said {self.seen}")


def pid_in(line: str) -> int:
    return int(line.rsplit(" ", 1)[1])


def test_a_process_that_dies_is_started_again_and_only_a_signal_stops_them_all():
    supervisor = subprocess.Popen(
        ["bash", "-c", SCRIPT], cwd=settings.BASE_DIR, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    output = Output(supervisor)
    try:
        first = {name: pid_in(output.until(f"{name} running")) for name in ("worker", "web")}
        os.kill(first["worker"], signal.SIGKILL)
        assert output.until("[onegate] worker stopped") == (
            "[onegate] worker stopped (exit status 137); starting it again in 1 s"
        )
        restarted = pid_in(output.until("worker running"))
        assert restarted != first["worker"] and alive(restarted) and alive(first["web"])

        os.kill(first["web"], signal.SIGTERM)  # the web server too
        assert output.until("[onegate] web stopped").startswith("[onegate] web stopped (exit status 143)")
        web = pid_in(output.until("web running"))
        assert supervisor.poll() is None and alive(restarted)

        supervisor.send_signal(signal.SIGINT)  # Ctrl-C
        assert supervisor.wait(timeout=20) == 0
        time.sleep(0.2)
        assert not alive(restarted) and not alive(web)
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
