"""The practice chat: the customer replies in a stream; practice mode shows a mood meter and hints.
In a voice conversation the trainee records each reply (the transcript is editable before it is sent)
and hears the customer's reply spoken, with its text shown as in a typed one."""
import hashlib
from typing import NoReturn
from urllib.parse import urlsplit

import altair as alt
import pandas as pd
import streamlit as st

from core.errors import BackendError, InputError, TalkdownError
from core.transcript import MAX_MESSAGE_CHARS, MAX_TURN_CHARS
from personas.archetypes import get_archetype
from personas.feelings import BAND_MARKDOWN_COLOURS, band, describe, feeling_name
from services import practice
from services.catalog import load_catalog
from ui.common import chat_bubble, done, init_state, plain, plain_stream, scope, show_error

sc = scope()
init_state({"practice_conv": None})
conv_id = st.session_state["practice_conv"]

if conv_id is not None:
    # This page shows only the picker or a live conversation. A conversation that ended here went on to its
    # report page (see show_report); one held here that has ended since (in another tab) is in My history.
    try:
        if sc.get_conversation(conv_id).status != "active":
            conv_id = st.session_state["practice_conv"] = None
    except TalkdownError:
        conv_id = st.session_state["practice_conv"] = None

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
    how = st.radio("How do you want to talk?", ["Text", "Voice"], horizontal=True, key="practice_channel",
                   help="Voice: you speak your replies and hear the customer, as on a phone call.")
    no_voice = practice.voice_unavailable() if how == "Voice" else None
    if no_voice:
        st.info(no_voice, icon=":material/mic_off:")
    if st.button("Start", type="primary", icon=":material/play_arrow:", disabled=not sid or bool(no_voice)):
        try:
            st.session_state["practice_conv"] = practice.start(sc, sid, mode="practice", channel=how.lower())
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
if conv.status != "active":  # ended between the check above and this load: the picker
    st.session_state["practice_conv"] = None
    st.rerun()
helps = conv.mode == "practice"
voice = conv.channel == "voice"

st.title(plain(scenario.title))
st.caption(f"You are the agent. Customer: **{plain(scenario.customer.name)}** · {plain(scenario.domain)} · "
           f"{'practice mode' if helps else 'assessment mode — no hints, this attempt counts'}"
           + (" · voice" if voice else ""))

# The chat beside the brief, mood and hints; once over, the report is on the conversation's own page.
chat_col, side_col = st.columns([2.2, 1], gap="large")


def report_params(conv_id: int) -> dict[str, list[str]]:
    """The query parameters the report page opens with: its ?id= plus every one the app has now (the
    sign-in token, say), which st.switch_page would otherwise clear."""
    params = {k: st.query_params.get_all(k) for k in st.query_params if k != "id"}
    return {**params, "id": [str(conv_id)]}


def show_report(conv_id: int) -> NoReturn:
    """The conversation ended in this run: show its report on its own page (?id=..., so a refresh shows it
    again) and let go of it here, so Practice (the sidebar link too) shows the picker from now on."""
    st.session_state["practice_conv"] = None
    st.switch_page("ui/pages/conversation.py", query_params=report_params(conv_id))


def rerun_or_report(conv_id: int) -> NoReturn:
    """After a customer reply: the report if that reply ended the conversation, else this page again."""
    if practice.load(sc, conv_id).conversation.status != "active":
        show_report(conv_id)
    st.rerun()


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
            show_report(live.conversation.id)
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


def bubble(role: str, text: str, audio: bytes | None = None, autoplay: bool = False) -> None:
    with chat_bubble(role):
        st.markdown(plain(text))
        if audio:
            st.audio(audio, format="audio/wav", autoplay=autoplay)


def required_channel() -> str:
    """What this conversation's assignment requires: any, voice or text."""
    if conv.assignment_id is None:
        return "any"
    try:
        return sc.get_assignment(conv.assignment_id).channel
    except TalkdownError:
        return "any"


def mic_help() -> None:
    """Why a microphone may not work, said before the trainee wonders: browsers allow it only in a secure
    context (localhost or HTTPS) and after the permission prompt is accepted."""
    try:
        url = urlsplit(st.context.url or "")
    except Exception:
        url = urlsplit("")
    local = (url.hostname or "localhost") in ("localhost", "127.0.0.1", "::1")
    if url.scheme == "http" and not local:
        st.warning(f"This page is open over plain HTTP from {plain(url.hostname)}, so the browser will not "
                   "let it use the microphone. Open Talkdown as http://localhost on the machine that runs it, "
                   "or serve it over HTTPS. You can still upload a WAV recording below, or type.",
                   icon=":material/mic_off:")
    st.caption("Press the microphone, speak, press stop. Nothing happens, or the browser says the microphone "
               "is blocked? Allow it from the icon at the left of the address bar (browsers allow a "
               "microphone only on localhost or over HTTPS), then record again.")


def speak_reply(conv_id: int) -> None:
    """Speak the customer's newest line once (autoplay on the next run); a failure costs only the sound."""
    turns = practice.load(sc, conv_id).engine.turns
    if not turns or turns[-1]["role"] != "customer":
        return
    try:
        audio = practice.speak(turns[-1])
    except TalkdownError as e:
        st.session_state["practice_error"] = f"The reply is shown but could not be spoken: {e}"
        return
    st.session_state["voice_spoken"] = {"conv": conv_id, "idx": len(turns), "audio": audio, "play": True}


