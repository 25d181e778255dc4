"""`feedsite serve`: build, serve, rebuild on every saved edit and reload the open pages.

From `livereload` this takes the websocket handler and livereload.js, not its Server and
Watcher: their poll loop drops a change within 3 s of the last reload. Here a thread polls
the inputs every 20 ms (`watch`), rebuilds under a lock that requests wait on (`preview`),
and calls `LiveReloadHandler.reload_waiters`, which has no throttle. A broken edit keeps
the last good site served, each page with an overlay naming `file:line` (`overlay`).

The preview goes to a temporary folder, with `base_url` set to the served origin, not to
`output_dir`: that holds the deploy build, whose URLs may live under a subpath. Rebuilds
rewrite changed pages in place, the search index included (it is rebuilt from the articles
each time, 40 ms on the real site), so search finds an edit's new words after its rebuild.
"""
from __future__ import annotations

import asyncio
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from livereload.handlers import LiveReloadHandler
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from .http import application
from .preview import Preview
from .watch import watch


async def _serve(preview: Preview, sockets, port: int, url: str) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = HTTPServer(application(preview, port))
    server.add_sockets(sockets)
    io = IOLoop.current()
    halt = threading.Event()
    watcher = threading.Thread(target=watch, name="feedsite-watch", args=(
        preview, halt, lambda: io.add_callback(LiveReloadHandler.reload_waiters, "*")))
    watcher.start()
    print(f"serving {url} (Ctrl-C to stop)", flush=True)
    try:
        await stop.wait()
    finally:
        halt.set()
        watcher.join()  # at most one rebuild; its reload callback lands before the loop closes
        server.stop()
        for client in list(LiveReloadHandler.waiters):
            client.close()
        await asyncio.wait([asyncio.ensure_future(server.close_all_connections())], timeout=2)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(config_path: Path, host: str = "127.0.0.1", port: int = 8000, search: bool = True) -> int:
    """Run the preview until Ctrl-C or SIGTERM; returns the exit code."""
    try:
        sockets = bind_sockets(port, address=host)
    except OSError as exc:
        print(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    port = sockets[0].getsockname()[1]  # the real one when --port 0
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    workdir = Path(tempfile.mkdtemp(prefix="feedsite-serve-"))
    # Until the event loop owns the signals, SIGTERM stops the first build like Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        preview = Preview(config_path, url, workdir / "site", search)
        preview.rebuild()
        if preview.problems:
            print("serving an error page until these are fixed", file=sys.stderr, flush=True)
        asyncio.run(_serve(preview, sockets, port, url))
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for sock in sockets:
            sock.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print("stopped", flush=True)
    return 0
