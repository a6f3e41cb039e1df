"""chongqing/fengdu/2021 in the expression language of the `rule-engine`
package. Each household (the parsed JSON object) is the "thing" rules are
evaluated against. Derived values are rule-engine expressions evaluated in
stages (a mapping per stage; the next stage reads the earlier ones from the
thing); every category, exclusion, the exception, the elimination
conditions, the monitored rule and the alert conditions are rule-engine
expressions. Numbers are Decimal in rule-engine, so amounts are exact.

A field the record leaves out resolves to null (Context(default_value=None)).
rule-engine's `and`/`or` treat null as false, so the conditions the policy
can find unknown (the categories when `risks` is missing, min_months,
guarantees, no_labour) spell three-valued logic out with `== null` tests.
months_between(identified_on, today) >= 6 is evaluated as identified_on <=
cutoff, the cutoff computed once a run from the as-of date (common.AsOf).
"""
import rule_engine

import common

PER_CAPITA = "(({0}) >= 0 ? (2 * ({0}) + n) // (2 * n) : -((-2 * ({0}) + n) // (2 * n)))"

STAGE1 = """{
  "total": (income.business + income.wage + income.property + income.transfer) * 100,
  "expense": income.business_expense * 100,
  "rigid": income.rigid_expense == null ? 0 : income.rigid_expense * 100,
  "n": members.length,
  "prev": income.previous_net_per_capita == null ? -1 : income.previous_net_per_capita * 100,
  "once_poor": category == "alleviated" or (category == "monitored" and monitored_type == "unstable"),
  "monitored": category == "monitored" and not (monitoring&.risk_eliminated == true),
  "medical": events == null ? [] : [e for e in events if e.kind == "medical_expense" and e.date <= today and e.date >= year_start]
}"""

STAGE2 = """{
  "net": %s,
  "net_after_rigid": %s,
  "medical_burden": $any([(e.self_paid != null and e.self_paid * 100 > single_limit) or
      $sum([f.self_paid == null ? 0 : f.self_paid * 100 for f in medical
            if e.member == null or f.member == null or f.member == e.member]) > yearly_limit
      for e in medical])
}""" % (PER_CAPITA.format("total - expense"), PER_CAPITA.format("total - expense - rigid"))

STAGE3 = """{
  "below_line": net < line,
  "rigid_hardship": rigid > 0 and net_after_rigid < line,
  "sudden_hardship": (rigid > 0 and net_after_rigid < line) or (prev >= 0 and 2 * net <= prev and net < line),
  "vehicle": assets&.vehicles != null and $any([v.kind in excluded_vehicles for v in assets.vehicles]),
  "commercial_housing": assets&.commercial_housing != null and assets.commercial_housing > 0,
  "public_servant": $any([m.public_servant == true for m in members]),
  "business": assets&.business&.owns == true and assets.business.employees != null
              and assets.business.employees >= min_employees and assets.business.tax_paying == true,
  "deposits": assets&.deposits != null and assets.deposits * 100 >= large_deposit,
  "exception": village_review&.exception_approved == true,
  "unstable": risks == null ? ((once_poor and net < line) ? null : false) : (once_poor and net < line and risks.length > 0),
  "marginal": risks == null ? ((not once_poor and net < line) ? null : false) : (not once_poor and net < line and risks.length > 0),
  "min_months": monitoring&.identified_on == null ? null : monitoring.identified_on <= min_months_cutoff,
  "guarantees": guarantees == null ? null :
      ((guarantees.school_dropout == true or guarantees.medical_insured_all == false
        or guarantees.safe_water == false or guarantees.dangerous_house == true) ? false :
       ((guarantees.school_dropout == null or guarantees.medical_insured_all == null
         or guarantees.safe_water == null or guarantees.dangerous_house == null) ? null : true)),
  "no_labour": $any([m.labour != null and m.labour not in ["lost", "none"] for m in members]) ? false :
      ($any([m.labour == null for m in members]) ? null : true),
  %s
}""" % ",\n  ".join('"%s": events != null and $any([e.kind in [%s] and e.date <= today for e in events])'
                    % (name, ", ".join('"%s"' % k for k in kinds)) for name, kinds in common.EVENT_ALERTS)


def setup(asof):
    ctx = rule_engine.Context(default_value=None)
    constants = {
        "today": asof.text, "year_start": asof.year_start,
        "min_months_cutoff": asof.min_months_cutoff,
        "line": common.MONITORING_LINE * 100,
        "single_limit": common.SINGLE_MEDICAL_LIMIT * 100,
        "yearly_limit": common.YEARLY_MEDICAL_LIMIT * 100,
        "large_deposit": common.LARGE_DEPOSIT * 100,
        "min_employees": common.MIN_EMPLOYEES,
        "excluded_vehicles": common.EXCLUDED_VEHICLES,
    }
    return (asof, constants, rule_engine.Rule(STAGE1, context=ctx),
            rule_engine.Rule(STAGE2, context=ctx), rule_engine.Rule(STAGE3, context=ctx))


def tri(v):
    return None if v is None else bool(v)


def decide(state, h):
    asof, constants, s1, s2, s3 = state
    thing = dict(h)
    thing.update(constants)
    thing.update(s1.evaluate(thing))
    thing.update(s2.evaluate(thing))
    x = s3.evaluate(thing)
    monitored = bool(thing["monitored"])
    mtype = h.get("monitored_type") if monitored else None
    cats = [tri(x["unstable"]), tri(x["marginal"]), bool(x["sudden_hardship"])]
    excl = [bool(x[name]) for name in common.EXCLUSIONS]
    elim = [tri(x["min_months"]), bool(x["below_line"]), bool(x["rigid_hardship"]),
            tri(x["guarantees"]), tri(x["no_labour"])]
    alerts = ["monthly_visit", "quarterly_review"] if monitored else []
    alerts += [name for name, _ in common.EVENT_ALERTS if x[name]]
    if thing["medical_burden"]:
        alerts += ["medical_cost_health", "medical_cost"]
    return common.combine(asof, h["id"], monitored, mtype, cats, excl,
                          bool(x["exception"]), elim, alerts)


def decide_all(state, households):
    return [decide(state, h) for h in households]


if __name__ == "__main__":
    common.run("rule-engine", setup, decide_all, __doc__)
