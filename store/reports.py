"""UserScope, part five: reports, score overrides and the dashboard's rows."""
from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache

from core.errors import AccessDenied, InputError
from store.access import (MAX_COMMENT, ScopeBase, _date, _effective_overall, _effective_skill, _fresh,
                          _overrides_join, _score)
from store.common import iso
from store.migrations import _skill_scores
from store.models import OVERRIDE_DIMENSIONS, SKILLS, Override, ReportRecord

# What the practice service may add to the engine's report: the LLM judge's separate, advisory view.
JUDGE_KEYS = ("judge", "judge_error", "judge_warnings")
REPORT_MISMATCH = "The report does not match this conversation's transcript, so it was not saved."


def report_values(report: dict) -> tuple[str, int, list[int | None]]:
    """(JSON, overall, per-skill scores) of a report, as the reports table keeps them."""
    if not isinstance(report, dict) or "overall" not in report:
        raise InputError("The report has no overall score.")
    report_json = json.dumps(report, default=str)
    skills = _skill_scores(report_json)
    return report_json, _score(report["overall"], "overall score"), [skills.get(s) for s in SKILLS]


def insert_report(db, conversation_id: int, report: dict, at: str, weights: dict[str, float] | None = None) -> None:
    """Save a report with the rubric weights it was scored with (None: equal weights, as without a scenario)."""
    report_json, overall, skills = report_values(report)
    db.execute(f"INSERT INTO reports (conversation_id, report, overall, {', '.join(SKILLS)}, weights, created_at) "
               f"VALUES (?, ?, ?, {', '.join('?' for _ in SKILLS)}, ?, ?)",
               [conversation_id, report_json, overall, *skills,
                json.dumps({s: float(weights.get(s, 1.0)) for s in SKILLS}) if weights else None, at])


def _scores(report: dict) -> tuple:
    overall = report.get("overall")
    return (overall if isinstance(overall, (int, float)) and not isinstance(overall, bool) else None,
            tuple(_skill_scores(json.dumps(report, default=str)).get(s) for s in SKILLS))


def checked_report(engine: dict | None, given: dict | None) -> dict | None:
    """The report to store: the engine's, with the judge's view from ``given`` if its scores agree.

    A caller's report whose overall or skill scores differ from the engine's is refused (a forged
    report is never stored); one given where the engine has nothing to score is refused too."""
    if given is None:
        return engine
    if engine is None:
        raise InputError(REPORT_MISMATCH, "There is nothing to score in this conversation.")
    if _scores(given) != _scores(engine):
        raise InputError(REPORT_MISMATCH, "Reports are computed from the saved turns by the scoring engine.")
    extra = {k: given[k] for k in JUDGE_KEYS if given.get(k) not in (None, [], "")}
    merged = json.loads(json.dumps(engine))
    _take_predictions(merged, given)
    if not extra and merged == engine:
        return engine
    from pydantic import ValidationError

    from scoring.report import Report

    try:
        report = Report.model_validate({**merged, **extra})
    except ValidationError:
        raise InputError("The advisory part of the report (the LLM judge's view or the predicted reactions) "
                         "is malformed, so it was not saved.") from None
    if report.judge is not None:  # the judge's band around the engine's scores holds whoever passed the view
        from scoring.judge import hold_to_band

        hold_to_band(report.judge, report)
    return report.model_dump(mode="json")


def _take_predictions(engine: dict, given: dict) -> None:
    """Copy the customer's predicted reaction (personas.whatif, added by the practice service) onto the
    engine's own suggestions, matched by turn and wording; the suggestions themselves stay the engine's."""
    given_dims = given.get("dimensions")
    if not isinstance(given_dims, dict):
        return
    for name, dim in (engine.get("dimensions") or {}).items():
        theirs = given_dims.get(name)
        if not isinstance(dim, dict) or not isinstance(theirs, dict) or not isinstance(theirs.get("suggestions"), list):
            continue
        by_key = {(g.get("turn"), g.get("original"), g.get("better")): g.get("predicted")
                  for g in theirs["suggestions"] if isinstance(g, dict)}
        for sg in dim.get("suggestions") or []:
            predicted = by_key.get((sg.get("turn"), sg.get("original"), sg.get("better")))
            if predicted is not None:
                sg["predicted"] = predicted


