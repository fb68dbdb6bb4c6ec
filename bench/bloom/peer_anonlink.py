"""The peers on the same records: clkhash 0.18 encodes them with bench/bloom/schema.json
(records/s, one process), anonlink 0.15 compares A x B of those encodings by Dice
(dice_coefficient_accelerated, its C kernel; comparisons/s). Prints JSON."""
import csv, json, sys, time
from clkhash import clk
from clkhash.schema import from_json_dict
import anonlink

path, a_size, b_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.reader(open(path, newline="", encoding="utf-8")))[1:]
schema = from_json_dict(json.load(open("bench/bloom/schema.json")))
t = time.perf_counter()
clks = clk.generate_clks(rows, schema, "a benchmark's agreement secret, 32 bytes", max_workers=1)
enc_s = time.perf_counter() - t
a = clks[:a_size]
b = [clks[(a_size + i) % len(clks)] for i in range(b_size)]
t = time.perf_counter()
sims, (ia, ib) = anonlink.similarities.dice_coefficient_accelerated([a, b], 0.8)
dice_s = time.perf_counter() - t
print(json.dumps({
    "records": len(rows),
    "clkhash_records_per_s_1core": len(rows) / enc_s,
    "anonlink_dice_pairs_per_s": len(a) * len(b) / dice_s,
    "over_0_8": len(sims),
}))
