"""Compare an engine's decisions with `policy eval`'s, household by household.

usage: compare.py POLICY_OUTPUT ENGINE_OUTPUT [--fields f1,f2,...]
Fields: decision category matched_category exclusions exception blocked_by
alerts procedure. "core" agreement is decision, category, matched_category,
exclusions and exception all equal; "all" is every field compared."""
import argparse
import collections
import json

CORE = ["decision", "category", "matched_category", "exclusions", "exception"]
ALL = CORE + ["blocked_by", "alerts", "procedure"]


def norm_policy(d):
    return {
        "id": d["id"], "decision": d["decision"], "category": d["category"],
        "matched_category": d["matched_category"],
        "exclusions": sorted(d["exclusions"]), "exception": d["exception"],
        "blocked_by": sorted(d["elimination"]["blocked_by"]),
        "alerts": sorted((a["rule"], a["due"]) for a in d["alerts"]),
        "procedure": [(s["step"], s["due"]) for s in d["procedure"]],
    }


def norm_engine(d):
    return {
        "id": d["id"], "decision": d["decision"], "category": d["category"],
        "matched_category": d["matched_category"],
        "exclusions": sorted(d["exclusions"]), "exception": d["exception"],
        "blocked_by": sorted(d["blocked_by"]),
        "alerts": sorted(tuple(a) for a in d["alerts"]),
        "procedure": [tuple(s) for s in d["procedure"]],
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("policy_output")
    p.add_argument("engine_output")
    p.add_argument("--fields", default=",".join(ALL))
    p.add_argument("--name", default="")
    p.add_argument("--examples", type=int, default=3)
    p.add_argument("--alerts", help="compare only these alerts (comma-separated)")
    a = p.parse_args()
    fields = a.fields.split(",")
    n = core_ok = all_ok = 0
    per_field = collections.Counter()
    examples = collections.defaultdict(list)
    with open(a.policy_output, encoding="utf-8") as fp, open(a.engine_output, encoding="utf-8") as fe:
        for lp, le in zip(fp, fe):
            p_, e_ = norm_policy(json.loads(lp)), norm_engine(json.loads(le))
            if a.alerts:
                keep = set(a.alerts.split(","))
                p_["alerts"] = [x for x in p_["alerts"] if x[0] in keep]
                e_["alerts"] = [x for x in e_["alerts"] if x[0] in keep]
            assert p_["id"] == e_["id"], (p_["id"], e_["id"])
            n += 1
            bad = [f for f in fields if p_[f] != e_[f]]
            for f in bad:
                per_field[f] += 1
                if len(examples[f]) < a.examples:
                    examples[f].append((p_["id"], p_[f], e_[f]))
            if not any(f in CORE for f in bad):
                core_ok += 1
            if not bad:
                all_ok += 1
    out = {"engine": a.name, "n": n, "fields": fields, "alerts_compared": a.alerts or "all",
           "core_agree": core_ok, "core_rate": round(100 * core_ok / n, 3),
           "all_agree": all_ok, "all_rate": round(100 * all_ok / n, 3),
           "disagreements": dict(per_field)}
    print(json.dumps(out, ensure_ascii=False))
    for f, ex in examples.items():
        for e in ex:
            print("  ", f, "policy:", e[1], "engine:", e[2], "id:", e[0])


if __name__ == "__main__":
    main()
