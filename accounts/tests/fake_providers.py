"""Fake OAuth providers on loopback: tests never reach Google or TikTok over the internet."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


class FakeProviderServer:
    """Serves fixed JSON answers per path; `handlers[path](headers, body) -> (status, payload)`."""

    def __init__(self):
        self.handlers = {}
        self.requests: list[tuple[str, str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                path = urlparse(self.path).path
                server.requests.append((method, self.path, dict(self.headers)))
                handler = server.handlers.get(path)
                status, payload = handler(self.headers, body) if handler else (404, {"error": "not found"})
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class GoogleSigner:
    """An RSA key with a self-signed certificate, published the way Google publishes its certs."""

    def __init__(self, kid: str = "test-kid-1"):
        self.kid = kid
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-google")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        self.certs = {kid: cert.public_bytes(serialization.Encoding.PEM).decode()}

    def id_token(self, *, client_id: str, sub: str, email: str, name: str = "", **claims) -> str:
        now = int(dt.datetime.now(dt.UTC).timestamp())
        payload = {
            "iss": "https://accounts.google.com",
            "aud": client_id,
            "sub": sub,
            "email": email,
            "email_verified": True,
            "name": name,
            "given_name": name.partition(" ")[0],
            "family_name": name.partition(" ")[2],
            "iat": now,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})
