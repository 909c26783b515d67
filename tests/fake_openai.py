"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for testing the `openai`
Actor backend and the LLM judge through the real SDK/LangChain stack (no patching).

    with FakeOpenAI() as fake:
        fake.enqueue("I still have no internet.")          # next chat completion
        fake.enqueue(status=500)                           # then a server error
        fake.enqueue("slow", delay=3.0)                     # then a slow answer
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


@dataclass
class FakeOpenAI:
    model: str = "fake-model"
    requests: list[dict[str, Any]] = field(default_factory=list)
    _queue: deque = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def enqueue(self, content: str | None = "", *, status: int = 200, delay: float = 0.0,
                tool_call: dict[str, Any] | None = None) -> None:
        with self._lock:
            self._queue.append(Reply(content, status, delay, tool_call))

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

            def _json(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

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
                fake.requests.append(body)
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
                        self._json(200, self._completion(reply, body))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

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
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                words = (reply.content or "").split(" ")
                pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]

                def chunk(delta: dict, finish: str | None = None) -> None:
                    data = {"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                            "created": int(time.time()), "model": body.get("model", fake.model),
                            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                    self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                    self.wfile.flush()

                chunk({"role": "assistant", "content": ""})
                for p in pieces:
                    chunk({"content": p})
                chunk({}, "stop")
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
