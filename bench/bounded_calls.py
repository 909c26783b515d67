"""How long a customer reply takes to fail, and how much memory it takes, when the endpoint misbehaves:
the shipped `openai` backend (one deadline per reply, a byte cap, finish_reason required) against the
unbounded call it replaced (SDK per-request timeout and retries, whole stream read), in one process,
against the scripted server on loopback (tests/fake_openai.py).

    python bench/bounded_calls.py [--runs 3] [--deadline 2] [--give-up 4]

Columns: median seconds until the call returned or failed, peak Python memory during one more,
traced run (tracemalloc, which slows the call, so it is kept out of the timing), and what the caller got. The fake server gives up on an endless or trickled response
after --give-up seconds, so a baseline figure of about that many seconds means "unbounded, stopped by
the server". Target (issue 10): every failure within the deadline, memory bounded by the cap.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.errors import BackendError  # noqa: E402
from core.settings import get_settings  # noqa: E402
from personas.actors import ActorRequest  # noqa: E402
from personas.actors.openai_backend import OpenAIBackend  # noqa: E402
from personas.actors.prompts import chat_messages  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402

REPLY = "It went off on Tuesday morning and nobody has fixed it since then."
CASES = {
    "normal": dict(),
    "hang (no byte)": dict(delay=600),
    "trickle headers": dict(trickle=0.05),
    "trickle body": dict(trickle=0.05, trickle_from=400),
    "endless stream": dict(endless=True),
    "cut (eof)": dict(cut="eof"),
    "cut (short body)": dict(cut="short"),
}


def _request() -> ActorRequest:
    return ActorRequest(customer={"name": "Sam", "backstory": "", "situation": "Internet down", "persona": "angry"},
                        intent="vent", mood=8, line="I've been without internet since Tuesday.")


class Unbounded:
    """The call as it was before issue 10: the SDK's own timeout and retries, the whole stream joined."""

    def __init__(self, settings) -> None:
        from langchain_openai import ChatOpenAI

        self._llm = ChatOpenAI(model=settings.openai_model, api_key="k", base_url=settings.openai_base_url,
                               timeout=settings.llm_timeout, max_retries=settings.llm_max_retries, temperature=0.8,
                               max_tokens=120, streaming=True)

    def call(self, request: ActorRequest) -> str:
        return "".join(c.content for c in self._llm.stream(chat_messages(request)) if isinstance(c.content, str))


class Bounded:
    def __init__(self, settings) -> None:
        self._backend = OpenAIBackend(settings)
        self._backend._client()

    def call(self, request: ActorRequest) -> str:
        return "".join(self._backend.stream(request))


def _outcome(fn, trace: bool = False) -> tuple[float, float, str]:
    """(seconds, peak MiB, what came back); memory only when traced (tracemalloc slows the call down)."""
    if trace:
        tracemalloc.start()
    t0 = time.monotonic()
    try:
        text = fn()
        got = f"text, {len(text):,} chars"
    except BackendError as e:
        got = "BackendError: " + re.sub(r" at http://\S+", "", e.message)[:58]
    except Exception as e:  # the baseline's raw SDK/httpx errors
        got = f"{type(e).__name__}"
    took = time.monotonic() - t0
    peak = 0
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return took, peak / 2**20, got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--deadline", type=float, default=2.0, help="TALKDOWN_LLM_TIMEOUT for both (seconds)")
    ap.add_argument("--give-up", type=float, default=4.0, help="seconds the fake server streams an endless reply")
    args = ap.parse_args(argv)
    with FakeOpenAI() as fake:
        os.environ.update(OPENAI_BASE_URL=fake.base_url, OPENAI_API_KEY="k", TALKDOWN_BACKEND="openai",
                          TALKDOWN_LLM_TIMEOUT=str(args.deadline), TALKDOWN_LLM_MAX_RETRIES="2")
        get_settings.cache_clear()
        s = get_settings()
        callers = {"bounded": Bounded(s), "baseline": Unbounded(s)}
        for caller in callers.values():  # warm-up outside the timing: first connection, lazy imports
            fake.enqueue(REPLY)
            caller.call(_request())
        print(f"deadline {args.deadline:g} s, retries 2, cap {s.llm_max_reply_bytes:,} bytes, runs {args.runs} "
              f"(median); the fake gives up after {args.give_up:g} s")
        print(f"{'case':<18} {'bounded s':>9} {'MiB':>6}  {'baseline s':>10} {'MiB':>6}  {'time ratio':>10}  "
              f"bounded got / baseline got")
        for case, kw in CASES.items():
            row = {}
            for name, caller in callers.items():
                runs = []
                for i in range(args.runs + 1):  # the last run, traced, gives the memory figure only
                    for _ in range(3):  # one per attempt the baseline's retries may make
                        fake.enqueue(REPLY, give_up=args.give_up, **kw)
                    runs.append(_outcome(lambda: caller.call(_request()), trace=i == args.runs))
                    with fake._lock:
                        fake._queue.clear()
                row[name] = (statistics.median(r[0] for r in runs[:-1]), runs[-1][1], runs[0][2])
            (bt, bm, bg), (ut, um, ug) = row["bounded"], row["baseline"]
            print(f"{case:<18} {bt:>9.2f} {bm:>6.1f}  {ut:>10.2f} {um:>6.1f}  {ut / bt if bt else float('nan'):>9.1f}x"
                  f"  {bg} / {ug}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
