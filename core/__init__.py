"""Shared kernel: settings, user-facing errors and the transcript model."""
