"""Render a score report: five scores, evidence, advice and the annotated transcript."""
from __future__ import annotations

from typing import Any, Callable

import altair as alt
import pandas as pd
import streamlit as st

from ui.charts import score_scale
from ui.common import SKILL_LABELS, chat_bubble, plain, with_engine

MOVE_COLOURS = {
    "dismissive": "red", "blame": "red", "jargon": "orange", "off_topic": "orange",
    "reflection": "green", "paraphrase": "green", "apology": "green", "affirmation": "green",
    "next_step": "blue", "summary": "blue", "check_more": "blue", "farewell": "blue",
    "question": "violet", "acknowledgement": "gray",
}


def move_badges(moves: list[str]) -> str:
    # Move names are the engine's identifiers; anything else in a stored turn is dropped, not rendered.
    names = [m for m in moves if isinstance(m, str) and m.replace("_", "").isalpha() and m.isascii()]
    return " ".join(f":{MOVE_COLOURS.get(m, 'gray')}-badge[{m.replace('_', ' ')}]" for m in names)


def show_turn_comments(comments: list[Any] | None, turn_no: int) -> None:
    """A trainer's or manager's comments on one turn, under it, each signed and dated; text shown plain."""
    for c in comments or []:
        if c.turn == turn_no:
            st.info(f"**Comment from {plain(c.by_name)}** · {plain(str(c.at)[:16].replace('T', ' '))}  \n"
                    f"{plain(c.text)}", icon=":material/rate_review:")


def predicted_text(predicted: dict[str, Any] | None) -> str:
    """"anger 7.2 → 5.9 instead of 7.8": the customer's predicted reaction to a suggestion."""
    if not predicted:
        return ""
    return (f"{plain(predicted.get('feeling', 'anger'))} {float(predicted['before']):.1f} → "
            f"{float(predicted['suggested']):.1f} instead of {float(predicted['actual']):.1f}")


def suggestion_text(sg: dict[str, Any]) -> str:
    """One suggestion as shown: turn, the line, and what the customer would likely have felt."""
    line = f"Turn {plain(sg['turn'])}: instead of “{plain(sg['original'])}”, try “{plain(sg['better'])}”"
    pred = predicted_text(sg.get("predicted"))
    return f"{line}  \n*Predicted: {pred}*" if pred else line


def scores_chart(dims: dict[str, int], judge: dict[str, int] | None = None,
                 engine: dict[str, int] | None = None) -> alt.Chart:
    """Bars per skill; `engine` (the engine's own scores, given when a trainer overrode one) beside them."""
    mine = "With overrides" if engine else "Talkdown"
    rows = [{"skill": SKILL_LABELS[k], "score": v, "source": mine} for k, v in dims.items()]
    if engine:
        rows += [{"skill": SKILL_LABELS[k], "score": v, "source": "Engine"} for k, v in engine.items()]
    judge = judge or None
    if judge:
        rows += [{"skill": SKILL_LABELS[k], "score": v, "source": "LLM judge"} for k, v in judge.items() if k in SKILL_LABELS]
    df = pd.DataFrame(rows)
    enc = dict(x=alt.X("score:Q", title=None, **score_scale()),
               y=alt.Y("skill:N", sort=list(SKILL_LABELS.values()), title=None),
               color=alt.Color("source:N", legend=alt.Legend(orient="bottom", title=None) if judge or engine else None,
                               # the score that counts in full colour, the engine's own in grey beside it
                               **({"scale": alt.Scale(domain=[mine, "Engine", *(["LLM judge"] if judge else [])],
                                                      range=["#1f77b4", "#b0b0b0", "#ff7f0e"][:3 if judge else 2]),
                                   "sort": [mine, "Engine", "LLM judge"]} if engine else {})),
               tooltip=["skill", "source", "score"])
    if judge or engine:
        enc["yOffset"] = "source:N"
    return alt.Chart(df).mark_bar().encode(**enc).properties(height=220)


