"""Scenario authoring (issue 13): starter lines from a scenario's own words, the full form in AppTest, a scenario
built there playing without a line from another scenario, try-it, draft-from-a-description (fake endpoint and
offline), and plain validator messages with word forms."""
from __future__ import annotations

import re

import pytest
import yaml

from core.errors import BackendError, InputError, ScenarioError
from core.scenario import BANDS, PLACEHOLDER_RE, REQUIRED_INTENTS
from personas.archetypes import load_archetypes
from personas.scenario import load_dir, parse_scenario
from scoring.evidence import sentences
from services import authoring
from services.catalog import scenario_from_form
from tests.conftest import ROOT
from tests.test_app import app_as, org, texts  # noqa: F401  (org is a fixture)

BUILT_IN = load_dir(ROOT / "scenarios").scenarios
ARCHETYPES = load_archetypes()


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", s.lower()).strip()


# Scenarios nothing in the repo is about, written the way a trainer would fill the form.
NOVEL = {
    "hotel": dict(
        title="Honeymoon suite given away", id="hotel-honeymoon-suite", summary="A couple's booked suite was given away.",
        domain="hospitality", persona="irate", customer_name="Priya Shah",
        backstory="On her honeymoon; the suite was booked and paid for in March.",
        situation="Priya Shah arrived at the Seaview Hotel at midnight to find the honeymoon suite she booked given "
                  "to another guest. The night manager offered a twin room by the bins.",
        topic_keywords="suite, room, booking, hotel, honeymoon",
        needs="A comparable sea-view room tonight at no extra cost | sea view, comparable room, upgrade, suite tonight\n"
              "A refund of the first night | refund, first night, money back",
        facts="We paid £1,200 for four nights. | paid, price, cost | How much did you pay for the stay?\n"
              "Our booking reference is SV-88213. | reference, booking, confirmation | What's your booking reference? | reference",
        knows="We're in the lobby with our cases. | where are you, lobby, now | place",
        may_offer="a comparable room tonight\nrefund of the first night", may_not_offer="free stay\ncash compensation"),
    "vet": dict(
        title="Vet lost the X-rays", id="vet-xrays-lost", summary="A dog owner's X-rays were lost before surgery.",
        domain="veterinary", persona="anxious", customer_name="Tom Reyes",
        backstory="His old dog Biscuit needs a knee operation on Friday.",
        situation="Tom's X-rays for his dog were lost by the clinic two days before the operation.",
        topic_keywords="x-rays, operation, scan, dog",
        needs="The scan redone before Friday | redo, new scan, rebook, before friday",
        facts="The operation is on Friday at nine. | when, operation, friday, time | When is the operation? | timeline",
        knows="", may_offer="a free repeat scan", may_not_offer="moving the surgeon's list"),
    "gym": dict(
        title="Gym keeps charging after cancelling", id="gym-charged-after-cancel",
        summary="A member cancelled in writing and is still charged.", domain="fitness", persona="skeptical",
        customer_name="Ana Costa", backstory="Moved to another city in May.",
        situation="Ana Costa cancelled her gym membership by letter in May and has been charged twice since.",
        topic_keywords="membership, charge, cancelled, gym",
        needs="The two charges refunded | refund, money back, charges back\nWritten confirmation the membership is closed | confirm, in writing, closed",
        facts="I sent the letter on the 3rd of May. | when, letter, sent, cancel | When did you send the letter?",
        knows="", may_offer="refund of charges after the cancellation date", may_not_offer="a free month"),
    "bank-app": dict(
        title="Locked out of the banking app", id="bank-app-locked-out", summary="A customer is locked out before rent day.",
        domain="banking", persona="confused", customer_name="Edna Marsh", backstory="Seventy-eight; uses the app for rent.",
        situation="Edna Marsh was locked out of the app after an update and cannot pay her rent due tomorrow.",
        topic_keywords="app, login, locked, rent",
        needs="Access to the app again today | unlock, reset, access, log in\nThe rent paid on time | pay the rent, payment, on time",
        facts="The rent is £650 to my landlord. | rent, how much, amount, landlord | How much is the rent?",
        knows="", may_offer="a password reset by phone\na payment made by phone", may_not_offer="waiving the late fee"),
}