def voice_controls(live: practice.Live, history, offline: bool) -> None:
    """Record (or upload) a reply, see and correct its transcript, send it. A bad recording gets a message
    and changes nothing: the conversation and the transcript being edited stay as they were."""
    n = len(live.engine.turns)
    gen = st.session_state.setdefault("voice_gen", 0)
    with st.container(border=True):
        st.markdown("**Your reply, spoken**")
        mic_help()
        rec = st.audio_input("Record your reply", key=f"rec_{conv.id}_{n}_{gen}",
                             disabled=practice.awaiting_reply(live))
        up = st.file_uploader("Or upload a recording (WAV, up to 2 minutes)", key=f"up_{conv.id}_{n}_{gen}",
                              disabled=practice.awaiting_reply(live))
        for source in (rec, up):
            if source is None:
                continue
            data = source.getvalue()
            seen = (conv.id, n, gen, hashlib.sha256(data).hexdigest())
            if st.session_state.get("voice_seen") == seen:
                continue  # already heard on an earlier run
            st.session_state["voice_seen"] = seen
            try:
                with st.spinner("Listening…"):
                    heard = practice.hear(data)
            except TalkdownError as e:
                st.session_state["voice_error"] = str(e)
                continue
            st.session_state.pop("voice_error", None)
            st.session_state["voice_draft"] = {"conv": conv.id, "n": n, "text": heard.text,
                                               "voice": heard.as_turn_voice()}
            st.session_state[f"vdraft_{conv.id}_{n}"] = heard.text
        err = st.session_state.get("voice_error")
        if err:
            st.error(plain(err), icon=":material/error:")
        draft = st.session_state.get("voice_draft")
        if not draft or draft["conv"] != conv.id or draft["n"] != n:
            return
        text = st.text_area("What you said — correct any word that was mis-heard, then send",
                            key=f"vdraft_{conv.id}_{n}", height=110)
        v = draft["voice"]
        st.caption(f"{v['audio_seconds']:.1f} s recorded · {v['silence_before']:.1f} s before your first word · "
                   f"{v['spoken_words']} words heard")
        b1, b2 = st.columns(2)
        send_it = b1.button("Send", type="primary", icon=":material/send:", key="voice_send")
        if b2.button("Discard and record again", key="voice_discard"):
            st.session_state.pop("voice_draft", None)
            st.session_state.pop("voice_error", None)
            st.session_state["voice_gen"] = gen + 1
            st.rerun()
    if not send_it:
        return
    text = (text or "").strip()
    if not text:
        st.error("The transcript is empty: record again, or write what you said.", icon=":material/error:")
        return
    if len(text) > MAX_MESSAGE_CHARS:
        st.error(f"Your reply is {len(text):,} characters; the limit is {MAX_MESSAGE_CHARS:,}. Nothing was sent: "
                 "shorten it here and send it.", icon=":material/error:")
        return
    with history:
        bubble("trainee", text)
        try:
            with chat_bubble("customer"):
                st.write_stream(plain_stream(practice.send(sc, conv.id, text, offline=offline, voice=draft["voice"])))
        except BackendError as e:
            st.session_state["practice_error"] = str(e)
        except TalkdownError as e:
            show_error(e)  # refused before anything was saved: the transcript stays for another try
            return
    st.session_state.pop("voice_draft", None)
    st.session_state.pop("voice_error", None)
    st.session_state["voice_gen"] = gen + 1
    speak_reply(conv.id)
    rerun_or_report(conv.id)


with chat_col:
    history = st.container()  # new turns are added here, above the input, without a rerun
    spoken = st.session_state.get("voice_spoken") or {}
    if spoken.get("conv") != conv.id:
        spoken = {}
    with history:
        for i, t in enumerate(engine.turns, start=1):
            audio = spoken.get("audio") if i == spoken.get("idx") else None
            bubble(t["role"], t["text"], audio=audio, autoplay=bool(audio and spoken.get("play")))
    if spoken.get("play"):
        spoken["play"] = False  # spoken once; the player stays for a replay
    if practice.awaiting_reply(live) and practice.replying(sc, conv.id):
        with st.spinner(f"{plain(scenario.customer.name)} is replying…"):
            practice.wait_for_reply(sc, conv.id)
        rerun_or_report(conv.id)  # the reply another run was waiting for may have ended it
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
            rerun_or_report(conv.id)
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

    typing = True
    if voice:
        why = practice.voice_unavailable()
        if why:
            notice.warning(f"This is a voice conversation, but voice does not work here: {why}",
                           icon=":material/mic_off:")
        else:
            voice_controls(live, history, offline)
        typing = required_channel() != "voice"
        if not typing:
            st.caption("This assignment must be done by voice: typed replies are not accepted.")
    # submit_mode="disable": no second message can interrupt the customer's reply mid-generation.
    # The box takes a paste up to MAX_TURN_CHARS, so an over-long message arrives here instead of being
    # silently refused by the browser; it is kept for shortening, never sent and never lost.
    msg = st.chat_input("…or type your reply instead" if voice else "Type your reply to the customer…",
                        max_chars=MAX_TURN_CHARS, key="chat_msg",
                        disabled=practice.awaiting_reply(live) or not typing, submit_mode="disable")
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
        if voice and not practice.voice_unavailable():
            speak_reply(conv.id)  # a typed reply in a voice call is answered aloud too
        live = practice.load(sc, conv.id)  # the side panel shows the state after this message
        if live.conversation.status != "active":
            show_report(conv.id)
        if voice:
            st.rerun()
        if practice.awaiting_reply(live):
            st.rerun()  # show the retry choices and lock the input

with side_col:
    side_panel(live)
