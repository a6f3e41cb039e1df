"""Best-of table of a run.sh folder: households/s per engine (the better of
the runs), evaluation alone and end to end, and the agreement with `policy`."""
import glob
import json
import os
import re
import sys


def main(work):
    best = {}
    for line in open(os.path.join(work, "results.jsonl")):
        d = json.loads(line)
        key = (d["engine"], d["n"])
        b = best.get(key)
        if b is None or d["end_to_end_per_s"] > b["end_to_end_per_s"]:
            best[key] = d
        if "eval_per_s" in d:
            b = best[key]
            b["best_eval_per_s"] = max(b.get("best_eval_per_s", 0), d["eval_per_s"])
    bench = {}
    for path in sorted(glob.glob(os.path.join(work, "policy-bench-*.txt"))):
        for line in open(path):
            m = re.match(r"\s*evaluate only\s+(\d+)\s+(\d+)\s+(\d+)", line)
            if m:
                th, v = int(m.group(1)), int(m.group(3))
                bench[th] = max(bench.get(th, 0), v)
    agree = {}
    p = os.path.join(work, "agreement.jsonl")
    if os.path.exists(p):
        for line in open(p):
            d = json.loads(line)
            agree[d["engine"]] = d
    print("| engine | N | evaluation alone (households/s) | end to end (households/s) | agreement (core / all compared) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for (engine, n), d in sorted(best.items(), key=lambda kv: -kv[1]["end_to_end_per_s"]):
        ev = d.get("best_eval_per_s")
        if ev is None and engine.startswith("policy eval"):
            th = int(engine.rsplit(" ", 1)[1])
            ev = bench.get(th)
            ev = "%s (policy bench)" % format(ev, ",") if ev else "–"
        else:
            ev = format(ev, ",") if ev else "–"
        a = agree.get(d.get("script", engine))
        at = "%s %% / %s %%" % (a["core_rate"], a["all_rate"]) if a else ("reference" if engine.startswith("policy") else "–")
        print("| %s | %s | %s | %s | %s |" % (engine, format(n, ","), ev, format(d["end_to_end_per_s"], ","), at))


if __name__ == "__main__":
    main(sys.argv[1])
