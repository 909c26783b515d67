"""One conversation: transcript and report; trainers may override a score, trainers and managers comment on a
turn; the owner may retry from a turn."""
import streamlit as st

from core.errors import TalkdownError
from services import practice
from services.catalog import get_scenario, scenario_titles
from store.access import MAX_COMMENT
from ui.common import SKILL_LABELS, STATUS_LABELS, chat_bubble, done, fmt_dt, plain, scope, show_error
from ui.report import render_report, show_turn_comments

sc = scope()
conv_id = st.query_params.get("id") or st.session_state.get("view_conversation")
if conv_id is None:
    st.info("Pick a conversation from a list first.")
    st.stop()
try:
    conv = sc.get_conversation(int(conv_id))
    turns = sc.get_turns(conv.id)
    record = sc.get_report(conv.id)
    comments = sc.turn_comments(conv.id)
except (TalkdownError, ValueError) as e:
    show_error(e if isinstance(e, TalkdownError) else TalkdownError("That conversation id is not valid."))
    st.stop()

titles = scenario_titles(sc)
st.title(plain(titles.get(conv.scenario_id, conv.scenario_id)))
st.caption(f"{plain(conv.display_name)} · {conv.mode} mode · {STATUS_LABELS.get(conv.status, conv.status)} · "
           f"started {fmt_dt(conv.started_at)}" + (f" · retry of #{conv.parent_id} from turn {conv.branch_turn}"
                                                    if conv.parent_id else ""))


def retry(turn_no: int) -> None:
    try:
        new_id = practice.branch(sc, conv.id, turn_no)
    except TalkdownError as e:
        show_error(e)
        return
    st.session_state["practice_conv"] = new_id
    st.switch_page("ui/pages/practice.py")


own = conv.user_id == sc.user.id


def practise_again() -> None:
    try:
        st.session_state["practice_conv"] = practice.start(sc, conv.scenario_id, mode="practice",
                                                           channel=conv.channel)
    except TalkdownError as e:
        show_error(e)
        return
    st.switch_page("ui/pages/practice.py")


def ended_view() -> None:
    """For the trainee whose conversation this is, once it is over (the Practice page comes here when it
    ends): how it ended, the customer's last line spoken once in a voice call, and where to go next."""
    over = f"Conversation over: {STATUS_LABELS.get(conv.status, conv.status)}."
    if conv.status == "resolved":
        st.success(over, icon=":material/check_circle:")
    elif conv.status == "trainee_ended":
        st.info(over, icon=":material/call_end:")
    else:  # walked out, turn limit
        st.warning(over, icon=":material/warning:")
    spoken = st.session_state.get("voice_spoken") or {}
    if spoken.get("conv") == conv.id and spoken.get("play") and turns:
        spoken["play"] = False
        try:
            who = get_scenario(sc, conv.scenario_id).customer.name
        except TalkdownError:
            who = "Customer"
        st.markdown(f"**{plain(who)}:** {plain(turns[-1]['text'])}")
        st.audio(spoken["audio"], format="audio/wav", autoplay=True)
    c1, c2 = st.columns(2)
    if c1.button("Practise this scenario again", type="primary", icon=":material/replay:", key="practice_again"):
        practise_again()
    if c2.button("Choose another scenario", key="choose_another"):
        st.session_state["practice_conv"] = None
        st.switch_page("ui/pages/home.py" if sc.user.role == "trainee" else "ui/pages/practice.py")


if own and conv.status != "active":
    ended_view()


can_comment = not own and sc.user.role in ("trainer", "manager", "admin")


def comment_box(turn_no: int) -> None:
    """Under each turn, for trainers, managers and admins: a comment the trainee sees under that turn."""
    with st.popover("Comment", icon=":material/add_comment:"):
        with st.form(f"tc_{turn_no}", clear_on_submit=True, border=False):
            text = st.text_area(f"Comment on turn {turn_no}", max_chars=MAX_COMMENT, key=f"tc_text_{turn_no}",
                                placeholder="What worked here, or what to try instead")
            if st.form_submit_button("Add comment", type="primary", key=f"tc_add_{turn_no}"):
                try:
                    sc.add_turn_comment(conv.id, turn_no, text)
                    done(f"Comment added to turn {turn_no}; {conv.display_name} sees it under that turn.")
                except TalkdownError as e:
                    show_error(e)


def deletable_comments() -> None:
    """The comments this user may take back (their own; an admin's, all)."""
    mine = [c for c in comments if c.by_user_id == sc.user.id or sc.user.role == "admin"]
    if not mine:
        return
    with st.expander(f"Comments you can delete ({len(mine)})"):
        for c in mine:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(f"Turn {c.turn} · {plain(c.by_name)}: {plain(c.text[:120])}")
            if c2.button("Delete", key=f"del_comment_{c.id}"):
                try:
                    sc.delete_turn_comment(c.id)
                    done(f"Deleted the comment on turn {c.turn}.")
                except TalkdownError as e:
                    show_error(e)


if comments:
    on = sorted({c.turn for c in comments})
    st.info(f"{len(comments)} comment{'s' if len(comments) > 1 else ''} on turn{'s' if len(on) > 1 else ''} "
            f"{', '.join(map(str, on))}: shown under {'those turns' if len(on) > 1 else 'that turn'} in the "
            "transcript below.", icon=":material/rate_review:")
elif can_comment:
    st.caption("To comment on a turn, use **Comment** under it in the transcript: the trainee sees it there.")


if record is None:
    if conv.status == "active" and own:
        st.info("This conversation is still in progress.")
        if st.button("Continue it", type="primary"):
            st.session_state["practice_conv"] = conv.id
            st.switch_page("ui/pages/practice.py")
    else:
        st.info("No report yet: this conversation is still in progress." if conv.status == "active"
            else "No report for this conversation (it ended without one).")
    from ui.report import move_badges
    for n, t in enumerate(turns, start=1):
        with chat_bubble(t["role"]):
            st.markdown(plain(t["text"]))
            if t.get("moves"):
                st.caption(move_badges(t["moves"]))
            show_turn_comments(comments, n)
            if can_comment:
                comment_box(n)
    deletable_comments()
    st.stop()

if own:
    st.header("Your report")
render_report(record.report, turns, key=f"conv{conv.id}",
              effective={**record.effective_dimensions, "overall": record.effective_overall},
              overrides=record.overrides, on_retry=retry if own else None, comments=comments,
              comment_box=comment_box if can_comment else None)
deletable_comments()

if sc.user.role in ("trainer", "admin") and not own:  # the store refuses an override of one's own score
    st.divider()
    st.subheader("Override a score")
    st.caption("The automated score is kept beside your override; the trainee sees both and your comment.")
    # The score picker is outside the form so the slider starts at the chosen score's current value.
    dim = st.selectbox("Score", ["overall", *SKILL_LABELS], format_func=lambda d: SKILL_LABELS.get(d, "Overall"))
    current = int(record.effective_overall if dim == "overall" else record.effective_dimensions[dim])
    automated = int(record.overall if dim == "overall" else record.dimensions[dim])
    st.caption(f"Now {current}; Talkdown's automated score {automated}.")
    with st.form(f"override_{dim}", clear_on_submit=True):
        value = st.slider("New score", 0, 100, current)
        comment = st.text_area("Comment (required)", max_chars=1000)
        if st.form_submit_button("Save override", type="primary"):
            try:
                sc.override_score(conv.id, dim, value, comment.strip())
                done(f"Override saved: {SKILL_LABELS.get(dim, 'Overall')} is now {value}.")
            except TalkdownError as e:
                show_error(e)