class ReportsMixin(ScopeBase):
    # -- the engine's report ----------------------------------------------------------------
    def _scenario_for(self, scenario_id: str):
        """The scenario a conversation was had in (custom first, as the catalog does), or None if gone."""
        from core.errors import ScenarioError
        from core.settings import get_settings
        from personas.scenario import load_dir_cached

        row = self._store.one("SELECT yaml FROM scenarios WHERE id = ?", [scenario_id])
        if row is not None:
            try:
                return _parse_custom(row["yaml"], scenario_id)
            except ScenarioError:
                return None
        return load_dir_cached(get_settings().scenarios_dir).scenarios.get(scenario_id)

    def _weights_for(self, scenario_id: str) -> dict[str, float] | None:
        """The rubric weights the engine scores this scenario with (None: no scenario, equal weights)."""
        scenario = self._scenario_for(scenario_id)
        return dict(scenario.rubric_weights) if scenario is not None else None

    def _engine_report(self, conversation: dict, status: str) -> tuple[int, dict | None]:
        """(number of saved turns, the scoring engine's report of them or None if nothing to score)."""
        from core.transcript import Transcript
        import scoring

        turns = self._store.query("SELECT role, text, mood, trust, intent FROM turns WHERE conversation_id = ? "
                                  "ORDER BY idx", [conversation["id"]])
        if not any(t["role"] == "trainee" for t in turns):
            return len(turns), None
        scenario = self._scenario_for(conversation["scenario_id"])
        if scenario is None:
            return len(turns), None
        from pydantic import ValidationError

        try:
            transcript = Transcript.model_validate({
                "scenario_id": conversation["scenario_id"], "persona": scenario.persona, "end_reason": status,
                "turns": [{k: v for k, v in t.items() if v is not None} for t in turns]})
        except ValidationError:  # beyond the transcript limits (turn count, length): nothing the engine scores
            raise InputError("This conversation is too long to score.") from None
        return len(turns), scoring.score(transcript, scenario).model_dump(mode="json")

    # -- reports and overrides --------------------------------------------------------------
    @_fresh
    def get_report(self, conversation_id: int) -> ReportRecord | None:
        self._conversation_row(conversation_id)
        row = self._store.one(f"SELECT r.*, {_effective_overall()} AS eff_overall FROM reports r "
                              f"{_overrides_join('r.conversation_id')} WHERE r.conversation_id = ?", [conversation_id])
        if row is None:
            return None
        overrides = self._overrides(conversation_id)
        auto = {s: row[s] for s in SKILLS if row[s] is not None}
        newest: dict[str, int] = {}
        for o in overrides:  # newest first
            newest.setdefault(o.dimension, o.score)
        eff = {**auto, **{k: v for k, v in newest.items() if k in SKILLS}}
        try:
            report = json.loads(row["report"])
        except (ValueError, TypeError, RecursionError):
            report = None
        try:
            weights = json.loads(row["weights"] or "{}")
        except (ValueError, TypeError, RecursionError):
            weights = {}
        if not isinstance(weights, dict):
            weights = {}
        weights = {s: float(w) if isinstance(w := weights.get(s, 1.0), (int, float)) else 1.0 for s in SKILLS}
        return ReportRecord(conversation_id=conversation_id, report=report if isinstance(report, dict) else {},
                            overall=row["overall"],
                            dimensions=auto, overrides=overrides,
                            effective_overall=row["eff_overall"], effective_dimensions=eff, weights=weights)

    def _overrides(self, conversation_id: int) -> list[Override]:
        rows = self._store.query("SELECT o.*, u.username AS by_username FROM overrides o JOIN users u "
                                 "ON u.id = o.by_user_id WHERE o.conversation_id = ? ORDER BY o.id DESC",
                                 [conversation_id])
        return [Override(**r) for r in rows]

    @_fresh
    def override_score(self, conversation_id: int, dimension: str, score: int, comment: str) -> Override:
        """A trainer's or admin's score beside the automated one (which is kept); the newest one counts."""
        self._require(("trainer", "admin"), "Only trainers and admins can override scores.")
        row = self._conversation_row(conversation_id)
        if row["user_id"] == self._user.id:
            raise AccessDenied("You cannot override the score of your own conversation.")
        if dimension not in OVERRIDE_DIMENSIONS:
            raise InputError(f"Unknown score '{dimension}'; use one of {', '.join(OVERRIDE_DIMENSIONS)}.")
        score = _score(score, "score")
        comment = (comment or "").strip()
        if not comment:
            raise InputError("Say why you are changing the score: a comment is required.")
        if len(comment) > MAX_COMMENT:
            raise InputError(f"The comment is too long; the limit is {MAX_COMMENT:,} characters.")
        with self._store._write() as db:
            if not db.execute("SELECT 1 FROM reports WHERE conversation_id = ?", [conversation_id]).fetchone():
                raise InputError("This conversation has no score to override yet.")
            oid = db.execute("INSERT INTO overrides (conversation_id, dimension, score, comment, by_user_id, at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", [conversation_id, dimension, score, comment,
                                                           self._user.id, iso(self._store.now())]).lastrowid
        return next(o for o in self._overrides(conversation_id) if o.id == oid)

    # -- dashboard --------------------------------------------------------------------------
    def _score_where(self, group_id: int | None, scenario_id: str | None, user_id: int | None,
                     since: date | None, until: date | None) -> tuple[str, list]:
        """The dashboard's filters over finished conversations this user may see (alias c)."""
        clause, params = self._owner_clause("c.user_id")
        where = [clause, "c.status != 'active'"]
        if group_id is not None:
            where.append("c.user_id IN (SELECT user_id FROM group_members WHERE group_id = ?)")
            params.append(group_id)
        if scenario_id:
            where.append("c.scenario_id = ?")
            params.append(scenario_id)
        if user_id is not None:
            where.append("c.user_id = ?")
            params.append(user_id)
        s, u = _date(since, "start date"), _date(until, "end date")
        if s:
            where.append("c.ended_at >= ?")
            params.append(s.isoformat())
        if u:
            where.append("c.ended_at < ?")
            params.append((u + timedelta(days=1)).isoformat())
        return " AND ".join(where), params

    @_fresh
    def score_rows(self, *, group_id: int | None = None, scenario_id: str | None = None, user_id: int | None = None,
                   since: date | None = None, until: date | None = None) -> list[dict]:
        """One flat row per finished, scored, visible conversation, oldest first (charts and CSV).

        ``overall`` and each skill are the effective scores (with trainers' overrides); ``auto_overall``
        and ``auto_<skill>`` are the engine's, as scored. ``passed`` uses the effective overall."""
        where, params = self._score_where(group_id, scenario_id, user_id, since, until)
        dims = ", ".join([f"{_effective_overall()} AS overall", *(f"{_effective_skill(d)} AS {d}" for d in SKILLS)])
        auto = ", ".join(f"r.{d} AS auto_{d}" for d in SKILLS)
        rows = self._store.query(
            f"SELECT c.id AS conversation_id, c.user_id, u.username, u.display_name, c.scenario_id, "
            f"c.assignment_id, c.mode, c.status, c.ended_at AS finished_at, {dims}, r.overall AS auto_overall, "
            f"{auto}, ov.conversation_id IS NOT NULL AS overridden, a.pass_mark "
            f"FROM conversations c JOIN users u ON u.id = c.user_id "
            f"JOIN reports r ON r.conversation_id = c.id LEFT JOIN assignments a ON a.id = c.assignment_id "
            f"{_overrides_join()} WHERE {where} ORDER BY c.ended_at, c.id", params)
        for r in rows:
            r["overridden"] = bool(r["overridden"])
            pass_mark = r.pop("pass_mark")
            r["passed"] = (r["overall"] >= pass_mark) if pass_mark is not None else None
        return rows

    @_fresh
    def override_agreement(self, *, group_id: int | None = None, scenario_id: str | None = None,
                           user_id: int | None = None, since: date | None = None,
                           until: date | None = None) -> list[dict]:
        """How trainers' overrides compare with the engine, per score (overall and each skill), over the
        conversations score_rows would list: one pair per overridden conversation and score (the newest
        override against the engine's score). See ``agreement`` for the figures."""
        where, params = self._score_where(group_id, scenario_id, user_id, since, until)
        engine = "CASE o.dimension " + " ".join(f"WHEN '{d}' THEN r.{d}" for d in ("overall", *SKILLS)) + " END"
        rows = self._store.query(
            f"SELECT o.dimension, o.score AS override, {engine} AS engine FROM overrides o "
            f"JOIN conversations c ON c.id = o.conversation_id JOIN reports r ON r.conversation_id = c.id "
            f"WHERE {where} AND o.id = (SELECT MAX(o2.id) FROM overrides o2 WHERE o2.conversation_id = o.conversation_id "
            f"AND o2.dimension = o.dimension) ORDER BY o.id", params)
        pairs: dict[str, list[tuple[int, int]]] = {d: [] for d in OVERRIDE_DIMENSIONS}
        for r in rows:
            if r["dimension"] in pairs and r["engine"] is not None:
                pairs[r["dimension"]].append((r["engine"], r["override"]))
        return [{"dimension": d, **agreement(p)} for d, p in pairs.items()]


