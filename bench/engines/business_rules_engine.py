"""chongqing/fengdu/2021 with the `business-rules` package. business-rules
evaluates rules written as data (JSON-like conditions: all/any of
variable-operator-constant) against "variables" that are Python methods, and
runs "actions" when a rule's conditions hold. It has no arithmetic, no
quantifiers over lists and cannot compare two variables, so:

- the derived values (net per-capita income in fen, below_line,
  income_sharply_down, whole_household_without_labour, medical_burden, the
  vehicle kinds, the event kinds seen up to the as-of date, ...) are Python
  variable methods;
- the categories, exclusions, the exception, the monitored rule, the
  elimination conditions and all alerts are business-rules rules over those
  variables, built at start-up with the as-of constants.
business-rules has no unknown value: the conditions the policy can find
unknown get a rule of their own (min_months when identified_on is missing;
the categories when risks is missing; guarantees and no_labour when a field
is missing), whose action marks the outcome unknown.
"""
import datetime as dt

from business_rules import run_all
from business_rules.actions import BaseActions, rule_action
from business_rules.fields import FIELD_TEXT
from business_rules.variables import (BaseVariables, boolean_rule_variable, numeric_rule_variable,
                                      select_multiple_rule_variable, string_rule_variable)

import common
import plain_python as pp

ASOF = [None]


class Household(BaseVariables):
    def __init__(self, h):
        self.h = h
        inc = h["income"]
        self.n = len(h["members"])
        total = pp.fen(inc["business"]) + pp.fen(inc["wage"]) + pp.fen(inc["property"]) + pp.fen(inc["transfer"])
        rigid = pp.fen(inc.get("rigid_expense")) or 0
        self._rigid = rigid
        self._net = pp.per_capita(total - pp.fen(inc["business_expense"]), self.n)
        self._net_after = pp.per_capita(total - pp.fen(inc["business_expense"]) - rigid, self.n)
        self.assets = h.get("assets") or {}
        self.guar = h.get("guarantees") or {}
        self.mon = h.get("monitoring") or {}

    @string_rule_variable
    def category(self):
        return self.h["category"]

    @string_rule_variable
    def monitored_type(self):
        return self.h.get("monitored_type") or ""

    @numeric_rule_variable
    def net_per_capita(self):
        return self._net

    @numeric_rule_variable
    def net_after_rigid_expense(self):
        return self._net_after

    @numeric_rule_variable
    def rigid_expense(self):
        return self._rigid

    @boolean_rule_variable
    def income_sharply_down(self):
        prev = pp.fen(self.h["income"].get("previous_net_per_capita"))
        return prev is not None and 2 * self._net <= prev

    @boolean_rule_variable
    def risks_known(self):
        return self.h.get("risks") is not None

    @numeric_rule_variable
    def risks_count(self):
        return len(self.h.get("risks") or ())

    @select_multiple_rule_variable()
    def vehicle_kinds(self):
        return [v["kind"] for v in self.assets.get("vehicles") or ()]

    @numeric_rule_variable
    def commercial_housing(self):
        return self.assets.get("commercial_housing") or 0

    @boolean_rule_variable
    def any_public_servant(self):
        return any(m.get("public_servant") is True for m in self.h["members"])

    @boolean_rule_variable
    def business_owns(self):
        return (self.assets.get("business") or {}).get("owns") is True

    @numeric_rule_variable
    def business_employees(self):
        e = (self.assets.get("business") or {}).get("employees")
        return -1 if e is None else e

    @boolean_rule_variable
    def business_tax_paying(self):
        return (self.assets.get("business") or {}).get("tax_paying") is True

    @numeric_rule_variable
    def deposits(self):
        d = self.assets.get("deposits")
        return -1 if d is None else pp.fen(d)

    @boolean_rule_variable
    def exception_approved(self):
        return (self.h.get("village_review") or {}).get("exception_approved") is True

    @boolean_rule_variable
    def risk_eliminated(self):
        return self.mon.get("risk_eliminated") is True

    @boolean_rule_variable
    def identified_on_known(self):
        return self.mon.get("identified_on") is not None

    @numeric_rule_variable
    def identified_on_day(self):
        d = self.mon.get("identified_on")
        return dt.date.fromisoformat(d).toordinal() if d else 0

    @select_multiple_rule_variable()
    def guarantee_flags(self):
        """'key=true' / 'key=false' for each recorded guarantee field."""
        return ["%s=%s" % (k, "true" if v else "false") for k, v in self.guar.items() if isinstance(v, bool)]

    @select_multiple_rule_variable()
    def labours(self):
        return [m.get("labour") or "unknown" for m in self.h["members"]]

    @select_multiple_rule_variable()
    def event_kinds(self):
        today = ASOF[0].text
        return list({e["kind"] for e in self.h.get("events") or () if e["date"] <= today})

    @boolean_rule_variable
    def medical_burden(self):
        asof = ASOF[0]
        medical = [e for e in self.h.get("events") or ()
                   if e["kind"] == "medical_expense" and asof.year_start <= e["date"] <= asof.text]
        for e in medical:
            sp = e.get("self_paid")
            if sp is not None and pp.fen(sp) > pp.SINGLE:
                return True
            m = e.get("member")
            s = sum(pp.fen(f.get("self_paid")) or 0 for f in medical
                    if m is None or f.get("member") is None or f.get("member") == m)
            if s > pp.YEARLY:
                return True
        return False


