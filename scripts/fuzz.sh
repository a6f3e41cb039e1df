#!/usr/bin/env bash
# Builds and runs the libFuzzer harnesses of Fuzz/ (see Fuzz/README.md).
#
#   scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags...]
#   TARGET: policy-text | records | evaluate | all   (all: SECONDS each, one after another)
#
# Everything it makes goes under fuzz-out/ (git-ignored): objects and binaries
# in fuzz-out/build, and per target fuzz-out/TARGET/{seeds,corpus,artifacts}
# plus the log fuzz-out/TARGET/fuzz.log. Exits 1 if any target found a crash,
# a hang (-timeout) or an out-of-memory (-rss_limit_mb), 2 on a usage or build error.
#
# Environment:
#   SWIFTC       the compiler (default: swiftc on PATH, else /opt/swift/usr/bin/swiftc)
#   FUZZ_OPT     optimisation of the instrumented build (default -O)
#   FUZZ_REUSE_BUILD=1  do not rebuild what exists, even if sources changed
#   POLICY_ROOT  the policies folder the harnesses read (default: policies/)
#   POLICY_TOOL  a built `policy` executable, to generate records for the seeds
#                (default: /tmp/policy-tool/policy, else built with SwiftPM in .build-fuzz)
#   FUZZ_JOBS    >1 runs libFuzzer with -fork=N -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
#                (default 0: a plain run that stops at the first finding)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/fuzz-out"
BUILD="$OUT/build"
FUZZ="$ROOT/Fuzz"
TARGETS=(policy-text records evaluate)

usage() {
    echo "usage: scripts/fuzz.sh policy-text|records|evaluate|all SECONDS [libFuzzer flags...]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
TARGET="$1"; SECONDS_TO_RUN="$2"; shift 2
case "$SECONDS_TO_RUN" in ''|*[!0-9]*) usage ;; esac
case "$TARGET" in policy-text|records|evaluate|all) ;; *) usage ;; esac

if [ -z "${SWIFTC:-}" ]; then
    if command -v swiftc >/dev/null 2>&1; then SWIFTC="$(command -v swiftc)"; else SWIFTC=/opt/swift/usr/bin/swiftc; fi
fi
TOOLCHAIN_BIN="$(dirname "$(readlink -f "$SWIFTC")")"
export POLICY_ROOT="${POLICY_ROOT:-$ROOT/policies}"
FUZZ_OPT="${FUZZ_OPT:--O}"
FLAGS=(-sanitize=fuzzer,address -parse-as-library "$FUZZ_OPT" -g -enable-testing)

# ---------------------------------------------------------------- build
# `newer OUTPUT INPUT...`: true when OUTPUT is missing or older than an input.
# FUZZ_REUSE_BUILD=1 keeps what is built even when sources changed (to keep
# fuzzing one version while the tree is being edited).
newer() {
    local output="$1"; shift
    [ -e "$output" ] || return 0
    [ "${FUZZ_REUSE_BUILD:-0}" = 1 ] && return 1
    [ -n "$(find "$@" -newer "$output" -print -quit 2>/dev/null)" ]
}

# `compile LOG swiftc-arguments...`: the compiler's output goes to LOG (the
# project's own warnings and the linker's notes on ASan symbols are noise
# here), and is shown when it fails.
compile() {
    local log="$1"; shift
    if ! "$SWIFTC" "$@" > "$log" 2>&1; then
        grep -v "Cannot export local symbol" "$log" | tail -n 40 >&2
        echo "fuzz: build failed (full log: $log)" >&2
        exit 2
    fi
}

build_modules() {
    mkdir -p "$BUILD"
    local lexer_sources interpreter_sources
    mapfile -t lexer_sources < <(find "$ROOT/Sources/Lexer" -name '*.swift' | sort)
    mapfile -t interpreter_sources < <(find "$ROOT/Sources/Interpreter" -name '*.swift' | sort)
    if newer "$BUILD/Lexer.o" "${lexer_sources[@]}"; then
        echo "fuzz: compiling module Lexer" >&2
        compile "$BUILD/Lexer.log" -module-name Lexer -wmo "${FLAGS[@]}" -emit-module -emit-module-path "$BUILD/Lexer.swiftmodule" \
            -c "${lexer_sources[@]}" -o "$BUILD/Lexer.o"
    fi
    if newer "$BUILD/Interpreter.o" "${interpreter_sources[@]}" "$BUILD/Lexer.o"; then
        echo "fuzz: compiling module Interpreter (about a minute or two)" >&2
        compile "$BUILD/Interpreter.log" -module-name Interpreter -wmo "${FLAGS[@]}" -I "$BUILD" \
            -emit-module -emit-module-path "$BUILD/Interpreter.swiftmodule" \
            -c "${interpreter_sources[@]}" -o "$BUILD/Interpreter.o"
    fi
}