def render_report(report: dict[str, Any], turns: list[dict[str, Any]], *, key: str,
                  effective: dict[str, int] | None = None, overrides: list[Any] | None = None,
                  on_retry: Callable[[int], None] | None = None, comments: list[Any] | None = None,
                  comment_box: Callable[[int], None] | None = None) -> None:
    """`turns` are the stored turns (1-based numbers match report evidence); `on_retry(turn_no)` branches;
    `comments` (store TurnComment records) show on the turn they are about; `comment_box(turn_no)`, for
    staff, draws the way to add one under each turn."""
    dims = {k: int(v["score"]) for k, v in report["dimensions"].items()}
    shown = dict(effective or dims)
    overall = shown.pop("overall", report["overall"]) if effective else report["overall"]
    outcome = report.get("outcome") or {}

    c1, c2, c3 = st.columns(3)
    c1.metric("Overall", f"{overall}/100")
    if overall != report["overall"]:
        c1.caption(f"Engine {report['overall']}/100; changed by a trainer's override.")
    c2.metric("Outcome", {"resolved": "Resolved", "walked_out": "Walked out", "turn_limit": "Turn limit",
                          "trainee_ended": "Ended early"}.get(outcome.get("end_reason") or "",
                                                             "Resolved" if outcome.get("resolved") else "Not resolved"))
    if outcome.get("mood_start") is not None and outcome.get("mood_end") is not None:
        c3.metric("Customer anger", f"{outcome['mood_end']:.0f}/10",
                  delta=f"{outcome['mood_end'] - outcome['mood_start']:+.0f} from start", delta_color="inverse")

    judge = report.get("judge")
    judge_scores = None
    if judge:
        judge_scores = {k: int(round(float(judge[k]["score"]))) for k in SKILL_LABELS if isinstance(judge.get(k), dict)}
    changed = any(shown.get(k, dims[k]) != dims[k] for k in dims)
    st.altair_chart(scores_chart({k: shown.get(k, dims[k]) for k in dims}, judge_scores,
                                 engine=dims if changed else None), width="stretch")
    if judge:
        st.caption("The LLM judge's view is shown beside Talkdown's own scores, never mixed into them."
                   + (f" Judge: {plain(judge['summary'])}" if judge.get("summary") else ""))
        for w in judge.get("warnings", []) or []:
            st.warning(plain(w))
    if report.get("judge_error"):
        st.info(f"LLM judge unavailable: {plain(report['judge_error'])}")
    if overrides:
        with st.container(border=True):
            st.markdown("**Trainer overrides**")
            st.caption("The newest override of a score counts. An override of a skill moves the overall by that "
                       "skill's weight in the scenario's rubric, unless a trainer set the overall itself.")
            for o in overrides:
                st.markdown(f"- {SKILL_LABELS.get(o.dimension, 'Overall')}: **{o.score}** by {plain(o.by_username)} "
                            f"({str(o.at)[:16]}) — {plain(o.comment)}")

    if outcome.get("note"):
        st.warning(plain(outcome["note"]), icon=":material/gpp_maybe:")
    policy = report.get("policy") or {}
    if policy.get("breaches") or policy.get("allowed"):
        with st.container(border=True):
            st.markdown("**Policy: what was offered**")
            for b in policy.get("breaches", []):
                alt = f" — could have offered instead: *{plain(b['instead'])}*" if b.get("instead") else ""
                st.markdown(f"- :red-badge[not allowed] Turn {plain(b['turn'])}: “{plain(b['quote'])}” — breaks "
                            f"**{plain(b.get('rule') or 'the policy')}**{alt}")
            for a in policy.get("allowed", []):
                st.markdown(f"- :green-badge[allowed] Turn {plain(a['turn'])}: “{plain(a['quote'])}” — "
                            f"{plain(a.get('rule') or '')}")
    for n in report.get("notes", []) or []:
        st.caption(plain(n))

    tabs = st.tabs([f"{SKILL_LABELS[k]} · {with_engine(shown.get(k, dims[k]), dims[k])}" for k in dims])
    for tab, (k, dim) in zip(tabs, report["dimensions"].items()):
        with tab:
            if dim.get("evidence"):
                # Strengths and gaps apart, each in turn order (as in the transcript below). Reports
                # stored before evidence had a kind show as one list.
                evidence = sorted(dim["evidence"], key=lambda ev: ev["turn"])
                for kind, heading in (("strength", "What worked"), ("gap", "To work on"), (None, "Evidence")):
                    items = [ev for ev in evidence if ev.get("kind") == kind]
                    if items:
                        st.markdown(f"**{heading}**")
                        for ev in items:
                            st.markdown(f"- Turn {plain(ev['turn'])}: “{plain(ev['quote'])}” — {plain(ev['why'])}")
            else:
                st.caption("No specific evidence for this skill.")
            suggestions = dim.get("suggestions") or []
            if suggestions:
                st.markdown("**Try next time**")
                for sg in suggestions:
                    st.info(suggestion_text(sg), icon=":material/lightbulb:")
            elif dim.get("advice"):  # reports stored before advice was structured
                st.markdown("**Try next time**")
                for a in dim["advice"]:
                    st.info(plain(a), icon=":material/lightbulb:")

    voice_section(turns)

    st.subheader("Annotated transcript")
    by_turn = {t["turn"]: t for t in report.get("turns", [])}
    for n, turn in enumerate(turns, start=1):
        role = turn["role"]
        with chat_bubble(role):
            st.markdown(plain(turn["text"]))
            info = by_turn.get(n, {})
            moves = info.get("moves") or turn.get("moves") or []
            if moves and role == "trainee":
                st.markdown(move_badges(moves))  # full colour: a caption would fade the badges
            meta = [f"Turn {n}"]  # the evidence above cites these numbers
            if isinstance(turn.get("voice"), dict):
                meta.append(f"spoken, {float(turn['voice'].get('audio_seconds') or 0):.1f} s")
            if role == "customer" and turn.get("mood") is not None:
                meta.append(f"anger {float(turn['mood']):.1f}/10")
            st.caption(" · ".join(meta))
            show_turn_comments(comments, n)
            if comment_box is not None:
                comment_box(n)
            if on_retry is not None and role == "trainee":
                if st.button("Retry from here", key=f"{key}_retry_{n}", icon=":material/replay:",
                             help="Start a new attempt that keeps the conversation up to just before this reply."):
                    on_retry(n)


