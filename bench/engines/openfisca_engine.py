"""chongqing/fengdu/2021 as an OpenFisca tax-benefit system defined in code
(no country package): entities Person (a household member) and Household;
every derived value, category, exclusion, the exception, the monitored rule
and the elimination conditions are OpenFisca variables with formulas,
computed for all households at once (OpenFisca is vectorised: one
simulation of N households).

OpenFisca has no list entities other than persons and no unknown values, so:
- the records are first flattened into input arrays (the adapter, timed as
  part of the evaluation): household fields, members as persons, vehicles as
  counts per kind, risks as a count (-1 when the list is missing), amounts as
  integer fen (-1 for a missing previous income or deposit);
- events are not modelled: the event alerts and the medical-cost alerts
  (medical_burden) are left out; the monitored alerts (monthly_visit,
  quarterly_review) are computed;
- an unknown value exists only where the data needs it: `identified_on` has a
  known flag (min_months is unknown without it), `risks` -1 makes the
  categories unknown; a missing guarantees or labour field takes the default
  (false / not lost), which the data of `policy generate` never needs.
months_between(identified_on, today) >= 6 is evaluated as identified_on <=
cutoff, the cutoff computed once a run from the as-of date (common.AsOf).
"""
import datetime
import time

import numpy as np
from openfisca_core import periods
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

import common

YEAR = periods.DateUnit.YEAR if hasattr(periods, "DateUnit") else "year"
PERIOD = "2021"

Household = build_entity(key="household", plural="households", label="household",
                         roles=[{"key": "member", "plural": "members", "label": "member"}])
Person = build_entity(key="person", plural="persons", label="person", is_person=True)

CATEGORY = {"general": 0, "alleviated": 1, "monitored": 2}
MTYPE = {None: 0, "unstable": 1, "marginal": 2, "sudden_hardship": 3}
MTYPE_NAMES = [None, "unstable", "marginal", "sudden_hardship"]
LABOUR = {None: 0, "skilled": 1, "ordinary": 2, "weak": 3, "lost": 4, "none": 5}
VEHICLE_KINDS = ["car", "luxury_car", "truck", "farm_vehicle", "ship",
                 "engineering_machinery", "large_farm_machinery"]

INPUTS_H = {  # name: (value_type, default)
    "category": (int, 0), "monitored_type": (int, 0),
    "business_income": (int, 0), "wage_income": (int, 0), "property_income": (int, 0),
    "transfer_income": (int, 0), "business_expense": (int, 0), "rigid_expense": (int, 0),
    "previous_net_per_capita": (int, -1), "risks_count": (int, -1),
    "deposits": (int, -1), "commercial_housing": (int, 0),
    "business_owns": (bool, False), "business_employees": (int, -1),
    "business_tax_paying": (bool, False), "exception_approved": (bool, False),
    "risk_eliminated": (bool, False), "identified_on_known": (bool, False),
    "school_dropout": (bool, False), "medical_insured_all": (bool, False),
    "safe_water": (bool, False), "dangerous_house": (bool, False),
}
INPUTS_H.update({"vehicles_" + k: (int, 0) for k in VEHICLE_KINDS})
INPUTS_P = {"labour": (int, 0), "public_servant": (bool, False)}


def input_variable(name, entity, value_type, default):
    return type(name, (Variable,), {"value_type": value_type, "entity": entity,
                                    "definition_period": YEAR, "default_value": default,
                                    "label": name})


class identified_on(Variable):
    value_type = datetime.date
    entity = Household
    definition_period = YEAR
    label = "识别纳入时间"


def formula(value_type, entity=Household):
    def wrap(f):
        return type(f.__name__, (Variable,), {"value_type": value_type, "entity": entity,
                                              "definition_period": YEAR, "label": f.__name__,
                                              "formula": f})
    return wrap


def per_capita(c, n):
    """round(c / n, 2) in fen, half away from zero."""
    c = c.astype(np.int64)
    n = n.astype(np.int64)
    q = (2 * np.abs(c) + n) // (2 * n)
    return np.where(c >= 0, q, -q)


@formula(int)
def total_income(h, period):
    return (h("business_income", period) + h("wage_income", period)
            + h("property_income", period) + h("transfer_income", period))


@formula(int)
def members_count(h, period):
    return h.nb_persons()


@formula(int)
def net_per_capita(h, period):
    return per_capita(h("total_income", period) - h("business_expense", period), h("members_count", period))


@formula(int)
def net_after_rigid_expense(h, period):
    return per_capita(h("total_income", period) - h("business_expense", period) - h("rigid_expense", period),
                      h("members_count", period))


