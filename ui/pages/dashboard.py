"""Manager dashboard: per-trainee and per-skill trends, weakest skills, assignment completion, CSV."""
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from services.catalog import scenario_titles
from ui.common import SKILL_LABELS, init_state, scope, selected_row

sc = scope()
st.title("Team dashboard")
init_state({"dash_open": None})

groups = sc.list_groups()
titles = scenario_titles(sc)
f1, f2, f3 = st.columns([1, 1, 1.3])
group = f1.selectbox("Group", [None, *groups], format_func=lambda g: "All my groups" if g is None else g.name)
scenario_id = f2.selectbox("Scenario", [None, *titles], format_func=lambda s: "All scenarios" if s is None else titles[s])
today = date.today()
span = f3.date_input("Date range", value=(today - timedelta(days=90), today), max_value=today)
since, until = (span if isinstance(span, tuple) and len(span) == 2 else (span[0] if span else None, None))

rows = sc.score_rows(group_id=group.id if group else None, scenario_id=scenario_id, since=since, until=until)
if not rows:
    st.info("No scored conversations match these filters yet. Trainees' results appear here when they finish a scenario.")
    st.stop()

df = pd.DataFrame(rows)
df["finished_at"] = pd.to_datetime(df["finished_at"])
df["trainee"] = df["display_name"]
skills = list(SKILL_LABELS)

m1, m2, m3, m4 = st.columns(4)
m1.metric("Scored conversations", len(df))
m2.metric("Trainees", df["user_id"].nunique())
m3.metric("Average overall", f"{df['overall'].mean():.0f}")
linked = df[df["passed"].notna()]
m4.metric("Assignment pass rate", f"{100 * linked['passed'].astype(bool).mean():.0f}%" if len(linked) else "—")

st.subheader("Weakest skills")
means = df[skills].mean().rename(index=SKILL_LABELS).sort_values().reset_index()
means.columns = ["skill", "average"]
st.altair_chart(alt.Chart(means).mark_bar().encode(
    x=alt.X("average:Q", scale=alt.Scale(domain=[0, 100]), title="Team average"),
    y=alt.Y("skill:N", sort="x", title=None), tooltip=["skill", alt.Tooltip("average:Q", format=".0f")],
    color=alt.condition(alt.datum.average < 60, alt.value("#d62728"), alt.value("#4c78a8"))
).properties(height=200), width="stretch")

left, right = st.columns(2)
with left:
    st.subheader("Overall score per trainee")
    weekly = (df.set_index("finished_at").groupby("trainee")["overall"].resample("W-MON", label="left", closed="left").mean().dropna().reset_index())
    st.altair_chart(alt.Chart(weekly).mark_line(point=True).encode(
        x=alt.X("finished_at:T", title="Week"), y=alt.Y("overall:Q", scale=alt.Scale(domain=[0, 100]), title="Overall"),
        color=alt.Color("trainee:N", title=None), tooltip=["trainee", "finished_at:T", alt.Tooltip("overall:Q", format=".0f")]
    ).properties(height=300), width="stretch")
with right:
    st.subheader("Team trend per skill")
    long = df.melt(id_vars=["finished_at"], value_vars=skills, var_name="skill", value_name="score")
    long["skill"] = long["skill"].map(SKILL_LABELS)
    wk = long.set_index("finished_at").groupby("skill")["score"].resample("W-MON", label="left", closed="left").mean().dropna().reset_index()
    st.altair_chart(alt.Chart(wk).mark_line(point=True).encode(
        x=alt.X("finished_at:T", title="Week"), y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title="Average"),
        color=alt.Color("skill:N", title=None), tooltip=["skill", "finished_at:T", alt.Tooltip("score:Q", format=".0f")]
    ).properties(height=300), width="stretch")

st.subheader("Per trainee and skill")
pivot = df.groupby("trainee")[skills + ["overall"]].mean().round(0).rename(columns=SKILL_LABELS)
pivot["Conversations"] = df.groupby("trainee").size()
st.dataframe(pivot, width="stretch")

st.subheader("Assignments")
assignments = sc.list_assignments()
if not assignments:
    st.caption("No assignments yet.")
else:
    arows = []
    for a in assignments:
        prog = sc.assignment_progress(a.id)
        n = len(prog) or 1
        done = sum(p.status in ("passed", "failed") for p in prog)
        passed = sum(p.status == "passed" for p in prog)
        arows.append({"assignment": a.title or titles.get(a.scenario_id, a.scenario_id), "mode": a.mode,
                      "due": a.due, "pass mark": a.pass_mark, "trainees": len(prog),
                      "completed": f"{100 * done / n:.0f}%", "passed": f"{100 * passed / n:.0f}%",
                      "overdue": sum(p.status == "overdue" for p in prog)})
    st.dataframe(pd.DataFrame(arows), hide_index=True, width="stretch")

st.subheader("Conversations")
table = df.sort_values("finished_at", ascending=False)[
    ["conversation_id", "finished_at", "trainee", "scenario_id", "overall", *skills, "overridden"]]
table = table.assign(scenario=table["scenario_id"].map(lambda s: titles.get(s, s))).drop(columns=["scenario_id"])
event = st.dataframe(table.rename(columns=SKILL_LABELS), hide_index=True, width="stretch",
                     on_select="rerun", selection_mode="single-row", key="dash_table")
selected = selected_row(event, len(table))
c1, c2 = st.columns([1, 3])
if selected is not None:
    conv_id = int(table.iloc[selected]["conversation_id"])
    if c1.button("Open transcript and report", type="primary"):
        st.session_state["view_conversation"] = conv_id
        st.switch_page("ui/pages/conversation.py")
else:
    c1.caption("Select a row to open its transcript.")
export = df.drop(columns=["trainee"]).copy()
export["finished_at"] = export["finished_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")
c2.download_button("Download scores (CSV)", export.to_csv(index=False).encode(), file_name="talkdown-scores.csv",
                   mime="text/csv", icon=":material/download:")
