#!/usr/bin/env python3
"""Faultline's client adapter for a NATS JetStream key-value bucket, through nats-py (pinned in
adapters/requirements.txt, run from the project's .venv): the adapter protocol (README, "Client
adapters") on the bucket `faultline` (stream KV_faultline), which the first adapter to find it
missing creates with replicas = the cluster's size (the routes the node's /varz lists, plus
itself) and direct gets allowed.

register: read = the key's last message, fetched by the request's read path: `linearizable`
through the stream leader ($JS.API.STREAM.MSG.GET), `serializable` by a direct get
($JS.API.DIRECT.GET, answered by any replica, the leader or a follower); write = put (a publish
acknowledged by the stream); cas = read through the leader, then update with the read revision
as the expected last subject sequence (a different value, or a revision that moved, is a
definite fail, error 22). set: add = put of the key `s.<set>.<element>`, read = the keys under
`s.<set>.` (an ordered consumer). A request that could not be sent (no connection, no responders
for the subject: no stream leader took it) is a definite error (11); a timeout or any other
error after a write was sent is indefinite (13).

The address is `nats://HOST:PORT?monitor=MONITOR_PORT`: the adapter talks to that server only
(no reconnecting to servers it discovers), and asks the monitor port for the cluster's routes.
"""
import asyncio
import json
import sys
import urllib.parse
import urllib.request

import nats
import nats.errors
import nats.js.errors
from nats.js import api

BUCKET = "faultline"
STREAM = "KV_" + BUCKET
TIMEOUT = 1.5  # below the specs' 2 s op-timeout, so a slow request is answered (info), not killed
# JetStream's "wrong last sequence" (2.11+ also answers 10164 while an earlier write to the
# subject is still being replicated): the update was not applied.
WRONG_LAST_SEQUENCE = {10071, 10164}
NOT_FOUND = 10037  # no message for the subject
DELETES = {"DEL", "PURGE"}


class Definite(Exception):
    """The request did not reach a stream that could apply it."""


class Precondition(Exception):
    """A cas whose value or revision did not match: nothing was written."""


def token(key):
    """A key as one subject token: integers as they are, anything else as its JSON, escaped."""
    text = key if isinstance(key, str) else json.dumps(key)
    return "".join(c if c.isalnum() or c in "-_" else "=%02X" % ord(c) for c in text)