harness_source() {
    case "$1" in
        policy-text) echo "$FUZZ/Harnesses/PolicyTextFuzzer.swift" ;;
        records) echo "$FUZZ/Harnesses/RecordsFuzzer.swift" ;;
        evaluate) echo "$FUZZ/Harnesses/EvaluateFuzzer.swift" ;;
    esac
}

build_harness() {
    local target="$1" source
    source="$(harness_source "$target")"
    if newer "$BUILD/$target" "$source" "$FUZZ/Harnesses/Common.swift" "$BUILD/Interpreter.o" "$BUILD/Lexer.o"; then
        echo "fuzz: linking $target" >&2
        compile "$BUILD/$target.log" -module-name FuzzTarget "${FLAGS[@]}" -I "$BUILD" "$source" "$FUZZ/Harnesses/Common.swift" \
            "$BUILD/Interpreter.o" "$BUILD/Lexer.o" -o "$BUILD/$target"
    fi
}

# ---------------------------------------------------------------- seeds
policy_tool() {
    if [ -n "${POLICY_TOOL:-}" ]; then echo "$POLICY_TOOL"; return; fi
    if [ -x /tmp/policy-tool/policy ]; then echo /tmp/policy-tool/policy; return; fi
    echo "fuzz: building the policy tool in .build-fuzz to generate records" >&2
    (cd "$ROOT" && swift build -c release --scratch-path "$ROOT/.build-fuzz" --product policy >&2)
    echo "$ROOT/.build-fuzz/release/policy"
}

# Generated records, once: fuzz-out/generated/{households.jsonl,households.csv}.
generate_records() {
    local generated="$OUT/generated" tool
    if [ -s "$generated/households.jsonl" ] && [ -s "$generated/households.csv" ]; then return; fi
    mkdir -p "$generated"
    tool="$(policy_tool)"
    "$tool" generate --count 50 --seed 3 > "$generated/households.jsonl"
    "$tool" generate --count 50 --seed 3 --format csv > "$generated/households.csv"
}

# `prefixed SELECTOR FILE OUTPUT`: OUTPUT is FILE with one selector byte before it.
prefixed() { { printf "\\x$1"; cat "$2"; } > "$3"; }

