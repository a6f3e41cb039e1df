"""chongqing/fengdu/2021 in CEL (Common Expression Language), evaluated by
cel-python (celpy). Each household is bound as the CEL value `h` (JSON ->
CEL types). Derived values are CEL expressions evaluated in stages (a map of
values per stage, later stages read the earlier ones); every category,
exclusion, the exception, the elimination conditions, the monitored rule
and the alert conditions are CEL expressions. Amounts are converted to
integer fen inside CEL, so the arithmetic is exact.

An unknown value (a field the record leaves out) is a CEL evaluation error:
CEL's && and || absorb errors the way three-valued logic absorbs unknowns
(false && error is false), and an error left at the end of a condition is
read as unknown. `otherwise false` is written with has().

Two things CEL does not have are given to it as constants or a function:
`sum(list)` is a custom function (CEL has no sum), and months_between(
identified_on, today) >= 6 is evaluated as identified_on <= cutoff, the
cutoff being computed once a run from the as-of date (see common.AsOf).
"""
import celpy
from celpy import celtypes

import common

FEN = "int(double({0}) * 100.0 + 0.5)"   # amounts are >= 0 in the schema's use here

STAGE1 = """{
  "total": %s + %s + %s + %s,
  "expense": %s,
  "rigid": has(h.income.rigid_expense) ? %s : 0,
  "n": size(h.members),
  "prev": has(h.income.previous_net_per_capita) ? %s : -1,
  "once_poor": h.category == "alleviated" || (h.category == "monitored" && has(h.monitored_type) && h.monitored_type == "unstable"),
  "monitored": h.category == "monitored" && !(has(h.monitoring) && has(h.monitoring.risk_eliminated) && h.monitoring.risk_eliminated),
  "medical": has(h.events) ? h.events.filter(e, e.kind == "medical_expense" && e.date <= today && e.date >= year_start) : []
}""" % (FEN.format("h.income.business"), FEN.format("h.income.wage"), FEN.format("h.income.property"),
        FEN.format("h.income.transfer"), FEN.format("h.income.business_expense"),
        FEN.format("h.income.rigid_expense"), FEN.format("h.income.previous_net_per_capita"))

# round(x / n, 2) half away from zero, in fen
PER_CAPITA = "({0} >= 0 ? (2 * {0} + v.n) / (2 * v.n) : -((-2 * ({0}) + v.n) / (2 * v.n)))"

STAGE2 = """{
  "net": %s,
  "net_after_rigid": %s,
  "medical_burden": v.medical.exists(e,
      (has(e.self_paid) && %s > single_limit) ||
      sum(v.medical.filter(f, !has(e.member) || !has(f.member) || f.member == e.member)
                  .map(f, has(f.self_paid) ? %s : 0)) > yearly_limit)
}""" % (PER_CAPITA.format("(v.total - v.expense)"), PER_CAPITA.format("(v.total - v.expense - v.rigid)"),
        FEN.format("e.self_paid"), FEN.format("f.self_paid"))

# Values of stage 3 are booleans that cannot be unknown (every one ends in `otherwise false`).
STAGE3 = """{
  "below_line": w.net < line,
  "rigid_hardship": v.rigid > 0 && w.net_after_rigid < line,
  "sudden_hardship": (v.rigid > 0 && w.net_after_rigid < line) || (v.prev >= 0 && 2 * w.net <= v.prev && w.net < line),
  "vehicle": has(h.assets) && has(h.assets.vehicles) && h.assets.vehicles.exists(x, x.kind in excluded_vehicles),
  "commercial_housing": has(h.assets) && has(h.assets.commercial_housing) && h.assets.commercial_housing > 0,
  "public_servant": h.members.exists(m, has(m.public_servant) && m.public_servant),
  "business": has(h.assets) && has(h.assets.business) && has(h.assets.business.owns) && h.assets.business.owns
              && has(h.assets.business.employees) && h.assets.business.employees >= min_employees
              && has(h.assets.business.tax_paying) && h.assets.business.tax_paying,
  "deposits": has(h.assets) && has(h.assets.deposits) && %s >= large_deposit,
  "exception": has(h.village_review) && has(h.village_review.exception_approved) && h.village_review.exception_approved,
  %s
}""" % (FEN.format("h.assets.deposits"),
        ",\n  ".join('"%s": has(h.events) && h.events.exists(e, e.kind in [%s] && e.date <= today)'
                     % (name, ", ".join('"%s"' % k for k in kinds)) for name, kinds in common.EVENT_ALERTS))

