"""Trainers: browse, write (form or YAML), upload, validate and preview scenarios."""
from typing import Callable

import streamlit as st

from core.errors import ScenarioError, TalkdownError
from personas.scenario import MAX_FILE_BYTES, parse_scenario
from services import practice
from services.catalog import load_catalog, scenario_from_form, scenario_yaml, skip_note
from ui.common import chat_bubble, code, done, init_state, plain, scope, show_error

sc = scope()
init_state({"sc_yaml": "", "sc_editing": None, "preview_turns": None, "preview_id": None})
# The form saves, then reruns so its YAML reaches the editor before the editor widget exists
# (Streamlit refuses to change a widget's value after it is drawn).
if (built := st.session_state.pop("sc_built", None)) is not None:
    st.session_state["sc_yaml"], st.session_state["sc_editing"] = built
st.title("Scenarios")
cat = load_catalog(sc)

if cat.errors:
    with st.container(border=True):
        st.error(f"{len(cat.errors)} scenario file(s) failed validation and are not offered to trainees. "
                 "The others still work.", icon=":material/warning:")
        for e in cat.errors:
            st.markdown(plain(skip_note(e)))
            if len(e.problems) > 1:
                st.code("\n".join(f"{f}: {m}" for f, m in e.problems), language=None)


# Where a problem found in a scenario built from the form is, in the form's own words.
FORM_LABELS = {"id": "Id", "title": "Title", "summary": "One-line summary", "domain": "Domain",
               "customer.name": "Customer name", "customer.backstory": "Customer backstory",
               "situation": "What happened", "opening_line": "Customer's opening line",
               "topic_keywords": "Core issue keywords", "needs": "Needs", "facts": "Facts",
               "policy.may_offer": "Agent may offer", "policy.may_not_offer": "Agent may not offer"}


def show_problems(err: ScenarioError, labels: dict[str, str] | None = None) -> None:
    st.error("This scenario is not valid yet. Fix these fields:")
    for field, msg in err.problems:
        name = next((label for path, label in (labels or {}).items()
                     if field == path or field.startswith(path + ".")), None)
        st.markdown(f"- **{name}** — {plain(msg)}" if name else f"- {code(field)} — {plain(msg)}")


def save(make_text: Callable[[], str], labels: dict[str, str] | None = None):
    """Save the YAML make_text() builds: (text, saved scenario), or None after showing why not."""
    try:
        text = make_text()
        return text, sc.save_scenario(text)
    except ScenarioError as e:
        show_problems(e, labels)
    except TalkdownError as e:
        show_error(e)
    return None


def saved_message(saved) -> str:
    return f"Saved “{saved.title}” ({saved.id}). Trainees can practise it now."


tab_list, tab_edit, tab_form, tab_upload, tab_preview = st.tabs(
    ["All scenarios", "Edit YAML", "New from form", "Upload", "Preview persona"])

with tab_list:
    for sid, s in sorted(cat.scenarios.items(), key=lambda kv: kv[1].title):
        with st.container(border=True):
            c1, c2 = st.columns([5, 1])
            c1.markdown(f"**{plain(s.title)}** {code(sid)} :gray-badge[{cat.source[sid]}] :gray-badge[{plain(s.domain)}] "
                        f":gray-badge[{plain(s.persona)}] :gray-badge[{plain(s.difficulty)}]  \n{plain(s.summary)}")
            if c2.button("Edit", key=f"edit_{sid}"):
                st.session_state["sc_yaml"] = scenario_yaml(sc, sid)
                st.session_state["sc_editing"] = sid
                st.info("Loaded into the “Edit YAML” tab.")

with tab_edit:
    st.caption("Edit any scenario as YAML. Saving a built-in scenario (admins only) stores your version in the "
               "database; it replaces the built-in one in the app for every group. A custom scenario can be changed "
               "or deleted by the trainer who made it, or an admin. See the README for every field.")
    if st.session_state["sc_editing"]:
        st.markdown(f"Loaded: {code(st.session_state['sc_editing'])}. Saving under a new `id` makes a new scenario.")
    text = st.text_area("Scenario YAML", key="sc_yaml", height=480)
    c1, c2, c3 = st.columns(3)
    if c1.button("Validate", key="sc_validate"):
        try:
            s = parse_scenario(text, source="your scenario")
            st.success(plain(f"Valid: “{s.title}” ({s.id})."))
        except ScenarioError as e:
            show_problems(e)
    if c2.button("Save", type="primary", key="sc_save"):
        if result := save(lambda: text):
            st.success(plain(saved_message(result[1])))
    editing = st.session_state.get("sc_editing")
    if (editing and cat.source.get(editing) == "custom" and sc.may_edit_scenario(editing)
            and c3.button("Delete custom version", key="sc_delete")):
        try:
            sc.delete_scenario(editing)
            st.session_state["sc_editing"] = None
            st.success("Deleted. If a built-in file has the same id, it is used again.")
        except TalkdownError as e:
            show_error(e)