class Bucket:
    def __init__(self, loop):
        self.loop = loop
        self.address = None
        self.nc = None
        self.js = None
        self.ready = False

    async def connect(self, address):
        if self.nc is not None and address == self.address and self.nc.is_connected:
            return
        await self.close()
        url = urllib.parse.urlsplit(address)
        self.address = address
        self.monitor = "http://%s:%s" % (url.hostname, urllib.parse.parse_qs(url.query).get("monitor", ["8222"])[0])
        try:
            self.nc = await nats.connect(servers=["nats://%s:%d" % (url.hostname, url.port or 4222)],
                                         connect_timeout=TIMEOUT, allow_reconnect=False, max_reconnect_attempts=0,
                                         dont_randomize=True)
        except Exception as e:
            self.nc = None
            raise Definite("cannot connect to %s: %s" % (address, e))
        self.js = self.nc.jetstream(timeout=TIMEOUT)

    async def close(self):
        nc, self.nc, self.js = self.nc, None, None
        if nc is not None:
            try:
                await asyncio.wait_for(nc.close(), TIMEOUT)
            except Exception:
                pass

    def replicas(self):
        with urllib.request.urlopen(self.monitor + "/varz", timeout=TIMEOUT) as response:
            varz = json.load(response)
        return len((varz.get("cluster") or {}).get("urls") or []) + 1

    async def ensure(self):
        """Makes the bucket if it is missing (once per adapter; creating an existing one with the
        same configuration succeeds)."""
        if self.ready:
            return
        try:
            await self.js.stream_info(STREAM)
        except nats.js.errors.NotFoundError:
            replicas = await self.loop.run_in_executor(None, self.replicas)
            await self.js.create_key_value(api.KeyValueConfig(bucket=BUCKET, history=1, replicas=replicas, direct=True))
            print("created bucket %s with %d replicas through %s" % (BUCKET, replicas, self.address), file=sys.stderr, flush=True)
        self.ready = True

    async def last(self, subject, direct):
        """The subject's last value and revision; (None, 0) when it has none."""
        try:
            msg = await self.js.get_msg(STREAM, subject=subject, direct=direct)
        except nats.js.errors.NotFoundError as e:
            # A direct get's 404 status says the replica has no message for the subject; through
            # the leader only 10037 does (10059, no such stream, is an error, not an empty key).
            if direct or e.err_code == NOT_FOUND:
                return None, 0
            raise
        if (msg.headers or {}).get("KV-Operation") in DELETES:
            return None, msg.seq or 0
        return (json.loads(msg.data) if msg.data else None), msg.seq or 0

    async def publish(self, subject, value, expected=None):
        headers = {api.Header.EXPECTED_LAST_SUBJECT_SEQUENCE: str(expected)} if expected is not None else None
        try:
            await self.js.publish(subject, json.dumps(value).encode(), timeout=TIMEOUT, headers=headers)
        except nats.js.errors.NoStreamResponseError as e:
            raise Definite("no stream leader took %s: %s" % (subject, e))
        except nats.js.errors.APIError as e:
            if e.err_code in WRONG_LAST_SEQUENCE:
                raise Precondition("revision %s moved: %s" % (expected, e.description))
            raise

    async def keys(self, prefix):
        """The keys under `prefix` (a watch of their last entries, deletes left out)."""
        kv = await self.js.key_value(BUCKET)
        watcher = await kv.watch(prefix + ">", meta_only=True, ignore_deletes=True, inactive_threshold=5.0)
        found = []
        try:
            async for entry in watcher:
                if entry is None:  # the watch caught up
                    break
                found.append(entry.key[len(prefix):])
        finally:
            await watcher.stop()
        return found

    async def answer(self, body):
        kind, key = body["type"], body.get("key")
        if kind == "init":
            return {"type": "init_ok"}
        await self.connect(body.get("address"))
        try:
            await self.ensure()
        except Exception as e:  # nothing of the request was sent
            raise Definite("no bucket: %s: %s" % (type(e).__name__, e))
        register = "$KV.%s.r.%s" % (BUCKET, token(key))
        if kind == "read" and body.get("workload") == "set":
            prefix = "s.%s." % token(key)
            return {"type": "read_ok", "value": sorted(json.loads(k) for k in await self.keys(prefix))}
        if kind == "read":
            value, _ = await self.last(register, direct=body.get("read_path") == "serializable")
            return {"type": "read_ok", "value": value}
        if kind == "write":
            await self.publish(register, body["value"])
            return {"type": "write_ok"}
        if kind == "cas":
            value, revision = await self.last(register, direct=False)
            if value != body["from"]:
                raise Precondition("value is %r" % (value,))
            await self.publish(register, body["to"], expected=revision)
            return {"type": "cas_ok"}
        if kind == "add":
            await self.publish("$KV.%s.s.%s.%s" % (BUCKET, token(key), token(body["element"])), body["element"])
            return {"type": "add_ok"}
        return {"type": "error", "code": 10, "text": "%s is not supported" % kind}


def main():
    loop = asyncio.new_event_loop()
    bucket = Bucket(loop)
    for line in sys.stdin:
        message = json.loads(line)
        body = message["body"]
        try:
            reply = loop.run_until_complete(bucket.answer(body))
        except Definite as e:
            reply = {"type": "error", "code": 11, "text": str(e)}
        except Precondition as e:
            reply = {"type": "error", "code": 22, "text": str(e)}
        except Exception as e:  # the request may have reached the stream
            if isinstance(e, (nats.errors.ConnectionClosedError, nats.errors.UnexpectedEOF, OSError)):
                loop.run_until_complete(bucket.close())
            reply = {"type": "error", "code": 13, "text": "%s: %s" % (type(e).__name__, e)}
        reply["in_reply_to"] = body["msg_id"]
        sys.stdout.write(json.dumps({"src": message.get("dest"), "dest": message.get("src"), "body": reply}) + "\n")
        sys.stdout.flush()
    loop.run_until_complete(bucket.close())


if __name__ == "__main__":
    main()
