"""SARIF 2.1.0 output, so CI systems (GitHub code scanning and others) annotate pull requests.

One run, the tool's rules as `reportingDescriptor`s (id = code, name = kebab-case name), and one
result per finding with a physical location relative to the working folder (`%SRCROOT%`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePath
from urllib.parse import quote

from ordbog import __version__
from ordbog.check.findings import Finding
from ordbog.check.registry import RULES, Level, Rule
from ordbog.diagnostics import Severity

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_DEFAULT = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note", Level.OFF: "none"}


def _descriptor(r: Rule) -> dict[str, object]:
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary or r.name},
        "fullDescription": {"text": r.rationale or r.summary or r.name},
        "defaultConfiguration": {"level": _DEFAULT[r.level]},
        "properties": {"tags": [r.family]},
    }


def _uri(path: str) -> tuple[str, dict[str, str]]:
    p = PurePath(path)
    if p.is_absolute():
        return Path(path).as_uri(), {}
    return quote(p.as_posix()), {"uriBaseId": "%SRCROOT%"}


def _result(f: Finding, index: dict[str, int]) -> dict[str, object]:
    d = f.diagnostic
    uri, base = _uri(d.path)
    text = d.message + (f" (tip: {d.hint})" if d.hint else "")
    # stable across line shifts, so CI systems recognise a finding that was already there
    fingerprint = hashlib.sha256(f"{d.path}\0{d.code}\0{d.message}".encode()).hexdigest()[:32]
    return {
        "partialFingerprints": {"ordbogFinding/v1": fingerprint},
        "ruleId": d.code,
        "ruleIndex": index[d.code],
        "level": _LEVEL[d.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri, **base},
            "region": {"startLine": max(1, d.line), "startColumn": max(1, d.column)},
        }}],
    }


def as_sarif(findings: tuple[Finding, ...] | list[Finding]) -> str:
    rules = list(RULES) + sorted({f.rule for f in findings if f.rule not in RULES}, key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ordbog", "version": __version__,
                                "rules": [_descriptor(r) for r in rules]}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index) for f in findings],
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