# Conditions that can be unknown: one program each, an error is unknown.
SINGLE = [
    ("unstable", "v.once_poor && x.below_line && size(h.risks) > 0"),
    ("marginal", "!v.once_poor && x.below_line && size(h.risks) > 0"),
    ("min_months", "h.monitoring.identified_on <= min_months_cutoff"),
    ("guarantees", "!h.guarantees.school_dropout && h.guarantees.medical_insured_all && h.guarantees.safe_water && !h.guarantees.dangerous_house"),
    ("no_labour", 'h.members.all(m, m.labour in ["lost", "none"])'),
]


def cel_sum(values):
    return celtypes.IntType(sum(values))


def setup(asof):
    env = celpy.Environment()
    functions = {"sum": cel_sum}

    def prog(src):
        return env.program(env.compile(src), functions=functions)

    constants = {
        "today": celtypes.StringType(asof.text),
        "year_start": celtypes.StringType(asof.year_start),
        "min_months_cutoff": celtypes.StringType(asof.min_months_cutoff),
        "line": celtypes.IntType(common.MONITORING_LINE * 100),
        "single_limit": celtypes.IntType(common.SINGLE_MEDICAL_LIMIT * 100),
        "yearly_limit": celtypes.IntType(common.YEARLY_MEDICAL_LIMIT * 100),
        "large_deposit": celtypes.IntType(common.LARGE_DEPOSIT * 100),
        "min_employees": celtypes.IntType(common.MIN_EMPLOYEES),
        "excluded_vehicles": celpy.json_to_cel(common.EXCLUDED_VEHICLES),
    }
    return (asof, constants, prog(STAGE1), prog(STAGE2), prog(STAGE3),
            [(name, prog(src)) for name, src in SINGLE])


def value(r):
    """CEL result -> True / False / None (an error is unknown)."""
    if isinstance(r, celpy.CELEvalError):
        return None
    return bool(r)


def decide(state, h):
    asof, constants, s1, s2, s3, singles = state
    act = dict(constants)
    act["h"] = celpy.json_to_cel(h)
    v = s1.evaluate(act)
    act["v"] = v
    w = s2.evaluate(act)
    act["w"] = w
    x = s3.evaluate(act)
    act["x"] = x
    r = {}
    for name, p in singles:
        try:
            r[name] = value(p.evaluate(act))
        except celpy.CELEvalError:
            r[name] = None
    monitored = bool(v["monitored"])
    mtype = h.get("monitored_type") if monitored else None
    cats = [r["unstable"], r["marginal"], bool(x["sudden_hardship"])]
    excl = [bool(x[name]) for name in common.EXCLUSIONS]
    elim = [r["min_months"], bool(x["below_line"]), bool(x["rigid_hardship"]),
            r["guarantees"], r["no_labour"]]
    alerts = ["monthly_visit", "quarterly_review"] if monitored else []
    alerts += [name for name, _ in common.EVENT_ALERTS if x[name]]
    if w["medical_burden"]:
        alerts += ["medical_cost_health", "medical_cost"]
    return common.combine(asof, h["id"], monitored, mtype, cats, excl,
                          bool(x["exception"]), elim, alerts)


def decide_all(state, households):
    return [decide(state, h) for h in households]


if __name__ == "__main__":
    common.run("cel-python", setup, decide_all, __doc__)
