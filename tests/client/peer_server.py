#!/usr/bin/env python3
"""Test peer for the client tests: a tiny HTTP/1.1 server (stdlib only).

Listens on 127.0.0.1 on ephemeral ports: plain HTTP, HTTPS with --cert/--key,
and optionally a second HTTPS listener with --alt-cert/--alt-key. Prints one
JSON line {"http": port, "https": port, "alt": port} and serves until killed
or until its stdin closes (so it never outlives the test).

Endpoints (any method):
  /echo            JSON of method, path, headers, body and a connection id
  /close           like /echo, then closes the connection without saying so
                   (as a server's idle timeout would)
  /drop-next       like /echo; the next request on this connection is read
                   and the connection closed without a response
  /slow?ms=N       like /echo after N ms
  /events          SSE, chunked: events 1..5 (resumes after Last-Event-ID)
  /events-close    the same events, close-delimited (no chunking)
  /events-headers  SSE, one event whose data is the request headers as JSON
  /events-missing  404 with Foundry's JSON error body
"""
import argparse
import itertools
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONNECTIONS = itertools.count(1)
CONNECTIONS_LOCK = threading.Lock()


def events_after(last_id):
    out = []
    for i in range(last_id + 1, 6):
        lines = [f"id: {i}", "event: tick"]
        if i == 3:
            lines += ["data: line a", "data: line b"]
        else:
            lines.append(f"data: tick {i}")
        out.append(("\n".join(lines) + "\n\n").encode())
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()
        with CONNECTIONS_LOCK:
            self.conn_id = next(CONNECTIONS)
        self.drop_next = False

    def log_message(self, *args):
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode("utf-8", "replace") if length else ""

    def _send(self, status, payload, content_type="application/json"):
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _echo(self, body):
        doc = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
            "conn": self.conn_id,
        }
        self._send(200, json.dumps(doc))

    def _events(self, chunked):
        last = self.headers.get("Last-Event-ID")
        last_id = int(last) if last and last.isdigit() else 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        pieces = [b":welcome\n\n"] + events_after(last_id)
        for piece in pieces:
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(piece)
            self.wfile.flush()
            time.sleep(0.01)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _handle(self):
        body = self._body()
        if self.drop_next:
            self.close_connection = True
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/close":
            self._echo(body)
            self.close_connection = True
        elif url.path == "/drop-next":
            self._echo(body)
            self.drop_next = True
        elif url.path == "/slow":
            ms = int(urllib.parse.parse_qs(url.query).get("ms", ["1000"])[0])
            time.sleep(ms / 1000.0)
            self._echo(body)
        elif url.path == "/events":
            self._events(chunked=True)
        elif url.path == "/events-close":
            self._events(chunked=False)
        elif url.path == "/events-headers":
            headers = json.dumps({k.lower(): v for k, v in self.headers.items()})
            self._send(200, f"data: {headers}\n\n", "text/event-stream")
        elif url.path == "/events-missing":
            err = {"error": {"code": "not_found", "message": "no such event stream",
                             "hint": "check the path"}}
            self._send(404, json.dumps(err))
        else:
            self._echo(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls_ctx=None):
        self.tls_ctx = tls_ctx
        super().__init__(("127.0.0.1", 0), Handler)

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls_ctx is not None:
            # Handshake in the handler thread, so a client that rejects our
            # certificate never stalls the accept loop.
            sock = self.tls_ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        pass  # clients that reject our certificate or time out are expected


def tls_context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--alt-cert")
    parser.add_argument("--alt-key")
    args = parser.parse_args()

    servers = {"http": Server()}
    if args.cert:
        servers["https"] = Server(tls_context(args.cert, args.key))
    if args.alt_cert:
        servers["alt"] = Server(tls_context(args.alt_cert, args.alt_key))
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({name: s.server_address[1] for name, s in servers.items()}), flush=True)
    sys.stdin.read()  # returns when the test closes our stdin or exits
    os._exit(0)


if __name__ == "__main__":
    main()
