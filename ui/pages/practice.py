"""The practice chat: the customer replies in a stream; practice mode shows a mood meter and hints."""
import altair as alt
import pandas as pd
import streamlit as st

from core.errors import BackendError, TalkdownError
from core.transcript import MAX_MESSAGE_CHARS, MAX_TURN_CHARS
from personas.archetypes import get_archetype
from personas.feelings import BAND_MARKDOWN_COLOURS, band, describe, feeling_name
from services import practice
from services.catalog import load_catalog
from ui.common import STATUS_LABELS, chat_bubble, done, init_state, plain, plain_stream, scope, show_error
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
        st.caption(plain(cat.scenarios[sid].summary))
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

st.title(plain(scenario.title))
st.caption(f"You are the agent. Customer: **{plain(scenario.customer.name)}** · {plain(scenario.domain)} · "
           f"{'practice mode' if helps else 'assessment mode — no hints, this attempt counts'}")

# While talking: chat beside the brief, mood and hints. Once over: the report gets the full width.
chat_col, side_col = (st.container(), None) if ended else st.columns([2.2, 1], gap="large")


def side_panel(live: practice.Live) -> None:
    """Brief, mood meter, hints and End, while the conversation is on; drawn last so it shows the state
    after this run's message."""
    scenario = live.scenario
    with st.container(border=True):
        st.markdown("**Your brief**")
        st.caption(plain(scenario.summary))
        if scenario.policy.may_offer:
            st.markdown("You may offer: " + "; ".join(map(plain, scenario.policy.may_offer)) + ".")
        if scenario.policy.may_not_offer:
            st.markdown("You may not offer: " + "; ".join(map(plain, scenario.policy.may_not_offer)) + ".")
    if helps:
        series = practice.mood_series(live.engine.turns)
        if series:
            mood_meter(series, feeling_of(scenario))
        tips = practice.hints(live)
        if tips:
            with st.container(border=True):
                st.markdown("**Hints**")
                for tip in tips:
                    st.markdown(f"- {plain(tip)}")
    end_controls(live)


def feeling_of(scenario) -> str:
    """The feeling this persona's 0-10 state is (anger, anxiety, confusion, doubt); anger if unknown."""
    try:
        return feeling_name(getattr(get_archetype(scenario.persona), "feeling", None))
    except TalkdownError:
        return "anger"


