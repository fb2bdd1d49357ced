"""Reporters: pure functions turning a validation Report into text, JSON, GitHub or SARIF output."""

from __future__ import annotations
