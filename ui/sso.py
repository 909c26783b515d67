"""Single sign-on glue: which providers Streamlit's ``[auth]`` secrets configure, signing a tab in
from ``st.user`` after ``st.login``, and ``st.logout`` on sign-out. The rules are in store/sso.py.

SSO is on when ``.streamlit/secrets.toml`` (or any file in Streamlit's ``secrets.files``) has an
``[auth]`` section with ``redirect_uri`` and ``cookie_secret`` and at least one complete provider:
``client_id``, ``client_secret`` and ``server_metadata_url`` either in ``[auth]`` itself (one
unnamed provider) or in ``[auth.NAME]`` sections (one button each). An optional ``label`` in a
provider's section names its button ("Sign in with LABEL"); Streamlit and Authlib ignore it.
An ``[auth]`` section that is incomplete, or present without Authlib installed, turns nothing on
and the sign-in page says what is missing.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.errors import TalkdownError
from ui.common import plain

REQUIRED_SHARED = ("redirect_uri", "cookie_secret")
REQUIRED_PROVIDER = ("client_id", "client_secret", "server_metadata_url")
DEFAULT_LABEL = "single sign-on"
_REFUSED = "_sso_refused"   # session_state: the refusal to show on the sign-in page
_HANDLED = "_sso_handled"   # session_state: the provider sign-in this tab already tried
_NOTE = "_sso_note"         # session_state: why a provider sign-in was not used (shown once)


@dataclass(frozen=True)
class Provider:
    key: str | None  # the name st.login takes; None for the unnamed provider in [auth]
    label: str


@dataclass(frozen=True)
class SsoConfig:
    providers: tuple[Provider, ...] = ()
    problem: str | None = None  # why an [auth] section turns nothing on

    @property
    def enabled(self) -> bool:
        return bool(self.providers)

    def label_for(self, key: Any) -> str:
        for p in self.providers:
            if (p.key or "default") == key:
                return p.label
        return DEFAULT_LABEL


def _label(section: Mapping, fallback: str) -> str:
    label = section.get("label")
    if isinstance(label, str) and label.strip():
        return " ".join(label.split())[:60]
    return fallback


def parse_auth_section(section: Any, *, authlib: bool = True) -> SsoConfig:
    """The providers an ``[auth]`` secrets section configures (pure: tests pass dicts)."""
    if not isinstance(section, Mapping) or not section:
        return SsoConfig()
    where = "the [auth] section of .streamlit/secrets.toml"
    missing = [k for k in REQUIRED_SHARED if not isinstance(section.get(k), str) or not section.get(k)]
    if missing:
        return SsoConfig(problem=f"Single sign-on is off: {where} lacks {' and '.join(missing)}.")
    if not str(section["redirect_uri"]).rstrip("/").endswith("/oauth2callback"):
        return SsoConfig(problem=f"Single sign-on is off: redirect_uri in {where} must end with /oauth2callback.")
    providers: list[Provider] = []
    problems: list[str] = []
    if any(k in section for k in REQUIRED_PROVIDER):
        lacking = [k for k in REQUIRED_PROVIDER if not section.get(k)]
        if lacking:
            problems.append(f"[auth] lacks {', '.join(lacking)}")
        else:
            providers.append(Provider(None, _label(section, DEFAULT_LABEL)))
    for name, sub in section.items():
        if not isinstance(sub, Mapping) or name == "client_kwargs":
            continue
        if not any(k in sub for k in REQUIRED_PROVIDER):
            continue
        lacking = [k for k in REQUIRED_PROVIDER if not sub.get(k)]
        if "_" in name:
            problems.append(f"[auth.{name}]: a provider name cannot contain '_'")
        elif lacking:
            problems.append(f"[auth.{name}] lacks {', '.join(lacking)}")
        else:
            providers.append(Provider(name, _label(sub, name.replace("-", " ").title())))
    if not providers:
        detail = "; ".join(problems) or f"{where} names no provider (client_id, client_secret, server_metadata_url)"
        return SsoConfig(problem=f"Single sign-on is off: {detail}.")
    if not authlib:
        return SsoConfig(problem="Single sign-on is off: it needs Authlib (pip install Authlib).")
    return SsoConfig(providers=tuple(providers), problem=("Some single sign-on providers are off: "
                                                         + "; ".join(problems) + ".") if problems else None)


def sso_config() -> SsoConfig:
    """The configuration in this app's secrets (nothing if there is no secrets file)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return SsoConfig()
        section = st.secrets.get("auth")
    except Exception:  # an unreadable secrets file: Streamlit logs it; SSO simply stays off
        return SsoConfig()
    from streamlit.auth_util import is_authlib_installed

    return parse_auth_section(section, authlib=is_authlib_installed())


def _provider_claims() -> dict | None:
    try:
        info = st.user.to_dict()
    except Exception:
        return None
    return info if info.get("is_logged_in") is True else None


def sign_in_from_provider(store):
    """The user a fresh provider sign-in (``st.user``) signs this tab in as, or None.

    Tried once per provider sign-in and tab: a refusal is kept for the sign-in page to show."""
    from store.sso import SsoIdentities, SsoStale, identity_from_claims

    claims = _provider_claims()
    if claims is None:
        return None
    config = sso_config()
    if not config.enabled:
        return None
    try:
        seen = identity_from_claims(claims).digest
    except TalkdownError as e:
        seen = str(e)
    if st.session_state.get(_HANDLED) == seen:
        return None
    st.session_state[_HANDLED] = seen
    try:
        user = SsoIdentities(store).sign_in(claims, config.label_for(claims.get("provider")))
    except SsoStale:
        # Already used (a new tab, or this tab's session ended) or too old: the button signs in afresh.
        st.session_state[_NOTE] = "Your earlier single sign-on cannot be used again here: sign in once more."
        return None
    except TalkdownError as e:
        st.session_state[_REFUSED] = str(e)
        return None
    st.session_state.pop(_REFUSED, None)
    return user


def provider_signed_in() -> bool:
    return _provider_claims() is not None


def refusal() -> str | None:
    return st.session_state.get(_REFUSED)


def take_note() -> str | None:
    return st.session_state.pop(_NOTE, None)


def start_provider_sign_in(provider: Provider) -> None:
    """Send the browser to the provider (``st.login``); a configuration error is one line on the page."""
    from streamlit.errors import Error as StreamlitError

    st.session_state.pop(_REFUSED, None)
    st.session_state.pop(_NOTE, None)
    try:
        st.login(provider.key)
    except StreamlitError as e:
        first = (str(e).strip().splitlines() or ["the [auth] settings are incomplete"])[0]
        st.error(plain(f"Single sign-on could not start: {first.strip()}"), icon=":material/error:")


def sign_out_of_provider() -> bool:
    """``st.logout()`` if this tab holds a provider sign-in (it then reloads the app); True if it did."""
    if not provider_signed_in():
        return False
    st.logout()
    return True
