#!/usr/bin/env python3
"""Writes rulebook's bundled sample county: Qiyang County (祁阳县), 2019.

    python3 examples/qiyang/make_sample.py

writes, next to this script,

    county.yaml   the county as one hand-formatted YAML file
    csv/*.csv     the same county as CSV tables

both in the format of docs/data-format.md. The output is a pure function of
this file (a fixed-seed generator of our own, no clock, no environment), so a
second run reproduces every byte. Standard library only.

The county follows the Qiyang article (shared seed, 2020-01-07): the seven
teams of the villages it names, allowances paid as the Qiyang rules give
(living 100 yuan a day in the village; transport for at most 4 round trips a
month, 2 legs x distance x 1.5 yuan/km; communication 100 yuan a month), and a
set of *planted* policy failures, each documented here, in county.yaml's
comments and in README.md (P1 ... P13). The planted failures break the policy,
never the data format: the county loads cleanly. People are fictional.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEAR = 2019
SEED = 20200107  # the article's date


# ---- a deterministic generator (splitmix64), independent of Python's `random` ----

class Rng:
    """splitmix64: the same sequence on every Python version and platform."""

    def __init__(self, seed: int) -> None:
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def randint(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi]."""
        return lo + self.next() % (hi - lo + 1)

    def choice(self, seq):
        return seq[self.next() % len(seq)]

    def date_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=self.randint(0, (hi - lo).days))


rng = Rng(SEED)


# ---- money: Decimal only, written with at most 2 decimals ------------------------

FEN = Decimal("0.01")


def money(value) -> str:
    """Whole yuan without decimals (2200), otherwise exactly two (463.20)."""
    d = Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)
    if d == d.to_integral_value():
        return str(int(d))
    return format(d, "f")


