"""Trainee home: assignments (due, overdue, passed) and scenarios for free practice."""
import streamlit as st

from core.errors import TalkdownError
from services import practice
from services.catalog import load_catalog
from ui.common import assignment_name, fmt_dt, plain, scope, show_error

sc = scope()
st.title("My training")
cat = load_catalog(sc)

active = sc.active_conversation()
if active is not None and active.scenario_id in cat.scenarios:
    with st.container(border=True):
        st.markdown(f"You have a conversation in progress: **{plain(cat.scenarios[active.scenario_id].title)}** "
                    f"(started {fmt_dt(active.started_at)}).")
        st.caption("Starting another scenario ends this one and scores it (or drops it, if you have not "
                   "replied yet).")
        if st.button("Resume", type="primary", icon=":material/play_arrow:"):
            st.session_state["practice_conv"] = active.id
            st.switch_page("ui/pages/practice.py")


def start(scenario_id: str, mode: str, assignment_id: int | None = None) -> None:
    try:
        st.session_state["practice_conv"] = practice.start(sc, scenario_id, mode=mode, assignment_id=assignment_id)
    except TalkdownError as e:
        show_error(e)
        return
    st.switch_page("ui/pages/practice.py")


BADGE = {"not_started": ":blue-badge[to do]", "in_progress": ":orange-badge[in progress]",
         "passed": ":green-badge[passed]", "failed": ":red-badge[not passed yet]", "overdue": ":red-badge[overdue]"}
FAILED_ASSESSMENT = ":red-badge[not passed]"  # an assessment has one attempt: "yet" would promise another
st.subheader("Assignments")
mine = sc.my_assignments()
titles = {sid: scenario.title for sid, scenario in cat.scenarios.items()}
if not mine:
    st.caption("Nothing assigned to you right now. Pick any scenario below to practise.")
for s in sorted(mine, key=lambda s: (s.status == "passed", s.assignment.due or fmt_dt(None))):
    a = s.assignment
    scenario = cat.scenarios.get(a.scenario_id)
    with st.container(border=True):
        c1, c2 = st.columns([4, 1])
        badge = FAILED_ASSESSMENT if s.status == "failed" and a.mode == "assessment" else BADGE.get(s.status, "")
        badge += " :orange-badge[late]" if s.late else ""
        c1.markdown(f"**{plain(assignment_name(a, titles))}** {badge}  \n"
                    f"Due {a.due or '—'} · pass mark {a.pass_mark} · {a.mode} mode"
                    f"{' · by voice' if a.channel == 'voice' else ' · typed' if a.channel == 'text' else ''} · "
                    f"best {s.best_score if s.best_score is not None else '—'} · attempts {s.attempts}"
                    + (f" · finished {fmt_dt(s.completed_at)[:10]}, after the due date" if s.late else ""))
        taken = a.mode == "assessment" and s.attempts > 0
        if scenario is None:
            c2.caption("Scenario unavailable")
        elif c2.button("Taken" if taken else "Practise again" if s.status == "passed" else "Start",
                       key=f"asg_{a.id}", disabled=taken,
                       type="primary" if s.status in ("not_started", "overdue") else "secondary"):
            start(a.scenario_id, a.mode, a.id)

st.subheader("Free practice")
st.caption("Practice mode shows the customer's mood and offers hints. Nothing here counts toward an assignment.")
cols = st.columns(2)
for i, (sid, scenario) in enumerate(sorted(cat.scenarios.items(), key=lambda kv: kv[1].title)):
    with cols[i % 2].container(border=True):
        st.markdown(f"**{plain(scenario.title)}**  \n:gray-badge[{plain(scenario.domain)}] "
                    f":gray-badge[{plain(scenario.persona)}] :gray-badge[{plain(scenario.difficulty)}]")
        st.caption(plain(scenario.summary))
        if st.button("Practise", key=f"free_{sid}", icon=":material/forum:"):
            start(sid, "practice")
