"""The practice chat: the customer replies in a stream; practice mode shows a mood meter and hints."""
import pandas as pd
import streamlit as st

from core.errors import BackendError, TalkdownError
from core.transcript import MAX_MESSAGE_CHARS
from services import practice
from services.catalog import load_catalog
from ui.common import STATUS_LABELS, init_state, scope, show_error
from ui.report import render_report

sc = scope()
init_state({"practice_conv": None})
conv_id = st.session_state["practice_conv"]

if conv_id is None:
    active = sc.active_conversation()
    if active is not None:
        conv_id = st.session_state["practice_conv"] = active.id

if conv_id is None:
    st.title("Practice")
    cat = load_catalog(sc)
    st.write("Pick a customer to talk to. You can end the conversation at any time; it is scored when it ends.")
    sid = st.selectbox("Scenario", sorted(cat.scenarios, key=lambda i: cat.scenarios[i].title),
                       format_func=lambda i: f"{cat.scenarios[i].title} — {cat.scenarios[i].domain}, "
                                             f"{cat.scenarios[i].persona}, {cat.scenarios[i].difficulty}")
    if sid:
        st.caption(cat.scenarios[sid].summary)
    if st.button("Start", type="primary", icon=":material/play_arrow:", disabled=not sid):
        try:
            st.session_state["practice_conv"] = practice.start(sc, sid, mode="practice")
            st.rerun()
        except TalkdownError as e:
            show_error(e)
    st.stop()

try:
    live = practice.load(sc, conv_id)
except TalkdownError as e:
    st.session_state["practice_conv"] = None
    show_error(e)
    st.stop()

conv, scenario, engine = live.conversation, live.scenario, live.engine
helps = conv.mode == "practice"
ended = conv.status != "active"

st.title(scenario.title)
st.caption(f"You are the agent. Customer: **{scenario.customer.name}** · {scenario.domain} · "
           f"{'practice mode' if helps else 'assessment mode — no hints, this attempt counts'}")

chat_col, side_col = st.columns([2.2, 1], gap="large")

with side_col:
    with st.container(border=True):
        st.markdown("**Your brief**")
        st.caption(scenario.summary)
        if scenario.policy.may_offer:
            st.markdown("You may offer: " + "; ".join(scenario.policy.may_offer) + ".")
        if scenario.policy.may_not_offer:
            st.markdown("You may not offer: " + "; ".join(scenario.policy.may_not_offer) + ".")
    if helps:
        series = practice.mood_series(engine.turns)
        if series:
            now = series[-1]["anger"]
            with st.container(border=True):
                st.markdown("**Customer mood**")
                label = "furious" if now >= 8 else "angry" if now >= 6 else "uneasy" if now >= 4 else "calm"
                st.progress(min(1.0, now / 10), text=f"Anger {now:.1f}/10 — {label}")
                trust = series[-1]["trust"]
                if trust is not None:
                    st.progress(min(1.0, max(0.0, trust / 10)), text=f"Trust {trust:.1f}/10")
                if len(series) > 1:
                    df = pd.DataFrame(series).set_index("reply")[["anger", "trust"]]
                    st.line_chart(df, height=170, color=["#d62728", "#2ca02c"], x_label="Customer reply")
        if not ended:
            tips = practice.hints(live)
            if tips:
                with st.container(border=True):
                    st.markdown("**Hints**")
                    for tip in tips:
                        st.markdown(f"- {tip}")
    if not ended and st.button("End conversation", icon=":material/call_end:", key="end_conv",
                               help="Finish now and get your report."):
        try:
            practice.end(sc, conv.id)
            st.rerun()
        except TalkdownError as e:
            show_error(e)

with chat_col:
    # Once scored, the report's annotated transcript replaces the plain one.
    record = sc.get_report(conv.id) if ended else None
    for t in ([] if record is not None else engine.turns):
        trainee = t["role"] == "trainee"
        with st.chat_message("user" if trainee else "assistant",
                             avatar=":material/support_agent:" if trainee else ":material/person:"):
            st.markdown(t["text"])

    if ended:
        st.success(f"Conversation over: {STATUS_LABELS.get(conv.status, conv.status)}.")

        def retry(turn_no: int) -> None:
            try:
                st.session_state["practice_conv"] = practice.branch(sc, conv.id, turn_no)
                st.rerun()
            except TalkdownError as e:
                show_error(e)

        c1, c2 = st.columns(2)
        if c1.button("Practise this scenario again", type="primary", icon=":material/replay:"):
            try:
                st.session_state["practice_conv"] = practice.start(sc, scenario.id, mode="practice")
                st.rerun()
            except TalkdownError as e:
                show_error(e)
        if c2.button("Choose another scenario"):
            st.session_state["practice_conv"] = None
            st.switch_page("ui/pages/home.py" if sc.user.role == "trainee" else "ui/pages/practice.py")
        if record is not None:
            st.header("Your report")
            render_report(record.report, engine.turns, key=f"rep{conv.id}",
                          effective={**record.effective_dimensions, "overall": record.effective_overall},
                          overrides=record.overrides, on_retry=retry)
        st.stop()

    if practice.awaiting_reply(live) and practice.replying(conv.id):
        with st.spinner(f"{scenario.customer.name} is replying…"):
            practice.wait_for_reply(conv.id)
        st.rerun()
    if practice.awaiting_reply(live):
        st.warning("The customer's reply did not arrive. Your message is saved.", icon=":material/cloud_off:")
        c1, c2 = st.columns(2)
        if c1.button("Try the reply again", type="primary"):
            with st.chat_message("assistant", avatar=":material/person:"):
                try:
                    st.write_stream(practice.retry_reply(sc, conv.id))
                except BackendError as e:
                    show_error(e)
                    st.stop()
            st.rerun()
        if c2.button("Continue with offline lines", help="Use the scenario's authored lines for this reply."):
            try:
                practice.continue_offline(sc, conv.id)
            except TalkdownError as e:
                show_error(e)
                st.stop()
            st.rerun()

    # submit_mode="disable": no second message can interrupt the customer's reply mid-generation.
    msg = st.chat_input("Type your reply to the customer…", max_chars=MAX_MESSAGE_CHARS, key="chat_msg",
                        disabled=practice.awaiting_reply(live), submit_mode="disable")
    if msg:
        with st.chat_message("user", avatar=":material/support_agent:"):
            st.markdown(msg)
        with st.chat_message("assistant", avatar=":material/person:"):
            try:
                st.write_stream(practice.send(sc, conv.id, msg))
            except BackendError as e:
                show_error(e)
                st.caption("Your message is saved. Try the reply again, or continue with offline lines.")
                st.stop()
            except TalkdownError as e:
                show_error(e)
                st.stop()
        st.rerun()