with tab_form:
    from personas.archetypes import load_archetypes

    archetypes = load_archetypes()
    templates = sorted(cat.scenarios.values(), key=lambda s: s.title)
    with st.form("sc_form"):
        c1, c2 = st.columns(2)
        form = {
            "title": c1.text_input("Title"), "id": c2.text_input("Id (lowercase-with-dashes)"),
            "summary": st.text_input("One-line summary"),
        }
        c1, c2, c3, c4 = st.columns(4)
        form["domain"] = c1.text_input("Domain", placeholder="telecom, banking, travel…")
        form["difficulty"] = c2.selectbox("Difficulty", ["easy", "medium", "hard"], index=1)
        form["persona"] = c3.selectbox("Persona", list(archetypes))
        form["start_mood"] = c4.slider("Starting anger (0–10)", 0, 10, 7)
        c1, c2 = st.columns(2)
        form["customer_name"] = c1.text_input("Customer name")
        form["max_turns"] = c2.number_input("Max trainee turns", 2, 60, 12)
        form["backstory"] = st.text_area("Customer backstory", height=68)
        form["situation"] = st.text_area("What happened", height=90)
        form["opening_line"] = st.text_input("Customer's opening line")
        form["topic_keywords"] = st.text_input("Core issue keywords (comma separated)")
        form["needs"] = st.text_area("Needs — one per line: what resolves it | keywords",
                                     placeholder="A replacement card sent today | replacement, new card, send")
        form["facts"] = st.text_area(
            "Facts — one per line: what the customer says | keywords that ask for it | example question (optional)",
            placeholder="I noticed it on Monday. | when, since, notice | When did you first notice it?",
            help="The example question is offered as a hint in practice mode; it must use one of the keywords.")
        c1, c2 = st.columns(2)
        form["may_offer"] = c1.text_area("Agent may offer (one per line)")
        form["may_not_offer"] = c2.text_area("Agent may not offer (one per line)")
        template = st.selectbox("Copy the customer's authored lines from", templates, format_func=lambda s: s.title,
                                help="Edit them afterwards in the YAML tab.")
        go = st.form_submit_button("Check and save", type="primary",
                                   help="Saved only if valid; trainees can practise it straight away.")
    if go and (result := save(lambda: scenario_from_form(form, template), FORM_LABELS)):
        text, saved = result
        st.session_state["sc_built"] = (text, saved.id)
        done(saved_message(saved).removesuffix(".") + "; its YAML is in the “Edit YAML” tab for finer changes.")

with tab_upload:
    up = st.file_uploader("Scenario file (.yaml)", type=["yaml", "yml"], max_upload_size=1)
    if up is not None:
        raw = up.getvalue()
        try:
            s = parse_scenario(raw, source=up.name)
            st.success(plain(f"{up.name} is valid: “{s.title}” ({s.id})."))
            if st.button("Save uploaded scenario", type="primary"):
                if result := save(lambda: raw.decode("utf-8")):
                    done(saved_message(result[1]))  # rerun so the list and the other tabs include it
        except ScenarioError as e:
            show_problems(e)
    st.caption(f"Files up to {MAX_FILE_BYTES // 1000} kB. Invalid files are never saved; nothing else changes.")

with tab_preview:
    st.caption("Try a scenario for a turn or two. Nothing is saved or scored.")
    pid = st.selectbox("Scenario", list(cat.scenarios), format_func=lambda i: cat.scenarios[i].title, key="pv_sc")
    if st.session_state["preview_id"] != pid or st.session_state["preview_turns"] is None:
        st.session_state["preview_turns"] = practice.preview_open(cat.scenarios[pid])
        st.session_state["preview_id"] = pid
    for t in st.session_state["preview_turns"]:
        with chat_bubble(t["role"]):
            st.markdown(plain(t["text"]))
            if t.get("mood") is not None:
                st.caption(f"anger {t['mood']:.1f}/10 · intent {plain(t.get('intent', ''))}")
    msg = st.chat_input("Say something as the agent", key="pv_input", max_chars=2000)
    if msg:
        try:
            st.session_state["preview_turns"] = practice.preview_reply(cat.scenarios[pid], st.session_state["preview_turns"], msg)
            st.rerun()
        except TalkdownError as e:
            show_error(e)  # no rerun: it would wipe the message (e.g. "the preview has ended")
    if st.button("Restart preview"):
        st.session_state["preview_turns"] = None
        st.rerun()
