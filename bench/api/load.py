#!/usr/bin/env python3
"""The measuring half of bench/api/load.sh (see there). Talks to a running node
and a running PostgreSQL; writes one JSON file of results."""

import argparse
import csv
import glob
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import threading
import time
import unicodedata
import urllib.parse

import psycopg


def script_of(text):
    """The first non-Latin script among a name's letters, or 'Latin'."""
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        for s in ("CYRILLIC", "GREEK", "ARABIC"):
            if name.startswith(s):
                return s.title()
    return "Latin"


def read_population(pop):
    records = []
    for path in sorted(glob.glob(os.path.join(pop, "agency_*.csv"))):
        dataset = os.path.basename(path)[:-4]
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                name = " ".join(p for p in (r["given"], r["surname"]) if p)
                records.append((f"{dataset}:{r['id']}:person", name, r["phone"], r["passport"], dataset, r["id"]))
    truth = {}
    with open(os.path.join(pop, "truth.csv"), newline="") as f:
        for r in csv.DictReader(f):
            truth[f"{r['dataset']}:{r['record_id']}:person"] = r["true_id"]
    return records, truth


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


class Client:
    def __init__(self, url, headers):
        u = urllib.parse.urlparse(url)
        self.host, self.port = u.hostname, u.port
        self.headers = headers
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def get(self, path):
        for attempt in range(2):
            try:
                self.conn.request("GET", path, headers=self.headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def run_wrk(url, token, case, purpose, paths, work, label, seconds=20):
    lst = os.path.join(work, f"{label}.paths")
    with open(lst, "w") as f:
        f.write("\n".join(paths) + "\n")
    lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "paths.lua")
    env = dict(os.environ, PATHS=lst, TOKEN=token, CASE=case, PURPOSE=purpose)
    out = subprocess.run(
        ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency", "-s", lua, url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout

    def ms(text):
        v, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    lat = dict(re.findall(r"^\s+(\d+)%\s+(\S+)", out, re.M))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": total,
        "per_second": rps,
        "p50_ms": ms(lat["50"]),
        "p99_ms": ms(lat["99"]),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else None,
        "connections": 4,
        "seconds": seconds,
    }


def name_queries(records, truth, n, rng):
    by_person = {}
    for rec in records:
        t = truth.get(rec[0])
        if t and rec[1]:
            by_person.setdefault(t, []).append(rec)
    candidates = []
    for t, recs in by_person.items():
        if len(recs) < 2:
            continue
        scripts = {r[0]: script_of(r[1]) for r in recs}
        for r in recs:
            other = [x[0] for x in recs if scripts[x[0]] != scripts[r[0]]]
            if other:
                candidates.append((r, scripts[r[0]], set(other)))
    rng.shuffle(candidates)
    # Half the queries in a native script, half in Latin, when there are enough.
    native = [c for c in candidates if c[1] != "Latin"][: n // 2]
    latin = [c for c in candidates if c[1] == "Latin"][: n - len(native)]
    return native + latin


def main():
    ap = argparse.ArgumentParser()
    for a in ("url", "token", "case", "purpose", "population", "work", "pg", "out"):
        ap.add_argument(f"--{a}", required=True)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--ingest-seconds", type=float, required=True)
    ap.add_argument("--server-pid", type=int, required=True)
    a = ap.parse_args()
    rng = random.Random(7)
    headers = {"Authorization": f"Bearer {a.token}", "Corridor-Case": a.case, "Corridor-Purpose": a.purpose}
    records, truth = read_population(a.population)
    result = {"records": len(records), "ingest_seconds_cli": a.ingest_seconds}

    # Warm the node (search index, kept graph) before timing.
    client = Client(a.url, headers)
    t0 = time.perf_counter()
    status, _ = client.get("/api/v1/search?q=" + urllib.parse.quote("Mohammed Ali"))
    result["first_search_seconds"] = round(time.perf_counter() - t0, 2)
    assert status == 200, status

    sample = rng.sample(records, min(5000, len(records)))
    selectors = [r[2] for r in sample if r[2]][:2500] + [r[3] for r in sample if r[3]][:2500]
    sel_paths = ["/api/v1/search?q=" + urllib.parse.quote(s) for s in selectors]
    # Each selector found: checked on a few before the load.
    found = 0
    for p, s in list(zip(sel_paths, selectors))[:50]:
        st, body = client.get(p)
        found += st == 200 and bool(json.loads(body)["hits"])
    result["selector_found_of_50"] = found
    print("selector lookups", flush=True)
    result["selectors"] = run_wrk(a.url, a.token, a.case, a.purpose, sel_paths, a.work, "selectors")
    print("entity detail", flush=True)
    ent_paths = ["/api/v1/entities/" + urllib.parse.quote(r[0], safe=":") for r in sample]
    result["entities"] = run_wrk(a.url, a.token, a.case, a.purpose, ent_paths, a.work, "entities")

    print("name searches", flush=True)
    queries = name_queries(records, truth, a.queries, rng)
    lat, hit = [], 0
    by_script = {}
    for rec, script, relevant in queries:
        t0 = time.perf_counter()
        st, body = client.get("/api/v1/search?q=" + urllib.parse.quote(rec[1]))
        lat.append((time.perf_counter() - t0) * 1000)
        ok = st == 200 and any(h["id"] in relevant for h in json.loads(body)["hits"][:10])
        hit += ok
        s = by_script.setdefault(script, [0, 0])
        s[0] += ok
        s[1] += 1
    result["names"] = {
        "queries": len(queries),
        "p50_ms": percentile(lat, 50),
        "p95_ms": percentile(lat, 95),
        "p99_ms": percentile(lat, 99),
        "recall_at_10": hit / max(1, len(queries)),
        "recall_at_10_by_query_script": {k: v[0] / v[1] for k, v in sorted(by_script.items())},
    }

    print("PostgreSQL pg_trgm", flush=True)
    with psycopg.connect(a.pg, autocommit=True) as pg:
        pg.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        pg.execute("DROP TABLE IF EXISTS person")
        pg.execute("CREATE TABLE person (id text PRIMARY KEY, name text NOT NULL)")
        t0 = time.perf_counter()
        with pg.cursor().copy("COPY person (id, name) FROM STDIN") as cp:
            for r in records:
                if r[1]:
                    cp.write_row((r[0], r[1]))
        pg.execute("CREATE INDEX person_name_trgm ON person USING gin (name gin_trgm_ops)")
        pg.execute("ANALYZE person")
        build = time.perf_counter() - t0
        plat, phit = [], 0
        pby = {}
        for rec, script, relevant in queries:
            t0 = time.perf_counter()
            rows = pg.execute(
                "SELECT id FROM person WHERE name %% %s ORDER BY similarity(name, %s) DESC LIMIT 10",
                (rec[1], rec[1]),
            ).fetchall()
            plat.append((time.perf_counter() - t0) * 1000)
            ok = any(r[0] in relevant for r in rows)
            phit += ok
            s = pby.setdefault(script, [0, 0])
            s[0] += ok
            s[1] += 1
        result["pg_trgm"] = {
            "load_and_index_seconds": round(build, 1),
            "p50_ms": percentile(plat, 50),
            "p95_ms": percentile(plat, 95),
            "p99_ms": percentile(plat, 99),
            "recall_at_10": phit / max(1, len(queries)),
            "recall_at_10_by_query_script": {k: v[0] / v[1] for k, v in sorted(pby.items())},
            "version": pg.execute("SHOW server_version").fetchone()[0],
        }

    print("reads during a 1,000,000-row upload", flush=True)
    result["reads_during_ingest"] = reads_during_ingest(a, headers, records, rng)
    with open(f"/proc/{a.server_pid}/status") as f:
        hwm = re.search(r"VmHWM:\s+(\d+) kB", f.read())
    result["server_peak_rss_mib"] = round(int(hwm.group(1)) / 1024) if hwm else None
    result["machine"] = {"cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d")}
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))


