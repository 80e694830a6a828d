#!/usr/bin/env python3
"""Faultline's client adapter for ZooKeeper, through kazoo (pinned in adapters/requirements.txt,
installed into the project's .venv by scripts/setup.sh), speaking the adapter protocol (README,
"Client adapters").

One session per adapter, to the one server the requests name (`address`, `host:port`): clients
spread over every member, followers included, and a session never moves to another server.

register: a key is the znode /faultline/register/<key> holding the value as JSON.
  read  = get (read_path `plain`: the server answers from its own state; `sync`: sync first,
          which the server forwards to the leader, then get); no znode reads null.
  write = set (any version), or create when there is no znode yet.
  cas   = get, compare the value, then set with the version that get saw: ZooKeeper's leader
          refuses a version that moved (BadVersion), so a cas is applied at most on the value it
          compared. A differing value or a BadVersion is a definite failure (22).
set: add = create /faultline/set/<key>/<element>; read = the children of /faultline/set/<key>.

Errors: a request that never reached a server (no session could be opened) is definite (11); a
connection lost, a session expired or a timeout after the request was handed to kazoo may have
been applied: indefinite (13) for writes. Reads change nothing; their failures are definite (11).
"""
import json
import os
import sys

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, NodeExistsError, NoNodeError
from kazoo.handlers.threading import KazooTimeoutError
from kazoo.retry import KazooRetry

PREFIX = "/faultline"
# Seconds: opening a session at init and at a request, and one request (Faultline's op-timeout
# stops the adapter sooner).
CONNECT_TIMEOUT = float(os.environ.get("FAULTLINE_ZK_CONNECT_TIMEOUT", "1"))
INIT_CONNECT_TIMEOUT = float(os.environ.get("FAULTLINE_ZK_INIT_CONNECT_TIMEOUT", "10"))
REQUEST_TIMEOUT = float(os.environ.get("FAULTLINE_ZK_REQUEST_TIMEOUT", "5"))
SESSION_TIMEOUT = float(os.environ.get("FAULTLINE_ZK_SESSION_TIMEOUT", "10"))
READ_PATHS = ("plain", "sync")


class Unsent(Exception):
    """The request never left the adapter (no session): certainly not applied."""


class Precondition(Exception):
    """A cas whose compare failed, or whose version moved: nothing was written."""


def key_text(key):
    return key if isinstance(key, str) else json.dumps(key)


def register_path(key):
    return f"{PREFIX}/register/{key_text(key)}"


def set_path(key):
    return f"{PREFIX}/set/{key_text(key)}"


class Session:
    """A kazoo session to one server, opened on first use and reopened after it was lost. Kazoo
    does not retry (a retried write could apply twice): one attempt per request."""

    def __init__(self, factory=None):
        self.factory = factory or (lambda hosts: KazooClient(
            hosts=hosts, timeout=SESSION_TIMEOUT, connection_retry=KazooRetry(max_tries=0),
            command_retry=None, randomize_hosts=False))
        self.hosts = None
        self.client = None

    def get(self, hosts, timeout=None):
        if hosts != self.hosts or self.client is None or not self.client.connected:
            self.close()
            client = self.factory(hosts)
            try:
                client.start(timeout=timeout or CONNECT_TIMEOUT)
            except Exception as e:
                try:
                    client.stop()
                    client.close()
                except Exception:
                    pass
                raise Unsent(f"no session with {hosts}: {type(e).__name__}: {e}")
            self.hosts, self.client = hosts, client
        return self.client

    def close(self):
        if self.client is not None:
            try:
                self.client.stop()
                self.client.close()
            except Exception:
                pass
        self.client = None


def wait(async_result):
    return async_result.get(timeout=REQUEST_TIMEOUT)


def read_register(zk, key, read_path):
    path = register_path(key)
    if read_path == "sync":
        wait(zk.sync_async(path))
    try:
        data, _ = wait(zk.get_async(path))
    except NoNodeError:
        return None
    return json.loads(data.decode()) if data else None


