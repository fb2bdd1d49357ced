"""Every diagnostic code, with its usual severity and a one-line description (docs, SARIF rules)."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "parse": ("error", "A JSON file cannot be read strictly (syntax, encoding, BOM, NaN, depth, size, symlink)."),
    "duplicate-key": ("warning", "A JSON object repeats a key; the last value is used, as CK does."),
    "schema": ("error", "meta.json, info.json or .ckr.json breaks its JSON Schema (a note for Reef KB's type "
                        "schemas in repositories that do not follow the Reef profile)."),
    "no-schema": ("note", "A module of a Reef-profile repository has no schema of its own; its entries were "
                          "checked with the common one."),
    "duplicate-uid": ("error", "Two entries of one module carry the same UID, or entries of different modules "
                               "do in a Reef-profile repository (a note otherwise, none for *.features and "
                               "component.* modules)."),
    "duplicate-alias": ("error", "Two entries of a module have aliases equal ignoring case "
                                 "(a note when they are in different repositories)."),
    "alias-mismatch": ("error", "Alias files disagree with each other or the folders: CK finds another entry "
                                "by the UID, or none."),
    "missing-alias-file": ("error", "An alias folder has no .cm/alias-a-<alias> file: CK refuses to load it."),
    "stale-alias": ("warning", "Alias files left behind by a deletion or a rename."),
    "uid-mismatch": ("warning", "info.json's backup_data_uid differs from the UID in the alias files."),
    "missing-file": ("error", "meta.json is missing (a warning for info.json and desc.json, which ck add always "
                              "writes)."),
    "base-entry": ("error", "A _base_entry loops, chains deeper than CK's 10 levels, or names no loaded entry (a "
                            "warning in plain CK repositories, a note when their repo_deps are not loaded)."),
    "dangling-reference": ("error", "A reference in a Reef-profile repository names no entry; the hint suggests "
                                    "the closest alias."),
    "external-reference": ("note", "A reference names no loaded entry, but may live in a repository that is not "
                                   "loaded (repo_deps, or any repository for plain CK)."),
    "bad-value": ("error", "A value parsers accept but strict UTF-8 JSON cannot hold: an infinite number or a "
                           "lone surrogate."),
    "invalid-name": ("warning", "An entry folder name Reef KB would refuse to write; an error when a repository, "
                                "module or entry name or a UID cannot be published as a URL (control, bidi or "
                                "zero-width characters, a path separator, not Unicode, too long): the build leaves "
                                "it out."),
    "unresolved-deps": ("note", "No soft, package or env entry carries all the tags of a CK dependency."),
    "symlink": ("error", "A module, entry, .cm folder, file or alias file is a symbolic link: never followed, so "
                         "neither read nor published."),
    "special-file": ("error", "A named pipe, socket or device where a file belongs: never read."),
    "limit": ("warning", "A cap cut something off: files of an entry beyond those listed, aliases beyond those "
                         "redirected, a README beyond what is shown (a note)."),
    "too-many-changes": ("error", "--changed-since found more changed files than --max-changed allows: the change "
                                  "is not checked file by file."),
}  # fmt: skip

CHANGED_ONLY_CODES = frozenset({"too-many-changes"})  # raised only by --changed-since (tests/test_validate_changed.py)
# Planted by tests instead of fixture files (Git cannot hold a pipe; some checkouts turn links into files):
# tests/test_skipped_are_reported.py and tests/test_every_input_ends.py.
PLANTED_CODES = frozenset({"symlink", "special-file"})


def descriptions() -> dict[str, str]:
    """Code → description, for SARIF rules."""
    return {code: text for code, (_, text) in CODES.items()}
