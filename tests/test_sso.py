"""Single sign-on in the store: identities link to accounts, unknown ones are refused and recorded,
only admins manage links, and a provider sign-in is good once while fresh (store/sso.py)."""
from __future__ import annotations

import itertools

import pytest

from core.errors import AccessDenied, AuthError, InputError
from store import sso as sso_mod
from store.sso import SsoIdentities, SsoRefused, SsoStale
from tests.store_fixtures import Clock, build_org, new_store

ISSUER = "https://idp.example.test"
_nonces = itertools.count(1)


@pytest.fixture
def org():
    s = new_store()
    o = build_org(s)
    o.clock = Clock(2_000_000.0)  # type: ignore[attr-defined]
    o.sso = SsoIdentities(s, clock=o.clock)  # type: ignore[attr-defined]
    s.sessions.clock = o.clock
    yield o
    s.close()


def claims(org, sub: str, **extra) -> dict:
    """What st.user holds after a provider sign-in: the ID token's claims, issued just now."""
    return {"is_logged_in": True, "provider": "idp", "iss": ISSUER, "sub": sub, "aud": "talkdown",
            "iat": int(org.clock()), "exp": int(org.clock()) + 3600, "nonce": f"n{next(_nonces)}",
            "email": f"{sub}@example.test", "email_verified": True, "name": sub.title(), **extra}


def link(org, sub: str, who: str, *, issuer: str = ISSUER):
    return org.sso.admin(org.users["admin"]).link(issuer, sub, org.users[who].id)


def test_a_linked_identity_signs_in_its_account(org):
    link(org, "ana-sub", "ana")
    user = org.sso.sign_in(claims(org, "ana-sub"), "Example ID")
    assert user.username == "ana" and user.role == "trainee"
    token = org.store.sessions.issue(user.id)  # what the app does next: a normal session
    assert org.store.sessions.user_for(token).username == "ana"
    (row,) = org.sso.admin(org.users["admin"]).links()
    assert row.last_sign_in is not None and row.email == "ana-sub@example.test"


def test_an_unknown_identity_is_refused_recorded_and_nothing_is_created(org):
    users_before = org.store.query("SELECT * FROM users ORDER BY id")
    sessions_before = org.store.query("SELECT * FROM sessions")
    with pytest.raises(SsoRefused, match="[Aa]sk an admin to link your account"):
        org.sso.sign_in(claims(org, "stranger", email="ana@example.test"), "Example ID")
    assert org.store.query("SELECT * FROM users ORDER BY id") == users_before
    assert org.store.query("SELECT * FROM sessions") == sessions_before
    assert org.store.query("SELECT * FROM sso_links") == []
    (p,) = org.sso.admin(org.users["admin"]).pending()
    assert (p.issuer, p.subject, p.provider, p.email, p.attempts) == (ISSUER, "stranger", "Example ID",
                                                                       "ana@example.test", 1)
    org.clock.t += 30
    with pytest.raises(SsoRefused):
        org.sso.sign_in(claims(org, "stranger"), "Example ID")
    (p,) = org.sso.admin(org.users["admin"]).pending()
    assert p.attempts == 2 and p.last_seen > p.first_seen


def test_the_email_claim_never_picks_the_account(org):
    """Matching is by issuer + subject: an identity claiming a linked person's address gets nothing."""
    link(org, "ana-sub", "ana")
    with pytest.raises(SsoRefused):
        org.sso.sign_in(claims(org, "someone-else", email="ana-sub@example.test", name="Ana Sub"))
    # The same subject at another issuer is another identity.
    with pytest.raises(SsoRefused):
        org.sso.sign_in(claims(org, "ana-sub", iss="https://other-idp.example.test"))


def test_linking_a_pending_identity_lets_it_in_on_its_next_sign_in(org):
    with pytest.raises(SsoRefused):
        org.sso.sign_in(claims(org, "new-hire"), "Example ID")
    adm = org.sso.admin(org.users["admin"])
    linked = adm.link(ISSUER, "new-hire", org.users["amy"].id)
    assert (linked.username, linked.provider, linked.email) == ("amy", "Example ID", "new-hire@example.test")
    assert adm.pending() == []
    assert org.sso.sign_in(claims(org, "new-hire")).username == "amy"


def test_a_disabled_account_is_refused_and_its_role_comes_from_talkdown(org):
    link(org, "ben-sub", "ben")
    admin = org.scope("admin")
    admin.set_role(org.users["ben"].id, "trainer")
    # A claim that looks like a role changes nothing: the role is Talkdown's.
    assert org.sso.sign_in(claims(org, "ben-sub", role="admin", groups=["admin"])).role == "trainer"
    admin.set_active(org.users["ben"].id, False)
    with pytest.raises(SsoRefused, match="disabled"):
        org.sso.sign_in(claims(org, "ben-sub"))
    admin.set_active(org.users["ben"].id, True)
    assert org.sso.sign_in(claims(org, "ben-sub")).username == "ben"


def test_a_provider_sign_in_is_good_once_and_only_while_fresh(org):
    link(org, "ana-sub", "ana")
    c = claims(org, "ana-sub")
    assert org.sso.sign_in(c).username == "ana"
    # The same assertion again (Streamlit's 30-day cookie after a sign-out or an idle expiry): refused.
    with pytest.raises(SsoStale):
        org.sso.sign_in(c)
    old = claims(org, "ana-sub")
    org.clock.t += sso_mod.FRESH_S + 1
    with pytest.raises(SsoStale):
        org.sso.sign_in(old)
    with pytest.raises(SsoStale):
        org.sso.sign_in(claims(org, "ana-sub", iat=int(org.clock()) + sso_mod.CLOCK_SKEW_S + 60))
    assert org.sso.sign_in(claims(org, "ana-sub")).username == "ana"