def _form(name: str, **extra) -> dict:
    f = dict(NOVEL[name], difficulty="medium", start_mood=7, opening_line="", max_turns=12, **extra)
    f.update(authoring.lines_to_form({}))
    return f


def _filled(name: str) -> dict:
    f = _form(name)
    return authoring.fill_blank_lines(f, ARCHETYPES[f["persona"]])[0]


def _other_scenarios_sentences() -> set[str]:
    out = set()
    for sc in BUILT_IN.values():
        for bands in sc.lines.values():
            for lines in bands.values():
                for line in lines:
                    out.update(_norm(s) for s in sentences(line) if len(_norm(s).split()) >= 3)
        out.update(_norm(s) for s in sentences(sc.opening_line) if len(_norm(s).split()) >= 3)
    return out


# -- the starter-line generator --------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(NOVEL))
def test_starter_lines_validate_and_cover_every_intent_and_band(name):
    sc = parse_scenario(scenario_from_form(_filled(name)), source=name)
    for intent in REQUIRED_INTENTS + ("clarify", "answer", "farewell"):
        assert intent in sc.lines, intent
    for intent in ("vent", "push_back", "press", "soften"):
        assert all(sc.lines[intent].get(b) for b in BANDS), intent  # every mood band, not only the nearest
    assert all("{fact}" in line for lines in sc.lines["answer"].values() for line in lines)
    others = {i: ls for i, bands in sc.lines.items() if i != "answer" for ls in bands.values()}
    assert not any(PLACEHOLDER_RE.search(line) for ls in others.values() for line in ls)
    assert sc.opening_line.strip(), "a blank opening line gets a starter too"


@pytest.mark.parametrize("name", sorted(NOVEL))
def test_starter_lines_use_this_scenarios_words_and_no_other_scenarios_lines(name):
    f = _filled(name)
    sc = parse_scenario(scenario_from_form(f), source=name)
    every = [line for bands in sc.lines.values() for ls in bands.values() for line in ls] + [sc.opening_line]
    needs = [n.description.rstrip(".").lower() for n in sc.needs]
    topic = {k.lower() for k in sc.topic_keywords}
    mentions_need = [line for line in every if any(n in line.lower() for n in needs)]
    mentions_topic = [line for line in every if topic & set(re.findall(r"[a-z-]+", line.lower()))]
    assert len(mentions_need) >= 4 and len(mentions_topic) >= 4, (mentions_need, mentions_topic)
    # the customer asks for what would resolve it when pressing, in the angriest band as in the calmest
    assert any(any(n in line.lower() for n in needs) for line in sc.lines["press"]["high"] + sc.lines["soften"]["high"])
    theirs = _other_scenarios_sentences()
    borrowed = [s for line in every for s in sentences(line) if _norm(s) in theirs]
    assert not borrowed, borrowed
    whole = {_norm(x) for s in BUILT_IN.values() for b in s.lines.values() for ls in b.values() for x in ls}
    assert not ({_norm(x) for x in every} - {"fact"}) & whole  # a bare "{fact}" answer line is no one's line


@pytest.mark.parametrize("name", sorted(NOVEL))
def test_a_scenario_with_starter_lines_plays_as_designed(name):
    """Like every built-in scenario: empathy, a restatement and a timed next step resolve it; dismissal drives
    the customer out."""
    from personas.actors import Actor
    from personas.actors.scripted import ScriptedBackend
    from personas.engine import PracticeEngine

    sc = parse_scenario(scenario_from_form(_filled(name)))
    first, last = sc.needs[0].description.lower(), sc.needs[-1].description.lower()
    good = ["I'm so sorry, that sounds really stressful. Tell me what happened.",
            f"So {sc.situation.split('.')[0].lower()}, and you need {first}. Have I got that right?",
            "That must be really frustrating, and it's not okay that you've been left like this.",
            f"Here's what I'll do: I'll arrange {first} and I'll call you by 5pm today to confirm.",
            f"I'll also sort {last} today and email you the reference by 6pm.",
            "Is there anything else I can help with?", "Thank you for your patience. Goodbye."]
    bad = ["Calm down. That's our policy.", "It's not our fault, there's nothing I can do.",
           "You should have read the terms.", "Calm down, it's policy.", "Not our problem.", "Calm down."]
    ends = {}
    for label, script in (("good", good), ("bad", bad)):
        engine = PracticeEngine(sc, ARCHETYPES[sc.persona], Actor(ScriptedBackend()))
        engine.play(script)
        moods = [t["mood"] for t in engine.turns if t["role"] == "customer"]
        ends[label] = (engine.ended, moods)
    assert ends["good"][0] == "resolved" and sc.start_mood - ends["good"][1][-1] >= 3, ends
    assert ends["bad"][0] == "walked_out" and min(ends["bad"][1]) >= sc.start_mood, ends


