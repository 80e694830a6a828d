#!/usr/bin/env python3
"""Faultline's client adapter for etcd's v3 JSON gateway (POST /v3/kv/range, /v3/kv/put,
/v3/kv/txn), in Python's standard library alone: the same operations Faultline's built-in etcd
client performs, through the adapter protocol (README, "Client adapters").

register: read = range (serializable when the request's read_path says so), write = put,
cas = txn comparing the value. set: add = put of the key `<set>/<element>`, read = range over
the set's prefix. list-append and rw-register: txn = one etcd txn ranging over every key the
transaction touches (one revision), the steps carried out on what it read, then, if it writes,
one txn that puts the new values if no touched key's mod_revision moved (else error 30, txn
conflict: nothing was written). A gRPC code etcd returns only for requests it did not apply is a definite
error (11); anything else after the request may have reached etcd is indefinite (13).
"""
import base64
import http.client
import json
import sys
import urllib.parse

PREFIX = "faultline/"
TIMEOUT = 5.0
# gRPC codes etcd returns only for requests it did not apply (bad arguments, missing lease, …).
DEFINITE = {3, 5, 6, 7, 8, 9, 11, 12, 16}


class Definite(Exception):
    """etcd did not apply the request."""


class Conflict(Exception):
    """A transaction's guarded put found a key changed since it was read: nothing was written."""


def b64(text):
    return base64.b64encode(text.encode()).decode()


def unb64(text):
    return base64.b64decode(text).decode()


def range_end(prefix):
    raw = bytearray(prefix.encode())
    raw[-1] += 1
    return base64.b64encode(bytes(raw)).decode()


def key_text(key):
    return key if isinstance(key, str) else json.dumps(key)


class Etcd:
    def __init__(self):
        self.address = None
        self.conn = None

    def call(self, address, path, body):
        if address != self.address or self.conn is None:
            url = urllib.parse.urlsplit(address)
            self.address = address
            self.conn = http.client.HTTPConnection(url.hostname, url.port or 2379, timeout=TIMEOUT)
        try:
            self.conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        except ConnectionRefusedError as e:
            self.conn = None
            raise Definite(f"connection refused: {e}")
        except Exception:
            self.conn = None
            raise
        try:
            response = self.conn.getresponse()
            text = response.read().decode()
        except Exception:
            self.conn = None
            raise
        answer = json.loads(text) if text else {}
        if response.status != 200:
            code = answer.get("code")
            message = f"etcd error {code}: {answer.get('message', text.strip()[:200])}"
            raise Definite(message) if code in DEFINITE else RuntimeError(message)
        return answer

    def read(self, address, key, serializable):
        answer = self.call(address, "/v3/kv/range",
                           {"key": b64(PREFIX + "register/" + key_text(key)), "serializable": serializable})
        kvs = answer.get("kvs") or []
        return json.loads(unb64(kvs[0]["value"])) if kvs else None

    def write(self, address, key, value):
        self.call(address, "/v3/kv/put", {"key": b64(PREFIX + "register/" + key_text(key)), "value": b64(json.dumps(value))})

    def cas(self, address, key, old, new):
        k = b64(PREFIX + "register/" + key_text(key))
        answer = self.call(address, "/v3/kv/txn", {
            "compare": [{"key": k, "target": "VALUE", "result": "EQUAL", "value": b64(json.dumps(old))}],
            "success": [{"request_put": {"key": k, "value": b64(json.dumps(new))}}],
        })
        return bool(answer.get("succeeded"))

    def add(self, address, key, element):
        k = PREFIX + "set/" + key_text(key) + "/" + json.dumps(element)
        self.call(address, "/v3/kv/put", {"key": b64(k), "value": b64(json.dumps(element))})

    def txn(self, address, steps, serializable):
        keys = []
        for _, key, _ in steps:
            if key not in keys:
                keys.append(key)
        names = {json.dumps(k): b64(PREFIX + "txn/" + key_text(k)) for k in keys}
        ranges = [{"request_range": {"key": names[json.dumps(k)], "serializable": serializable}} for k in keys]
        answer = self.call(address, "/v3/kv/txn", {"success": ranges})
        state, revisions = {}, {}
        for k, response in zip(keys, answer.get("responses") or []):
            kvs = (response.get("response_range") or {}).get("kvs") or []
            state[json.dumps(k)] = json.loads(unb64(kvs[0]["value"])) if kvs else None
            revisions[json.dumps(k)] = int(kvs[0].get("mod_revision", 0)) if kvs else 0
        done, written = [], []
        for f, key, value in steps:
            name = json.dumps(key)
            if f == "r":
                current = state.get(name)
                done.append([f, key, list(current) if isinstance(current, list) else current])
            else:
                state[name] = (state.get(name) or []) + [value] if f == "append" else value
                if name not in written:
                    written.append(name)
                done.append([f, key, value])
        if written:
            guard = [{"key": names[n], "target": "MOD", "result": "EQUAL", "mod_revision": revisions[n]} for n in names]
            puts = [{"request_put": {"key": names[n], "value": b64(json.dumps(state[n]))}} for n in written]
            if not self.call(address, "/v3/kv/txn", {"compare": guard, "success": puts}).get("succeeded"):
                raise Conflict("a key changed after it was read")
        return done

    def members(self, address, key, serializable):
        prefix = PREFIX + "set/" + key_text(key) + "/"
        answer = self.call(address, "/v3/kv/range",
                           {"key": b64(prefix), "range_end": range_end(prefix), "serializable": serializable})
        return sorted(json.loads(unb64(kv["value"])) for kv in answer.get("kvs") or [])


def answer(etcd, body):
    kind, key, address = body["type"], body.get("key"), body.get("address")
    serializable = body.get("read_path") == "serializable"
    if kind == "init":  # the handshake, once, before any request
        return {"type": "init_ok"}
    if kind == "read" and body.get("workload") == "set":
        return {"type": "read_ok", "value": etcd.members(address, key, serializable)}
    if kind == "read":
        return {"type": "read_ok", "value": etcd.read(address, key, serializable)}
    if kind == "write":
        etcd.write(address, key, body["value"])
        return {"type": "write_ok"}
    if kind == "cas":
        if etcd.cas(address, key, body["from"], body["to"]):
            return {"type": "cas_ok"}
        return {"type": "error", "code": 22, "text": f"value is not {body['from']!r}"}
    if kind == "txn":
        return {"type": "txn_ok", "txn": etcd.txn(address, body["txn"], serializable)}
    if kind == "add":
        etcd.add(address, key, body["element"])
        return {"type": "add_ok"}
    return {"type": "error", "code": 10, "text": f"{kind} is not supported"}


def main():
    etcd = Etcd()
    for line in sys.stdin:
        message = json.loads(line)
        body = message["body"]
        try:
            reply = answer(etcd, body)
        except Definite as e:
            reply = {"type": "error", "code": 11, "text": str(e)}
        except Conflict as e:
            reply = {"type": "error", "code": 30, "text": str(e)}
        except Exception as e:  # the request may have reached etcd
            reply = {"type": "error", "code": 13, "text": f"{type(e).__name__}: {e}"}
        reply["in_reply_to"] = body["msg_id"]
        sys.stdout.write(json.dumps({"src": message.get("dest"), "dest": message.get("src"), "body": reply}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