class Outcomes(BaseActions):
    def __init__(self, out):
        self.out = out

    @rule_action(params={"name": FIELD_TEXT, "value": FIELD_TEXT})
    def set(self, name, value):
        self.out[name] = {"true": True, "false": False, "unknown": None}[value]

    @rule_action(params={"name": FIELD_TEXT})
    def alert(self, name):
        self.out.setdefault("alerts", set()).add(name)


def c(name, operator, value):
    return {"name": name, "operator": operator, "value": value}


def rule(conditions, *actions):
    return {"conditions": conditions, "actions": list(actions)}


def set_(name, value):
    return {"name": "set", "params": {"name": name, "value": value}}


def build_rules(asof):
    line = common.MONITORING_LINE * 100
    once_poor = {"any": [c("category", "equal_to", "alleviated"),
                         {"all": [c("category", "equal_to", "monitored"),
                                  c("monitored_type", "equal_to", "unstable")]}]}
    not_once_poor = {"any": [c("category", "equal_to", "general"),
                             {"all": [c("category", "equal_to", "monitored"),
                                      c("monitored_type", "matches_regex", "^(marginal|sudden_hardship|)$")]}]}
    below = c("net_per_capita", "less_than", line)
    cutoff = dt.date.fromisoformat(asof.min_months_cutoff).toordinal()
    g_true = {"all": [c("guarantee_flags", "contains_all",
                        ["school_dropout=false", "medical_insured_all=true", "safe_water=true", "dangerous_house=false"])]}
    rules = [
        # monitored: category == monitored and not (risk_eliminated otherwise false)
        rule({"all": [c("category", "equal_to", "monitored"), c("risk_eliminated", "is_false", None)]},
             set_("monitored", "true"), {"name": "alert", "params": {"name": "monthly_visit"}},
             {"name": "alert", "params": {"name": "quarterly_review"}}),
        # categories
        rule({"all": [once_poor, below, c("risks_count", "greater_than", 0)]}, set_("unstable", "true")),
        rule({"all": [once_poor, below, c("risks_known", "is_false", None)]}, set_("unstable", "unknown")),
        rule({"all": [not_once_poor, below, c("risks_count", "greater_than", 0)]}, set_("marginal", "true")),
        rule({"all": [not_once_poor, below, c("risks_known", "is_false", None)]}, set_("marginal", "unknown")),
        rule({"any": [{"all": [c("rigid_expense", "greater_than", 0),
                               c("net_after_rigid_expense", "less_than", line)]},
                      {"all": [c("income_sharply_down", "is_true", None), below]}]},
             set_("sudden_hardship", "true")),
        # exclusions and the exception
        rule({"all": [c("vehicle_kinds", "shares_at_least_one_element_with", common.EXCLUDED_VEHICLES)]}, set_("vehicle", "true")),
        rule({"all": [c("commercial_housing", "greater_than", 0)]}, set_("commercial_housing", "true")),
        rule({"all": [c("any_public_servant", "is_true", None)]}, set_("public_servant", "true")),
        rule({"all": [c("business_owns", "is_true", None),
                      c("business_employees", "greater_than_or_equal_to", common.MIN_EMPLOYEES),
                      c("business_tax_paying", "is_true", None)]}, set_("business", "true")),
        rule({"all": [c("deposits", "greater_than_or_equal_to", common.LARGE_DEPOSIT * 100)]}, set_("deposits", "true")),
        rule({"all": [c("exception_approved", "is_true", None)]}, set_("exception", "true")),
        # elimination conditions
        rule({"all": [c("identified_on_known", "is_false", None)]}, set_("min_months", "unknown")),
        rule({"all": [c("identified_on_known", "is_true", None),
                      c("identified_on_day", "less_than_or_equal_to", cutoff)]}, set_("min_months", "true")),
        rule({"all": [below]}, set_("income_below_line", "true")),
        rule({"all": [c("rigid_expense", "greater_than", 0),
                      c("net_after_rigid_expense", "less_than", line)]}, set_("rigid_expense", "true")),
        rule(g_true, set_("guarantees", "true")),
        rule({"all": [c("guarantee_flags", "shares_no_elements_with",
                        ["school_dropout=true", "medical_insured_all=false", "safe_water=false", "dangerous_house=true"]),
                      {"any": [c("guarantee_flags", "shares_no_elements_with", [f]) for f in
                               ["school_dropout=false", "medical_insured_all=true", "safe_water=true", "dangerous_house=false"]]}]},
             set_("guarantees", "unknown")),
        rule({"all": [c("labours", "shares_no_elements_with", ["skilled", "ordinary", "weak"]),
                      c("labours", "shares_no_elements_with", ["unknown"])]}, set_("no_labour", "true")),
        rule({"all": [c("labours", "shares_no_elements_with", ["skilled", "ordinary", "weak"]),
                      c("labours", "shares_at_least_one_element_with", ["unknown"])]}, set_("no_labour", "unknown")),
        # alerts
        rule({"all": [c("medical_burden", "is_true", None)]},
             {"name": "alert", "params": {"name": "medical_cost_health"}},
             {"name": "alert", "params": {"name": "medical_cost"}}),
    ]
    for name, kinds in common.EVENT_ALERTS:
        rules.append(rule({"all": [c("event_kinds", "shares_at_least_one_element_with", kinds)]},
                          {"name": "alert", "params": {"name": name}}))
    return rules


ALERT_ORDER = [name for name, _, _ in common.ALERTS]


def setup(asof):
    ASOF[0] = asof
    return asof, build_rules(asof)


def decide(state, h):
    asof, rules = state
    out = {}
    run_all(rule_list=rules, defined_variables=Household(h), defined_actions=Outcomes(out),
            stop_on_first_trigger=False)
    monitored = out.get("monitored", False)
    get = lambda k: out.get(k, False)
    fired = out.get("alerts", ())
    return common.combine(
        asof, h["id"], monitored, h.get("monitored_type") if monitored else None,
        [get("unstable"), get("marginal"), get("sudden_hardship")],
        [get(e) for e in common.EXCLUSIONS], get("exception"),
        [get(n) for n, _ in common.ELIMINATION],
        [a for a in ALERT_ORDER if a in fired])


def decide_all(state, households):
    return [decide(state, h) for h in households]


if __name__ == "__main__":
    common.run("business-rules", setup, decide_all, __doc__)