def one_decimal(value) -> str:
    return format(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f")


# ---- the Qiyang rules the sample pays by (rules/qiyang-2019.yaml encodes them) ----

LIVING_PER_DAY = Decimal(100)      # 每个队员每天100元生活补贴
TRIPS_CAP = 4                      # 每月往返报销四次交通费
LEGS_PER_ROUND_TRIP = 2
TRANSPORT_PER_KM = Decimal("1.5")  # 按1.5元/公里标准进行补助
COMMUNICATION = Decimal(100)       # 通信补贴100元每人每月


def living_due(days: int) -> Decimal:
    return LIVING_PER_DAY * days


def transport_due(trips: int, distance_km: Decimal, paid_trips: int | None = None) -> Decimal:
    n = min(trips if paid_trips is None else paid_trips, TRIPS_CAP)
    return (n * LEGS_PER_ROUND_TRIP * distance_km * TRANSPORT_PER_KM).quantize(
        FEN, rounding=ROUND_HALF_UP)


# ---- sponsor units (后盾/派出单位) -----------------------------------------------

UNITS = [
    ("U01", "县财政局", "county_department"),
    ("U02", "县教育局", "county_department"),
    ("U03", "县委党校", "institution"),
    ("U04", "团县委", "county_department"),
    ("U05", "县农业农村局", "county_department"),
    ("U06", "县人社局", "county_department"),
    ("U07", "县卫生健康局", "county_department"),
    ("U08", "白水镇", "township"),
    ("U09", "祁阳县供电公司", "enterprise"),  # P7: sponsors T02, dispatches nobody, never visits
]

# Accident insurance each unit buys for the members it dispatches.
UNIT_COVER = {
    "U01": ("300000", "中国人寿"), "U02": ("200000", "中国人保"), "U03": ("200000", "中国人寿"),
    "U04": ("300000", "平安保险"), "U05": ("200000", "中国人保"), "U06": ("200000", "中国人寿"),
    "U07": ("200000", "平安保险"), "U08": ("200000", "中国人保"),
}

# ---- teams (驻村工作队): the seven villages of the article ----------------------
# id, town, village, lead unit, other sponsor units, distance lead unit -> village (km)

TEAMS = [
    ("T01", "大忠桥镇", "日晖塘村", "U01", ["U07"], "38.6"),
    ("T02", "肖家镇", "青山村", "U02", ["U09"], "45.2"),
    ("T03", "八宝镇", "内下村", "U06", [], "78.5"),  # 百里之外, 3 hours away
    ("T04", "文富市镇", "双龙桥村", "U05", ["U08"], "32.4"),
    ("T05", "肖家镇", "黄石村", "U07", ["U01"], "47.9"),
    ("T06", "下马渡镇", "枫石铺村", "U04", ["U02"], "26.7"),
    ("T07", "大村甸镇", "石元村", "U03", ["U05"], "35.3"),
]
TEAM = {t[0]: t for t in TEAMS}
DISTANCE = {t[0]: Decimal(t[5]) for t in TEAMS}

KIT_ITEMS = ["computer", "printer", "desk_set", "water_heater", "kitchen_set", "bedding_set"]

# Work funds received in 2019: (team, date, amount, from unit or None for the county).
FUNDS = [
    ("T01", "2019-03-12", "10000", "U01"),
    ("T02", "2019-03-18", "10000", "U02"),
    ("T03", "2019-04-02", "10000", None),
    ("T04", "2019-03-20", "6000", "U05"),
    ("T04", "2019-07-05", "4000", "U08"),
    ("T05", "2019-03-15", "10000", "U07"),
    ("T06", "2019-03-26", "10000", "U04"),
    ("T07", "2019-05-10", "6000", "U03"),  # P12: 4000 short of 一个工作队1万元工作经费
]

# ---- members (工作队员): fictional names --------------------------------------
# id, name, role, dispatching unit, team, service start
M = [
    ("M001", "唐志刚", "first_secretary", "U01", "T01", "2017-09-01"),
    ("M002", "蒋丽华", "member", "U01", "T01", "2018-03-01"),
    ("M003", "周建平", "member", "U01", "T01", "2018-03-01"),
    ("M004", "李春燕", "member", "U01", "T01", "2018-03-01"),
    ("M005", "陈国栋", "member", "U07", "T01", "2018-03-01"),
    ("M006", "邓晓梅", "member", "U07", "T01", "2018-03-01"),  # moves to T05 on 2019-05-01
    ("M007", "彭立新", "leader", "U02", "T02", "2018-03-01"),
    ("M008", "王海燕", "member", "U02", "T02", "2018-03-01"),
    ("M009", "罗文斌", "member", "U02", "T02", "2018-03-01"),
    ("M010", "肖红霞", "member", "U02", "T02", "2018-03-01"),
    ("M011", "谢卫东", "member", "U02", "T02", "2018-09-10"),
    ("M012", "胡德明", "first_secretary", "U06", "T03", "2017-09-01"),
    ("M013", "何玉兰", "member", "U06", "T03", "2018-03-01"),
    ("M014", "曾庆华", "member", "U06", "T03", "2018-03-01"),
    ("M015", "黄小军", "member", "U06", "T03", "2018-03-01"),
    ("M016", "伍建国", "member", "U06", "T03", "2018-03-01"),
    ("M017", "赵丽娟", "leader", "U05", "T04", "2018-03-01"),
    ("M018", "欧阳明", "member", "U05", "T04", "2018-03-01"),
    ("M019", "雷春生", "member", "U05", "T04", "2018-03-01"),
    ("M020", "文静怡", "member", "U08", "T04", "2018-03-01"),
    ("M021", "杨志勇", "member", "U08", "T04", "2018-06-18"),
    ("M022", "朱秋菊", "first_secretary", "U07", "T05", "2017-09-01"),
    ("M023", "段海波", "member", "U07", "T05", "2018-03-01"),
    ("M024", "龙慧敏", "member", "U07", "T05", "2018-03-01"),
    ("M025", "唐国庆", "member", "U01", "T05", "2018-03-01"),
    ("M026", "邹美玲", "member", "U01", "T05", "2018-03-01"),
    ("M027", "廖振华", "leader", "U04", "T06", "2018-03-01"),
    ("M028", "石建军", "member", "U04", "T06", "2018-03-01"),
    ("M029", "易晓兰", "member", "U04", "T06", "2018-03-01"),
    ("M030", "毛建新", "member", "U02", "T06", "2018-03-01"),
    ("M031", "郑秀英", "member", "U02", "T06", "2017-09-01"),  # leaves on 2019-09-30
    ("M032", "许立峰", "leader", "U03", "T07", "2018-03-01"),
    ("M033", "申卫平", "member", "U03", "T07", "2018-03-01"),
    ("M034", "蔡小燕", "member", "U03", "T07", "2018-03-01"),
    ("M035", "吕志华", "member", "U05", "T07", "2018-03-01"),
    ("M036", "尹红梅", "member", "U05", "T07", "2018-03-01"),
    ("M037", "贺俊杰", "member", "U02", "T02", "2019-07-16"),  # joins on 2019-07-16
]

# Service intervals: (team or None for the member's team, from, to or None).
SERVICE = {mid: [(None, start, None)] for mid, _, _, _, _, start in M}
SERVICE["M006"] = [(None, "2018-03-01", "2019-04-30"), ("T05", "2019-05-01", None)]
SERVICE["M031"] = [(None, "2017-09-01", "2019-09-30")]

# 2019 assessments: proposed excellent for 10 of 37 members (quota 20 % = 7.4),
# with a three-way tie at 91.5 on ranks 7-9, across the quota boundary (P13).
EXCELLENT = {
    "M012": "96.5", "M007": "95.2", "M027": "94.8", "M001": "93.6", "M032": "93.0",
    "M017": "92.4", "M003": "91.5", "M022": "91.5", "M034": "91.5", "M020": "90.8",
}
BASICALLY_COMPETENT = {"M011": "74.5"}

# Planted failures, each exactly once (README.md lists them with their figures).
UNDER_INSURED = "M009"            # P1: cover 150000 < 200000
LAPSED = "M018"                   # P2: no cover 2019-07-01 .. 2019-07-31
CHEAP_CHECK = "M028"              # P3: health check of 380 yuan < 500
NO_CHECK_2019 = "M033"            # P4: last health check 2018-05-16
NO_WATER_HEATER = "T05"           # P5: kit lacks water_heater
PRINTER_REMOVED = ("T01", "2019-06-30")  # P6: printer on hand until 2019-06-30
SILENT_SPONSOR = "U09"            # P7: never makes a sponsor_unit visit
MISSED_UNIT_HEAD = ("U08", "T04", 3)     # P8: no unit_head visit U08 -> T04 in 2019-Q3
FORUM_ABSENT = ("M035", "2019-06-20")    # P9: missed the first-half members' forum
LIVING_AT_80 = {"M014", "M015"}   # P10: U06 pays them living at 80 yuan/day
TRANSPORT_SHORT = ("M010", "2019-08", 3)  # P11: 5 trips made, transport paid for 3
# P12 (funds) is in FUNDS above; P13 (excellent quota) in EXCELLENT.


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def served_days(mid: str, year: int, month: int) -> tuple[int, str | None]:
    """Days `mid` served in the month, and the team served (one team per month here)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    member_team = MEMBER[mid][4]
    days, teams = 0, set()
    for team, frm, to in SERVICE[mid]:
        lo = max(first, d(frm))
        hi = min(last, d(to)) if to else last
        if lo <= hi:
            days += (hi - lo).days + 1
            teams.add(team or member_team)
    assert len(teams) <= 1, (mid, month)
    return days, (teams.pop() if teams else None)


def serving_on(mid: str, day: dt.date) -> str | None:
    """The team `mid` serves in on `day`, or None."""
    for team, frm, to in SERVICE[mid]:
        if d(frm) <= day and (to is None or day <= d(to)):
            return team or MEMBER[mid][4]
    return None


MEMBER = {m[0]: m for m in M}


# ---- build the county as plain records -------------------------------------------

def build():
    c = {"units": UNITS}

    # teams and their kit
    teams = []
    for tid, town, village, lead, sponsors, dist in TEAMS:
        base = d("2018-03-05") + dt.timedelta(days=rng.randint(0, 20))
        kit = []
        for i, item in enumerate(KIT_ITEMS):
            if tid == NO_WATER_HEATER and item == "water_heater":
                continue
            since = base + dt.timedelta(days=0 if i < 3 else rng.randint(5, 120))
            until = None
            if (tid, item) == (PRINTER_REMOVED[0], "printer"):
                until = PRINTER_REMOVED[1]
            kit.append((item, since.isoformat(), until))
        funds = [(dd, amt, frm) for t, dd, amt, frm in FUNDS if t == tid]
        teams.append(dict(id=tid, village=village, town=town, lead_unit=lead,
                          sponsor_units=sponsors, distance_km=dist, kit=kit, funds=funds))
    c["teams"] = teams

    # members
    members = []
    for mid, name, role, unit, team, _ in M:
        cover, insurer = UNIT_COVER[unit]
        if mid == UNDER_INSURED:
            insurance = [("150000", "2019-01-01", "2019-12-31", insurer)]
        elif mid == LAPSED:
            insurance = [(cover, "2019-01-01", "2019-06-30", insurer),
                         (cover, "2019-08-01", "2019-12-31", insurer)]
        elif mid == "M037":
            insurance = [(cover, "2019-07-16", "2020-07-15", insurer)]
        else:
            insurance = [(cover, "2019-01-01", "2019-12-31", insurer)]

        if mid == NO_CHECK_2019:
            checks = [("2018-05-16", "600")]
        else:
            if mid == "M037":
                on = rng.date_between(d("2019-10-08"), d("2019-11-29"))
            else:  # before M031 leaves on 2019-09-30
                on = rng.date_between(d("2019-04-01"), d("2019-09-20"))
            cost = rng.choice(["500", "520", "550", "580", "600", "620", "650", "680",
                               "700", "750", "800"])
            if mid == CHEAP_CHECK:
                cost = "380"
            checks = [(on.isoformat(), cost)]

        if mid in EXCELLENT:
            assessment = (EXCELLENT[mid], "excellent")
        elif mid in BASICALLY_COMPETENT:
            assessment = (BASICALLY_COMPETENT[mid], "basically_competent")
        else:
            assessment = (one_decimal(Decimal(rng.randint(800, 899)) / 10), "competent")

        members.append(dict(id=mid, name=name, role=role, unit=unit, team=team,
                            service=SERVICE[mid], insurance=insurance, checks=checks,
                            assessment=assessment))
    c["members"] = members

    # month records
    months = []
    for mid, *_ in M:
        for month in range(1, 13):
            served, team = served_days(mid, YEAR, month)
            if not served:
                continue
            mdays = calendar.monthrange(YEAR, month)[1]
            away = rng.choice([0, 0, 0, 1, 1, 2, 3])
            days = rng.randint(18, min(26, mdays - away, served))
            trips = rng.choice([2, 3, 3, 4, 4, 4, 4, 5, 6])
            ym = f"{YEAR}-{month:02d}"
            # hand-set months that README.md works out
            if (mid, ym) == ("M006", "2019-04"):
                days, trips, away = 22, 5, 1
            if (mid, ym) == ("M006", "2019-05"):
                days, trips, away = 24, 3, 0
            if (mid, ym) == ("M037", "2019-07"):
                days, trips, away = 12, 2, 1
            if (mid, ym) == ("M024", "2019-03"):  # in hospital (condolence 2019-03-28)
                days, trips, away = 9, 2, 0
            if (mid, ym) == TRANSPORT_SHORT[:2]:
                trips = 5
            assert days <= served and days <= mdays and days + away <= mdays, (mid, ym)

            rate = Decimal(80) if mid in LIVING_AT_80 else LIVING_PER_DAY
            paid_trips = TRANSPORT_SHORT[2] if (mid, ym) == TRANSPORT_SHORT[:2] else None
            paid = dict(living=money(rate * days),
                        transport=money(transport_due(trips, DISTANCE[team], paid_trips)),
                        communication=money(COMMUNICATION))
            note = None
            if mid in LIVING_AT_80:
                note = "P10: living paid at 80/day"
            if (mid, ym) == TRANSPORT_SHORT[:2]:
                note = "P11: transport paid for 3 of 4 payable trips"
            months.append(dict(member=mid, month=ym, days=days, trips=trips, away=away,
                               paid=paid, team=team, note=note))
    c["months"] = months

    # visits: by quarter, unit heads of each (dispatching unit, team) pair and the
    # town's leaders; dates in the quarter's 2nd-3rd month so that everyone serving
    # then (M006 in T05 from May, M037 from 2019-07-16, M031 until 09-30) is covered.
    windows = {1: ("2019-02-11", "2019-03-29"), 2: ("2019-05-06", "2019-06-28"),
               3: ("2019-08-01", "2019-09-27"), 4: ("2019-10-21", "2019-12-27")}
    visits = []
    for q in range(1, 5):
        lo, hi = d(windows[q][0]), d(windows[q][1])
        qv = []
        for tid, *_ in TEAMS:
            qv.append((rng.date_between(lo, hi), "town_leader", None, tid, None))
            pairs = sorted({m["unit"] for m in members
                            if any(serving_on(m["id"], lo + dt.timedelta(days=k)) == tid
                                   for k in range(0, (hi - lo).days + 1))})
            for unit in pairs:
                on = rng.date_between(lo, hi)
                if (unit, tid, q) == MISSED_UNIT_HEAD:
                    continue
                qv.append((on, "unit_head", unit, tid, None))
        qv.sort(key=lambda v: (v[0], v[3], v[1], v[2] or ""))
        visits.append((f"2019-Q{q}", qv))
    # sponsor units: once a year, around 中秋 (2019-09-13), every unit of every team
    sv = []
    for tid, _, _, lead, sponsors, _ in TEAMS:
        for unit in [lead] + sponsors:
            on = rng.date_between(d("2019-08-26"), d("2019-09-27"))
            if unit == SILENT_SPONSOR:
                continue
            sv.append((on, "sponsor_unit", unit, tid, None))
    sv.sort(key=lambda v: (v[0], v[3], v[2]))
    visits.append(("sponsor units", sv))
    c["visits"] = visits

    # meetings: team leaders each quarter; all members each half year
    leaders = [m["id"] for m in members if m["role"] != "member"]
    meetings = []
    for on in ["2019-03-15", "2019-06-14", "2019-09-12", "2019-12-13"]:
        meetings.append((on, "leaders", [x for x in leaders if serving_on(x, d(on))], None))
    for on in ["2019-06-20", "2019-09-26"]:
        everyone = [m["id"] for m in members if serving_on(m["id"], d(on))]
        note = None
        if on == FORUM_ABSENT[1]:
            everyone.remove(FORUM_ABSENT[0])
            note = f"P9: {FORUM_ABSENT[0]} serving but absent"
        meetings.append((on, "members", everyone, note))
    meetings.sort(key=lambda x: (x[0], x[1]))
    c["meetings"] = meetings

    c["condolences"] = [
        ("2019-03-28", "M024", "serious_illness", "2000", "U07"),
        ("2019-10-17", "M012", "family_hardship", "3000", None),  # 国家扶贫日, county fund
    ]
    return c


# ---- YAML (hand-formatted) ---------------------------------------------------------

PLAIN = re.compile(r"^[^\s:#,\[\]{}&*!|>'\"%@`?-][^:#,\[\]{}]*$")


def s(text: str) -> str:
    """A scalar written plain; the data here never needs quoting (checked)."""
    assert PLAIN.match(text) and text == text.strip(), text
    return text


def flow(pairs) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs if v is not None) + "}"


def write_yaml(c) -> str:
    out = []
    w = out.append
    w("# Qiyang County (祁阳县, 湖南省), 2019: rulebook's bundled sample county.")
    w("# Generated by examples/qiyang/make_sample.py; edit that script, not this file.")
    w("# Format: docs/data-format.md. The same data as csv/*.csv. People are fictional.")
    w("# PLANTED marks a policy failure put here on purpose (P1..P13, README.md);")
    w("# the file itself is valid and loads cleanly.")
    w("")
    w("county:")
    w("  id: qiyang")
    w("  name: 祁阳县")
    w("  province: 湖南省")
    w("")
    w("units:                              # 后盾/派出单位")
    for uid, name, kind in c["units"]:
        note = ("   # PLANTED P7: sponsors T02, never makes a sponsor_unit visit"
                if uid == SILENT_SPONSOR else "")
        w(f"  - {{id: {uid}, name: {s(name)}, kind: {kind}}}{note}")
    w("")
    w("teams:                              # 驻村工作队; distance_km: lead unit -> village")
    for t in c["teams"]:
        w(f"  - id: {t['id']}")
        w(f"    village: {s(t['village'])}")
        w(f"    town: {s(t['town'])}")
        w(f"    lead_unit: {t['lead_unit']}")
        if t["sponsor_units"]:
            w(f"    sponsor_units: [{', '.join(t['sponsor_units'])}]")
        far = "   # 百里之外, 3 hours away" if t["id"] == "T03" else ""
        w(f"    distance_km: {t['distance_km']}{far}")
        w("    kit:")
        if t["id"] == NO_WATER_HEATER:
            w("      # PLANTED P5: no water_heater (六个一 lacks 一台热水器)")
        for item, since, until in t["kit"]:
            note = ("   # PLANTED P6: printer removed after 2019-06-30"
                    if until else "")
            w(f"      - {flow([('item', item), ('since', since), ('until', until)])}{note}")
        w("    funds_received:")
        for on, amt, frm in t["funds"]:
            note = "   # PLANTED P12: 6000 of 10000" if t["id"] == "T07" else ""
            w(f"      - {flow([('date', on), ('amount', amt), ('from', frm)])}{note}")
    w("")
    w("members:                            # 工作队员")
    for m in c["members"]:
        w(f"  - id: {m['id']}")
        w(f"    name: {s(m['name'])}")
        w(f"    role: {m['role']}")
        w(f"    unit: {m['unit']}")
        w(f"    team: {m['team']}")
        w("    service:")
        for team, frm, to in m["service"]:
            note = ""
            if m["id"] == "M006" and team:
                note = "   # moves from T01 to T05"
            if m["id"] == "M031":
                note = "   # leaves on 2019-09-30"
            if m["id"] == "M037":
                note = "   # joins on 2019-07-16"
            w(f"      - {flow([('from', frm), ('to', to), ('team', team)])}{note}")
        w("    insurance:")
        for i, (cover, frm, to, insurer) in enumerate(m["insurance"]):
            note = ""
            if m["id"] == UNDER_INSURED:
                note = "   # PLANTED P1: cover 150000 < 200000"
            if m["id"] == LAPSED and i == 1:
                note = "   # PLANTED P2: no cover 2019-07-01..2019-07-31"
            w(f"      - {flow([('cover', cover), ('from', frm), ('to', to), ('insurer', insurer)])}"
              f"{note}")
        w("    health_checks:")
        for on, cost in m["checks"]:
            note = ""
            if m["id"] == CHEAP_CHECK:
                note = "   # PLANTED P3: 380 < 500"
            if m["id"] == NO_CHECK_2019:
                note = "   # PLANTED P4: none in 2019"
            w(f"      - {flow([('date', on), ('cost', cost)])}{note}")
        score, grade = m["assessment"]
        note = "   # P13: tie at 91.5 on ranks 7-9" if score == "91.5" else ""
        w("    assessments:")
        w(f"      - {flow([('year', str(YEAR)), ('score', score), ('grade', grade)])}{note}")
    w("")
    w("months:                             # 月度记录; paid: what the units actually paid")
    last = None
    for r in c["months"]:
        if r["member"] != last:
            m = MEMBER[r["member"]]
            w(f"  # {r['member']} {m[1]}, {m[3]}, {distance_note(r['member'])}")
            last = r["member"]
        rec = flow([("member", r["member"]), ("month", r["month"]),
                    ("days_in_village", str(r["days"])), ("round_trips", str(r["trips"])),
                    ("days_away_on_duty", str(r["away"])),
                    ("paid", flow(r["paid"].items()))])
        note = f"   # PLANTED {r['note']}" if r["note"] else ""
        w(f"  - {rec}{note}")
    w("")
    w("visits:                             # 走访慰问")
    for heading, vs in c["visits"]:
        w(f"  # {heading}")
        if heading == "2019-Q3":
            u, t, _ = MISSED_UNIT_HEAD
            w(f"  # PLANTED P8: no unit_head visit by {u} to {t} this quarter")
        if heading == "sponsor units":
            w(f"  # PLANTED P7: none by {SILENT_SPONSOR} (sponsor of T02)")
        for on, visitor, unit, team, _ in vs:
            w(f"  - {flow([('date', on.isoformat()), ('visitor', visitor), ('unit', unit), ('team', team)])}")
    w("")
    w("meetings:                           # leaders: each quarter; members: each half year")
    for on, kind, attendees, note in c["meetings"]:
        note = f"   # PLANTED {note}" if note else ""
        w(f"  - {flow([('date', on), ('kind', kind), ('attendees', '[' + ', '.join(attendees) + ']')])}"
          f"{note}")
    w("")
    w("condolences:                        # 慰问金; no paid_by: the county's fund")
    for on, mid, reason, amount, by in c["condolences"]:
        w(f"  - {flow([('date', on), ('member', mid), ('reason', reason), ('amount', amount), ('paid_by', by)])}")
    return "\n".join(out) + "\n"


def distance_note(mid: str) -> str:
    teams = []
    for team, *_ in SERVICE[mid]:
        t = team or MEMBER[mid][4]
        teams.append(f"{t} {DISTANCE[t]} km")
    return " then ".join(teams)


# ---- CSV ------------------------------------------------------------------------------

def write_csv(c, folder: Path) -> None:
    tables = {}
    tables["county.csv"] = (["id", "name", "province"], [["qiyang", "祁阳县", "湖南省"]])
    tables["units.csv"] = (["id", "name", "kind"], [list(u) for u in c["units"]])
    tables["teams.csv"] = (
        ["id", "village", "town", "lead_unit", "sponsor_units", "distance_km"],
        [[t["id"], t["village"], t["town"], t["lead_unit"], ";".join(t["sponsor_units"]),
          t["distance_km"]] for t in c["teams"]])
    tables["kit.csv"] = (["team", "item", "since", "until"],
                         [[t["id"], item, since, until or ""]
                          for t in c["teams"] for item, since, until in t["kit"]])
    tables["funds.csv"] = (["team", "date", "amount", "from"],
                           [[t["id"], on, amt, frm or ""]
                            for t in c["teams"] for on, amt, frm in t["funds"]])
    ms = c["members"]
    tables["members.csv"] = (["id", "name", "role", "unit", "team"],
                             [[m["id"], m["name"], m["role"], m["unit"], m["team"]] for m in ms])
    tables["service.csv"] = (["member", "team", "from", "to"],
                             [[m["id"], team or "", frm, to or ""]
                              for m in ms for team, frm, to in m["service"]])
    tables["insurance.csv"] = (["member", "cover", "from", "to", "insurer"],
                               [[m["id"], *p] for m in ms for p in m["insurance"]])
    tables["health_checks.csv"] = (["member", "date", "cost"],
                                   [[m["id"], on, cost] for m in ms for on, cost in m["checks"]])
    tables["assessments.csv"] = (["member", "year", "score", "grade"],
                                 [[m["id"], str(YEAR), *m["assessment"]] for m in ms])
    tables["months.csv"] = (
        ["member", "month", "days_in_village", "round_trips", "days_away_on_duty",
         "paid_living", "paid_transport", "paid_communication"],
        [[r["member"], r["month"], r["days"], r["trips"], r["away"], r["paid"]["living"],
          r["paid"]["transport"], r["paid"]["communication"]] for r in c["months"]])
    tables["visits.csv"] = (["date", "visitor", "unit", "team"],
                            [[on.isoformat(), visitor, unit or "", team]
                             for _, vs in c["visits"] for on, visitor, unit, team, _ in vs])
    tables["meetings.csv"] = (["date", "kind", "attendees"],
                              [[on, kind, ";".join(att)] for on, kind, att, _ in c["meetings"]])
    tables["condolences.csv"] = (["date", "member", "reason", "amount", "paid_by"],
                                 [[on, mid, reason, amount, by or ""]
                                  for on, mid, reason, amount, by in c["condolences"]])

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        if old.name not in tables:
            old.unlink()
    for name, (header, rows) in tables.items():
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            wr = csv.writer(f, lineterminator="\n")
            wr.writerow(header)
            wr.writerows([[str(x) for x in row] for row in rows])


def main() -> int:
    c = build()
    (HERE / "county.yaml").write_text(write_yaml(c), encoding="utf-8", newline="\n")
    write_csv(c, HERE / "csv")
    print(f"wrote {HERE / 'county.yaml'} and {HERE / 'csv'}/ "
          f"({len(c['members'])} members, {len(c['months'])} month records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
