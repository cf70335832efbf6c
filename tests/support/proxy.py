"""A TCP forwarder that can be switched off and on: a stand-in for a parser outage that
does not restart the session's 2 GB CoreNLP JVM. Off, nothing listens on its port
(connection refused, as with a stopped server); on, it forwards to the real server.
It counts the connections it accepted, so a test can show that something never called.

    proxy = SwitchableProxy("127.0.0.1", 9000).start()   # proxy.url == "http://127.0.0.1:PORT"
    proxy.down(); ...; proxy.up(); ...; proxy.close()
"""
from __future__ import annotations

import contextlib
import socket
import threading

from tests.support.infra import free_port


class SwitchableProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._server: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    @classmethod
    def to(cls, url: str) -> SwitchableProxy:
        host, port = url.rsplit("//", 1)[1].rstrip("/").rsplit(":", 1)
        return cls(host, int(port))

    def start(self) -> SwitchableProxy:
        self.up()
        return self

    def up(self) -> None:
        with self._lock:
            if self._server is not None:
                return
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(("127.0.0.1", self.port))
            server.listen(16)
            self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def down(self) -> None:
        """Stop listening and cut every open connection (kept-alive ones too)."""
        with self._lock:
            server, self._server = self._server, None
            cut, self._open = list(self._open), set()
        for sock in ([server] if server is not None else []) + cut:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    close = down

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return  # switched off
            self.connections += 1
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