@formula(bool)
def once_registered_poor(h, period):
    c = h("category", period)
    return (c == 1) + ((c == 2) * (h("monitored_type", period) == 1))


@formula(bool)
def below_line(h, period):
    return h("net_per_capita", period) < common.MONITORING_LINE * 100


@formula(bool)
def income_sharply_down(h, period):
    prev = h("previous_net_per_capita", period)
    return (prev >= 0) * (2 * h("net_per_capita", period) <= prev)


@formula(bool)
def rigid_hardship(h, period):
    return (h("rigid_expense", period) > 0) * (h("net_after_rigid_expense", period) < common.MONITORING_LINE * 100)


@formula(int)
def has_risk(h, period):  # 1 true, 0 false, -1 unknown
    r = h("risks_count", period)
    return np.where(r < 0, -1, (r > 0).astype(int))


def kleene_and(*vals):
    """Each value 1 / 0 / -1 (unknown)."""
    out = np.ones_like(vals[0])
    unknown = np.zeros(vals[0].shape, dtype=bool)
    for v in vals:
        out = out * (v != 0)
        unknown = unknown + (v < 0)
    return np.where(out == 0, 0, np.where(unknown, -1, 1))


@formula(int)
def category_unstable(h, period):
    return kleene_and(h("once_registered_poor", period).astype(int),
                      h("below_line", period).astype(int), h("has_risk", period))


@formula(int)
def category_marginal(h, period):
    return kleene_and((~h("once_registered_poor", period)).astype(int),
                      h("below_line", period).astype(int), h("has_risk", period))


@formula(bool)
def category_sudden_hardship(h, period):
    return h("rigid_hardship", period) + h("income_sharply_down", period) * h("below_line", period)


@formula(bool)
def exclude_vehicle(h, period):
    return (h("vehicles_luxury_car", period) + h("vehicles_ship", period)
            + h("vehicles_engineering_machinery", period) + h("vehicles_large_farm_machinery", period)) > 0


@formula(bool)
def exclude_commercial_housing(h, period):
    return h("commercial_housing", period) > 0


@formula(bool)
def exclude_public_servant(h, period):
    return h.any(h.members("public_servant", period))


@formula(bool)
def exclude_business(h, period):
    return (h("business_owns", period) * (h("business_employees", period) >= common.MIN_EMPLOYEES)
            * h("business_tax_paying", period))


@formula(bool)
def exclude_deposits(h, period):
    return h("deposits", period) >= common.LARGE_DEPOSIT * 100


@formula(bool)
def exception_village_review(h, period):
    return h("exception_approved", period)


@formula(bool)
def monitored(h, period):
    return (h("category", period) == 2) * ~h("risk_eliminated", period)


@formula(int)
def elim_min_months(h, period):
    cutoff = np.datetime64(MIN_MONTHS_CUTOFF[0])
    ok = (h("identified_on", period) <= cutoff).astype(int)
    return np.where(h("identified_on_known", period), ok, -1)


@formula(bool)
def elim_guarantees(h, period):
    return (~h("school_dropout", period) * h("medical_insured_all", period)
            * h("safe_water", period) * ~h("dangerous_house", period))


@formula(bool)
def whole_household_without_labour(h, period):
    labour = h.members("labour", period)
    return h.all((labour == LABOUR["lost"]) + (labour == LABOUR["none"]))


MIN_MONTHS_CUTOFF = ["2021-03-31"]
OUTPUTS = ["monitored", "category_unstable", "category_marginal", "category_sudden_hardship",
           "exclude_vehicle", "exclude_commercial_housing", "exclude_public_servant",
           "exclude_business", "exclude_deposits", "exception_village_review",
           "elim_min_months", "below_line", "rigid_hardship", "elim_guarantees",
           "whole_household_without_labour"]


def setup(asof):
    MIN_MONTHS_CUTOFF[0] = asof.min_months_cutoff
    tbs = TaxBenefitSystem([Person, Household])
    for name, (vt, default) in INPUTS_H.items():
        tbs.add_variable(input_variable(name, Household, vt, default))
    for name, (vt, default) in INPUTS_P.items():
        tbs.add_variable(input_variable(name, Person, vt, default))
    tbs.add_variable(identified_on)
    for v in [total_income, members_count, net_per_capita, net_after_rigid_expense,
              once_registered_poor, below_line, income_sharply_down, rigid_hardship, has_risk,
              category_unstable, category_marginal, category_sudden_hardship, exclude_vehicle,
              exclude_commercial_housing, exclude_public_servant, exclude_business,
              exclude_deposits, exception_village_review, monitored, elim_min_months,
              elim_guarantees, whole_household_without_labour]:
        tbs.add_variable(v)
    return asof, tbs


