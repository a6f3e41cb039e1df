"""Evaluates households on Spark with `policy eval` as the per-partition program.

Usage (after `swift build -c release`):
    python3 scripts/spark-eval.py INPUT.jsonl OUTPUT_DIR [POLICY] [AS_OF]

Each partition of the input (one file per province, or slices of one file)
is piped through `policy eval`, which reads JSON Lines on standard input and
writes one result per line, in input order, on standard output. Spark keeps
the partitions in order, so the results come out in input order too.
"""
import os
import sys
import time

from pyspark import SparkConf, SparkContext

source, output = sys.argv[1], sys.argv[2]
policy = sys.argv[3] if len(sys.argv) > 3 else "policies/chongqing/fengdu/2021.policy"
as_of = sys.argv[4] if len(sys.argv) > 4 else "2021-09-30"
tool = os.path.abspath(".build/release/policy")
policy = os.path.abspath(policy)

conf = SparkConf().setMaster("local[2]").setAppName("policy eval").set("spark.ui.enabled", "false")
sc = SparkContext(conf=conf)
sc.setLogLevel("ERROR")
started = time.time()
households = sc.textFile(source, minPartitions=4)
# One evaluating process per partition, one thread each: Spark runs the partitions side by side.
results = households.pipe(f"{tool} eval --policy {policy} --as-of {as_of} --threads 1")
results.saveAsTextFile(output)
seconds = time.time() - started

count = sc.textFile(output).count()
decisions = (sc.textFile(output)
             .map(lambda line: line.split('"decision":"', 1)[1].split('"', 1)[0])
             .countByValue())
print(f"partitions: {households.getNumPartitions()}")
print(f"households: {count} in {seconds:.1f} s ({count / seconds:.0f} per second)")
for decision, n in sorted(decisions.items()):
    print(f"  {decision}: {n}")
sc.stop()
