"""The production server: waitress in one process, or in several on one port.

One Python process runs Python on one core at a time, so one waitress process serves
about as many pages a second as one core renders. `zhenggai serve --workers N` forks N
processes listening on one port. Where the system has SO_REUSEPORT (Linux), each worker
binds its own socket and the kernel spreads new connections evenly over them: browsers
and proxies keep connections open, and with one shared socket whichever process woke
first took most of them (3:1 between two workers, measured). Elsewhere they share the
parent's socket. Everything
the processes must agree on lives in the database or the data folder (sessions, order
and notice numbers, throttles, counts, evidence), as with two servers behind one proxy.
The parent only watches: a worker that dies is started again; SIGTERM or Ctrl+C stops all.
At start it also finishes, behind the workers, the search entries of an import that an
earlier process left unwritten (`search.fill_pending`).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback

# A worker that dies this soon after starting, this many times in a row, means the
# server cannot run (a bad setting, the database gone): stop instead of looping.
FAST_DEATH_SECONDS = 5
FAST_DEATHS = 5


def default_workers() -> int:
    """ZHENGGAI_WORKERS, else one per core on PostgreSQL (at most 8) and one on SQLite.

    SQLite lets one writer in at a time, whatever the number of processes: more
    processes only add waiting for its lock.
    """
    from django.conf import settings

    configured = os.environ.get("ZHENGGAI_WORKERS", "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise ValueError(f"环境变量 ZHENGGAI_WORKERS 应为正整数，现为“{configured}”。")
        return int(configured)
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def listen(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=1024, reuse_port=reuse_port)
    sock.setblocking(False)
    return sock


def serve(host: str, port: int, threads: int = 8, workers: int = 1, options=None) -> int:
    from django.db import connections

    from zhenggai.wsgi import application

    options = options or {}
    try:
        sock = listen(host, port)
    except OSError as exc:
        print(f"无法在 {host}:{port} 上监听：{exc.strerror or exc}", file=sys.stderr)
        return 1
    if workers > 1 and not hasattr(os, "fork"):
        print("本系统不支持多进程（os.fork），以单进程运行。", file=sys.stderr)
        workers = 1
    shown = f"[{host}]" if ":" in host else host
    print(f"访问 http://{shown}:{port}/ （Ctrl+C 停止）", flush=True)
    finish_backlog()
    if workers == 1:
        return run_worker(application, sock, threads, options)
    print(f"{workers} 个工作进程，每个 {threads} 个线程。", flush=True)
    if hasattr(socket, "SO_REUSEPORT"):
        # The plain bind above proved the port free; the workers bind their own, and
        # a socket kept here would be handed connections that nobody accepts.
        sock.close()
        sock = None
    # Connections opened while starting must not be shared by the forked children.
    connections.close_all()
    return Supervisor(application, sock, (host, port), threads, options, workers).run()


def finish_backlog() -> threading.Thread:
    """`search.fill_pending` in a thread while the server starts serving."""
    from django.db import connection

    from zhenggai.ledger import search

    def run() -> None:
        try:
            if done := search.fill_pending():
                print(f"已补建 {done} 次导入未建完的检索条目。", flush=True)
        except Exception:
            logging.getLogger(__name__).exception("补建检索条目失败")
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="search-backlog", daemon=True)
    thread.start()
    return thread


def run_worker(application, sock: socket.socket, threads: int, options: dict) -> int:
    from waitress.server import create_server

    logging.basicConfig()  # waitress reports queued requests and errors through logging
    server = create_server(application, sockets=[sock], threads=threads, **options)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def exit_worker(signum, frame):
    # Once: a second signal (the parent's after the terminal's) must not cut the shutdown.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(0)


class Supervisor:
    """Forks the workers, starts again the ones that die, stops them all on a signal."""

    def __init__(self, application, sock, address, threads: int, options: dict, workers: int):
        self.application = application
        self.sock = sock  # shared by the workers, or None: each binds its own to address
        self.address = address
        self.threads = threads
        self.options = options
        self.workers = workers
        self.children: dict[int, float] = {}
        self.stopping = False
        self.fast_deaths = 0

    def spawn(self) -> None:
        pid = os.fork()
        if pid == 0:
            # SystemExit in the accepting loop lets waitress finish the requests it runs.
            signal.signal(signal.SIGTERM, exit_worker)
            signal.signal(signal.SIGINT, exit_worker)
            code = 1
            try:
                sock = self.sock or listen(*self.address, reuse_port=True)
                code = run_worker(self.application, sock, self.threads, self.options)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        self.children[pid] = time.monotonic()

    def stop(self, signum=None, frame=None) -> None:
        self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for _ in range(self.workers):
            self.spawn()
        failed = False
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            lived = time.monotonic() - started
            self.fast_deaths = self.fast_deaths + 1 if lived < FAST_DEATH_SECONDS else 0
            if self.fast_deaths >= FAST_DEATHS:
                print("工作进程接连启动即退出，服务停止；请查看上面的错误信息。", file=sys.stderr)
                failed = True
                self.stop()
                continue
            code = os.waitstatus_to_exitcode(status)
            how = f"被信号 {-code} 终止" if code < 0 else f"退出码 {code}"
            print(f"工作进程 {pid} 已退出（{how}），重新启动。", file=sys.stderr)
            self.spawn()
        if self.sock:
            self.sock.close()
        return 1 if failed else 0
