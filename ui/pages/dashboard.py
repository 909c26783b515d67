"""Manager dashboard: per-trainee and per-skill trends, weakest skills, assignment completion, CSV."""
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from services.catalog import scenario_titles
from ui.charts import score_scale, skill_colour, week_axis, week_tooltip
from store.reports import MIN_PAIRS_FOR_CORRELATION
from ui.common import SKILL_LABELS, assignment_name, csv_bytes, init_state, scope, selected_row

sc = scope()
st.title("Team dashboard")
init_state({"dash_open": None})

groups = sc.list_groups()
titles = scenario_titles(sc)
today = date.today()
# The filters keep their values for the whole session (persist_state), so opening a transcript and
# coming back finds them as they were (Streamlit resets a remembered option that has since gone).
# "All" is ALL, not None: a keyed selectbox whose value is None is drawn as cleared, with an (x) button.
ALL = ""
f1, f2, f3 = st.columns([1, 1, 1.3])
group = f1.selectbox("Group", [ALL, *groups], format_func=lambda g: "All my groups" if g == ALL else g.name,
                     key="dash_group", persist_state="session")
scenario_id = f2.selectbox("Scenario", [ALL, *titles], format_func=lambda s: "All scenarios" if s == ALL else titles[s],
                           key="dash_scenario", persist_state="session")
group, scenario_id = (None if group == ALL else group), (None if scenario_id == ALL else scenario_id)
span = f3.date_input("Date range", value=(today - timedelta(days=90), today), max_value=today, key="dash_span",
                     persist_state="session")
since, until = (span if isinstance(span, tuple) and len(span) == 2 else (span[0] if span else None, None))

rows = sc.score_rows(group_id=group.id if group else None, scenario_id=scenario_id, since=since, until=until)
skills = list(SKILL_LABELS)
df = pd.DataFrame(rows)

if not rows:
    st.info("No scored conversations match these filters yet. Trainees' results appear here when they finish a "
            "scenario.", icon=":material/info:")
else:
    df["finished_at"] = pd.to_datetime(df["finished_at"])
    df["trainee"] = df["display_name"]

    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Scored conversations", len(df))
    m2.metric("Trainees", df["user_id"].nunique())
    m3.metric("Average overall", f"{df['overall'].mean():.0f}")
    linked = df[df["passed"].notna()]
    m4.metric("Assignment pass rate", f"{100 * linked['passed'].astype(bool).mean():.0f}%" if len(linked) else "—",
              help="Share of the scored attempts made for an assignment that reached its pass mark.")
    if df["overridden"].any():
        st.caption(f"Scores on this page count trainers' overrides ({int(df['overridden'].sum())} of "
                   f"{len(df)} conversations); the engine's own scores are beside them in the conversations "
                   "table and the CSV.")

    st.subheader("Weakest skills")
    means = df[skills].mean().rename(index=SKILL_LABELS).sort_values().reset_index()
    means.columns = ["skill", "average"]
    st.altair_chart(alt.Chart(means).mark_bar().encode(
        x=alt.X("average:Q", title="Team average", **score_scale()),
        y=alt.Y("skill:N", sort="x", title=None), tooltip=["skill", alt.Tooltip("average:Q", format=".0f")],
        color=alt.condition(alt.datum.average < 60, alt.value("#d62728"), alt.value("#4c78a8"))
    ).properties(height=200), width="stretch")
    if (means["average"] < 60).any():
        st.caption("Red: a team average below 60 — the skills to coach first.")

    st.subheader("Team trend per skill")
    long = df.melt(id_vars=["finished_at"], value_vars=skills, var_name="skill", value_name="score")
    long["skill"] = long["skill"].map(SKILL_LABELS)
    wk = (long.set_index("finished_at").groupby("skill")["score"]
          .resample("W-MON", label="left", closed="left").mean().dropna().reset_index())
    st.altair_chart(alt.Chart(wk).mark_line(point=True).encode(
        x=week_axis("finished_at", "Week"), y=alt.Y("score:Q", title="Team average", **score_scale()),
        color=skill_colour(), tooltip=["skill", week_tooltip("finished_at"), alt.Tooltip("score:Q", format=".0f")]
    ).properties(height=300), width="stretch")

    # One row per trainee with a sparkline of their overall scores: nine or more trainees' lines in one
    # chart cross each other into a tangle; a row each stays readable at any team size and sorts by column.
    st.subheader("Per trainee")
    ordered = df.sort_values(["finished_at", "conversation_id"])
    per = ordered.groupby("trainee")
    people = per[skills].mean().round(0)
    people.insert(0, "trend", per["overall"].agg(list))
    people.insert(1, "latest", per["overall"].last())
    people.insert(2, "average", per["overall"].mean().round(0))
    people["conversations"] = per.size()
    people["last"] = per["finished_at"].max()
    st.dataframe(people.reset_index(), hide_index=True, width="stretch", column_config={
        "trainee": st.column_config.TextColumn("Trainee", pinned=True),
        "trend": st.column_config.LineChartColumn("Overall, oldest → newest", y_min=0, y_max=100,
                                                  help="Each scored conversation in the date range, in order."),
        "latest": st.column_config.NumberColumn("Latest", format="%d", width="small", help="Latest overall score"),
        "average": st.column_config.NumberColumn("Average", format="%d", width="small", help="Average overall score"),
        **{s: st.column_config.NumberColumn(SKILL_LABELS[s], format="%d", help="Average in the date range")
           for s in skills},
        "conversations": st.column_config.NumberColumn("Scored", width="small", help="Scored conversations"),
        "last": st.column_config.DatetimeColumn("Last", format="D MMM YYYY", help="Their latest scored conversation"),
    })
    st.caption("The line: each scored conversation's overall score (0–100) in the date range, oldest first. "
               "Skill columns are averages. Click a column header to sort.")

