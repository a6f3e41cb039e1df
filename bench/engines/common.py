"""Shared parts of the engine comparison: reading and writing, the as-of
constants, the decision procedure of the policy language (docs/language.md,
"How a decision is made"), the procedures' due dates and the timing.

What a rule *says* is evaluated by each engine; this module only combines
the engines' rule outcomes into a decision the same way for every engine,
so that the engines are compared on the rules themselves.
"""
import argparse
import calendar
import datetime as dt
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
POLICY_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "policies"))

# --- Parameters of chongqing/fengdu/2021 (amounts in yuan) ---------------
MONITORING_LINE = 6000
MIN_MONITORING_MONTHS = 6
LARGE_DEPOSIT = 50000
MIN_EMPLOYEES = 1
SHARP_DROP = 0.5
SINGLE_MEDICAL_LIMIT = 10000
YEARLY_MEDICAL_LIMIT = 30000
EXCLUDED_VEHICLES = ["luxury_car", "ship", "engineering_machinery", "large_farm_machinery"]

CATEGORIES = ["unstable", "marginal", "sudden_hardship"]
EXCLUSIONS = ["vehicle", "commercial_housing", "public_servant", "business", "deposits"]
# (name, kind) in the order of the eliminate block
ELIMINATION = [("min_months", "require"), ("income_below_line", "forbid"),
               ("rigid_expense", "forbid"), ("guarantees", "require"),
               ("no_labour", "forbid")]
# alert name -> (interval, event kinds or None for a `when` alert)
ALERTS = [
    ("monthly_visit", "every month", None),
    ("quarterly_review", "every quarter", None),
    ("online_report", "immediately", ["online_report"]),
    ("school_dropout", "immediately", ["school_dropout"]),
    ("social_assistance", "immediately", ["dibao_granted", "tekun_granted"]),
    ("unemployment", "every month", ["unemployment"]),
    ("housing", "immediately", ["housing_risk"]),
    ("water", "immediately", ["water_risk"]),
    ("industry", "immediately", ["industry_failure"]),
    ("medical_cost_health", "every month", None),
    ("disaster", "immediately", ["disaster"]),
    ("medical_cost", "every month", None),
    ("severe_disability", "immediately", ["severe_disability"]),
]
EVENT_ALERTS = [(name, kinds) for name, _, kinds in ALERTS if kinds]


def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def months_between(a, b):
    """Whole months from a to b: the largest n with a + n months <= b."""
    n = (b.year - a.year) * 12 + (b.month - a.month)
    while n > 0 and add_months(a, n) > b:
        n -= 1
    while add_months(a, n + 1) <= b:
        n += 1
    return n


class AsOf:
    """Constants that depend only on the as-of date, computed once a run."""

    def __init__(self, text):
        self.text = text
        self.date = dt.date.fromisoformat(text)
        d = self.date
        self.year_start = dt.date(d.year, 1, 1).isoformat()
        self.month_end = dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1]).isoformat()
        qm = (d.month - 1) // 3 * 3 + 3
        self.quarter_end = dt.date(d.year, qm, calendar.monthrange(d.year, qm)[1]).isoformat()
        # months_between(a, today) >= 6  <=>  a + 6 months <= today  <=>  a <= cutoff
        # (a + n months is non-decreasing in a); the cutoff is the latest such a.
        c = d
        while add_months(c, MIN_MONITORING_MONTHS) > d:
            c -= dt.timedelta(days=1)
        self.min_months_cutoff = c.isoformat()
        self.due = {"immediately": text, "every month": self.month_end,
                    "every quarter": self.quarter_end}
        self.alert_due = {name: self.due[interval] for name, interval, _ in ALERTS}
        cal = WorkingDays()
        five = cal.add(d, 5).isoformat()
        self.procedures = {
            "include": [["application", text], ["visit", text], ["village_review", five],
                        ["township_review", five], ["county_approval", five]],
            "eliminate": [["nomination", text], ["visit", text], ["village_review", five],
                          ["township_review", five], ["county_approval", five]],
        }


