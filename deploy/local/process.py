"""Run the local AWS stack as a child process, for tests and scripts.

stack = LocalStack().start()
...  # point clients at stack.url
stack.reset()
stack.stop()
"""

from __future__ import annotations

import collections
import ctypes
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .server import READY_MESSAGE

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
KEPT_OUTPUT_LINES = 200
PR_SET_PDEATHSIG = 1


def _end_with_parent() -> None:
    """Ask Linux to stop the stack when the process that started it dies, so a
    killed `make run` or test session leaves no stack holding its port."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: stop() still ends it on every normal exit


class LocalStackError(RuntimeError):
    pass


class LocalStack:
    def __init__(self):
        self.url = ""
        self._process: subprocess.Popen | None = None
        self._output: collections.deque[str] = collections.deque(maxlen=KEPT_OUTPUT_LINES)
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None
        self._watchers: list = []

    def watch_output(self, watcher) -> None:
        """Call `watcher(line)` with every line the stack prints from now on
        (tests scan the stack's log for what must never be in it)."""
        self._watchers.append(watcher)

    def unwatch_output(self, watcher) -> None:
        self._watchers.remove(watcher)

    def start(self, port: int | None = None) -> LocalStack:
        port = port or _free_loopback_port()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "deploy.local.server", "--port", str(port)],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=_end_with_parent,
        )
        # Read the output for as long as the server runs: a full pipe would block it.
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        self._wait_until_ready()
        self.url = f"http://127.0.0.1:{port}"
        return self

    def reset(self) -> None:
        """Forget everything: moto's state and the hosted UI's."""
        self._post("/moto-api/reset")

    def save_snapshot(self, name: str) -> None:
        """Remember moto's whole state as it is now (deploy/local/snapshots.py)."""
        self._post(f"/_local/snapshots/{name}")

    def restore_snapshot(self, name: str) -> None:
        """Bring back exactly the state saved as `name`, forgetting the rest."""
        self._post(f"/_local/snapshots/{name}/restore")

    def _post(self, path: str) -> None:
        request = urllib.request.Request(f"{self.url}{path}", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def _read_output(self) -> None:
        for line in self._process.stdout:
            self._output.append(line)
            for watcher in list(self._watchers):
                watcher(line)
            if line.startswith(READY_MESSAGE):
                self._ready.set()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not self._ready.wait(timeout=0.05):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                self._reader.join(timeout=1)  # let it collect the last words
                raise LocalStackError("the local AWS stack did not start:\n" + "".join(self._output))


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
