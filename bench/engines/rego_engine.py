"""chongqing/fengdu/2021 in Rego (fengdu.rego beside this file), evaluated
by regopy, the Python binding of rego-cpp (an implementation of OPA's Rego
language; OPA itself is not installable here). Every derived value, category,
exclusion, the exception, the elimination conditions, the monitored rule and
all alert conditions are Rego rules; one query per household returns
`data.fengdu.outcome`. A field left out makes a rule undefined, read as
unknown; `default` rules stand for the policy's `otherwise`. months_between(
identified_on, today) >= 6 is evaluated as identified_on <= cutoff, the cutoff
computed once a run from the as-of date (common.AsOf). The policy is
compiled once into a bundle (rego-cpp's compiled plan), and each household
runs the bundle's query."""
import json
import os

from regopy import Interpreter

import common

ALERT_ORDER = [name for name, _, _ in common.ALERTS]


def setup(asof):
    rego = Interpreter()
    with open(os.path.join(common.HERE, "fengdu.rego"), encoding="utf-8") as f:
        rego.add_module("fengdu", f.read())
    rego.add_data_json(json.dumps({"asof": {
        "today": asof.text, "year_start": asof.year_start,
        "min_months_cutoff": asof.min_months_cutoff}}))
    # compiled once into a bundle; each household runs the bundle's query plan
    bundle = rego.build("x := data.fengdu.outcome", ["fengdu/outcome"])
    return asof, Interpreter(), bundle


def decide(state, h):
    asof, rego, bundle = state
    rego.set_input_term(json.dumps(h, ensure_ascii=False))
    out = json.loads(str(rego.query_bundle(bundle)))
    o = out["bindings"]["x"]
    monitored = o["monitored"]
    mtype = h.get("monitored_type") if monitored else None
    fired = set(o["alerts"])
    alerts = [a for a in ALERT_ORDER if a in fired]
    return common.combine(asof, h["id"], monitored, mtype, o["categories"], o["exclusions"],
                          o["exception"], o["elimination"], alerts)


def decide_all(state, households):
    return [decide(state, h) for h in households]


if __name__ == "__main__":
    common.run("rego (regopy)", setup, decide_all, __doc__)