class WorkingDays:
    """Working days by the calendar files policies/calendar/cn/*.policy."""

    def __init__(self):
        self.holidays, self.workdays = set(), set()
        folder = os.path.join(POLICY_ROOT, "calendar", "cn")
        date_re = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?")
        for name in sorted(os.listdir(folder)):
            for line in open(os.path.join(folder, name), encoding="utf-8"):
                kind = line.split(" ", 1)[0]
                if kind not in ("holiday", "workday"):
                    continue
                target = self.holidays if kind == "holiday" else self.workdays
                for a, b in date_re.findall(line):
                    a = dt.date.fromisoformat(a)
                    b = dt.date.fromisoformat(b) if b else a
                    while a <= b:
                        target.add(a)
                        a += dt.timedelta(days=1)

    def is_working(self, d):
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def add(self, d, n):
        while n > 0:
            d += dt.timedelta(days=1)
            if self.is_working(d):
                n -= 1
        return d


def combine(asof, hid, monitored, monitored_category, cats, excl, exception, elim, alerts):
    """The policy language's decision procedure over rule outcomes.

    monitored, each value of cats / excl / elim, and exception are True,
    False or None (unknown). cats and excl are lists of values in the
    declaration order of CATEGORIES / EXCLUSIONS; elim in ELIMINATION order;
    alerts is the list of the names of the alerts that fire.
    """
    applied = [EXCLUSIONS[i] for i, v in enumerate(excl) if v is True]
    excl_unknown = any(v is None for v in excl)
    blocked, unknown_cond = [], []
    for (name, kind), v in zip(ELIMINATION, elim):
        if v is None:
            blocked.append(name)
            unknown_cond.append(name)
        elif (kind == "require") != v:
            blocked.append(name)
    category = matched = None
    exc = False
    if monitored is None:
        decision = "needs_data"
    elif monitored:
        if applied and exception is not True:
            decision = "needs_data" if exception is None else "remove"
        elif excl_unknown and exception is not True:
            decision = "needs_data"
        else:
            exc = bool(applied) and exception is True
            if len(blocked) > len(unknown_cond):
                decision = "continue"
            elif unknown_cond:
                decision = "needs_data"
            else:
                decision = "eliminate"
            category = monitored_category
    else:
        open_ = False
        for name, v in zip(CATEGORIES, cats):
            if v is True:
                matched = name
                break
            if v is None:
                open_ = True
                break
        if open_:
            decision = "needs_data"
        elif matched is None:
            decision = "not_eligible"
        elif applied:
            if exception is True:
                decision, category, exc = "include", matched, True
            elif exception is None:
                decision = "needs_data"
            else:
                decision = "exclude"
        elif excl_unknown and exception is not True:
            decision = "needs_data"
        else:
            decision, category = "include", matched
    due = asof.alert_due
    return {
        "id": hid,
        "decision": decision,
        "category": category,
        "matched_category": matched,
        "exclusions": applied,
        "exception": exc,
        "blocked_by": blocked,
        "alerts": [[a, due[a]] for a in alerts],
        "procedure": asof.procedures.get(decision, []),
    }


# --- Running and timing ---------------------------------------------------

def arguments(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--records", required=True, help="household records, JSON Lines")
    p.add_argument("--output", required=True, help="decisions, JSON Lines")
    p.add_argument("--as-of", default="2021-09-30")
    p.add_argument("--results", help="append a JSON line of timings to this file")
    return p.parse_args()


def run(engine, setup, decide_all, description=""):
    """setup(asof) -> state (rules compiled: timed apart);
    decide_all(state, households) -> list of decisions (the evaluation)."""
    args = arguments(description)
    asof = AsOf(args.as_of)
    t0 = time.perf_counter()
    state = setup(asof)
    t1 = time.perf_counter()
    with open(args.records, "rb") as f:
        households = [json.loads(line) for line in f if line.strip()]
    t2 = time.perf_counter()
    decisions = decide_all(state, households)
    t3 = time.perf_counter()
    extra = {}
    if isinstance(decisions, tuple):  # (decisions, extra timings)
        decisions, extra = decisions
    with open(args.output, "w", encoding="utf-8") as out:
        dumps = json.dumps
        for d in decisions:
            out.write(dumps(d, ensure_ascii=False))
            out.write("\n")
    t4 = time.perf_counter()
    n = len(households)
    report = {
        "engine": engine, "n": n, "setup_s": round(t1 - t0, 3),
        "parse_s": round(t2 - t1, 3), "eval_s": round(t3 - t2, 3),
        "write_s": round(t4 - t3, 3), "end_to_end_s": round(t4 - t1, 3),
        "eval_per_s": round(n / (t3 - t2)), "end_to_end_per_s": round(n / (t4 - t1)),
    }
    report.update(extra)
    print(json.dumps(report), file=sys.stderr)
    if args.results:
        with open(args.results, "a") as f:
            f.write(json.dumps(report) + "\n")
    return report
