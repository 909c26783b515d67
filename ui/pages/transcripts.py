"""Trainers and managers: every conversation they may see, filterable, with drill-down (to comment on a turn)."""
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from services.catalog import scenario_titles
from ui.common import STATUS_LABELS, fmt_dt, scope, selected_row

sc = scope()
st.title("Transcripts")
titles = scenario_titles(sc)
trainees = sc.list_users(role="trainee")
c1, c2, c3, c4 = st.columns(4)
who = c1.selectbox("Trainee", [None, *trainees], format_func=lambda u: "Everyone" if u is None else u.display_name)
scenario_id = c2.selectbox("Scenario", [None, *titles], format_func=lambda s: "All" if s is None else titles[s])
status = c3.selectbox("Status", [None, *STATUS_LABELS], format_func=lambda s: "Any" if s is None else STATUS_LABELS[s])
since = c4.date_input("Since", value=date.today() - timedelta(days=90))
convs = sc.list_conversations(user_id=who.id if who else None, scenario_id=scenario_id, status=status, since=since)
if not convs:
    st.info("No conversations match these filters.")
    st.stop()
counts = sc.comment_counts()
df = pd.DataFrame([{"id": c.id, "started": fmt_dt(c.started_at), "trainee": c.display_name,
                    "scenario": titles.get(c.scenario_id, c.scenario_id), "mode": c.mode,
                    "status": STATUS_LABELS.get(c.status, c.status), "turns": c.turn_count, "score": c.overall,
                    "comments": counts.get(c.id, 0)}
                   for c in convs])
event = st.dataframe(df, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                     key="tx_table")
row = selected_row(event, len(df))
if row is not None and st.button("Open transcript and report", type="primary"):
    st.session_state["view_conversation"] = int(df.iloc[row]["id"])
    st.switch_page("ui/pages/conversation.py")
elif row is None:
    st.caption("Select a row to open it. There you can comment on any turn; the trainee sees it in their report.")
