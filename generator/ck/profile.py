"""Which rules a repository follows: plain CK (the default) or the Reef KB profile.

A repository declares the Reef profile in its ``.ckr.json`` (``"dict": {"kb_profile": "reef"}``),
or a site declares it per repository in ``mkdocs.yml`` (``- path: kb/x`` with ``profile: reef``),
which wins. CK-format checks apply to every repository; Reef KB's type schemas and its stricter
reference rules fail a validation only where the profile is ``reef``. See docs/validation.md.
"""

from __future__ import annotations

from generator.ck.model import RepoInfo

PROFILE_KEY = "kb_profile"  # in the .ckr.json "dict", next to CK's own repo settings
CK = "ck"
REEF = "reef"
PROFILES = (CK, REEF)


def declared_profile(info: RepoInfo) -> str:
    """The profile the repository's ``.ckr.json`` names, as written ('' when it names none)."""
    value = info.dict.get(PROFILE_KEY, "")
    return value if isinstance(value, str) else repr(value)


def effective_profile(info: RepoInfo, override: str = "") -> str:
    """The profile checks use: the site's override, else a valid declaration, else plain CK."""
    if override in PROFILES:
        return override
    declared = declared_profile(info)
    return declared if declared in PROFILES else CK
