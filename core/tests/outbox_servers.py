"""Real servers for the outbox's tests, started by the test on a free port of 127.0.0.1: an SMTP server (aiosmtpd)
that can refuse on cue, and an HTTP server standing in for a chat webhook."""

import email
import email.policy
import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: answers DATA (or RCPT) from a script of replies, then 250; keeps what it accepted."""

    def __init__(self):
        self.data_replies: list[str] = []  # e.g. ["451 4.3.0 Try again later"], used up in order
        self.rcpt_replies: list[str] = []
        self.messages: list[email.message.EmailMessage] = []
        self.refused = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_replies:
            self.refused += 1
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            self.refused += 1
            return self.data_replies.pop(0)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int | None = None):
    """A running SMTP server; yields (mailbox, port)."""
    mailbox = Mailbox()
    port = port or free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def use_smtp(settings, port: int) -> None:
    """Point Django's SMTP backend at 127.0.0.1:port, plain SMTP without authentication."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


class Hook:
    """What the webhook server was posted, and the statuses it answers with (then 200)."""

    def __init__(self):
        self.statuses: list[int] = []
        self.posts: list[dict] = []
        self.lock = threading.Lock()


@contextmanager
def webhook_server():
    """A running HTTP server taking JSON POSTs; yields (hook, base url)."""
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with hook.lock:
                status = hook.statuses.pop(0) if hook.statuses else 200
                if status == 200:
                    hook.posts.append(
                        {"path": self.path, "json": json.loads(body), "type": self.headers["Content-Type"]}
                    )
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"no")

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
