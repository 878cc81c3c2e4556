"""rulebook from Python: evaluate the policies that govern village-resident work
teams (驻村工作队) over a county's data, with exact money.

    import rulebook

    policy = rulebook.load_policy("rules/qiyang-2019.yaml")
    county = rulebook.load_county("examples/qiyang/county.yaml")   # or a dict, as the JSON form
    results = policy.evaluate(county, "2019-Q3")
    for t in results.totals:
        print(t.item, t.owed, t.paid)                 # decimal.Decimal, never float
    e = results.entitlement("M006", "transport", "2019-08")
    print(results.explain(e))

A policy or county with problems raises InputError, whose `diagnostics` list
every problem with its file, line, column, code and message. Policies,
counties and results are immutable: threads may share them, and evaluation runs
without the GIL. Money and other decimals are decimal.Decimal; dates are
datetime.date; the JSON of `Results.to_json()` is byte for byte what
`rulebook eval --format json` writes (docs/results-schema.md).
"""
from __future__ import annotations

import datetime as _datetime
import json as _json
import os as _os
from collections.abc import Mapping as _Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, List, Optional, Tuple, Union

from . import _native

__version__: str = _native.version

__all__ = [
    "Charge", "County", "Diagnostic", "Entitlement", "EvaluationError", "Finding", "InputError", "PenaltyEntry",
    "Period", "Policy", "Quota", "QuotaPlace", "Results", "RulebookError", "Total", "evaluate", "load_county",
    "load_county_json", "load_policy", "load_policy_text",
]

PathLike = Union[str, "_os.PathLike[str]"]


# ---- errors ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a policy or a county, as the CLI reports it."""
    severity: str        # "error", "warning" or "note"
    code: str            # stable: "unknown-key", "type-mismatch", "json-syntax", …
    file: str            # the file, or the name given with a text
    line: int            # 1-based; 0 when the problem is about the whole input
    column: int          # 1-based, in code points; 0 when unknown
    field: str           # a CSV column's name, else ""
    message: str
    hint: str            # "did you mean 'distance_km'?", or ""
    source_line: str     # the offending line of the input, or ""
    path: str = ""       # for a county given as Python objects: where in them, as "teams[0].distance_km"

    def __str__(self) -> str:
        where = f"{self.file} at {self.path}" if self.path else (
            f"{self.file}:{self.line}:{self.column}" if self.line else self.file)
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        return text + (f" (hint: {self.hint})" if self.hint else "")


class RulebookError(Exception):
    """What rulebook raises, besides TypeError and ValueError for bad arguments."""


class InputError(RulebookError):
    """A policy or county that did not load: `diagnostics` holds every problem."""

    def __init__(self, message: str, diagnostics: List[Diagnostic]):
        super().__init__(message)
        self.diagnostics = diagnostics


class EvaluationError(RulebookError):
    """An evaluation that could not finish, as when an amount overflows."""


def _diagnostics(raw, paths: Optional[List[str]] = None) -> List[Diagnostic]:
    found = []
    for severity, code, file, line, column, field, message, hint, source_line in raw:
        path = paths[line - 1] if paths and 1 <= line <= len(paths) else ""
        found.append(Diagnostic(severity, code, file, line, column, field, message, hint, source_line, path))
    return found


def _loaded(result, paths: Optional[List[str]] = None):
    handle, raw, text = result
    if handle is None:
        diagnostics = _diagnostics(raw, paths)
        message = "\n".join(str(d) for d in diagnostics) if paths else text
        raise InputError(message, diagnostics)
    return handle


# ---- policies and counties -------------------------------------------------------------------

class Policy:
    """A policy loaded with its `extends:` chain, checked and compiled."""

    def __init__(self, native: _native.Policy):
        self._native = native

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def title(self) -> Tuple[str, str]:
        """(Chinese, English)."""
        return self._native.title_zh, self._native.title_en

    @property
    def money_scale(self) -> int:
        """Decimal places of the policy's money (normally 2)."""
        return self._native.money_scale

    @property
    def files(self) -> List[str]:
        """This policy's file, then its base, then the base's base, …"""
        return list(self._native.files)

    def evaluate(self, county: County, period: str) -> Results:
        """Same as rulebook.evaluate(self, county, period)."""
        return evaluate(self, county, period)

    def __repr__(self) -> str:
        return f"<rulebook.Policy {self.id}>"


class County:
    """A county's data, loaded and checked (docs/data-format.md)."""

    def __init__(self, native: _native.County):
        self._native = native

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def counts(self) -> dict:
        """How many units, teams, members, month records, … it holds."""
        return dict(self._native.counts)

    def __repr__(self) -> str:
        return f"<rulebook.County {self.id}>"


def load_policy(path: PathLike) -> Policy:
    """Loads and checks the policy file at `path` and its bases; raises InputError."""
    return Policy(_loaded(_native.load_policy(_os.fspath(path))))


