"""The infrastructure of one run: a fresh database, an empty Redis db, the real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def fresh_database(postgres_url: str | None, workdir: Path) -> Iterator[str]:
    """A new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if not postgres_url:
        yield f"sqlite:///{workdir / 'serving.db'}"
        return
    name = f"shopkeeper_serving_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def free_redis_db(base_url: str, candidates: range = range(14, 0, -1)) -> Iterator[str]:
    """An empty Redis db number on that server, flushed before and after the run."""
    import redis

    root = base_url.rstrip("/")
    if root.rsplit("/", 1)[-1].isdigit():
        root = root.rsplit("/", 1)[0]
    for number in candidates:
        client = redis.Redis.from_url(f"{root}/{number}")
        if client.dbsize() == 0:
            break
        client.close()
    else:
        raise RuntimeError(f"no empty Redis db among {list(candidates)} on {root}")
    client.flushdb()
    try:
        yield f"{root}/{number}"
    finally:
        client.flushdb()
        client.close()


@contextmanager
def server(
    url: str, redis_url: str | None, workers: int, workdir: Path, model_dir: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``python -m shopkeeper serve`` with ``workers`` processes, until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "SHOPKEEPER_DATABASE_URL": url,
        "SHOPKEEPER_MODEL_DIR": str(model_dir),
        # Measures serving, not the storefront's request budget.
        "SHOPKEEPER_RATE_LIMIT_PER_MINUTE": "1000000000",
        "SHOPKEEPER_LOG_LEVEL": "WARNING",
    }
    if redis_url:
        env["SHOPKEEPER_REDIS_URL"] = redis_url
    command = [
        sys.executable,
        "-m",
        "shopkeeper",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, env=env, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not become ready within 120 s")
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
