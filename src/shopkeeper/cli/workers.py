"""Several API worker processes that share the load by connection, evenly.

uvicorn's own ``workers=N`` has every worker accept on one shared socket. Linux then wakes
whichever worker waits, and with browsers that keep their connections open the split
stays lopsided for good: measured under the serving benchmark, one worker of two held 42
connections and the other 23, and the busy one queued while the other idled. Here each
worker opens its own listening socket on the same port with ``SO_REUSEPORT``, and the
kernel spreads new connections over them by a hash of the client's address and port.

The supervisor restarts a worker that dies and stops them all on SIGINT or SIGTERM. Where
``SO_REUSEPORT`` does not balance (not Linux), uvicorn's own workers are used.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from types import FrameType

log = logging.getLogger(__name__)

APP = "shopkeeper.api.app:create_served_app"
# A worker that dies within this many seconds of starting is not restarted in a loop.
FAST_FAILURE_S = 5.0
BACKLOG = 2048


def balanced_by_kernel() -> bool:
    """Whether the kernel spreads connections over ``SO_REUSEPORT`` sockets (Linux does)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _reuse_port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


# prctl(2) option: the signal the kernel sends this process when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux for SIGTERM when the supervisor dies, however it dies.

    A supervisor stopped by SIGKILL (the OOM killer, a test's cleanup) cannot stop its
    workers, which would keep serving on the port with nobody to restart them.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the request was in place
        os.kill(os.getpid(), signal.SIGTERM)


def _worker(host: str, port: int, log_level: str, parent: int) -> None:
    import uvicorn

    _die_with_parent(parent)
    sock = _reuse_port_socket(host, port)
    sock.listen(BACKLOG)
    config = uvicorn.Config(APP, factory=True, log_level=log_level, access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(host: str, port: int, workers: int, log_level: str) -> None:
    """Run ``workers`` API processes on ``host:port`` until SIGINT or SIGTERM.

    The parent binds the port first (without listening, so the kernel never hands it a
    connection): a port in use fails here, at once, with the usual ``OSError``.
    """
    reserved = _reuse_port_socket(host, port)
    port = reserved.getsockname()[1]
    context = multiprocessing.get_context("spawn")
    started: dict[int, float] = {}
    processes: list[multiprocessing.process.BaseProcess] = []
    stopping = False

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(
            target=_worker, args=(host, port, log_level, os.getpid()), daemon=False
        )
        process.start()
        started[id(process)] = time.monotonic()
        return process

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        processes = [start() for _ in range(workers)]
        while not stopping:
            time.sleep(0.2)
            for index, process in enumerate(processes):
                if process.is_alive() or stopping:
                    continue
                lived = time.monotonic() - started.pop(id(process))
                if lived < FAST_FAILURE_S:
                    raise SystemExit(
                        f"API worker {index + 1} exited with code {process.exitcode} "
                        f"{lived:.1f} s after starting: see its error above"
                    )
                log.warning(
                    "API worker %d exited (code %s): restarting", index + 1, process.exitcode
                )
                processes[index] = start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=20)
            if process.is_alive():
                process.kill()
        reserved.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