def reads_during_ingest(a, headers, records, rng):
    # A new data set of a million rows: every population file's rows under new ids.
    mapping = open(os.path.join(a.population, "agency_01.mapping.toml"), encoding="utf-8").read()
    mapping = mapping.replace('name = "agency_01"', 'name = "upload"', 1)
    boundary = "corridorbenchboundary"
    parts = [
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"mapping\"; filename=\"m.toml\"\r\n"
        f"Content-Type: text/plain\r\n\r\n{mapping}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.csv\"\r\n"
        f"Content-Type: text/csv\r\n\r\n"
    ]
    rows = ["id,given,surname,born,sex,nationality,phone,passport"]
    n = 0
    for path in sorted(glob.glob(os.path.join(a.population, "agency_*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                n += 1
                out = [f"u{n:07d}", r["given"], r["surname"], r["born"], r["sex"], r["nationality"], r["phone"], r["passport"]]
                rows.append(",".join('"' + v.replace('"', '""') + '"' for v in out))
                if n >= 1_000_000:
                    break
        if n >= 1_000_000:
            break
    body = (parts[0] + "\n".join(rows) + f"\r\n--{boundary}--\r\n").encode()
    u = urllib.parse.urlparse(a.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    h = dict(headers)
    h["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    t0 = time.perf_counter()
    conn.request("POST", "/api/v1/ingest", body=body, headers=h)
    r = conn.getresponse()
    job = json.loads(r.read())
    assert r.status in (200, 202), (r.status, job)
    job_id = job["job"]
    lat, failed, done = [], 0, threading.Event()
    sample = [rec[0] for rec in rng.sample(records, 2000)]

    def reader():
        nonlocal failed
        c = Client(a.url, headers)
        i = 0
        while not done.is_set():
            t = time.perf_counter()
            try:
                st, _ = c.get("/api/v1/entities/" + urllib.parse.quote(sample[i % len(sample)], safe=":"))
                ok = st == 200
            except Exception:
                ok = False
            lat.append((time.perf_counter() - t) * 1000)
            failed += not ok
            i += 1
            time.sleep(max(0, 0.05 - (time.perf_counter() - t)))

    th = threading.Thread(target=reader)
    th.start()
    poll = Client(a.url, headers)
    state = None
    while True:
        st, body = poll.get(f"/api/v1/jobs/{job_id}")
        state = json.loads(body)
        if state.get("state") in ("done", "failed"):
            break
        time.sleep(0.5)
    done.set()
    th.join()
    report = state.get("report", {})
    return {
        "rows": n,
        "new_records": report.get("new_records"),
        "rejected": report.get("rejected"),
        "job_state": state.get("state"),
        "upload_and_ingest_seconds": round(time.perf_counter() - t0, 1),
        "reads": len(lat),
        "failed": failed,
        "p50_ms": percentile(lat, 50),
        "p99_ms": percentile(lat, 99),
        "max_ms": max(lat) if lat else None,
    }


if __name__ == "__main__":
    main()