if rows:
    # How far a team trusts the engine: where trainers changed a score, by how much and how consistently.
    st.subheader("Engine and trainers")
    agreement = sc.override_agreement(group_id=group.id if group else None, scenario_id=scenario_id,
                                      since=since, until=until)
    if not any(a["n"] for a in agreement):
        st.caption("No trainer has overridden a score in these conversations: there is nothing to compare yet.")
    else:
        def _corr(a: dict) -> str:
            if a["n"] < MIN_PAIRS_FOR_CORRELATION:
                return f"too few (needs {MIN_PAIRS_FOR_CORRELATION})" if a["n"] else "—"
            return "no spread" if a["correlation"] is None else f"{a['correlation']:.2f}"

        st.dataframe(pd.DataFrame([{
            "score": SKILL_LABELS.get(a["dimension"], "Overall"), "overrides": a["n"],
            "difference": "—" if a["mean_diff"] is None else f"{a['mean_diff']:+.1f}",
            "correlation": _corr(a)} for a in agreement]), hide_index=True, width="stretch", column_config={
            "score": st.column_config.TextColumn("Score"),
            "overrides": st.column_config.NumberColumn("Overrides", help="Conversations where a trainer changed "
                                                       "this score (the newest override counts)"),
            "difference": st.column_config.TextColumn("Mean difference", help="Trainer's score minus the engine's, "
                                                      "on average: below 0, trainers score lower than the engine"),
            "correlation": st.column_config.TextColumn(
                "Correlation", help=f"Pearson's r between the engine's and the trainers' scores, from "
                                    f"{MIN_PAIRS_FOR_CORRELATION} overrides up: near 1, trainers move scores "
                                    f"up and down with the engine"),
        })
        st.caption(f"Mean difference: trainer's override minus the engine's score. Correlation needs at least "
                   f"{MIN_PAIRS_FOR_CORRELATION} overrides of a score; “no spread” means all the scores on one side "
                   "were the same. An override of a skill also moves the overall; only direct overrides of the "
                   "overall are counted in its row.")

st.subheader("Assignments")
# The same group and scenario filters as above: a group shows only its own trainees' progress.
members = None if group is None else {u.id for u in sc.group_members(group.id) if u.role == "trainee"}
arows = []
for a in sc.list_assignments():
    if scenario_id and a.scenario_id != scenario_id:
        continue
    prog = sc.assignment_progress(a.id)
    if members is not None:
        prog = [p for p in prog if p.user_id in members]
        if not prog and a.group_id != group.id:
            continue
    n = len(prog) or 1
    arows.append({"assignment": assignment_name(a, titles), "mode": a.mode.capitalize(),
                  "due": a.due.isoformat() if a.due else "—", "pass mark": a.pass_mark, "trainees": len(prog),
                  "passed": 100 * sum(p.status == "passed" for p in prog) / n,
                  "attempted": 100 * sum(p.attempts > 0 for p in prog) / n,
                  "late": sum(p.late for p in prog),
                  "overdue": sum(p.status == "overdue" for p in prog)})