def load_policy_text(text: str, name: str = "<policy>") -> Policy:
    """Loads a policy from YAML text. `name` names it in diagnostics and stands
    for its path: a relative `extends:` is read from that name's folder."""
    return Policy(_loaded(_native.load_policy_text(text, name)))


def load_county(source: Union[PathLike, _Mapping], name: str = "<county>") -> County:
    """Loads a county from a path (a YAML or JSON file, a folder of YAML files or
    of CSV tables) or from Python objects shaped as the YAML form: dicts, lists,
    str, int, bool, None, decimal.Decimal and datetime.date. A float is refused
    (TypeError): it cannot hold an amount exactly. Raises InputError; for Python
    objects each diagnostic's `path` says where in them the problem is, and
    `name` stands for them in its `file`."""
    if isinstance(source, _Mapping):
        text, paths = _county_json(source)
        return County(_loaded(_native.load_county_json(text, name), paths))
    if isinstance(source, (str, _os.PathLike)):
        return County(_loaded(_native.load_county(_os.fspath(source))))
    raise TypeError(f"load_county takes a path or a dict, not {type(source).__name__}")


def load_county_json(text: str, name: str = "<json>") -> County:
    """Loads a county from JSON text (docs/data-format.md, "JSON"); raises InputError."""
    return County(_loaded(_native.load_county_json(text, name)))


def _county_json(county: _Mapping) -> Tuple[str, List[str]]:
    """Writes Python objects as JSON, one value per line, and the path of each
    line, so that a diagnostic's line says where in the objects it is."""
    lines: List[str] = []
    paths: List[str] = []

    def scalar(value: Any, path: str) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"{path}: {value} is not a number rulebook reads")
            return _json.dumps(str(value))
        if isinstance(value, float):
            raise TypeError(f"{path}: {value!r} is a float, which cannot hold an amount exactly; "
                            f"give a str or a decimal.Decimal, as Decimal({str(value)!r})")
        if isinstance(value, _datetime.datetime):
            raise TypeError(f"{path}: {value!r} is a date and time; give a datetime.date")
        if isinstance(value, _datetime.date):
            return _json.dumps(value.isoformat())
        if isinstance(value, str):
            return _json.dumps(value, ensure_ascii=False)
        raise TypeError(f"{path}: a {type(value).__name__} is not county data; "
                        f"give dicts, lists, str, int, bool, None, Decimal or datetime.date")

    def emit(value: Any, path: str, prefix: str, suffix: str) -> None:
        if isinstance(value, _Mapping):
            items = list(value.items())
            lines.append(prefix + "{" + ("}" + suffix if not items else ""))
            paths.append(path)
            for i, (key, item) in enumerate(items):
                if not isinstance(key, str):
                    raise TypeError(f"{path or 'the county'}: the key {key!r} is not a str")
                emit(item, f"{path}.{key}" if path else key, _json.dumps(key, ensure_ascii=False) + ": ",
                     "," if i < len(items) - 1 else "")
            if items:
                lines.append("}" + suffix)
                paths.append(path)
        elif isinstance(value, (list, tuple)):
            lines.append(prefix + "[" + ("]" + suffix if not value else ""))
            paths.append(path)
            for i, item in enumerate(value):
                emit(item, f"{path}[{i}]", "", "," if i < len(value) - 1 else "")
            if value:
                lines.append("]" + suffix)
                paths.append(path)
        else:
            lines.append(prefix + scalar(value, path) + suffix)
            paths.append(path)

    emit(county, "", "", "")
    return "\n".join(lines) + "\n", paths


# ---- results -----------------------------------------------------------------------------------

def _day(text: str) -> _datetime.date:
    return _datetime.date.fromisoformat(text)


def _money(text: Optional[str]) -> Optional[Decimal]:
    return None if text is None else Decimal(text)


@dataclass(frozen=True)
class Period:
    label: str                  # "2019", "2019-Q3", "2019-07-01..2019-12-31", …
    start: _datetime.date
    end: _datetime.date         # included


@dataclass(frozen=True)
class Entitlement:
    """What a member-month, member-year or team-year is owed for one item."""
    index: int                  # its place in Results.entitlements (and in the JSON)
    rule: str
    item: str                   # living, transport, communication, work_funds, …
    subject: str                # "member" or "team"
    subject_id: str
    team: str
    unit: str                   # the unit that pays it
    start: _datetime.date
    end: _datetime.date         # included
    amount: Decimal
    paid: Optional[Decimal]     # None when nothing was recorded


@dataclass(frozen=True)
class Finding:
    """A duty not met."""
    index: int                  # its place in Results.findings; penalty charges refer to it
    rule: str
    kind: str                   # allowance, minimum, kit, obligation, …
    subject: str                # member, team, unit, county
    subject_id: str
    responsible_unit: str       # "" when the county or a town owes the duty
    severity: str               # "violation" or "advisory"
    start: _datetime.date
    end: _datetime.date
    expected: str
    actual: str
    message: str