def mood_meter(series: list[dict], feeling: str) -> None:
    """The customer's state as this persona feels it: label, band word and colour all from the number
    shown (rounded first), bands as Scenario.band (high >= 7, mid 4-6.9, low < 4)."""
    now = round(series[-1]["anger"], 1)  # mood_series calls the 0-10 state "anger" whatever the persona
    level, words = band(now), describe(now, feeling)
    colour = BAND_MARKDOWN_COLOURS[level]
    with st.container(border=True):
        st.markdown(f"**Customer mood: {feeling}** :{colour}-badge[{words.word}]")
        st.progress(min(1.0, now / 10), text=f"{feeling.capitalize()} {now:.1f}/10 — {words.word}")
        trust = series[-1]["trust"]
        if trust is not None:
            st.progress(min(1.0, max(0.0, trust / 10)), text=f"Trust {trust:.1f}/10")
        if len(series) > 1:
            df = (pd.DataFrame(series)[["reply", "anger", "trust"]].rename(columns={"anger": feeling})
                  .melt("reply", var_name="measure", value_name="level"))
            st.altair_chart(alt.Chart(df).mark_line(point=True).encode(
                x=alt.X("reply:O", title="Customer reply", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("level:Q", scale=alt.Scale(domain=[0, 10]), axis=alt.Axis(values=[0, 5, 10]), title=None),
                color=alt.Color("measure:N", scale=alt.Scale(domain=[feeling, "trust"], range=["#d62728", "#2ca02c"]),
                                legend=alt.Legend(orient="top", title=None)),
            ).properties(height=230), width="stretch")  # the whole chart: legend and axes included


def end_controls(live: practice.Live) -> None:
    """End (and score) the conversation; before the first reply there is nothing to score, so it is dropped;
    an assessment asks first, because ending uses up the attempt."""
    def end_now() -> None:
        try:
            scored = practice.end(sc, live.conversation.id)
        except TalkdownError as e:
            show_error(e)
            return
        if scored:
            st.rerun()
        st.session_state["practice_conv"] = None
        done("Conversation dropped: you had not replied yet, so there was nothing to score.")

    if not practice.has_replied(live):
        if st.button("Leave without a report", icon=":material/logout:", key="end_conv",
                     help="You have not replied yet, so there is nothing to score: the conversation is dropped."):
            end_now()
    elif helps:
        if st.button("End conversation", icon=":material/call_end:", key="end_conv",
                     help="Finish now and get your report."):
            end_now()
    else:
        with st.popover("End conversation", icon=":material/call_end:"):
            st.markdown("This is an assessment: ending now scores this attempt, and it is the one that counts.")
            if st.button("End and score this attempt", type="primary", key="end_conv"):
                end_now()


def bubble(role: str, text: str) -> None:
    with chat_bubble(role):
        st.markdown(plain(text))


with chat_col:
    if ended:
        # Once scored, the report's annotated transcript replaces the plain one.
        record = sc.get_report(conv.id)
        if record is None:
            for t in engine.turns:
                bubble(t["role"], t["text"])
        over = f"Conversation over: {STATUS_LABELS.get(conv.status, conv.status)}."
        if conv.status == "resolved":
            st.success(over, icon=":material/check_circle:")
        elif conv.status == "trainee_ended":
            st.info(over, icon=":material/call_end:")
        else:  # walked out, turn limit
            st.warning(over, icon=":material/warning:")

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
    else:
        history = st.container()  # new turns are added here, above the input, without a rerun
        with history:
            for t in engine.turns:
                bubble(t["role"], t["text"])
        if practice.awaiting_reply(live) and practice.replying(sc, conv.id):
            with st.spinner(f"{plain(scenario.customer.name)} is replying…"):
                practice.wait_for_reply(sc, conv.id)
            st.rerun()
        notice = st.container()
        flash = st.session_state.pop("practice_error", None)  # set by the run that failed
        if flash:
            notice.error(plain(flash), icon=":material/error:")
        if practice.awaiting_reply(live):
            notice.warning("The customer's reply did not arrive. Your message is saved.", icon=":material/cloud_off:")
            c1, c2 = notice.columns(2)
            if c1.button("Try the reply again", type="primary"):
                try:
                    with history, chat_bubble("customer"):
                        st.write_stream(plain_stream(practice.retry_reply(sc, conv.id)))
                except BackendError as e:
                    st.session_state["practice_error"] = str(e)
                st.rerun()
            if c2.button("Continue with offline lines",
                         help="The scenario's authored lines answer from now on in this conversation; "
                              "the model is not called again."):
                try:
                    practice.continue_offline(sc, conv.id)
                    st.session_state.setdefault("offline_convs", set()).add(conv.id)
                    st.rerun()
                except TalkdownError as e:
                    show_error(e)
        offline = conv.id in st.session_state.get("offline_convs", set())
        if offline:
            notice.caption("Offline lines: the customer's replies come from the scenario's authored lines.")

        # submit_mode="disable": no second message can interrupt the customer's reply mid-generation.
        # The box takes a paste up to MAX_TURN_CHARS, so an over-long message arrives here instead of being
        # silently refused by the browser; it is kept for shortening, never sent and never lost.
        msg = st.chat_input("Type your reply to the customer…", max_chars=MAX_TURN_CHARS, key="chat_msg",
                            disabled=practice.awaiting_reply(live), submit_mode="disable")
        msg = msg or st.session_state.pop("send_now", None)
        if msg and len(msg.strip()) > MAX_MESSAGE_CHARS:
            st.session_state["too_long_msg"] = msg
            msg = None
        draft = st.session_state.get("too_long_msg")
        if draft:
            st.error(f"Your message is {len(draft.strip()):,} characters; the limit is {MAX_MESSAGE_CHARS:,}. "
                     "Nothing was sent. Shorten it here and send it — in a real conversation, shorter is clearer.")
            edited = st.text_area("Your message", value=draft, height=220, key="too_long_edit")
            b1, b2 = st.columns(2)
            if b1.button("Send this message", key="too_long_send", type="primary"):
                st.session_state["too_long_msg"] = edited
                if len(edited.strip()) <= MAX_MESSAGE_CHARS:
                    st.session_state.pop("too_long_msg", None)
                    st.session_state.pop("too_long_edit", None)
                    st.session_state["send_now"] = edited
                    st.rerun()  # sent on the next run, with the shortening box gone
                else:
                    st.rerun()
            if b2.button("Discard it", key="too_long_discard"):
                st.session_state.pop("too_long_msg", None)
                st.session_state.pop("too_long_edit", None)
                st.rerun()
        if msg:
            with history:
                bubble("trainee", msg)
                try:
                    with chat_bubble("customer"):
                        st.write_stream(plain_stream(practice.send(sc, conv.id, msg, offline=offline)))
                except BackendError as e:
                    st.session_state["practice_error"] = str(e)  # shown after the rerun below
                except TalkdownError as e:
                    show_error(e)
            live = practice.load(sc, conv.id)  # the side panel shows the state after this message
            if live.conversation.status != "active":
                st.rerun()  # the report replaces the chat
            if practice.awaiting_reply(live):
                st.rerun()  # show the retry choices and lock the input

if side_col is not None:
    with side_col:
        side_panel(live)
