#!/usr/bin/env bash
# Runs `policy eval` and every engine script on the same households and
# compares their decisions. Installs nothing: the Python packages of
# requirements.txt must be installed (pip install -r requirements.txt).
#
# usage: bench/engines/run.sh N [SLOW_N]
#   N       households for `policy` and the fast engines (default 100000)
#   SLOW_N  households for the slow engines, the first SLOW_N of the same
#           file (default: 10000, at most N)
# environment:
#   POLICY_BIN  the policy binary (default: .build/release/policy, else /tmp/policy-tool/policy)
#   WORK        folder for data and outputs (default: /tmp/engines/run-N)
#   REPEATS     runs of each measurement; the best is reported (default 2)
#   FAST, SLOW  engine scripts (without .py) run on N and on SLOW_N; empty: none
#   AS_OF       the as-of date (default 2021-09-30)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-100000}"
SLOW_N="${2:-10000}"
(( SLOW_N > N )) && SLOW_N="$N"
AS_OF="${AS_OF:-2021-09-30}"
REPEATS="${REPEATS:-2}"
FAST="${FAST-plain_python openfisca_engine business_rules_engine}"
SLOW="${SLOW-rego_engine cel_engine rule_engine_engine}"
if [[ -z "${POLICY_BIN:-}" ]]; then
  if [[ -x "$ROOT/.build/release/policy" ]]; then POLICY_BIN="$ROOT/.build/release/policy"
  else POLICY_BIN=/tmp/policy-tool/policy; fi
fi
POLICY_FILE="$ROOT/policies/chongqing/fengdu/2021.policy"
WORK="${WORK:-/tmp/engines/run-$N}"
mkdir -p "$WORK"
RESULTS="$WORK/results.jsonl"
AGREEMENT="$WORK/agreement.jsonl"
: > "$RESULTS"; : > "$AGREEMENT"

DATA="$WORK/households.jsonl"
if [[ ! -s "$DATA" ]] || [[ "$(wc -l < "$DATA")" -ne "$N" ]]; then
  "$POLICY_BIN" generate --count "$N" --seed 1 > "$DATA"
fi
SLOW_DATA="$WORK/households-$SLOW_N.jsonl"
head -n "$SLOW_N" "$DATA" > "$SLOW_DATA"

load() { cut -d' ' -f1 /proc/loadavg; }

echo "== policy eval, N=$N" >&2
for threads in 1 2; do
  for ((r = 1; r <= REPEATS; r++)); do
    l=$(load)
    t0=$(date +%s.%N)
    "$POLICY_BIN" eval --policy "$POLICY_FILE" --as-of "$AS_OF" --threads "$threads" \
      --records "$DATA" > "$WORK/out-policy.jsonl"
    t1=$(date +%s.%N)
    python3 - "$N" "$threads" "$t0" "$t1" "$l" >> "$RESULTS" <<'PY'
import json, sys
n, th, t0, t1, l = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print(json.dumps({"engine": "policy eval --threads %d" % th, "n": n, "end_to_end_s": round(t1 - t0, 3),
                  "end_to_end_per_s": round(n / (t1 - t0)), "load_before": float(l)}))
PY
    tail -n 1 "$RESULTS" >&2
  done
done
head -n "$SLOW_N" "$WORK/out-policy.jsonl" > "$WORK/out-policy-$SLOW_N.jsonl"

if [[ "${POLICY_BENCH:-1}" == 1 ]]; then
  rm -f "$WORK"/policy-bench-*.txt
  echo "== policy bench (evaluation alone), N=$N" >&2
  for ((r = 1; r <= REPEATS; r++)); do
    "$POLICY_BIN" bench --count "$N" --seed 1 --policy "$POLICY_FILE" --as-of "$AS_OF" --threads 1,2 \
      > "$WORK/policy-bench-$r.txt" 2>&1 || true
    cat "$WORK/policy-bench-$r.txt" >&2
  done
fi

run_engine() {  # script data n policy_output
  local script="$1" data="$2" n="$3" ref="$4"
  echo "== $script, N=$n" >&2
  for ((r = 1; r <= REPEATS; r++)); do
    l=$(load)
    python3 "$HERE/$script.py" --records "$data" --output "$WORK/out-$script.jsonl" \
      --as-of "$AS_OF" --results "$WORK/tmp-result.jsonl"
    python3 - "$l" "$script" "$WORK/tmp-result.jsonl" >> "$RESULTS" <<'PY'
import json, sys
for line in open(sys.argv[3]):
    d = json.loads(line); d["load_before"] = float(sys.argv[1]); d["script"] = sys.argv[2]
    print(json.dumps(d))
PY
    rm -f "$WORK/tmp-result.jsonl"
  done
  local alerts=()
  [[ "$script" == openfisca_engine ]] && alerts=(--alerts monthly_visit,quarterly_review)
  local agreement
  agreement="$(python3 "$HERE/compare.py" "$ref" "$WORK/out-$script.jsonl" --name "$script" "${alerts[@]}")"
  echo "$agreement" >&2
  echo "$agreement" | head -n 1 >> "$AGREEMENT"
}

for s in $FAST; do run_engine "$s" "$DATA" "$N" "$WORK/out-policy.jsonl"; done
for s in $SLOW; do run_engine "$s" "$SLOW_DATA" "$SLOW_N" "$WORK/out-policy-$SLOW_N.jsonl"; done

python3 "$HERE/summarize.py" "$WORK"
