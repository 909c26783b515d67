"""One app process, for tests/test_reply_leases.py: opens the shared database file and acts on a conversation.

    python -m tests.lease_child DB USER_ID CONV_ID retry|send|crash [TEXT]

Prints "ready" once everything is imported, waits for a line on stdin, acts, prints one JSON line.
"""
from __future__ import annotations

import json
import os
import sys


def main() -> int:
    db, user_id, conv, action = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    from core.errors import TalkdownError
    from services import practice
    from store import Store
    from tests.store_fixtures import FAST_HASHER

    scope = Store(db, password_hasher=FAST_HASHER).as_user(user_id)
    backend = practice.get_actor().backend
    if hasattr(backend, "_client"):
        backend._client()  # LangChain imported before the start signal
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        if action == "crash":
            scope.take_reply_lease(conv, 600.0)
            print(json.dumps({"held": True}), flush=True)
            os._exit(3)  # dies holding the lease: no release, no clean-up
        if action == "send":
            reply = "".join(practice.send(scope, conv, sys.argv[5]))
        else:
            reply = "".join(practice.retry_reply(scope, conv))
    except TalkdownError as e:
        print(json.dumps({"error": str(e)}), flush=True)
        return 1
    print(json.dumps({"reply": reply}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