if not arows:
    st.caption("No assignments match these filters." if group or scenario_id else "No assignments yet.")
else:
    pct = {"min_value": 0, "max_value": 100, "format": "%.0f%%"}
    st.dataframe(pd.DataFrame(arows), hide_index=True, width="stretch", column_config={
        "assignment": st.column_config.TextColumn("Assignment"),
        "mode": st.column_config.TextColumn("Mode", width="small"),
        "due": st.column_config.TextColumn("Due", width="small"),
        "pass mark": st.column_config.NumberColumn("Pass mark", width="small"),
        "trainees": st.column_config.NumberColumn("Trainees", width="small"),
        "passed": st.column_config.ProgressColumn("Passed", width="small", **pct,
                                                  help="Best counted score at or above the pass mark"),
        "attempted": st.column_config.ProgressColumn("Attempted", width="small", **pct,
                                                     help="Finished at least one attempt"),
        "late": st.column_config.NumberColumn("Late", width="small",
                                              help="Completed (passed, or an assessment taken) after the due date"),
        "overdue": st.column_config.NumberColumn("Overdue", width="small",
                                                 help="Past the due date and not passed (as of today)"),
    })
    st.caption("Progress as of today, for the group and scenario chosen above (the date range applies to "
               "the scores only).")

st.subheader("Conversations")
if not rows:
    st.caption("No scored conversations match these filters.")
    st.download_button("Download scores (CSV)", b"", file_name="talkdown-scores.csv", mime="text/csv",
                       icon=":material/download:", disabled=True, help="No scores match these filters.")
    st.stop()
table = df.sort_values("finished_at", ascending=False)
table = table.assign(scenario=table["scenario_id"].map(lambda s: titles.get(s, s)),
                     overridden=table["overridden"].map({True: "yes", False: ""}))[
    ["conversation_id", "finished_at", "trainee", "scenario", "overall", "auto_overall", "overridden", *skills]]
event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                     key="dash_table", column_config={
                         "conversation_id": None,  # kept for the drill-down, not shown
                         "finished_at": st.column_config.DatetimeColumn("Finished", format="D MMM YYYY"),
                         "trainee": "Trainee",
                         "scenario": st.column_config.TextColumn("Scenario", width="medium"),
                         "overall": st.column_config.NumberColumn(
                             "Overall", format="%d", width="small",
                             help="With trainers' overrides: what counts for pass marks and averages"),
                         "auto_overall": st.column_config.NumberColumn(
                             "Engine", format="%d", width="small", help="The scoring engine's overall, as scored"),
                         **{s: st.column_config.NumberColumn(SKILL_LABELS[s], format="%d") for s in skills},
                         "overridden": st.column_config.TextColumn(
                             "Overridden", width="small",
                             help="“yes”: a trainer changed a score; the engine's is kept beside it."),
                     })
selected = selected_row(event, len(table))
c1, c2 = st.columns([1, 3])
if selected is not None:
    conv_id = int(table.iloc[selected]["conversation_id"])
    if c1.button("Open transcript and report", type="primary"):
        st.session_state["view_conversation"] = conv_id
        st.switch_page("ui/pages/conversation.py")
else:
    c1.caption("Select a row to open its transcript.")
# Each score twice, side by side: with trainers' overrides (what counts) and the engine's own.
export = df.drop(columns=["trainee"]).rename(columns={f"auto_{d}": f"{d}_engine" for d in ("overall", *skills)})
scores = [c for d in ("overall", *skills) for c in (d, f"{d}_engine")]
export = export[[c for c in export.columns if c not in scores] + scores]
export["finished_at"] = export["finished_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")
c2.download_button("Download scores (CSV)", csv_bytes(export), file_name="talkdown-scores.csv",
                   mime="text/csv", icon=":material/download:")
