"""Trainers: assign scenarios to trainees or groups with a due date, pass mark and mode; follow progress."""
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from core.errors import TalkdownError
from services.catalog import scenario_titles
from ui.common import fmt_dt, scope, show_error

sc = scope()
st.title("Assignments")
titles = scenario_titles(sc)
trainees = sc.list_users(role="trainee")
groups = sc.list_groups()

with st.expander("New assignment", expanded=not sc.list_assignments(), icon=":material/add:"):
    with st.form("new_assignment"):
        scenario_id = st.selectbox("Scenario", list(titles), format_func=titles.get)
        title = st.text_input("Title (optional)", placeholder="e.g. Week 2 — outage calls")
        c1, c2 = st.columns(2)
        group = c1.selectbox("Assign to a group", [None, *groups], format_func=lambda g: "—" if g is None else g.name)
        people = c2.multiselect("…and/or these trainees", trainees, format_func=lambda u: f"{u.display_name} ({u.username})")
        c3, c4, c5 = st.columns(3)
        due = c3.date_input("Due", value=date.today() + timedelta(days=7), min_value=date.today())
        pass_mark = c4.number_input("Pass mark", min_value=0, max_value=100, value=70, step=5)
        mode = c5.radio("Mode", ["practice", "assessment"], horizontal=True,
                        help="Practice: mood meter and hints, any number of attempts. "
                             "Assessment: no help, and only the first attempt counts.")
        if st.form_submit_button("Assign", type="primary"):
            try:
                a = sc.create_assignment(scenario_id, user_ids=[u.id for u in people],
                                         group_id=group.id if group else None, due=due,
                                         pass_mark=int(pass_mark), mode=mode, title=title.strip() or None)
                st.success(f"Assigned “{titles[a.scenario_id]}”.")
            except TalkdownError as e:
                show_error(e)

assignments = sc.list_assignments()
if not assignments:
    st.info("No assignments yet.")
    st.stop()
for a in sorted(assignments, key=lambda a: (a.due or date.max)):
    prog = sc.assignment_progress(a.id)
    done = sum(p.status in ("passed", "failed") for p in prog)
    passed = sum(p.status == "passed" for p in prog)
    with st.expander(f"{a.title or titles.get(a.scenario_id, a.scenario_id)} · due {a.due or '—'} · "
                     f"{a.mode} · {passed}/{len(prog)} passed, {done}/{len(prog)} done"):
        st.caption(f"Scenario: {titles.get(a.scenario_id, a.scenario_id)} · pass mark {a.pass_mark} · "
                   f"created {fmt_dt(a.created_at)}")
        names = {u.id: u.display_name for u in trainees}
        st.dataframe(pd.DataFrame([{"trainee": names.get(p.user_id, p.user_id), "status": p.status,
                                    "best score": p.best_score, "attempts": p.attempts} for p in prog]),
                     hide_index=True, width="stretch")
