"""The server under test: `python -m webapp` as its own process, measured from /proc."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
OPEN_FILES = 65536
UNLIMITED = {name: "1000000/1" for name in ("RATE_FRAMES", "RATE_MESSAGES", "RATE_EDITS", "RATE_DRAWS")} | {
    # Every bench client is a new identity from 127.0.0.1.
    "IDENTITIES_PER_HOUR": "1000000000"
}


def raise_open_files(limit: int = OPEN_FILES) -> None:
    """Thousands of sockets need thousands of descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def migrate(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)


def cpu_times(pid: int) -> tuple[float, float]:
    """User and system (kernel) time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def cpu_seconds(pid: int) -> float:
    """User + system time of a process so far."""
    return sum(cpu_times(pid))


def memory_kib(pid: int, key: str) -> int:
    """VmRSS (resident now) or VmHWM (peak resident) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


class ServerProcess:
    """One `python -m webapp` on a loopback port with its own database."""

    def __init__(self, database_url: str, extra_env: dict[str, str] | None = None, port: int | None = None) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.profiler: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> ServerProcess:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SECRET_KEY": "bench-secret",
            "LOG_LEVEL": "warning",
            "WEB_CONCURRENCY": "1",
            # The load is many clients at rates no person types at: the
            # per-identity limits would turn it into rate_limited errors.
            **UNLIMITED,
            **self.extra_env,
        }
        self.process = subprocess.Popen([sys.executable, "-m", "webapp"], cwd=ROOT, env=env, preexec_fn=raise_open_files)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    self._profile()
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not answer /healthz in time")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def system_seconds(self) -> float:
        return cpu_times(self.pid)[1]

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def rss_kib(self) -> int:
        return memory_kib(self.pid, "VmRSS")

    def peak_rss_kib(self) -> int:
        return memory_kib(self.pid, "VmHWM")

    def _profile(self) -> None:
        """BENCH_PROFILE=1: sample the server with py-spy while it runs, into bench/out/."""
        if not os.environ.get("BENCH_PROFILE"):
            return
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        self.profile_path = out / f"profile-{time.strftime('%H%M%S')}-{self.port}.raw"
        command = [str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(self.pid), "-r", os.environ.get("BENCH_PROFILE_RATE", "100"), "-f", "raw", "-o", str(self.profile_path), "--nonblocking"]
        self.profiler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.profiler is not None:
            self.profiler.send_signal(signal.SIGINT)
            self.profiler.wait(timeout=30)
            self.profiler = None
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
