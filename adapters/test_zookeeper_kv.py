"""Unit tests of adapters/zookeeper_kv.py without a server: a fake kazoo client records what the
adapter asks and answers or fails as told. Run with the project's venv (kazoo's exceptions):
`.venv/bin/python -m unittest adapters/test_zookeeper_kv.py` (Tests/WorkloadTests runs it)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import zookeeper_kv as zk_kv  # noqa: E402
from kazoo.exceptions import BadVersionError, ConnectionLoss, NoNodeError, NodeExistsError  # noqa: E402
from kazoo.handlers.threading import KazooTimeoutError  # noqa: E402


class Stat:
    def __init__(self, version):
        self.version = version


class Done:
    """An async result: a value, or an exception raised by get."""

    def __init__(self, value=None, error=None):
        self.value, self.error = value, error

    def get(self, timeout=None):
        if self.error is not None:
            raise self.error
        return self.value


class FakeClient:
    """Znodes in a dict; `fail` maps a call's name to the exception it raises."""

    def __init__(self, hosts, start_error=None):
        self.hosts, self.start_error = hosts, start_error
        self.nodes, self.calls, self.fail = {}, [], {}
        self.connected = False

    def start(self, timeout=None):
        if self.start_error:
            raise self.start_error
        self.connected = True

    def stop(self):
        self.connected = False

    def close(self):
        pass

    def _call(self, name, value=None):
        self.calls.append(name)
        error = self.fail.get(name)
        if error is not None:
            if isinstance(error, ConnectionLoss):
                self.connected = False
            return Done(error=error)
        return Done(value)

    def sync_async(self, path):
        return self._call("sync", path)

    def get_async(self, path):
        if path not in self.nodes:
            return Done(error=NoNodeError())
        data, version = self.nodes[path]
        return self._call("get", (data, Stat(version)))

    def set_async(self, path, data, version=-1):
        if path not in self.nodes:
            return Done(error=NoNodeError())
        if version not in (-1, self.nodes[path][1]):
            self.calls.append("set")
            return Done(error=BadVersionError())
        done = self._call("set")
        if done.error is None:
            self.nodes[path] = (data, self.nodes[path][1] + 1)
        return done

    def create_async(self, path, data, makepath=False):
        if path in self.nodes:
            return Done(error=NodeExistsError())
        done = self._call("create")
        if done.error is None:
            self.nodes[path] = (data, 0)
        return done

    def get_children_async(self, path):
        prefix = path + "/"
        if not any(p.startswith(prefix) for p in self.nodes):
            return Done(error=NoNodeError())
        return self._call("children", [p[len(prefix):] for p in self.nodes if p.startswith(prefix)])


