"""Trainers: browse, write (form or YAML), upload, validate and preview scenarios."""
from typing import Callable

import streamlit as st

from core.errors import ScenarioError, TalkdownError
from personas.scenario import MAX_FILE_BYTES, REQUIRED_INTENTS, parse_scenario
from services import authoring, practice
from services.catalog import form_from_scenario, load_catalog, scenario_from_form, scenario_yaml, skip_note
from ui.common import chat_bubble, code, done, init_state, plain, scope, show_error

sc = scope()
init_state({"sc_yaml": "", "sc_editing": None, "preview_turns": None, "preview_id": None})
# The form saves, then reruns so its YAML reaches the editor before the editor widget exists
# (Streamlit refuses to change a widget's value after it is drawn).
if (built := st.session_state.pop("sc_built", None)) is not None:
    st.session_state["sc_yaml"], st.session_state["sc_editing"] = built
for _k, _v in st.session_state.pop("sc_form_pending", {}).items():
    st.session_state[f"scf_{_k}"] = _v
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
               "policy.may_offer": "Agent may offer", "policy.may_not_offer": "Agent may not offer",
               "knows": "What the customer knows", "lines": "What the customer says", "persona": "Persona",
               "difficulty": "Difficulty", "start_mood": "Starting mood", "triggers": "Words that make it worse / calm them",
               "end": "End conditions", "rubric_weights": "Rubric weights"}
