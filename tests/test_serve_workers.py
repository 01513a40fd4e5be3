"""`zhenggai serve --workers N`: N processes accept on one socket, a worker that dies is
started again, SIGTERM stops them all, and a bad number is refused in Chinese."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def sockets(pid: int) -> int:
    """How many sockets the process holds open."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:
            pass
    return count


def get(port: int, path: str = "/accounts/login/") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.fixture
def environment(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"ZHENGGAI_DATABASE_URL", "ZHENGGAI_WORKERS", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(ZHENGGAI_DATA=str(tmp_path / "data"), ZHENGGAI_HTTPS="false")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def test_workers_share_one_socket_and_are_restarted(environment, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "zhenggai.cli", "serve", "--port", str(port)]
        + ["--workers", "3", "--threads", "2"],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a failing test still stops the workers with the group
    )
    try:
        wait_for(lambda: len(children(server.pid)) == 3, "three workers")
        wait_for(lambda: _answers(port), "the server answers")
        first = children(server.pid)

        # Many requests at once, on one port, all answered.
        with ThreadPoolExecutor(12) as pool:
            assert set(pool.map(lambda _: get(port), range(60))) == {200}

        # Kept-alive connections (browsers, proxies) are spread over every worker.
        before = {pid: sockets(pid) for pid in first}
        held = []
        try:
            for _ in range(60):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/accounts/login/")
                conn.getresponse().read()
                held.append(conn)
            # (Counted as sockets open: connections of the requests above may still be
            # closing, so the sum need not be 60 exactly.)
            taken = {pid: sockets(pid) - before[pid] for pid in first}
            assert min(taken.values()) >= 5, taken
        finally:
            for conn in held:
                conn.close()

        # A worker that dies is started again; the others go on answering meanwhile.
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: victim not in children(server.pid), "the dead worker reaped")
        wait_for(lambda: len(children(server.pid)) == 3, "a new worker started")
        assert len(children(server.pid) - first) == 1
        assert {get(port) for _ in range(10)} == {200}
        assert "已退出" in log.read_text()

        # SIGTERM to the server stops every worker and the server itself, cleanly.
        workers = children(server.pid)
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0, log.read_text()
        for pid in workers:
            assert not Path(f"/proc/{pid}").exists() or _zombie(pid)
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait(10)
    assert "3 个工作进程" in log.read_text()


def _answers(port: int) -> bool:
    try:
        return get(port) == 200
    except OSError:
        return False


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except OSError:
        return True


@pytest.mark.parametrize(
    "args, env, said",
    [
        (["--workers", "0"], {}, "应为正整数，现为“0”"),
        (["--workers", "两个"], {}, "应为正整数，现为“两个”"),
        ([], {"ZHENGGAI_WORKERS": "-1"}, "环境变量 ZHENGGAI_WORKERS 应为正整数，现为“-1”"),
    ],
)
def test_a_bad_number_of_workers_is_refused_in_chinese(environment, args, env, said):
    done = subprocess.run(
        [sys.executable, "-m", "zhenggai.cli", "serve", "--port", str(free_port()), *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert said in done.stderr


def test_a_port_in_use_is_named(environment):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "zhenggai.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"无法在 127.0.0.1:{port} 上监听" in done.stderr
