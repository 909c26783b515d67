"""Sign-in that resists abuse: one message for every failure, throttling with a temporary lockout
an admin can clear, a bounded number of password checks at once, and a password policy."""
from __future__ import annotations

import threading
import time

import pytest
from argon2 import PasswordHasher

from core.errors import AccessDenied, AuthError, InputError
from store import Store, auth
from store.auth import ACCOUNT, CLIENT, check_password_rules
from store.store import WRONG_LOGIN
from tests.store_fixtures import FAST_HASHER, Clock, build_org, new_store




@pytest.fixture
def org():
    s = new_store()
    o = build_org(s)
    o.clock = Clock()  # type: ignore[attr-defined]
    s.throttle.clock = o.clock
    yield o
    s.close()


def _fail(store: Store, username: str, n: int, *, client: str | None = None, clock: Clock | None = None,
          step_s: float = 0.0) -> None:
    for _ in range(n):
        with pytest.raises(AuthError):
            store.authenticate(username, "not-the-password", client=client)
        if clock is not None:
            clock.t += step_s


# -- one message for every failure ----------------------------------------------------------------
def test_every_failed_sign_in_gets_the_same_message(org):
    a = org.scope("admin")
    a.set_active(org.users["ben"].id, False)
    messages = set()
    for username, password in [("ana", "wrong-password"), ("nobody", "whatever-pass"), ("ben", "ben-password"),
                               ("", ""), ("ana", "x" * 10_000)]:
        with pytest.raises(AuthError) as e:
            org.store.authenticate(username, password)
        messages.add(e.value.message)
    assert messages == {WRONG_LOGIN}, "a disabled account's right password must not be confirmed"


# -- throttling and lockout -----------------------------------------------------------------------
def test_wrong_passwords_bring_a_growing_delay_then_a_lockout(org):
    store, clock = org.store, org.clock
    _fail(store, "ana", ACCOUNT.free, clock=clock, step_s=0.1)
    waits = []
    for _ in range(ACCOUNT.lock_after - ACCOUNT.free):
        with pytest.raises(AuthError, match="Too many failed sign-ins"):
            store.authenticate("ana", "ana-password")  # even the right password waits: nothing is checked
        waits.append(store.throttle.state(auth.account_key("ana"))["wait_s"])
        clock.t += waits[-1] + 0.01
        _fail(store, "ana", 1)
    assert waits == sorted(waits) and waits[-1] > waits[0], waits  # the delay grows
    state = store.throttle.state(auth.account_key("ana"))
    assert state["locked"] and state["wait_s"] == pytest.approx(ACCOUNT.lock_s, abs=1)
    clock.t += 60
    with pytest.raises(AuthError, match="minutes"):
        store.authenticate("ana", "ana-password")


def test_a_lockout_ends_on_its_own_and_guessing_never_locks_for_good(org):
    store, clock = org.store, org.clock
    for _ in range(3):  # an attacker keeps guessing across lockouts
        for _ in range(ACCOUNT.lock_after):
            try:
                store.authenticate("ana", "guess-guess-guess")
            except AuthError:
                pass
            clock.t += ACCOUNT.max_delay_s + 1
        clock.t += ACCOUNT.lock_s + 1
    assert store.authenticate("ana", "ana-password").username == "ana"  # the owner still gets in
    assert store.throttle.state(auth.account_key("ana")) is None, "success clears the account's counter"


def test_an_admin_clears_a_lockout_and_only_an_admin(org):
    store, clock = org.store, org.clock
    _fail(store, "ana", ACCOUNT.lock_after, clock=clock, step_s=ACCOUNT.max_delay_s + 1)
    with pytest.raises(AuthError, match="Too many"):
        store.authenticate("ana", "ana-password")
    ana_id = org.users["ana"].id
    assert org.scope("admin").sign_in_lock(ana_id)["locked"]
    for who in ("trainer_a", "manager_a", "ana"):
        with pytest.raises(AccessDenied):
            org.scope(who).clear_sign_in_lock(ana_id)
    org.scope("admin").clear_sign_in_lock(ana_id)
    assert store.authenticate("ana", "ana-password").username == "ana"


def test_an_admin_password_reset_lifts_the_lock(org):
    store, clock = org.store, org.clock
    _fail(store, "ana", ACCOUNT.lock_after, clock=clock, step_s=ACCOUNT.max_delay_s + 1)
    org.scope("admin").reset_password(org.users["ana"].id, "a-fresh-start-2")
    assert store.authenticate("ana", "a-fresh-start-2").username == "ana"


def test_unknown_accounts_are_throttled_like_real_ones(org):
    """The lock says nothing about whether the account exists."""
    store, clock = org.store, org.clock
    _fail(store, "ghost", ACCOUNT.free, clock=clock, step_s=0.1)
    with pytest.raises(AuthError, match="Too many failed sign-ins"):
        store.authenticate("ghost", "anything-at-all")


def test_one_client_guessing_many_accounts_is_throttled(org):
    store, clock = org.store, org.clock
    for i in range(CLIENT.free):
        _fail(store, f"user{i}", 1, client="10.0.0.9", clock=clock, step_s=0.1)
    with pytest.raises(AuthError, match="Too many failed sign-ins"):
        store.authenticate("ana", "ana-password", client="10.0.0.9")
    # Another client is not held up by it, and neither is the account.
    assert store.authenticate("ana", "ana-password", client="10.0.0.10").username == "ana"