def test_starter_lines_speak_in_the_archetypes_voice():
    """The same scenario with another persona gets different lines: the voice comes from the archetype."""
    f = _form("hotel")
    by = {}
    for pid in ("irate", "anxious", "confused", "skeptical"):
        lines = authoring.starter_lines(ARCHETYPES[pid], f["situation"], ["A refund of the first night"],
                                        topic_keywords=["suite"], customer_name=f["customer_name"], facts=["x"])
        by[pid] = {line for bands in lines.values() for ls in bands.values() for line in ls}
    assert all(len(by[a] & by[b]) <= 3 for a in by for b in by if a < b), "four personas, four voices"
    assert any("worried" in line for line in by["anxious"]) and any("understand" in line for line in by["confused"])


def test_the_situation_is_retold_in_the_first_person_or_not_at_all():
    assert authoring.first_person("Sam's card was lost at a market in Madrid.", "Sam Lee") == \
        "My card was lost at a market in Madrid."
    assert authoring.first_person("Priya Shah has waited two weeks for her refund.", "Priya Shah") is None  # "her"
    assert authoring.first_person("Jo has waited two weeks for a refund.", "Jo") == "I have waited two weeks for a refund."
    assert authoring.first_person("The router died on Tuesday.", "Jo") is None, "nothing to retell as the customer"


def test_the_problem_is_named_by_a_thing_from_the_core_issue_keywords():
    assert authoring.subject(["wrong", "sofa", "delivery"], "Liam got the wrong sofa after six weeks.") == "the sofa"
    assert authoring.subject(["cancelled", "lisbon", "flight"], "His flight to Lisbon was cancelled.") == "the flight"
    assert authoring.subject(["refund", "order"], "Her order never came.") == "the order", "one the situation names"
    assert authoring.subject([], "Anything.") == "this"
    assert authoring.need_phrase("A replacement card sent today.") == "a replacement card sent today"
    assert authoring.need_phrase("NHS letter {resent}") == "NHS letter (resent)", "acronyms kept, no placeholders"


def test_what_the_trainer_wrote_is_kept_and_only_blanks_get_starters():
    f = _form("gym")
    mine = "You people charged me again. Unbelievable."
    f[authoring.line_key("vent", "high")] = mine
    out, filled = authoring.fill_blank_lines(f, ARCHETYPES["skeptical"])
    assert out[authoring.line_key("vent", "high")] == mine
    assert out[authoring.line_key("vent", "mid")] and "vent" in filled


# -- the form, end to end ---------------------------------------------------------------------------
def _fill_form(at, name: str) -> None:
    form = NOVEL[name]
    labels = {"title": "Title", "id": "Id (lowercase-with-dashes)", "summary": "One-line summary", "domain": "Domain",
              "customer_name": "Customer name", "backstory": "Customer backstory", "situation": "What happened",
              "topic_keywords": "Core issue keywords (comma separated)",
              "may_offer": "Agent may offer (one per line)", "may_not_offer": "Agent may not offer (one per line)"}
    widgets = {w.label: w for w in list(at.text_input) + list(at.text_area)}
    for key, label in labels.items():
        widgets[label].input(form[key])
    for prefix, key in (("Needs", "needs"), ("Facts", "facts"), ("What the customer knows", "knows")):
        next(w for label, w in widgets.items() if label.startswith(prefix)).input(form[key])
    at.selectbox(key="scf_persona").set_value(form["persona"])