def fen(x):
    return int(round(x * 100))


def adapt(households):
    """Records -> input arrays."""
    n = len(households)
    cols = {name: np.full(n, default, dtype=(np.int64 if vt is int else bool))
            for name, (vt, default) in INPUTS_H.items()}
    ident = np.full(n, np.datetime64("1970-01-01"), dtype="datetime64[D]")
    labour, servant, membership = [], [], []
    for i, h in enumerate(households):
        cols["category"][i] = CATEGORY[h["category"]]
        cols["monitored_type"][i] = MTYPE[h.get("monitored_type")]
        inc = h["income"]
        cols["business_income"][i] = fen(inc["business"])
        cols["wage_income"][i] = fen(inc["wage"])
        cols["property_income"][i] = fen(inc["property"])
        cols["transfer_income"][i] = fen(inc["transfer"])
        cols["business_expense"][i] = fen(inc["business_expense"])
        if inc.get("rigid_expense") is not None:
            cols["rigid_expense"][i] = fen(inc["rigid_expense"])
        if inc.get("previous_net_per_capita") is not None:
            cols["previous_net_per_capita"][i] = fen(inc["previous_net_per_capita"])
        if h.get("risks") is not None:
            cols["risks_count"][i] = len(h["risks"])
        a = h.get("assets") or {}
        if a.get("deposits") is not None:
            cols["deposits"][i] = fen(a["deposits"])
        if a.get("commercial_housing") is not None:
            cols["commercial_housing"][i] = a["commercial_housing"]
        for v in a.get("vehicles") or ():
            cols["vehicles_" + v["kind"]][i] += 1
        b = a.get("business") or {}
        cols["business_owns"][i] = b.get("owns") is True
        if b.get("employees") is not None:
            cols["business_employees"][i] = b["employees"]
        cols["business_tax_paying"][i] = b.get("tax_paying") is True
        cols["exception_approved"][i] = (h.get("village_review") or {}).get("exception_approved") is True
        m = h.get("monitoring") or {}
        cols["risk_eliminated"][i] = m.get("risk_eliminated") is True
        if m.get("identified_on"):
            cols["identified_on_known"][i] = True
            ident[i] = np.datetime64(m["identified_on"])
        g = h.get("guarantees") or {}
        for k in ("school_dropout", "medical_insured_all", "safe_water", "dangerous_house"):
            cols[k][i] = g.get(k) is True
        for p in h["members"]:
            labour.append(LABOUR[p.get("labour")])
            servant.append(p.get("public_servant") is True)
            membership.append(i)
    return cols, ident, np.array(labour), np.array(servant), np.array(membership)


def decide_all(state, households):
    asof, tbs = state
    t0 = time.perf_counter()
    cols, ident, labour, servant, membership = adapt(households)
    t1 = time.perf_counter()
    n, np_ = len(households), len(labour)
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("person", np.arange(np_))
    hh = builder.declare_entity("household", np.arange(n))
    builder.join_with_persons(hh, membership, ["member"] * np_)
    sim = builder.build(tbs)
    for name, arr in cols.items():
        sim.set_input(name, PERIOD, arr)
    sim.set_input("identified_on", PERIOD, ident)
    sim.set_input("labour", PERIOD, labour)
    sim.set_input("public_servant", PERIOD, servant)
    out = {name: sim.calculate(name, PERIOD) for name in OUTPUTS}
    t2 = time.perf_counter()

    def tri(v):
        return None if v < 0 else bool(v)

    cols_out = {k: v.tolist() for k, v in out.items()}
    mt = cols["monitored_type"].tolist()
    decisions = []
    for i, h in enumerate(households):
        g = lambda k: cols_out[k][i]
        mon = bool(g("monitored"))
        decisions.append(common.combine(
            asof, h["id"], mon, MTYPE_NAMES[mt[i]] if mon else None,
            [tri(g("category_unstable")), tri(g("category_marginal")), bool(g("category_sudden_hardship"))],
            [bool(g("exclude_" + e)) for e in common.EXCLUSIONS],
            bool(g("exception_village_review")),
            [tri(g("elim_min_months")), bool(g("below_line")), bool(g("rigid_hardship")),
             bool(g("elim_guarantees")), bool(g("whole_household_without_labour"))],
            ["monthly_visit", "quarterly_review"] if mon else []))
    t3 = time.perf_counter()
    return decisions, {"adapter_s": round(t1 - t0, 3), "openfisca_compute_s": round(t2 - t1, 3),
                       "combine_s": round(t3 - t2, 3),
                       "openfisca_compute_per_s": round(n / (t2 - t1))}


if __name__ == "__main__":
    common.run("openfisca-core", setup, decide_all, __doc__)