def write_register(zk, key, value):
    path, data = register_path(key), json.dumps(value).encode()
    try:
        wait(zk.set_async(path, data))
    except NoNodeError:
        try:
            wait(zk.create_async(path, data, makepath=True))
        except NodeExistsError:  # created meanwhile by another client: set it
            wait(zk.set_async(path, data))


def cas_register(zk, key, old, new):
    path = register_path(key)
    try:
        data, stat = wait(zk.get_async(path))
    except NoNodeError:
        raise Precondition(f"no value, not {old!r}")
    current = json.loads(data.decode()) if data else None
    if current != old:
        raise Precondition(f"value is {current!r}, not {old!r}")
    try:
        wait(zk.set_async(path, json.dumps(new).encode(), version=stat.version))
    except BadVersionError:
        raise Precondition(f"version {stat.version} moved on")


def add_element(zk, key, element):
    path = f"{set_path(key)}/{json.dumps(element)}"
    try:
        wait(zk.create_async(path, b"", makepath=True))
    except NodeExistsError:  # an earlier attempt of this add was applied
        pass


def read_set(zk, key, read_path):
    path = set_path(key)
    if read_path == "sync":
        wait(zk.sync_async(path))
    try:
        children = wait(zk.get_children_async(path))
    except NoNodeError:
        return []
    return sorted(json.loads(c) for c in children)


def answer(session, body):
    """The reply body for one request body; raises what `reply` turns into an error."""
    kind, key = body["type"], body.get("key")
    if kind == "init":
        # The handshake, untimed (Faultline allows 15 s): open the session now, so that no timed
        # request pays for kazoo's connect and ZooKeeper's session creation (a write through the
        # leader). A node that cannot be reached now is tried again by the first request.
        try:
            session.get(body.get("address"), timeout=INIT_CONNECT_TIMEOUT)
        except Unsent:
            pass
        return {"type": "init_ok"}
    if kind not in ("read", "write", "cas", "add"):
        return {"type": "error", "code": 10, "text": f"{kind} is not supported"}
    read_path = body.get("read_path", "plain")
    if kind == "read" and read_path not in READ_PATHS:
        return {"type": "error", "code": 10, "text": f"read path {read_path} is not supported ({', '.join(READ_PATHS)})"}
    zk = session.get(body["address"])
    if kind == "read" and body.get("workload") == "set":
        return {"type": "read_ok", "value": read_set(zk, key, read_path)}
    if kind == "read":
        return {"type": "read_ok", "value": read_register(zk, key, read_path)}
    if kind == "write":
        write_register(zk, key, body["value"])
        return {"type": "write_ok"}
    if kind == "cas":
        cas_register(zk, key, body["from"], body["to"])
        return {"type": "cas_ok"}
    add_element(zk, key, body["element"])
    return {"type": "add_ok"}


def reply(session, body):
    """`answer`, with every failure as the protocol's error: definite (fail) when nothing can
    have been applied, indefinite (info) otherwise."""
    try:
        return answer(session, body)
    except Unsent as e:
        return {"type": "error", "code": 11, "text": str(e)}
    except Precondition as e:
        return {"type": "error", "code": 22, "text": str(e)}
    except Exception as e:
        if isinstance(e, KazooTimeoutError) or not session.client or not session.client.connected:
            session.close()  # a fresh session next time; a request still queued in it dies with it
        text = f"{type(e).__name__}: {e}"
        if body.get("type") == "read":
            return {"type": "error", "code": 11, "text": text}
        return {"type": "error", "code": 13, "text": text}


def main():
    session = Session()
    for line in sys.stdin:
        message = json.loads(line)
        body = message["body"]
        out = reply(session, body)
        out["in_reply_to"] = body["msg_id"]
        sys.stdout.write(json.dumps({"src": message.get("dest"), "dest": message.get("src"), "body": out}) + "\n")
        sys.stdout.flush()
    session.close()


if __name__ == "__main__":
    main()
