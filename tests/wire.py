"""Round trips to PostgreSQL counted on the wire: a local TCP proxy that reads what the client sends.

Django's query capture misses what the driver sends by itself (psycopg 3 opens a transaction with its own BEGIN)
and cannot tell a pipeline from separate statements. The proxy sits between the connection and the server and
counts, in the frontend protocol, each message that makes the client wait for the server: a simple query ('Q')
or the Sync ('S') that ends an extended query (Parse/Bind/Execute...). `RoundTrips.trips` lists the statements
sent in each round trip, in order. Used by the answer's round-trip test and `bench/inprocess.py --statements`.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SSL_REQUEST, GSSENC_REQUEST = 80877103, 80877104


class RoundTrips:
    def __init__(self) -> None:
        self.trips: list[list[str]] = []
        self._pending: list[str] = []
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self.trips, self._pending = [], []

    def _message(self, kind: bytes, payload: bytes) -> None:
        with self._lock:
            if kind == b"Q":
                self.trips.append([payload.rstrip(b"\0").decode()])
            elif kind == b"P":  # Parse: statement name, then the query text
                self._pending.append(payload.split(b"\0")[1].decode())
            elif kind == b"S":
                self.trips.append(self._pending or ["(sync)"])
                self._pending = []


def _exactly(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _client_to_server(client: socket.socket, server: socket.socket, counter: RoundTrips) -> None:
    """Forward the client's bytes, message by message, counting them once the startup is over."""
    started = False
    try:
        while True:
            if not started:  # untyped: SSL/GSS requests, then the startup message
                header = _exactly(client, 8)
                if header is None:
                    return
                length, code = struct.unpack("!ii", header)
                rest = _exactly(client, length - 8) if length > 8 else b""
                server.sendall(header + (rest or b""))
                started = code not in (SSL_REQUEST, GSSENC_REQUEST)
                continue
            header = _exactly(client, 5)
            if header is None:
                return
            kind, length = header[:1], struct.unpack("!i", header[1:])[0]
            payload = _exactly(client, length - 4) or b""
            counter._message(kind, payload)
            server.sendall(header + payload)
    except OSError:
        return
    finally:
        server.close()


def _server_to_client(server: socket.socket, client: socket.socket) -> None:
    try:
        while chunk := server.recv(65536):
            client.sendall(chunk)
    except OSError:
        return
    finally:
        client.close()


@contextmanager
def wire_counter(host: str, port: int) -> Iterator[tuple[int, RoundTrips]]:
    """(local port to connect to instead of host:port, the counter) while the proxy runs."""
    counter = RoundTrips()
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection((host, port))
            threading.Thread(target=_client_to_server, args=(client, server, counter), daemon=True).start()
            threading.Thread(target=_server_to_client, args=(server, client), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], counter
    finally:
        stop.set()
        listener.close()


@contextmanager
def connection_round_trips(connection) -> Iterator[RoundTrips]:
    """Route a Django PostgreSQL connection through the proxy (reconnecting it, without TLS so the proxy can read
    the protocol); counting starts once it is connected."""
    settings = connection.settings_dict
    saved = settings["HOST"], settings["PORT"], settings.get("OPTIONS", {})
    connection.close()
    with wire_counter(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)) as (port, counter):
        settings["HOST"], settings["PORT"] = "127.0.0.1", port
        settings["OPTIONS"] = {**saved[2], "sslmode": "disable", "gssencmode": "disable"}
        try:
            connection.ensure_connection()
            counter.reset()
            yield counter
        finally:
            connection.close()
            settings["HOST"], settings["PORT"], settings["OPTIONS"] = saved
