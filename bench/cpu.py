"""CPU time spent serving requests: user plus system time of the gunicorn
master and workers and of the PostgreSQL processes serving the benchmark's
database, read from /proc through psutil around a timed loop."""

import threading
import time

import psutil

# A backend whose connection expires mid-loop (CONN_MAX_AGE) takes its CPU time
# with it: the processes found at the start are read this often, so at most this
# much of its time is lost. One opened mid-loop lives past the loop's end, so the
# full search for processes runs only at the start and the end (it costs ~10 ms).
POLL_SECONDS = 0.25


class CpuMeter:
    """``with CpuMeter(server_pid, database) as meter: …`` then ``meter.seconds``.

    Other databases' backends are left out: on a shared machine they are other
    people's work. Processes that start during the loop count from zero."""

    def __init__(self, server_pid: int, database: str):
        self.server_pid, self.database = server_pid, database
        self.seconds = 0.0
        self._start: dict[tuple[int, float], float] = {}
        self._last: dict[tuple[int, float], float] = {}
        self._found: list[psutil.Process] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _processes(self) -> list[psutil.Process]:
        server = psutil.Process(self.server_pid)
        found = [server, *server.children(recursive=True)]
        for process in psutil.process_iter(["name"]):
            try:
                if (
                    process.info["name"] == "postgres"
                    and self.database in " ".join(process.cmdline()).split()
                ):
                    found.append(process)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return found

    @staticmethod
    def _read(processes: list[psutil.Process]) -> dict[tuple[int, float], float]:
        """CPU seconds per process, keyed by pid and start time (a pid can be reused)."""
        times = {}
        for process in processes:
            try:
                with process.oneshot():
                    cpu = process.cpu_times()
                    times[(process.pid, process.create_time())] = cpu.user + cpu.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return times

    def _poll(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self._last.update(self._read(self._found))

    def __enter__(self) -> "CpuMeter":
        self._found = self._processes()
        self._start = self._read(self._found)
        self._last = dict(self._start)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._last.update(self._read(self._processes()))
        self.seconds = sum(seconds - self._start.get(key, 0.0) for key, seconds in self._last.items())


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot."""
    cpu = psutil.cpu_times()
    return cpu.user + cpu.nice + cpu.system + cpu.irq + cpu.softirq + getattr(cpu, "steal", 0.0)


class OthersMeter:
    """How many CPUs the machine's other processes kept busy meanwhile: all
    CPU time less the server's, its database backends' and this process's.
    Near 0 on a quiet machine; a figure taken beside a busy one is noise."""

    def __init__(self, server_pid: int, database: str):
        self._ours = CpuMeter(server_pid, database)
        self.cpus = 0.0

    def __enter__(self) -> "OthersMeter":
        self._started = (time.perf_counter(), machine_busy_seconds(), time.process_time())
        self._ours.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._ours.__exit__(*exc)
        wall, busy, own = self._started
        others = machine_busy_seconds() - busy - self._ours.seconds - (time.process_time() - own)
        self.cpus = max(others, 0.0) / (time.perf_counter() - wall)
