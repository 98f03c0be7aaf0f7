"""The preview's HTTP layer: a threading ``http.server`` that answers with a :class:`PreviewApp`.

The application (:mod:`i18nmail.preview`) turns a request target into a
:class:`Response`; this module only speaks HTTP: GET and HEAD (anything else
gets 405), the security headers on every answer, one log line per request
with control characters escaped, and no reverse DNS lookup when binding.
"""

from __future__ import annotations

import logging
import re
import socket
import socketserver
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .preview import PreviewApp

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "SECURITY_HEADERS", "PreviewServer", "Response"]

log = logging.getLogger("i18nmail.preview")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025
SECURITY_HEADERS: Mapping[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cache-Control": "no-store",
}
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Response:
    """One HTTP response, before it is written: status, body and headers."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)



class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "i18nmail-preview"
    timeout = 15  # a silent client cannot hold a thread for long

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._answer(self.server.app.handle("GET", self.path, self.headers.get_all("Host")), head=False)

    def do_HEAD(self) -> None:
        self._answer(self.server.app.handle("HEAD", self.path, self.headers.get_all("Host")), head=True)

    def _not_allowed(self) -> None:
        self._answer(self.server.app.error(405, "Method not allowed", "Use GET."), head=False)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found by ``http.server`` itself (bad request line, huge headers)."""
        if code == 501:  # an unknown method
            code = 405
        try:
            title = HTTPStatus(code).phrase
        except ValueError:
            title = "Error"
        self.close_connection = True
        self._answer(self.server.app.error(code, title, explain or message or title),
                     head=self.command == "HEAD")

    def _answer(self, response: Response, *, head: bool) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in {**SECURITY_HEADERS, **response.headers}.items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        line = _CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", format % args)
        log.info("%s %s", self.address_string(), line[:300])


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server running a :class:`PreviewApp`.

    ``url`` is where to point a browser; :meth:`start` serves from a daemon
    thread (tests); :meth:`shutdown` stops serving and closes the socket.
    """

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, app: PreviewApp, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self._thread: threading.Thread | None = None
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would do a reverse DNS lookup of the address.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    @property
    def url(self) -> str:
        """``http://host:port/`` (a wildcard bind is reached via loopback)."""
        host = self.server_name
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.server_port}/"

    def start(self) -> PreviewServer:
        """Serve from a daemon thread and return self."""
        self._thread = threading.Thread(target=self.serve_forever, name="i18nmail-preview", daemon=True)
        self._thread.start()
        return self

    def shutdown(self) -> None:
        """Stop serving (if started in a thread), close the socket."""
        if self._thread is not None:
            super().shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.server_close()