class AdapterTests(unittest.TestCase):
    def setUp(self):
        self.clients = []
        self.start_error = None

        def factory(hosts):
            client = FakeClient(hosts, self.start_error)
            self.clients.append(client)
            return client

        self.session = zk_kv.Session(factory)

    def ask(self, **body):
        body.setdefault("address", "10.0.0.1:2181")
        body.setdefault("workload", "register")
        body.setdefault("msg_id", 1)
        return zk_kv.reply(self.session, body)

    def stored(self, key):
        return json.loads(self.clients[-1].nodes[zk_kv.register_path(key)][0].decode())

    def test_write_creates_then_sets_and_read_gets(self):
        self.assertEqual(self.ask(type="read", key=1, read_path="plain"), {"type": "read_ok", "value": None})
        self.assertEqual(self.ask(type="write", key=1, value=3), {"type": "write_ok"})
        self.assertEqual(self.ask(type="write", key=1, value=4), {"type": "write_ok"})
        self.assertEqual(self.stored(1), 4)
        self.assertEqual(self.ask(type="read", key=1, read_path="plain"), {"type": "read_ok", "value": 4})
        self.assertEqual(self.clients[-1].hosts, "10.0.0.1:2181", "the session goes to the node the request names")

    def test_sync_read_syncs_first_and_plain_does_not(self):
        self.ask(type="write", key=1, value=3)
        client = self.clients[-1]
        client.calls.clear()
        self.ask(type="read", key=1, read_path="plain")
        self.assertEqual(client.calls, ["get"])
        client.calls.clear()
        self.ask(type="read", key=1, read_path="sync")
        self.assertEqual(client.calls, ["sync", "get"])

    def test_cas_sets_with_the_version_it_read_and_a_moved_version_is_a_definite_failure(self):
        self.ask(type="write", key=1, value=3)
        self.assertEqual(self.ask(type="cas", key=1, **{"from": 3, "to": 5}), {"type": "cas_ok"})
        self.assertEqual(self.stored(1), 5)
        differing = self.ask(type="cas", key=1, **{"from": 3, "to": 6})
        self.assertEqual(differing["code"], 22)
        self.assertEqual(self.stored(1), 5)
        # Another client's write lands between the cas's get and its set: BadVersion, nothing written.
        client = self.clients[-1]
        original = client.get_async

        def get_then_moved(path):
            done = original(path)
            data, version = client.nodes[path]
            client.nodes[path] = (json.dumps(9).encode(), version + 1)
            return done

        client.get_async = get_then_moved
        moved = self.ask(type="cas", key=1, **{"from": 5, "to": 7})
        self.assertEqual(moved["code"], 22)
        self.assertIn("version", moved["text"])
        self.assertEqual(self.stored(1), 9)
        client.get_async = original
        self.assertEqual(self.ask(type="cas", key=2, **{"from": 1, "to": 2})["code"], 22, "no znode: definite")

    def test_lost_connection_is_indefinite_for_writes_and_a_failure_for_reads(self):
        self.ask(type="write", key=1, value=3)
        client = self.clients[-1]
        client.fail["set"] = ConnectionLoss()
        self.assertEqual(self.ask(type="write", key=1, value=4)["code"], 13)
        self.assertIsNone(self.session.client, "a lost session is dropped; the next request opens a new one")
        self.ask(type="write", key=1, value=3)
        self.clients[-1].fail["get"] = KazooTimeoutError()
        self.assertEqual(self.ask(type="read", key=1, read_path="plain")["code"], 11)
        self.ask(type="write", key=1, value=3)
        self.clients[-1].fail["sync"] = KazooTimeoutError()
        self.assertEqual(self.ask(type="read", key=1, read_path="sync")["code"], 11)

    def test_no_session_is_a_definite_failure(self):
        self.start_error = KazooTimeoutError("Connection time-out")
        self.assertEqual(self.ask(type="write", key=1, value=4)["code"], 11)
        self.assertEqual(self.ask(type="cas", key=1, **{"from": 1, "to": 2})["code"], 11)

    def test_set_adds_are_children_and_a_repeated_add_is_ok(self):
        for element in (5, 2, 5):
            self.assertEqual(self.ask(type="add", workload="set", key=1, element=element), {"type": "add_ok"})
        self.assertEqual(self.ask(type="read", workload="set", key=1, read_path="plain"), {"type": "read_ok", "value": [2, 5]})
        self.assertEqual(self.ask(type="read", workload="set", key=2, read_path="plain"), {"type": "read_ok", "value": []})

    def test_init_opens_the_session_and_answers_even_without_one(self):
        self.assertEqual(zk_kv.reply(self.session, {"type": "init", "msg_id": 0, "address": "10.0.0.2:2181"}), {"type": "init_ok"})
        self.assertEqual([c.hosts for c in self.clients], ["10.0.0.2:2181"])
        self.assertTrue(self.session.client.connected, "the first request finds the session open")
        self.start_error = KazooTimeoutError("Connection time-out")
        self.session.close()
        self.assertEqual(zk_kv.reply(self.session, {"type": "init", "msg_id": 0, "address": "10.0.0.3:2181"}), {"type": "init_ok"})

    def test_unknown_requests_and_read_paths_are_not_supported(self):
        self.assertEqual(self.ask(type="txn", txn=[])["code"], 10)
        self.assertEqual(self.ask(type="read", key=1, read_path="linearizable")["code"], 10)
        self.assertEqual(self.clients, [], "nothing was sent")


if __name__ == "__main__":
    unittest.main()