def voice_section(turns: list[dict[str, Any]]) -> None:
    """What only voice shows: speaking pace and long silences before replying, each with the turn that
    shows it. Advisory: the five skills' scores above are the same as for typed replies."""
    from speech.pace import FAST_WPM, LONG_SILENCE_SECONDS, SLOW_WPM, summarise

    summary = summarise(turns)
    if summary is None:
        return
    with st.container(border=True):
        st.markdown("**Voice: pace and silences**")
        st.caption(f"From {len(summary.turns)} spoken repl{'y' if len(summary.turns) == 1 else 'ies'}"
                   + (f" ({summary.typed_turns} typed, not counted here)" if summary.typed_turns else "")
                   + ". Not part of the five scores. Pace is words heard per minute from your first word to "
                   "your last; silence is the time from pressing record to your first word.")
        c1, c2 = st.columns(2)
        c1.metric("Speaking pace", f"{summary.wpm:.0f} words/min" if summary.wpm is not None else "—",
                  help=f"On a call, {SLOW_WPM}–{FAST_WPM} words a minute is easy to follow.")
        c2.metric(f"Silences over {LONG_SILENCE_SECONDS:.0f} s before replying", str(len(summary.long_silences)))
        if summary.wpm is None:
            st.caption("Your spoken replies were too short to measure a pace.")
        elif not summary.fast and not summary.slow:
            st.markdown(f"- :green-badge[steady] Your pace stayed within {SLOW_WPM}–{FAST_WPM} words a minute.")
        for v in summary.fast:
            st.markdown(f"- :orange-badge[fast] Turn {v.turn}: {v.wpm:.0f} words/min — “{plain(v.text)}”. "
                        "An upset caller cannot keep up at this speed: slow down and pause after key facts.")
        for v in summary.slow:
            st.markdown(f"- :blue-badge[slow] Turn {v.turn}: {v.wpm:.0f} words/min — “{plain(v.text)}”. "
                        "Long gaps between words sound unsure: say it in one go.")
        for v in summary.long_silences:
            st.markdown(f"- :red-badge[silence] Turn {v.turn}: {v.silence_before:.1f} s of silence before you "
                        f"spoke — “{plain(v.text)}”. On a call that is dead air: say something (“Let me check "
                        "that for you”) while you think.")
