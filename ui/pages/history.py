"""A trainee's own history and progress per skill."""
import altair as alt
import pandas as pd
import streamlit as st

from services.catalog import scenario_titles
from ui.charts import score_scale, skill_colour, week_axis, week_tooltip
from ui.common import SKILL_LABELS, STATUS_LABELS, fmt_dt, plain, scope, with_engine

sc = scope()
st.title("My history")
titles = scenario_titles(sc)
rows = sc.score_rows(user_id=sc.user.id)
if rows:
    df = pd.DataFrame(rows)
    df["finished_at"] = pd.to_datetime(df["finished_at"])
    skills = list(SKILL_LABELS)
    ordered = df.sort_values(["finished_at", "conversation_id"])
    last = ordered.iloc[-1]
    cols = st.columns([1.8] + [1] * len(skills))  # room for the delta and what it compares
    # The change since the conversation before the latest one, said in words: a bare "↑24" reads as
    # anything (against the first score, an average, the pass mark).
    change = None
    if len(ordered) > 1:
        change = f"{int(last['overall'] - ordered.iloc[-2]['overall']):+d} vs previous conversation"
    cols[0].metric("Overall (latest)", int(last["overall"]), delta=change,
                   help="Your latest scored conversation (with a trainer's override, if any), and the change "
                        "from the one before it.")
    if last["overall"] != last["auto_overall"]:
        cols[0].caption(f"Engine {int(last['auto_overall'])}; changed by a trainer's override.")
    recent = df.sort_values("finished_at").tail(5)[skills].mean()
    for c, s in zip(cols[1:], skills):
        c.metric(SKILL_LABELS[s], f"{recent[s]:.0f}", help="Average of your last five scored conversations")
    long = df.melt(id_vars=["finished_at"], value_vars=skills, var_name="skill", value_name="score")
    long["skill"] = long["skill"].map(SKILL_LABELS)
    # Weekly means: single conversations swing a lot; the trend is what a trainee should read.
    long = (long.set_index("finished_at").groupby("skill")["score"]
            .resample("W-MON", label="left", closed="left").mean().dropna().reset_index())
    st.caption("Weekly average per skill")
    st.altair_chart(alt.Chart(long).mark_line(point=True).encode(
        x=week_axis("finished_at", None), y=alt.Y("score:Q", title="Score", **score_scale()),
        color=skill_colour(), tooltip=["skill", week_tooltip("finished_at"), alt.Tooltip("score:Q", format=".0f")]
    ).properties(height=280), width="stretch")
else:
    st.info("Finish a conversation to see your scores here.")

st.subheader("Conversations")
convs = sc.list_conversations(user_id=sc.user.id)
if not convs:
    st.caption("No conversations yet.")
by_id = {c.id: c for c in convs}


def _retry_of(c) -> str:
    """' · retry of your 2026-03-04 10:15 attempt': the original named by when it was, not by an id."""
    if not c.parent_id:
        return ""
    parent = by_id.get(c.parent_id)
    return f" · retry of your {fmt_dt(parent.started_at)} attempt" if parent else " · retry of an earlier attempt"


for c in convs:
    with st.container(border=True):
        a, b = st.columns([4, 1])
        a.markdown(f"**{plain(titles.get(c.scenario_id, c.scenario_id))}** · {STATUS_LABELS.get(c.status, c.status)}"
                   f"{_retry_of(c)}  \n{fmt_dt(c.started_at)} · {c.mode} · {c.turn_count} "
                   f"turn{'' if c.turn_count == 1 else 's'} · score {with_engine(c.overall, c.auto_overall)}")
        if b.button("Open", key=f"open_{c.id}"):
            st.session_state["view_conversation"] = c.id
            st.switch_page("ui/pages/conversation.py")
