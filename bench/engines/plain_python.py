"""Baseline without an engine: the policy chongqing/fengdu/2021 written as
one hand-written Python function. Amounts are integer fen (cents), so the
arithmetic is exact like the policy language's; unknown values are None and
follow three-valued logic where the policy can meet them."""
import datetime as dt

import common
from common import MONITORING_LINE, LARGE_DEPOSIT, MIN_EMPLOYEES, EXCLUDED_VEHICLES

LINE = MONITORING_LINE * 100
SINGLE = common.SINGLE_MEDICAL_LIMIT * 100
YEARLY = common.YEARLY_MEDICAL_LIMIT * 100
DEPOSIT = LARGE_DEPOSIT * 100


def fen(x):
    return None if x is None else int(round(x * 100))


def per_capita(total_fen, n):
    """round(total / n, 2), half away from zero, in fen."""
    q = (2 * abs(total_fen) + n) // (2 * n)
    return q if total_fen >= 0 else -q


def and3(*vals):
    if any(v is False for v in vals):
        return False
    return None if any(v is None for v in vals) else True


def setup(asof):
    return asof


def decide(asof, h):
    today = asof.text
    inc = h["income"]
    members = h["members"]
    n = len(members)
    total = fen(inc["business"]) + fen(inc["wage"]) + fen(inc["property"]) + fen(inc["transfer"])
    expense = fen(inc["business_expense"])
    rigid = fen(inc.get("rigid_expense"))
    if rigid is None:
        rigid = 0
    net = per_capita(total - expense, n)
    net_after_rigid = per_capita(total - expense - rigid, n)
    risks = h.get("risks")
    has_risk = None if risks is None else len(risks) > 0
    cat = h["category"]
    mtype = h.get("monitored_type")
    once_poor = cat == "alleviated" or (cat == "monitored" and mtype == "unstable")
    below_line = net < LINE
    prev = fen(inc.get("previous_net_per_capita"))
    sharply_down = prev is not None and 2 * net <= prev
    rigid_hardship = rigid > 0 and net_after_rigid < LINE

    # medical_burden
    medical = [e for e in h.get("events") or ()
               if e["kind"] == "medical_expense" and asof.year_start <= e["date"] <= today]
    medical_burden = False
    for e in medical:
        sp = e.get("self_paid")
        if sp is not None and fen(sp) > SINGLE:
            medical_burden = True
            break
        m = e.get("member")
        s = sum(fen(f.get("self_paid")) or 0 for f in medical
                if m is None or f.get("member") is None or f.get("member") == m)
        if s > YEARLY:
            medical_burden = True
            break

    monitoring = h.get("monitoring") or {}
    monitored = cat == "monitored" and not (monitoring.get("risk_eliminated") is True)

    cats = [
        and3(once_poor, below_line, has_risk),
        and3(not once_poor, below_line, has_risk),
        rigid_hardship or (sharply_down and below_line),
    ]

    assets = h.get("assets") or {}
    vehicles = assets.get("vehicles") or ()
    business = assets.get("business") or {}
    deposits = assets.get("deposits")
    housing = assets.get("commercial_housing")
    employees = business.get("employees")
    excl = [
        any(v["kind"] in EXCLUDED_VEHICLES for v in vehicles),
        housing is not None and housing > 0,
        any(m.get("public_servant") is True for m in members),
        business.get("owns") is True and employees is not None and employees >= MIN_EMPLOYEES
        and business.get("tax_paying") is True,
        deposits is not None and fen(deposits) >= DEPOSIT,
    ]
    exception = (h.get("village_review") or {}).get("exception_approved") is True

    ident = monitoring.get("identified_on")
    min_months = None if ident is None else common.months_between(
        dt.date.fromisoformat(ident), asof.date) >= common.MIN_MONITORING_MONTHS
    g = h.get("guarantees") or {}

    def neg(v):
        return None if v is None else not v

    guarantees = and3(neg(g.get("school_dropout")), g.get("medical_insured_all"),
                      g.get("safe_water"), neg(g.get("dangerous_house")))
    labours = [m.get("labour") for m in members]
    if any(l is not None and l not in ("lost", "none") for l in labours):
        no_labour = False
    else:
        no_labour = None if None in labours else True
    elim = [min_months, below_line, rigid_hardship, guarantees, no_labour]

    alerts = []
    if monitored:
        alerts += ["monthly_visit", "quarterly_review"]
    kinds = {e["kind"] for e in h.get("events") or () if e["date"] <= today}
    for name, ks in common.EVENT_ALERTS:
        if any(k in kinds for k in ks):
            alerts.append(name)
    if medical_burden:
        alerts += ["medical_cost_health", "medical_cost"]

    return common.combine(asof, h["id"], monitored, mtype if monitored else None,
                          cats, excl, exception, elim, alerts)


def decide_all(asof, households):
    return [decide(asof, h) for h in households]


if __name__ == "__main__":
    common.run("plain-python", setup, decide_all, __doc__)
