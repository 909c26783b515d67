"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for testing the `openai`
Actor backend and the LLM judge through the real SDK/LangChain stack (no patching).

    with FakeOpenAI() as fake:
        fake.enqueue("I still have no internet.")          # next chat completion
        fake.enqueue(status=500)                           # then a server error
        fake.enqueue("slow", delay=3.0)                     # then a slow answer
        fake.enqueue("dribbled", trickle=0.05)              # every byte of the response 0.05 s apart
        fake.enqueue("hello and", endless=True)             # content chunks forever, never finished
        fake.enqueue("I was just", cut="eof")               # part of the reply, then the connection closes
        fake.enqueue("I was just", cut="short")             # ... with a Content-Length it never meets
        fake.enqueue("Paced words.", pace=1 / 30)           # streamed one word every 1/30 s (~30 tokens/s)
        ... OPENAI_BASE_URL=fake.base_url ...
        fake.requests  # JSON bodies received, in order
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str | None = ""
    status: int = 200
    delay: float = 0.0
    tool_call: dict[str, Any] | None = None  # {"name": ..., "arguments": {...}}
    trickle: float = 0.0     # seconds between bytes of the response (status line and headers included) ...
    trickle_from: int = 0    # ... after the first `trickle_from` bytes, sent at once
    endless: bool = False    # stream content chunks until the client goes away (or `give_up` passes)
    cut: str | None = None   # "eof": stop half-way and close; "short": also promise more (Content-Length)
    give_up: float = 15.0    # an endless or trickled response stops after this, so an unbounded client fails, not hangs
    pace: float = 0.0        # streamed: seconds between content chunks (a model writing at 1/pace tokens/s)


@dataclass
class FakeOpenAI:
    model: str = "fake-model"
    requests: list[dict[str, Any]] = field(default_factory=list)
    _queue: deque = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    sent: list[int] = field(default_factory=list)  # response bytes written, per request
    disconnected: list[float] = field(default_factory=list)  # when (monotonic) a client hung up mid-response

    def enqueue(self, content: str | None = "", *, status: int = 200, delay: float = 0.0,
                tool_call: dict[str, Any] | None = None, trickle: float = 0.0, trickle_from: int = 0,
                endless: bool = False, cut: str | None = None, give_up: float = 15.0, pace: float = 0.0) -> None:
        with self._lock:
            self._queue.append(Reply(content, status, delay, tool_call, trickle, trickle_from, endless, cut, give_up,
                                     pace))

    def _next(self) -> Reply | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> "FakeOpenAI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _json(self, status: int, body: dict, reply: Reply | None = None) -> None:
                raw = json.dumps(body).encode()
                if reply is not None and reply.endless:  # the body starts, then never ends
                    self._send(None, self._head(status, "application/json", None) + raw[: len(raw) // 2])
                    stop = time.monotonic() + reply.give_up
                    while time.monotonic() < stop:
                        self._send(None, b"x" * 4096)
                    return
                if reply is not None and reply.cut:
                    head = self._head(status, "application/json", len(raw) if reply.cut == "short" else None)
                    self._send(reply, head + raw[: len(raw) // 2])
                    return
                self._send(reply, self._head(status, "application/json", len(raw)) + raw)

            def _head(self, status: int, ctype: str, length: int | None) -> bytes:
                lines = [f"HTTP/1.0 {status} {self.responses.get(status, ('',))[0]}", f"Content-Type: {ctype}",
                         "Cache-Control: no-cache"] + ([f"Content-Length: {length}"] if length is not None else [])
                return ("\r\n".join(lines) + "\r\n\r\n").encode()

            def _send(self, reply: Reply | None, data: bytes) -> None:
                """Write raw bytes: at once, or one at a time `trickle` seconds apart."""
                if reply is None or not reply.trickle:
                    self.wfile.write(data)
                    self.wfile.flush()
                    self._count(len(data))
                    return
                stop = time.monotonic() + reply.give_up
                first = min(reply.trickle_from, len(data))
                if first:
                    self.wfile.write(data[:first])
                    self.wfile.flush()
                    self._count(first)
                for i in range(first, len(data)):
                    if time.monotonic() > stop:
                        return
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()
                    self._count(1)
                    time.sleep(reply.trickle)

            def _count(self, n: int) -> None:
                with fake._lock:
                    fake.sent[-1] += n

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": fake.model, "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    body = {"_invalid_json": True}
                with fake._lock:
                    fake.requests.append(body)
                    fake.sent.append(0)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": f"unknown path {self.path}"}})
                    return
                reply = fake._next()
                if reply is None:
                    self._json(500, {"error": {"message": "FakeOpenAI: no reply enqueued", "type": "server_error"}})
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    try:
                        self._json(reply.status, {"error": {"message": f"fake error {reply.status}",
                                                            "type": "server_error", "code": str(reply.status)}})
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                try:
                    if body.get("stream"):
                        self._stream(reply, body)
                    else:
                        self._json(200, self._completion(reply, body), reply)
                except (BrokenPipeError, ConnectionResetError):
                    fake.disconnected.append(time.monotonic())  # the client gave up (timeout, cap)

            def _message(self, reply: Reply) -> dict:
                msg: dict[str, Any] = {"role": "assistant", "content": reply.content}
                if reply.tool_call:
                    msg["content"] = None
                    msg["tool_calls"] = [{"id": "call_1", "type": "function", "function": {
                        "name": reply.tool_call["name"],
                        "arguments": json.dumps(reply.tool_call["arguments"])}}]
                return msg

            def _completion(self, reply: Reply, body: dict) -> dict:
                return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
                        "model": body.get("model", fake.model),
                        "choices": [{"index": 0, "message": self._message(reply),
                                     "finish_reason": "tool_calls" if reply.tool_call else "stop"}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}

            def _stream(self, reply: Reply, body: dict) -> None:
                words = (reply.content or "").split(" ")
                pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]

                def chunk(delta: dict, finish: str | None = None) -> bytes:
                    data = {"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                            "created": int(time.time()), "model": body.get("model", fake.model),
                            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                    return f"data: {json.dumps(data)}\n\n".encode()

                events = [chunk({"role": "assistant", "content": ""})] + [chunk({"content": p}) for p in pieces]
                if reply.endless:
                    self._send(None, self._head(200, "text/event-stream", None) + b"".join(events))
                    stop = time.monotonic() + reply.give_up
                    more = chunk({"content": " and"}) * 50
                    while time.monotonic() < stop:  # never a finish_reason
                        self._send(None, more)
                    return
                if reply.cut:  # half the content, no finish_reason, no [DONE]
                    partial = b"".join(events[: max(2, len(events) // 2 + 1)])
                    total = len(b"".join(events)) + 100
                    self._send(reply, self._head(200, "text/event-stream", total if reply.cut == "short" else None)
                               + partial)
                    return
                events += [chunk({}, "stop"), b"data: [DONE]\n\n"]
                if reply.pace:  # the head and the role chunk at once, then one content chunk per `pace`
                    self._send(None, self._head(200, "text/event-stream", None) + events[0])
                    for event in events[1:]:
                        time.sleep(reply.pace)
                        self._send(None, event)
                    return
                self._send(reply, self._head(200, "text/event-stream", None) + b"".join(events))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
