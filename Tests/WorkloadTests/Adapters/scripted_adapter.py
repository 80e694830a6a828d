#!/usr/bin/env python3
"""A fake adapter for AdapterClientTests: an in-memory register store whose keys script
misbehaviour. Key "slow" never answers in time; "garbage" answers a line that is not JSON;
"exit" makes the adapter exit; "code-N" answers error N; "echo" answers with the request it got
as the value, so a test can see the request line."""
import json
import os
import sys
import time

store = {}
for line in sys.stdin:
    message = json.loads(line)
    body = message["body"]
    key = body.get("key")
    reply = {"in_reply_to": body["msg_id"]}
    if body["type"] == "init":
        if os.environ.get("SCRIPTED_INIT") == "refuse":
            reply.update(type="error", code=10, text="no init here")
        else:
            time.sleep(float(os.environ.get("SCRIPTED_INIT_DELAY", "0")))
            reply["type"] = "init_ok"
        sys.stdout.write(json.dumps({"body": reply}) + "\n")
        sys.stdout.flush()
        continue
    if key == "slow":
        time.sleep(30)
    if key == "garbage":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        continue
    if key == "exit":
        sys.stderr.write("adapter: told to exit\n")
        sys.exit(3)
    if isinstance(key, str) and key.startswith("code-"):
        reply.update(type="error", code=int(key[5:]), text="scripted")
    elif key == "echo":
        reply.update(type="read_ok", value=[line.strip(), os.environ.get("FAULTLINE_NODE"), os.environ.get("FAULTLINE_ADDRESS")])
    elif body["type"] == "txn":
        done = []
        for f, k, v in body["txn"]:
            lists = store.setdefault(("list", k), [])
            if f == "r":
                done.append([f, k, list(lists) or None])
            else:
                lists.append(v)
                done.append([f, k, v])
        reply.update(type="txn_ok", txn=done)
    elif body["type"] == "read":
        if key in store:
            reply.update(type="read_ok", value=store[key])
        else:
            reply.update(type="error", code=20, text="no such key")
    elif body["type"] == "write":
        store[key] = body["value"]
        reply["type"] = "write_ok"
    elif body["type"] == "cas":
        if store.get(key) != body["from"]:
            reply.update(type="error", code=22, text="expected %r" % (body["from"],))
        else:
            store[key] = body["to"]
            reply["type"] = "cas_ok"
    else:
        reply.update(type="error", code=10, text="not supported")
    sys.stdout.write(json.dumps({"src": message["dest"], "dest": message["src"], "body": reply}) + "\n")
    sys.stdout.flush()