INTENT_LABELS = {"vent": "Vent — repeats the complaint, says how it feels",
                 "push_back": "Push back — reacts to being dismissed, blamed or lectured",
                 "press": "Press — restates what they need when it is ignored",
                 "clarify": "Clarify — did not understand (jargon)",
                 "answer": "Answer — tells a fact they were asked for",
                 "soften": "Soften — feels heard, calmer", "accept": "Accept — takes the resolution",
                 "walk_out": "Walk out — gives up and leaves", "farewell": "Farewell — goodbye after a resolution"}


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
            c1, c2, c3 = st.columns([5, 1, 1])
            c1.markdown(f"**{plain(s.title)}** {code(sid)} :gray-badge[{cat.source[sid]}] :gray-badge[{plain(s.domain)}] "
                        f":gray-badge[{plain(s.persona)}] :gray-badge[{plain(s.difficulty)}]  \n{plain(s.summary)}")
            if c2.button("Edit", key=f"edit_{sid}"):
                st.session_state["sc_yaml"] = scenario_yaml(sc, sid)
                st.session_state["sc_editing"] = sid
                st.info("Loaded into the “Edit YAML” tab.")
            if c3.button("Open in form", key=f"form_{sid}", help="Every field of it, its lines included, in the "
                         "“New from form” tab. Saving under a new id makes a new scenario."):
                st.session_state["sc_form_pending"] = form_from_scenario(s)
                st.session_state["sc_form_notes"] = [("info", f"“{s.title}” is in the form, with its own lines. "
                                                              "Change the id to save it as a new scenario.")]
                st.rerun()

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
    from core.scenario import BANDS, INTENTS, KNOW_KINDS, SKILLS
    from personas.archetypes import load_archetypes

    archetypes = load_archetypes()
    persona_ids = list(archetypes)
    init_state({"scf_title": "", "scf_id": "", "scf_summary": "", "scf_domain": "", "scf_difficulty": "medium",
                "scf_persona": persona_ids[0], "scf_start_mood": 7.0, "scf_customer_name": "", "scf_max_turns": 12,
                "scf_backstory": "", "scf_situation": "", "scf_opening_line": "", "scf_topic_keywords": "", "scf_needs": "",
                "scf_facts": "", "scf_knows": "", "scf_may_offer": "", "scf_may_not_offer": "", "scf_escalate": "", "scf_calm": "",
                "scf_resolve_mood": 4.0, "scf_walkout_mood": 9.5, "scf_walkout_after": 2,
                **{f"scf_weight.{k}": 1.0 for k in SKILLS},
                **{f"scf_{authoring.line_key(i, b)}": "" for i in INTENTS for b in BANDS},
                "try_sc": None, "try_turns": None})
    if st.session_state["scf_persona"] not in persona_ids:
        st.session_state["scf_persona"] = persona_ids[0]

    def form_values() -> dict:
        return {k[4:]: v for k, v in st.session_state.items() if isinstance(k, str) and k.startswith("scf_")}

    def set_form_later(values: dict) -> None:
        """Fill form fields on the next run, before the widgets exist (Streamlit's rule)."""
        st.session_state["sc_form_pending"] = {**st.session_state.get("sc_form_pending", {}), **values}

    for note in st.session_state.pop("sc_form_notes", []):
        kind, text = note
        (st.info if kind == "info" else st.warning)(plain(text))
    if (err := st.session_state.pop("sc_form_problems", None)) is not None:
        show_problems(err, FORM_LABELS)

    with st.expander("Draft from a description", icon=":material/auto_awesome:"):
        st.caption("Describe the customer, what happened and what would put it right; the configured LLM fills the "
                   "form below for you to check. It needs an LLM endpoint (OPENAI_API_KEY / OPENAI_BASE_URL); "
                   "without one, fill the form yourself and use “Write starter lines”.")
        desc = st.text_area("Description", key="sc_desc", height=110, max_chars=authoring.MAX_DESCRIPTION,
                            placeholder="A honeymooning couple arrive at midnight to find their sea-view suite given away…")
        if st.button("Draft from a description", key="sc_draft"):
            try:
                with st.spinner("Drafting…"):
                    drafted = authoring.draft_from_description(desc, persona_ids)
                archetype = archetypes[drafted["persona"]]
                filled, _ = authoring.fill_blank_lines({**drafted, **authoring.lines_to_form({})}, archetype)
                set_form_later(filled)
                notes = [("info", "Drafted from your description, with starter lines for every intent: check each "
                                  "field, then “Try it” or “Check and save”.")]
                try:
                    parse_scenario(scenario_from_form(filled), source="the draft")
                except ScenarioError as e:
                    st.session_state["sc_form_problems"] = e
                st.session_state["sc_form_notes"] = notes
                st.rerun()
            except TalkdownError as e:
                show_error(e)

    with st.form("sc_form"):
        c1, c2 = st.columns(2)
        c1.text_input("Title", key="scf_title")
        c2.text_input("Id (lowercase-with-dashes)", key="scf_id")
        st.text_input("One-line summary", key="scf_summary")
        c1, c2, c3, c4 = st.columns(4)
        c1.text_input("Domain", placeholder="telecom, banking, travel…", key="scf_domain")
        c2.selectbox("Difficulty", ["easy", "medium", "hard"], key="scf_difficulty")
        c3.selectbox("Persona", persona_ids, key="scf_persona",
                     format_func=lambda a: f"{archetypes[a].name} ({archetypes[a].feeling})")
        c4.slider("Starting mood (0–10, how upset)", 0.0, 10.0, step=0.5, format="%.1f", key="scf_start_mood")
        c1, c2 = st.columns(2)
        c1.text_input("Customer name", key="scf_customer_name")
        c2.number_input("Max trainee turns", 2, 60, key="scf_max_turns")
        st.text_area("Customer backstory", height=68, key="scf_backstory")
        st.text_area("What happened", height=90, key="scf_situation")
        st.text_input("Customer's opening line", key="scf_opening_line",
                      help="Left blank, a starter opening line is written from the needs.")
        st.text_input("Core issue keywords (comma separated)", key="scf_topic_keywords")
        st.text_area("Needs — one per line: what resolves it | keywords", key="scf_needs",
                     placeholder="A replacement card sent today | replacement, new card, send",
                     help="Write each as what the customer would get (“A replacement card sent today”): starter "
                          "lines say “I need …” with it. The keywords in an agent's offer mark it met.")
        st.text_area(
            "Facts — one per line: what the customer says | keywords that ask for it | example question (optional)"
            " | kind (optional)", key="scf_facts",
            placeholder="I noticed it on Monday. | when, since, notice | When did you first notice it? | timeline",
            help="The example question is offered as a hint in practice mode; it must use one of the keywords "
                 f"(word forms count: “paid” matches “pay”). Kinds: {', '.join(KNOW_KINDS)}.")
        st.text_area("What the customer knows — one per line: what they say | words a question would use | kind (optional)"
                     " | answers (optional: deadline)",
                     key="scf_knows", placeholder="My account number is 4417 2209. | account number, account | reference",
                     help="Details beyond the facts. Asked about anything not here or in the facts, the customer says "
                          "they don't know, in character.")
        c1, c2 = st.columns(2)
        c1.text_area("Agent may offer (one per line)", key="scf_may_offer")
        c2.text_area("Agent may not offer (one per line)", key="scf_may_not_offer")
        c1.text_input("Words that make it worse (comma separated)", key="scf_escalate",
                      placeholder="calm down, not our fault")
        c2.text_input("Words that calm them (comma separated)", key="scf_calm")

        st.markdown("**What the customer says** — one line per row, for each intent and mood band "
                    "(high = 7–10, mid = 4–6, low = 0–3). Blank boxes get starter lines written from this "
                    "scenario's own words when you press “Write starter lines”, “Try it” or “Check and save”.")
        for intent in INTENTS:
            need = " (required)" if intent in REQUIRED_INTENTS else " (optional)"
            if intent == "answer":
                need = " (required with facts; put {fact} where the fact goes)"
            with st.expander(f"{INTENT_LABELS[intent]}{need}"):
                cols = st.columns(3)
                for col, band in zip(cols, BANDS):
                    col.text_area(f"{intent} · {band}", key=f"scf_{authoring.line_key(intent, band)}", height=120)

        with st.expander("End conditions and rubric weights"):
            c1, c2, c3 = st.columns(3)
            c1.number_input("Accepts at or below mood", 0.0, 10.0, step=0.5, key="scf_resolve_mood")
            c2.number_input("Walks out at or above mood", 0.0, 10.0, step=0.5, key="scf_walkout_mood")
            c3.number_input("…for this many turns in a row", 1, 10, key="scf_walkout_after")
            cols = st.columns(len(SKILLS))
            for col, skill in zip(cols, SKILLS):
                col.number_input(skill.replace("_", " ").capitalize(), 0.0, 5.0, step=0.1, key=f"scf_weight.{skill}")

        b1, b2, b3 = st.columns(3)
        gen = b1.form_submit_button("Write starter lines", help="Fills every blank line box; lines you wrote stay.")
        try_it = b2.form_submit_button("Try it", help="Play the draft here before saving; nothing is saved.")
        go = b3.form_submit_button("Check and save", type="primary",
                                   help="Saved only if valid; trainees can practise it straight away.")

    if gen or try_it or go:
        archetype = archetypes.get(st.session_state["scf_persona"])
        values, filled = authoring.fill_blank_lines(form_values(), archetype)
        wrote = (f"Starter lines written for: {', '.join(i.replace('_', ' ') for i in filled)}. Edit them to fit."
                 if filled else "")
        if gen:
            set_form_later(values)
            st.session_state["sc_form_notes"] = [("info", wrote or "Every line box already has lines; clear a box "
                                                             "to have starter lines written for it.")]
            st.rerun()
        if try_it:
            try:
                draft = parse_scenario(scenario_from_form(values), source="the draft")
                st.session_state["try_sc"], st.session_state["try_turns"] = draft, authoring.try_start(draft)
                set_form_later(values)
                if wrote:
                    st.session_state["sc_form_notes"] = [("info", wrote)]
                st.rerun()
            except ScenarioError as e:
                show_problems(e, FORM_LABELS)
        if go and (result := save(lambda: scenario_from_form(values), FORM_LABELS)):
            text, saved = result
            st.session_state["sc_built"] = (text, saved.id)
            set_form_later(values)
            done(saved_message(saved).removesuffix(".") + "; its YAML is in the “Edit YAML” tab for finer changes."
                 + (f" {wrote}" if wrote else ""))

    if st.session_state["try_sc"] is not None:
        draft = st.session_state["try_sc"]
        with st.container(border=True):
            st.markdown(f"**Try it: {plain(draft.title)}** — the draft as it stands, with its own lines (no model). "
                        f"Nothing is saved; up to {authoring.TRY_TURNS} turns.")
            for t in st.session_state["try_turns"]:
                with chat_bubble(t["role"]):
                    st.markdown(plain(t["text"]))
                    if t.get("mood") is not None:
                        st.caption(f"mood {t['mood']:.1f}/10 · intent {plain(t.get('intent', ''))}")
            with st.form("try_form", clear_on_submit=True):
                said = st.text_input("Your reply, as the agent", key="try_input", max_chars=2000)
                c1, c2 = st.columns([1, 4])
                send = c1.form_submit_button("Send")
                stop = c2.form_submit_button("Stop trying")
            if send:
                try:
                    st.session_state["try_turns"] = authoring.try_reply(draft, st.session_state["try_turns"], said)
                    st.rerun()
                except TalkdownError as e:
                    show_error(e)
            if stop:
                st.session_state["try_sc"] = st.session_state["try_turns"] = None
                st.rerun()

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
