#!/usr/bin/env python3
"""A member's webhook endpoint for bench/run-exchange.sh: checks each Dinh-Signature (HMAC-SHA256 over "t.body"),
counts distinct event ids, answers 204. GET /count prints "<distinct> <received> <bad signatures>".
usage: webhook_receiver.py PORT SECRET"""
import hashlib, hmac, json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, secret = int(sys.argv[1]), sys.argv[2].encode()
seen, lock = set(), threading.Lock()
counts = {"received": 0, "bad": 0}

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        with lock:
            body = f"{len(seen)} {counts['received']} {counts['bad']}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = dict(p.split("=", 1) for p in self.headers.get("Dinh-Signature", "").split(",") if "=" in p)
        expected = hmac.new(secret, parts.get("t", "").encode() + b"." + raw, hashlib.sha256).hexdigest()
        with lock:
            counts["received"] += 1
            if not hmac.compare_digest(expected, parts.get("v1", "")):
                counts["bad"] += 1
                status = 401
            else:
                seen.add(json.loads(raw)["id"])
                status = 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