def test_throttling_holds_across_processes_sharing_the_file(org):
    """The counters live in the database: a second Store (another app process) sees them."""
    store, clock = org.store, org.clock
    _fail(store, "ana", ACCOUNT.free, clock=clock, step_s=0.1)
    other = Store(store.path, password_hasher=FAST_HASHER)
    other.throttle.clock = clock
    with pytest.raises(AuthError, match="Too many failed sign-ins"):
        other.authenticate("ana", "ana-password")


def test_the_login_page_throttles_and_shows_the_same_message(monkeypatch):
    from core.settings import get_settings
    from tests.test_app import app_as

    store = Store(get_settings().db_path)
    admin = store.create_first_admin("admin", "admin-password-1", "Ada Admin")
    store.as_user(admin).create_user("ana", "ana-password-1", "trainee", "Ana")
    at = app_as(None)
    shown = []
    for _ in range(ACCOUNT.free + 1):
        at.text_input[0].input("ana")
        at.text_input[1].input("wrong-password-9")
        next(b for b in at.button if b.label == "Sign in").click().run()
        assert not at.exception
        shown.append(at.error[0].value if at.error else "")
    assert shown[0] == WRONG_LOGIN
    assert "Too many failed sign-ins" in shown[-1]
    assert "user" not in at.session_state


# -- a bounded number of password checks at once --------------------------------------------------
class SlowHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.now = self.peak = 0
        self.lock = threading.Lock()

    def verify(self, hash, password):  # noqa: A002
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.05)
        try:
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.now -= 1


def test_concurrent_sign_ins_run_a_bounded_number_of_password_checks(tmp_path):
    hasher = SlowHasher()
    store = Store(str(tmp_path / "busy.db"), password_hasher=hasher)
    store.create_first_admin("admin", "admin-password-1")
    start = threading.Barrier(32)

    def attempt(i: int) -> None:
        start.wait()
        try:
            store.authenticate(f"user{i}", "some-password-1", client=f"c{i}")
        except AuthError:
            pass

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert 1 <= hasher.peak <= auth.MAX_CONCURRENT_HASHES


def test_a_huge_password_is_refused_before_any_hashing(org):
    # The hasher is watched rather than the clock (it took 2.3 s at load 9 without hashing anything).
    real, longest = org.store.hasher, []

    class Watched:
        def __getattr__(self, name):
            attr = getattr(real, name)
            if name not in ("hash", "verify"):
                return attr

            def watched(*args):
                longest.append(max(len(a) for a in args if isinstance(a, (str, bytes))))
                return attr(*args)
            return watched

    org.store.hasher = Watched()
    with pytest.raises(AuthError, match=WRONG_LOGIN):
        org.store.authenticate("ana", "x" * 100_000_000)
    with pytest.raises(InputError, match="too long"):
        org.scope("admin").reset_password(org.users["ana"].id, "y" * 100_000_000)
    assert max(longest, default=0) < 1_000, "a huge password reached the hasher"


# -- the password policy --------------------------------------------------------------------------
@pytest.mark.parametrize("password, why", [
    ("12345678", "first ones"), ("password", "first ones"), ("Password123!", "first ones"),
    ("qwertyuiop", "first ones"), ("abcdefgh", "first ones"), ("87654321", "first ones"),
    (" " * 8, "visible"), ("\u200b" * 8, "visible"), ("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200b\u200b", "visible"),
    ("\t\n \u00a0\u3000   ", "visible"), ("aaaaaaaa", "repeated"), ("abababab", "repeated"), ("short", "at least 8"),
    ("z" * 257, "too long"),
])
def test_weak_passwords_are_refused(password, why):
    with pytest.raises(InputError, match=why):
        check_password_rules(password, "someone")


@pytest.mark.parametrize("password", ["maria.lopez", "MARIA.LOPEZ", "maria.lopez1", "123maria.lopez"])
def test_the_username_is_not_a_password(password):
    with pytest.raises(InputError, match="username"):
        check_password_rules(password, "maria.lopez")


@pytest.mark.parametrize("password", ["correct horse battery", "maria.lopez likes long walks", "Tr0ub4dor&3x",
                                      "ana-password", "pässwörd-für-mich", "€ £ ¥ are currencies", "ab" * 64 + "c" * 128])
def test_reasonable_passwords_are_accepted(password):
    check_password_rules(password, "maria.lopez")


@pytest.mark.parametrize("make", ["first_admin", "create_user", "reset", "change_own", "cli"])
def test_every_way_of_setting_a_password_applies_the_policy(org, make, monkeypatch, tmp_path):
    a = org.scope("admin")
    with pytest.raises(InputError):
        if make == "first_admin":
            new_store(str(tmp_path / "fresh.db")).create_first_admin("root", "12345678")
        elif make == "create_user":
            a.create_user("newbie", "newbie123", "trainee")
        elif make == "reset":
            a.reset_password(org.users["ana"].id, "password1")
        elif make == "change_own":
            org.scope("ana").change_own_password("ana-password", "ana12345678"[:8])
        else:
            import io

            from store.__main__ import main

            monkeypatch.setattr("sys.stdin", io.StringIO("qwerty123\n"))
            assert main(["reset-password", "--username", "ana", "--password-stdin", "--db", org.store.path]) == 1
            raise InputError("the CLI refused it")