prepare_seeds() {
    local target="$1" seeds="$OUT/$1/seeds" n=0 file
    rm -rf "$seeds"; mkdir -p "$seeds"
    case "$target" in
    policy-text)
        while IFS= read -r -d '' file; do
            n=$((n + 1)); cp "$file" "$seeds/policy-$n"
        done < <(find "$ROOT/policies" "$ROOT/Tests/Fixtures" "$ROOT/examples" -type f -name '*.policy' -print0 | sort -z)
        ;;
    records)
        generate_records
        # Selector byte: bits 0-1 reader (0 jsonl, 1 json, 2 csv, 3 csv with detection), bits 2-7 chunk size.
        head -n 10 "$OUT/generated/households.jsonl" > "$OUT/generated/head.jsonl"
        head -n 12 "$OUT/generated/households.csv" > "$OUT/generated/head.csv"
        prefixed 00 "$OUT/generated/head.jsonl" "$seeds/generated-jsonl"
        prefixed 1c "$OUT/generated/head.jsonl" "$seeds/generated-jsonl-chunk7"
        prefixed 02 "$OUT/generated/head.csv" "$seeds/generated-csv"
        prefixed 13 "$OUT/generated/head.csv" "$seeds/generated-csv-detect-chunk4"
        prefixed 00 "$ROOT/policies/samples/fengdu-2021.jsonl" "$seeds/sample-jsonl"
        prefixed 01 "$ROOT/policies/samples/fengdu-2021.json" "$seeds/sample-json"
        prefixed 0d "$ROOT/policies/samples/fengdu-2021.json" "$seeds/sample-json-chunk3"
        prefixed 02 "$ROOT/policies/samples/fengdu-2021.csv" "$seeds/sample-csv"
        prefixed 03 "$ROOT/policies/samples/fengdu-2021.csv" "$seeds/sample-csv-detect"
        # The records of the diagnostics fixtures: each shows one way a record is wrong.
        while IFS= read -r -d '' file; do
            n=$((n + 1))
            case "$file" in *.csv) prefixed 02 "$file" "$seeds/fixture-$n" ;; *) prefixed 00 "$file" "$seeds/fixture-$n" ;; esac
        done < <(find "$ROOT/Tests/Fixtures/diagnostics/records" -type f \( -name '*.jsonl' -o -name '*.csv' \) -print0 | sort -z)
        # A JSON array and a GB18030 CSV made from the generated records.
        { echo "["; head -n 5 "$OUT/generated/households.jsonl" | sed '$!s/$/,/'; echo "]"; } > "$OUT/generated/head.json"
        prefixed 01 "$OUT/generated/head.json" "$seeds/generated-json"
        if command -v iconv >/dev/null && iconv -f UTF-8 -t GB18030 "$OUT/generated/head.csv" > "$OUT/generated/head-gb18030.csv" 2>/dev/null; then
            prefixed 03 "$OUT/generated/head-gb18030.csv" "$seeds/generated-csv-gb18030"
        fi
        ;;
    evaluate)
        generate_records
        # One record per file: the generated ones, the samples and the examples.
        cat "$OUT/generated/households.jsonl" "$ROOT/policies/samples/fengdu-2021.jsonl" \
            "$ROOT"/Tests/Fixtures/diagnostics/records/*.jsonl \
            | awk -v dir="$seeds" 'NF { n++; f = sprintf("%s/record-%03d", dir, n); printf "%s", $0 > f; close(f) }'
        ;;
    esac
}

# ---------------------------------------------------------------- run
run_target() {
    local target="$1" seconds="$2"; shift 2
    local dir="$OUT/$target"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    build_harness "$target"
    prepare_seeds "$target"
    local before after dict=()
    before="$(find "$dir/artifacts" -type f | wc -l)"
    [ -f "$FUZZ/dictionaries/$target.dict" ] && dict=(-dict="$FUZZ/dictionaries/$target.dict")
    local fork=()
    if [ "${FUZZ_JOBS:-0}" -gt 0 ]; then
        fork=(-fork="$FUZZ_JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    local log="$dir/fuzz-$(date +%Y%m%d-%H%M%S).log"
    ln -sfn "$(basename "$log")" "$dir/fuzz.log"
    echo "fuzz: running $target for $seconds s (log: $log)" >&2
    local status=0
    # Leak checking is off: the harnesses keep parsed files and plans in static
    # caches on purpose, and the Swift runtime's metadata looks leaked to LSan.
    ASAN_OPTIONS="detect_leaks=0:symbolize=1:handle_abort=1:${ASAN_OPTIONS:-}" \
    ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$TOOLCHAIN_BIN/llvm-symbolizer}" \
        "$BUILD/$target" "$dir/corpus" "$dir/seeds" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
        -artifact_prefix="$dir/artifacts/" -print_final_stats=1 \
        "${dict[@]}" "${fork[@]}" "$@" > "$log" 2>&1 || status=$?
    after="$(find "$dir/artifacts" -type f | wc -l)"
    { grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1; grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log"; } >&2 || true
    if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
        echo "fuzz: $target FOUND something (exit $status, artefacts: $dir/artifacts)" >&2
        if [ -x "$TOOLCHAIN_BIN/swift-demangle" ]; then
            grep -E '^ +#[0-9]+ ' "$log" | head -n 20 | "$TOOLCHAIN_BIN/swift-demangle" --simplified >&2 || true
        fi
        return 1
    fi
    return 0
}

build_modules
found=0
if [ "$TARGET" = all ]; then
    for target in "${TARGETS[@]}"; do run_target "$target" "$SECONDS_TO_RUN" "$@" || found=1; done
else
    run_target "$TARGET" "$SECONDS_TO_RUN" "$@" || found=1
fi
exit "$found"