def test_a_used_sign_in_stays_used_when_it_was_refused(org):
    c = claims(org, "stranger")
    with pytest.raises(SsoRefused):
        org.sso.sign_in(c)
    link(org, "stranger", "amy")
    with pytest.raises(SsoStale):
        org.sso.sign_in(c)  # linking does not revive the refused sign-in: the person signs in again


@pytest.mark.parametrize("bad", [
    {"iss": None}, {"sub": None}, {"sub": ""}, {"sub": "  "}, {"sub": "x" * 300}, {"iss": 42},
    {"sub": "two\nlines"}, {"sub": ["a", "list"]},
])
def test_claims_that_name_nobody_are_refused_plainly(org, bad):
    with pytest.raises(SsoRefused, match="did not say who you are"):
        org.sso.sign_in({**claims(org, "x"), **bad})
    assert org.store.query("SELECT * FROM sso_pending") == []


@pytest.mark.parametrize("iat", [None, "yesterday", True, float("nan")])
def test_claims_without_a_usable_issue_time_are_not_used(org, iat):
    link(org, "ana-sub", "ana")
    with pytest.raises(SsoStale):
        org.sso.sign_in(claims(org, "ana-sub", iat=iat))


def test_long_or_odd_profile_claims_are_kept_short_and_plain(org):
    with pytest.raises(SsoRefused):
        org.sso.sign_in(claims(org, "odd", email="a" * 5000, name=["not", "text"], email_verified="false"))
    (p,) = org.sso.admin(org.users["admin"]).pending()
    assert len(p.email) == sso_mod.MAX_TEXT_CHARS and p.name == "" and p.email_verified is False


def test_pending_identities_are_capped(org, monkeypatch):
    monkeypatch.setattr(sso_mod, "MAX_PENDING", 3)
    for i in range(6):
        org.clock.t += 1
        with pytest.raises(SsoRefused):
            org.sso.sign_in(claims(org, f"s{i}"))
    assert [p.subject for p in org.sso.admin(org.users["admin"]).pending()] == ["s5", "s4", "s3"]


@pytest.mark.parametrize("who", ["trainer_a", "manager_a", "ana"])
def test_only_admins_manage_links(org, who):
    link(org, "ana-sub", "ana")
    with pytest.raises(AccessDenied):
        org.sso.admin(org.users[who])
    # A scope made while the user was an admin loses the power as soon as the role changes.
    org.scope("admin").set_role(org.users[who].id, "admin")
    adm = org.sso.admin(org.users[who])
    org.scope("admin").set_role(org.users[who].id, "trainee")
    for call in (adm.links, adm.pending, lambda: adm.link(ISSUER, "x", org.users["amy"].id),
                 lambda: adm.unlink(ISSUER, "ana-sub"), lambda: adm.dismiss(ISSUER, "x")):
        with pytest.raises(AccessDenied):
            call()
    assert len(org.sso.admin(org.users["admin"]).links()) == 1


def test_a_disabled_admin_manages_nothing(org):
    second = org.scope("admin").create_user("root2", "second-admin-pw", "admin", "Second Admin")
    adm = org.sso.admin(second)
    org.scope("admin").set_active(second.id, False)
    with pytest.raises(AuthError):
        adm.links()


def test_unlinking_stops_the_identity_and_ends_the_accounts_sessions(org):
    link(org, "ana-sub", "ana")
    user = org.sso.sign_in(claims(org, "ana-sub"))
    token = org.store.sessions.issue(user.id)
    org.sso.admin(org.users["admin"]).unlink(ISSUER, "ana-sub")
    assert org.store.sessions.user_for(token) is None
    with pytest.raises(SsoRefused):
        org.sso.sign_in(claims(org, "ana-sub"))
    with pytest.raises(InputError, match="No such"):
        org.sso.admin(org.users["admin"]).unlink(ISSUER, "ana-sub")


def test_one_identity_signs_in_one_account_but_an_account_may_have_several(org):
    link(org, "ana-sub", "ana")
    with pytest.raises(InputError, match="already signs in ana"):
        link(org, "ana-sub", "amy")
    link(org, "ana-sub", "ana")  # linking again to the same account changes nothing
    link(org, "ana-other", "ana", issuer="https://other-idp.example.test")
    assert [(lk.username, lk.issuer) for lk in org.sso.admin(org.users["admin"]).links()] == [
        ("ana", "https://idp.example.test"), ("ana", "https://other-idp.example.test")]


@pytest.mark.parametrize("issuer, subject", [("", "s"), (ISSUER, ""), (ISSUER, "x" * 256), ("a\nb", "s")])
def test_linking_checks_its_input(org, issuer, subject):
    with pytest.raises(InputError):
        org.sso.admin(org.users["admin"]).link(issuer, subject, org.users["ana"].id)
    with pytest.raises(InputError):
        org.sso.admin(org.users["admin"]).link(ISSUER, "fine", 99_999)


def test_dismissing_forgets_a_pending_identity(org):
    with pytest.raises(SsoRefused):
        org.sso.sign_in(claims(org, "stranger"))
    adm = org.sso.admin(org.users["admin"])
    adm.dismiss(ISSUER, "stranger")
    assert adm.pending() == []


def test_deleting_an_account_removes_its_links(org):
    link(org, "loner-sub", "loner")
    org.scope("admin").delete_user(org.users["loner"].id, "loner")
    assert org.sso.admin(org.users["admin"]).links() == []
    with pytest.raises(SsoRefused):
        org.sso.sign_in(claims(org, "loner-sub"))