def _click(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception


def _allowed(sc, archetype):
    """Every sentence this customer may say: the scenario's own lines (answer lines filled with its facts and
    knows), its opening line, and the archetype's generic parts, placeholders as wildcards."""
    answers = [f.text for f in sc.facts] + [k.say for k in sc.knows]
    exact, patterns = set(), []
    templates = [line for bands in sc.lines.values() for ls in bands.values() for line in ls] + [sc.opening_line]
    templates += [line for bands in archetype.parts.values() for ls in bands.values() for line in ls]
    for t in templates:
        filled = [t.replace("{fact}", a) for a in answers] if "{fact}" in t else [t]
        for line in filled:
            for s in sentences(line):
                if PLACEHOLDER_RE.search(s):
                    patterns.append(re.compile(re.escape(_norm(PLACEHOLDER_RE.sub("PLACEHOLDER", s)))
                                               .replace("placeholder", ".+")))
                else:
                    exact.add(_norm(s))
    return exact, patterns


SCRIPT = ["Hello, how can I help you today?",
          "That's our policy, there's nothing I can do.",
          "I'm so sorry, that sounds awful after a long journey. What's your booking reference?",
          "How much did you pay for the stay?",
          "Where are you right now?",
          "What's your shoe size?",
          "So you arrived at midnight and the suite you booked was given away, is that right?",
          "I'll move you to a comparable sea-view room tonight at no extra cost, and refund the first night by Friday.",
          "Is there anything else I can help with?", "Thank you, goodbye."]


def test_a_scenario_built_in_the_form_plays_with_only_its_own_lines(org):
    """Issue 13's test: built from the form in AppTest, played with the scripted backend, every customer line
    comes from the scenario itself (its lines or the archetype's generic parts), none from another scenario."""
    store, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    _fill_form(at, "hotel")
    _click(at, "Check and save")
    assert any("Saved “Honeymoon suite given away”" in t.value and "Starter lines written for" in t.value
               for t in at.toast)
    saved = store.as_user(users["trainer"]).get_scenario_yaml("hotel-honeymoon-suite")
    sc = parse_scenario(saved)
    assert sc.knows and sc.knows[0].kind == "place" and sc.facts[1].kind == "reference"

    at = app_as(users["ana"], "ui/pages/practice.py")
    at.selectbox[0].set_value("hotel-honeymoon-suite")
    _click(at, "Start")
    for line in SCRIPT:
        if not at.chat_input:
            break
        at.chat_input[0].set_value(line).run()
        assert not at.exception
    trainee = store.as_user(users["ana"])
    conv = trainee.list_conversations()[0]
    said = [t["text"] for t in trainee.get_turns(conv.id) if t["role"] == "customer"]
    assert len(said) >= 6
    exact, patterns = _allowed(sc, ARCHETYPES[sc.persona])
    theirs = _other_scenarios_sentences()
    generic = {_norm(x) for bands in ARCHETYPES[sc.persona].parts.values() for ls in bands.values() for line in ls
               for x in sentences(line)}
    for reply in said:
        for s in sentences(reply):
            n = _norm(s)
            assert n in exact or any(p.fullmatch(n) for p in patterns), f"not from this scenario: {s!r}"
            assert n not in theirs or n in generic, f"another scenario's line: {s!r}"
    joined = " ".join(said).lower()
    assert "flight" not in joined and "tickets" not in joined
    assert "£1,200" in joined and "sv-88213" in joined, "its facts are told when asked"


def test_an_existing_scenario_opens_in_the_form_with_its_own_lines_and_saves_as_a_copy(org):
    store, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    at.button(key="form_flight-cancelled-wedding").click().run()
    assert not at.exception
    assert at.text_input(key="scf_title").value == BUILT_IN["flight-cancelled-wedding"].title
    assert at.slider(key="scf_start_mood").value == 8.5
    at.text_input(key="scf_id").input("flight-copy")
    _click(at, "Check and save")
    copy = parse_scenario(store.as_user(users["trainer"]).get_scenario_yaml("flight-copy"))
    original = BUILT_IN["flight-cancelled-wedding"]
    assert copy.lines == original.lines and copy.knows == original.knows and copy.end == original.end
    assert [f.kind for f in copy.facts] == [f.kind for f in original.facts]


def test_write_starter_lines_fills_the_line_boxes_and_keeps_what_was_written(org):
    _, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    _fill_form(at, "vet")
    mine = "Biscuit is fourteen. I can't lose him."
    at.text_area(key="scf_lines.vent.high").input(mine)
    _click(at, "Write starter lines")
    assert at.text_area(key="scf_lines.vent.high").value == mine
    press = at.text_area(key="scf_lines.press.high").value
    assert "the scan redone before friday" in press.lower(), press
    assert any("Starter lines written for" in i.value for i in at.info)
    assert at.text_input(key="scf_opening_line").value, "the opening line gets a starter"


def test_try_it_plays_the_draft_and_saves_nothing(org):
    store, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    _fill_form(at, "gym")
    _click(at, "Try it")
    turns = at.session_state["try_turns"]
    assert [t["role"] for t in turns] == ["customer"]
    opening = at.text_input(key="scf_opening_line").value
    assert turns[0]["text"] == opening, "the draft's own (starter) opening line"
    at.text_input(key="try_input").input("When did you send the letter?")
    _click(at, "Send")
    turns = at.session_state["try_turns"]
    assert [t["role"] for t in turns] == ["customer", "trainee", "customer"]
    assert "3rd of May" in turns[2]["text"]
    assert "3rd of May" in texts(at)
    assert store.as_user(users["admin"]).list_conversations() == []
    assert store.as_user(users["trainer"]).get_scenario_yaml("gym-charged-after-cancel") is None
    _click(at, "Stop trying")
    assert at.session_state["try_sc"] is None


def test_try_it_with_a_bad_draft_names_the_field(org):
    _, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    _fill_form(at, "gym")
    at.text_input(key="scf_title").input("")
    _click(at, "Try it")
    assert at.session_state["try_sc"] is None
    assert "- **Title** — The title is empty: write something here." in texts(at)


def test_form_messages_are_plain_and_word_forms_are_accepted(org):
    store, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    _fill_form(at, "hotel")  # its example question "How much did you pay…?" against the keyword "paid"
    at.text_input(key="scf_summary").input("")
    at.text_area(key="scf_lines.vent.mid").input("I want {name} here.")
    _click(at, "Check and save")
    page = texts(at)
    assert "- **One-line summary** — The one-line summary is empty: write something here." in page
    assert "should have at least" not in page and "Value error" not in page
    at.text_input(key="scf_summary").input("A couple's booked suite was given away.")
    _click(at, "Check and save")  # checks across fields run once each field is valid
    page = texts(at)
    assert "The vent lines for the mid mood band use the placeholder '{name}', which is not allowed: only answer " \
           "lines may use {fact}." in page
    assert "keywords" not in page.split("Fix these fields:")[-1], "the paid/pay question is accepted"
    assert store.as_user(users["trainer"]).get_scenario_yaml("hotel-honeymoon-suite") is None


@pytest.mark.parametrize("ask, keyword", [("How much did you pay?", "paid"), ("When was it delivered?", "delivery"),
                                          ("Who did you speak to?", "spoken"), ("Have you checked the fuse?", "check"),
                                          ("Did they refund you?", "refunded")])
def test_example_questions_match_keywords_by_word_form(ask, keyword):
    data = yaml.safe_load((ROOT / "scenarios" / "internet-outage-remote-worker.yaml").read_text())
    data["facts"][0].update(keywords=[keyword], ask=ask)
    parse_scenario(yaml.safe_dump(data))  # no error
    data["facts"][0].update(ask="Is the sky blue today?")
    with pytest.raises(ScenarioError, match="uses none of this fact's keywords"):
        parse_scenario(yaml.safe_dump(data))


# -- draft from a description ----------------------------------------------------------------------
DRAFT = {
    "title": "Wrong sofa delivered", "summary": "A customer got the wrong sofa after a six-week wait.",
    "domain": "retail", "difficulty": "medium", "persona": "irate", "customer_name": "Liam Burke",
    "backstory": "Took the day off work for the delivery.",
    "situation": "Liam's green velvet sofa arrived as a brown leather one after a six-week wait.",
    "opening_line": "You've delivered the wrong sofa. I took a day off for this!", "start_mood": 8,
    "topic_keywords": ["sofa", "delivery", "wrong"],
    "needs": [{"description": "The right sofa delivered this week", "keywords": ["right sofa", "redeliver", "this week"]}],
    "facts": [{"text": "My order number is 55120.", "keywords": ["order", "number", "reference"],
               "ask": "What's your order number?"}],
    "knows": [{"say": "I'm in all day Thursday.", "about": ["available", "home", "thursday"], "kind": "timeline"}],
    "may_offer": ["redelivery", "collection of the wrong sofa"], "may_not_offer": ["a full refund without return"],
}


def test_draft_from_a_description_fills_the_form_through_the_endpoint(org, use_fake_openai):
    _, users = org
    use_fake_openai.enqueue(tool_call={"name": "ScenarioDraft", "arguments": DRAFT})
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    at.text_area(key="sc_desc").input("A man got the wrong sofa after waiting six weeks; he took the day off.")
    _click(at, "Draft from a description")
    assert at.text_input(key="scf_title").value == "Wrong sofa delivered"
    assert at.text_input(key="scf_id").value == "wrong-sofa-delivered"
    assert "My order number is 55120. | order, number, reference | What's your order number?" in \
        at.text_area(key="scf_facts").value
    assert "the right sofa delivered this week" in at.text_area(key="scf_lines.press.high").value.lower()
    assert any("Drafted from your description" in i.value for i in at.info)
    assert not at.error, "a valid draft shows no problems"
    body = use_fake_openai.requests[-1]
    assert body["tools"][0]["function"]["name"] == "ScenarioDraft"
    assert "six weeks" in body["messages"][-1]["content"]
    _click(at, "Check and save")
    assert any("Saved “Wrong sofa delivered”" in t.value for t in at.toast)


def test_a_draft_that_fails_validation_fills_the_form_and_names_the_problem(org, use_fake_openai):
    _, users = org
    bad = dict(DRAFT, facts=[{"text": "My order number is 55120.", "keywords": ["order"], "ask": "Is it blue?"}])
    use_fake_openai.enqueue(tool_call={"name": "ScenarioDraft", "arguments": bad})
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    at.text_area(key="sc_desc").input("Wrong sofa.")
    _click(at, "Draft from a description")
    assert at.text_input(key="scf_title").value == "Wrong sofa delivered"
    assert "- **Facts** — The example question 'Is it blue?' uses none of this fact's keywords" in texts(at)


@pytest.mark.parametrize("reply", [dict(status=500), dict(content="Sure! Here is a scenario: ..."),
                                   dict(tool_call={"name": "ScenarioDraft", "arguments": {"title": "x"}})])
def test_a_failed_draft_is_one_clear_message_and_changes_nothing(org, use_fake_openai, reply):
    _, users = org
    use_fake_openai.enqueue(**reply)
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    at.text_input(key="scf_title").input("My own title")
    _click(at, "Write starter lines")  # the form's values are the page's once the form is submitted
    at.text_area(key="sc_desc").input("Wrong sofa.")
    _click(at, "Draft from a description")
    assert any("Drafting from the description failed" in e.value and "nothing in it was changed" in e.value
               for e in at.error), [e.value for e in at.error]
    assert at.text_input(key="scf_title").value == "My own title"


def test_a_draft_is_bounded_in_time(use_fake_openai, monkeypatch):
    from core.settings import get_settings

    monkeypatch.setenv("TALKDOWN_LLM_TIMEOUT", "0.5")
    get_settings.cache_clear()
    use_fake_openai.enqueue(tool_call={"name": "ScenarioDraft", "arguments": DRAFT}, delay=3)
    with pytest.raises(BackendError, match="timed out"):
        authoring.draft_from_description("Wrong sofa.", list(ARCHETYPES))
    with pytest.raises(InputError, match="empty"):
        authoring.draft_from_description("  ", list(ARCHETYPES))
    with pytest.raises(InputError, match="limit is 4,000"):
        authoring.draft_from_description("x" * 4001, list(ARCHETYPES))


def test_offline_the_draft_button_says_it_needs_an_endpoint(org):
    _, users = org
    at = app_as(users["trainer"], "ui/pages/scenarios.py")
    at.text_area(key="sc_desc").input("A man got the wrong sofa.")
    _click(at, "Draft from a description")
    shown = [e.value.replace("\\", "") for e in at.error]  # as Markdown, "_" is escaped
    assert any("needs an LLM endpoint" in e and "OPENAI_API_KEY" in e for e in shown), shown
    with pytest.raises(InputError, match="needs an LLM endpoint"):
        authoring.draft_from_description("  ", list(ARCHETYPES))