@dataclass(frozen=True)
class QuotaPlace:
    member: str
    score: Decimal
    rank: int                   # 1-based; equal keys share a rank
    proposed: bool
    within_quota: bool


@dataclass(frozen=True)
class Quota:
    rule: str
    grade: str
    population: int
    share: Decimal
    places: int
    ranking: Tuple[QuotaPlace, ...]
    over_quota: Tuple[str, ...]


@dataclass(frozen=True)
class Charge:
    finding: int                # index into Results.findings
    rule: str
    points: Decimal


@dataclass(frozen=True)
class PenaltyEntry:
    unit: str
    notices: int
    points_charged: Decimal     # before the cap
    points: Decimal             # after it
    capped: bool
    charges: Tuple[Charge, ...]


@dataclass(frozen=True)
class Total:
    item: str
    owed: Decimal
    paid: Decimal


class Results:
    """What evaluating a policy over a county for a period says."""

    def __init__(self, native: _native.Results):
        self._native = native
        self.policy: str = native.policy
        self.money_scale: int = native.money_scale
        label, start, end = native.period
        self.period = Period(label, _day(start), _day(end))
        self.entitlements: List[Entitlement] = [
            Entitlement(i, rule, item, subject, sid, team, unit, _day(a), _day(b), Decimal(amount), _money(paid))
            for i, (rule, item, subject, sid, team, unit, a, b, amount, paid) in enumerate(native.entitlements())]
        self.findings: List[Finding] = [
            Finding(i, rule, kind, subject, sid, unit, severity, _day(a), _day(b), expected, actual, message)
            for i, (rule, kind, subject, sid, unit, severity, a, b, expected, actual, message)
            in enumerate(native.findings())]
        self.quotas: List[Quota] = [
            Quota(rule, grade, population, Decimal(share), places,
                  tuple(QuotaPlace(m, Decimal(score), rank, proposed, within)
                        for m, score, rank, proposed, within in ranking),
                  tuple(over))
            for rule, grade, population, share, places, ranking, over in native.quotas()]
        self.ledger: List[PenaltyEntry] = [
            PenaltyEntry(unit, notices, Decimal(charged), Decimal(points), capped,
                         tuple(Charge(f, rule, Decimal(p)) for f, rule, p in charges))
            for unit, notices, charged, points, capped, charges in native.ledger()]
        self.totals: List[Total] = [Total(item, Decimal(owed), Decimal(paid)) for item, owed, paid in native.totals()]

    def total(self, item: str) -> Total:
        """The county's total for `item`; KeyError when the policy has no such item."""
        for t in self.totals:
            if t.item == item:
                return t
        raise KeyError(item)

    def entitlement(self, subject_id: str, item: str, day: Union[str, _datetime.date]) -> Entitlement:
        """The first entitlement of `subject_id` for `item` whose slice holds `day`:
        a date, or a month "2019-04" that the slice overlaps. KeyError when none does."""
        if isinstance(day, str) and len(day) == 7:
            first = _day(day + "-01")
            last = (first.replace(day=28) + _datetime.timedelta(days=4)).replace(day=1) - _datetime.timedelta(days=1)
        else:
            first = last = day if isinstance(day, _datetime.date) else _day(day)
        for e in self.entitlements:
            if e.subject_id == subject_id and e.item == item and e.start <= last and first <= e.end:
                return e
        raise KeyError(f"no entitlement of {subject_id!r} for {item!r} on {day}")

    def explain(self, x: Union[Entitlement, Finding]) -> str:
        """Says how an amount was reached, or why a finding was raised, as
        `rulebook eval --explain` prints it."""
        if isinstance(x, Entitlement):
            if self.entitlements[x.index] != x:
                raise ValueError("the entitlement is not one of these results")
            return self._native.explain_entitlement(x.index)
        if isinstance(x, Finding):
            if self.findings[x.index] != x:
                raise ValueError("the finding is not one of these results")
            return self._native.explain_finding(x.index)
        raise TypeError(f"explain takes an Entitlement or a Finding, not {type(x).__name__}")

    def to_json(self) -> str:
        """The results as `rulebook eval --format json` writes them (docs/results-schema.md)."""
        return self._native.to_json()

    def __repr__(self) -> str:
        return (f"<rulebook.Results {self.policy} {self.period.label}: {len(self.entitlements)} entitlements, "
                f"{len(self.findings)} findings>")


def evaluate(policy: Policy, county: County, period: str) -> Results:
    """Evaluates `policy` over `county` for `period`, written as the CLI's
    --period: "2019", "2019-07", "2019-Q3", "2019-H2", "2019-07-01" or
    "2019-07-01..2019-12-31". A bad period raises ValueError."""
    if not isinstance(policy, Policy) or not isinstance(county, County):
        raise TypeError("evaluate takes a rulebook.Policy and a rulebook.County")
    try:
        native = _native.evaluate(policy._native, county._native, period)
    except RuntimeError as e:
        raise EvaluationError(str(e)) from e
    return Results(native)
