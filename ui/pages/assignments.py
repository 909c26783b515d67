"""Trainers: assign scenarios to trainees or groups with a due date, pass mark and mode; follow progress."""
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from core.errors import TalkdownError
from services.catalog import scenario_titles
from ui.common import assignment_name, done, fmt_dt, init_state, plain, scope, show_error

# What a trainee's status means, in the words the table shows (store.models.AssignmentState).
PROGRESS_LABELS = {"not_started": "Not started", "in_progress": "In progress", "passed": "Passed",
                   "failed": "Failed", "overdue": "Overdue"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


sc = scope()
st.title("Assignments")
titles = scenario_titles(sc)
trainees = sc.list_users(role="trainee")
groups = sc.list_groups()
# The form's widgets carry this number in their keys: a new number after a successful Assign gives an
# empty form (so a second click cannot assign it twice), while a refused one keeps what was typed.
init_state({"new_assignment_form": 0})
n = st.session_state["new_assignment_form"]

with st.expander("New assignment", expanded=not sc.list_assignments(), icon=":material/add:"):
    with st.form(f"new_assignment_{n}"):
        scenario_id = st.selectbox("Scenario", list(titles), format_func=titles.get, key=f"na_scenario_{n}")
        title = st.text_input("Title (optional)", placeholder="e.g. Week 2 — outage calls", key=f"na_title_{n}")
        c1, c2 = st.columns(2)
        group = c1.selectbox("Assign to a group", [None, *groups], format_func=lambda g: "—" if g is None else g.name,
                             key=f"na_group_{n}")
        people = c2.multiselect("…and/or these trainees", trainees, format_func=lambda u: f"{u.display_name} ({u.username})",
                                key=f"na_people_{n}")
        c3, c4, c5 = st.columns(3)
        due = c3.date_input("Due", value=date.today() + timedelta(days=7), min_value=date.today(), key=f"na_due_{n}")
        pass_mark = c4.number_input("Pass mark", min_value=0, max_value=100, value=70, step=5, key=f"na_mark_{n}")
        mode = c5.radio("Mode", ["practice", "assessment"], horizontal=True, key=f"na_mode_{n}",
                        help="Practice: mood meter and hints, any number of attempts. "
                             "Assessment: no help, and only the first attempt counts.")
        channel = st.radio("Reply by", ["any", "voice", "text"], horizontal=True, key=f"na_channel_{n}",
                           format_func={"any": "Trainee's choice", "voice": "Voice (spoken)",
                                        "text": "Text (typed)"}.get,
                           help="Voice: the trainee speaks each reply and hears the customer, as on a call.")
        if st.form_submit_button("Assign", type="primary"):
            try:
                a = sc.create_assignment(scenario_id, user_ids=[u.id for u in people],
                                         group_id=group.id if group else None, due=due,
                                         pass_mark=int(pass_mark), mode=mode, title=title.strip() or None,
                                         channel=channel)
            except TalkdownError as e:
                show_error(e)
            else:
                st.session_state["new_assignment_form"] = n + 1
                done(f"Assigned “{assignment_name(a, titles)}” (due {a.due or '—'}). It is listed below.")

assignments = sc.list_assignments()
if not assignments:
    st.info("No assignments yet.")
    st.stop()
st.caption("Passed: best counted score at or above the pass mark (an assessment counts its first attempt only). "
           "Attempted: finished at least one attempt. Late: passed, or the assessment taken, after the due date. "
           "Overdue: past the due date and not passed.")
names = {u.id: u.display_name for u in trainees}
for a in sorted(assignments, key=lambda a: (a.due or date.max)):
    prog = sc.assignment_progress(a.id)
    raw_name = assignment_name(a, titles)
    name = plain(raw_name)
    passed = sum(p.status == "passed" for p in prog)
    attempted = sum(p.attempts > 0 for p in prog)
    overdue = sum(p.status == "overdue" for p in prog)
    late = sum(p.late for p in prog)
    summary = f"{passed}/{len(prog)} passed · {attempted}/{len(prog)} attempted"
    summary += f" · {late} late" if late else ""
    summary += f" · {overdue} overdue" if overdue else ""
    # Keys tie the open/closed state to the assignment, not to a position in the list: after a delete, the
    # next assignment's popover must not open in its place.
    by = {"voice": " · by voice", "text": " · typed"}.get(a.channel, "")
    with st.expander(f"{name} · due {a.due or '—'} · {a.mode}{by} · {summary}", key=f"assignment_{a.id}"):
        st.caption(f"Scenario: {plain(titles.get(a.scenario_id, a.scenario_id))} · pass mark {a.pass_mark} · "
                   f"created {fmt_dt(a.created_at)}")
        if prog:
            st.dataframe(pd.DataFrame([{"trainee": names.get(p.user_id, p.user_id),
                                        "status": PROGRESS_LABELS.get(p.status, p.status)
                                        + (f" — late ({fmt_dt(p.completed_at)[:10]})" if p.late else ""),
                                        "best score": "—" if p.best_score is None else str(p.best_score),
                                        "attempts": p.attempts} for p in prog]),
                         hide_index=True, width="stretch", column_config={
                             "trainee": "Trainee", "status": "Status",
                             "best score": st.column_config.TextColumn("Best score",
                                                                       help="— : no scored attempt yet"),
                             "attempts": st.column_config.NumberColumn("Finished attempts")})
        else:
            st.caption("Nobody you follow is assigned this yet.")
        if sc.user.role == "admin" or (sc.user.role == "trainer" and a.created_by == sc.user.id):
            made = sc.list_conversations(assignment_id=a.id, limit=10000)
            with st.popover("Delete assignment…", icon=":material/delete:", key=f"delete_popover_{a.id}"):
                st.markdown(f"Delete **{name}**? It disappears from the training list of "
                            f"{_plural(len(prog), 'trainee')} and from the dashboard's assignment table.")
                st.markdown(f"Their attempts ({_plural(len(made), 'conversation')} so far) are **not** deleted: "
                            "transcripts, reports and scores stay in each trainee's history and on the dashboard, "
                            "no longer linked to any assignment. This cannot be undone.")
                if st.button("Delete assignment", type="primary", key=f"delete_assignment_{a.id}"):
                    try:
                        sc.delete_assignment(a.id)
                    except TalkdownError as e:
                        show_error(e)
                    else:
                        done(f"Deleted “{raw_name}”; the attempts made for it are kept.")
        else:
            st.caption("Only the trainer who made this assignment, or an admin, can delete it.")
