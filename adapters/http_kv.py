#!/usr/bin/env python3
"""Faultline's reference client adapter for a key-value store with an HTTP API, in Python's
standard library alone: copy it and change `read`, `write` and `cas` for your system.

Faultline starts one adapter per client and writes one request per line on its stdin; the adapter
answers each with one line on stdout (README, "Client adapters"). This one speaks to
`GET /KEY` (the value as body; a missing key is an error body or 404) and `PUT /KEY` (the value
as body), the API of dqlite's demo: FAULTLINE_HTTP_KV_PREFIX names the path prefix (default `/`).

Outcomes: a reply is `<type>_ok`; a refusal the server certainly did not act on is error 11
(temporarily unavailable, definite: Faultline records `fail`); anything else that went wrong
after the request may have reached the server is error 13 (crash, indefinite: `info`).
"""
import http.client
import json
import os
import sys
import urllib.parse

PREFIX = os.environ.get("FAULTLINE_HTTP_KV_PREFIX", "/")
TIMEOUT = float(os.environ.get("FAULTLINE_HTTP_KV_TIMEOUT", "5"))


class Definite(Exception):
    """The request was refused before it could take effect."""


class Store:
    """One kept-alive HTTP connection to the node the requests name."""

    def __init__(self):
        self.address = None
        self.conn = None

    def call(self, address, method, key, body=None):
        if address != self.address or self.conn is None:
            url = urllib.parse.urlsplit(address)
            self.address = address
            self.conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=TIMEOUT)
        try:
            self.conn.request(method, PREFIX + urllib.parse.quote(str(key), safe=""), body=body)
        except (ConnectionRefusedError, OSError) as e:
            self.conn = None
            if isinstance(e, ConnectionRefusedError):
                raise Definite(f"connection refused: {e}")
            raise
        try:
            response = self.conn.getresponse()
            return response.status, response.read().decode()
        except Exception:
            self.conn = None
            raise

    def read(self, address, key):
        status, text = self.call(address, "GET", key)
        if status == 404 or text.startswith("Error: sql: no rows"):
            return None
        if status != 200 or text.startswith("Error"):
            raise Definite(f"HTTP {status}: {text.strip()[:200]}")
        try:
            return json.loads(text)  # the adapter writes values as JSON text
        except ValueError:
            return text

    def write(self, address, key, value):
        status, text = self.call(address, "PUT", key, body=json.dumps(value))
        if status != 200 or text.startswith("Error"):
            raise RuntimeError(f"HTTP {status}: {text.strip()[:200]}")


def main():
    store = Store()
    for line in sys.stdin:
        message = json.loads(line)
        body = message["body"]
        reply = {"in_reply_to": body["msg_id"]}
        try:
            if body["type"] == "init":  # the handshake, once, before any request
                reply["type"] = "init_ok"
            elif body["type"] == "read":
                reply.update(type="read_ok", value=store.read(body["address"], body["key"]))
            elif body["type"] == "write":
                store.write(body["address"], body["key"], body["value"])
                reply["type"] = "write_ok"
            else:
                reply.update(type="error", code=10, text=f"{body['type']} is not supported")
        except Definite as e:
            reply.update(type="error", code=11, text=str(e))
        except Exception as e:  # the request may have reached the server
            reply.update(type="error", code=13, text=f"{type(e).__name__}: {e}")
        out = {"src": message.get("dest"), "dest": message.get("src"), "body": reply}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