# Fewer pairs than this and a correlation says nothing: the dashboard says "too few" instead.
MIN_PAIRS_FOR_CORRELATION = 5


def agreement(pairs: list[tuple[int, int]]) -> dict:
    """{n, mean_diff (override − engine), correlation} of (engine, override) score pairs.

    ``correlation`` (Pearson's r) is None with fewer than MIN_PAIRS_FOR_CORRELATION pairs, or when
    either side does not vary (every override the same score, say), where r is undefined."""
    n = len(pairs)
    if not n:
        return {"n": 0, "mean_diff": None, "correlation": None}
    mean_diff = sum(o - e for e, o in pairs) / n
    corr = None
    if n >= MIN_PAIRS_FOR_CORRELATION:
        me, mo = sum(e for e, _ in pairs) / n, sum(o for _, o in pairs) / n
        see = sum((e - me) ** 2 for e, _ in pairs)
        soo = sum((o - mo) ** 2 for _, o in pairs)
        if see > 0 and soo > 0:
            corr = sum((e - me) * (o - mo) for e, o in pairs) / (see * soo) ** 0.5
    return {"n": n, "mean_diff": mean_diff, "correlation": corr}



@lru_cache(maxsize=64)
def _parse_custom(yaml_text: str, scenario_id: str):
    from personas.scenario import parse_scenario

    return parse_scenario(yaml_text, source=f"custom scenario '{scenario_id}'")
