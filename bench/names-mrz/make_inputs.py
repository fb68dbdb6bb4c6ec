#!/usr/bin/env python3
"""Deterministic inputs for the MRZ and name benchmarks (stdlib only).

usage: make_inputs.py N_MRZ N_NAMES OUTDIR
writes OUTDIR/mrz.txt (TD3 zones, blank-line separated), OUTDIR/mrz.jsonl
({"id", "lines"}), OUTDIR/names.txt (one name per line, Latin, Cyrillic, Greek and
Arabic script). One in ten MRZs has one corrupted character.
"""
import json
import random
import sys

W = [7, 3, 1]


def val(c):
    if c.isdigit():
        return int(c)
    if c == "<":
        return 0
    return ord(c) - 55


def cd(s):
    return str(sum(val(c) * W[i % 3] for i, c in enumerate(s)) % 10)


SURNAMES = ["PETROVIC", "DJORDJEVIC", "HOXHA", "KARIMI", "REZAI", "HADDAD", "PAPADOPOULOS", "IVANOV", "KHAN", "ALI"]
GIVEN = ["MARKO", "ANA", "ARBEN", "AHMAD", "FATIMA", "OMAR", "NIKOS", "ELENA", "YUSUF", "SARA"]
STATES = ["SRB", "MKD", "ALB", "SYR", "AFG", "IRQ", "GRC", "BGR", "PAK", "D"]
NAMES = [
    "Ђорђевић Марко", "Đorđević Marko", "Djordjevic Marko", "Мухаммад Карими", "محمد كريمي", "Muhammad Karimi",
    "Αλεξανδρόπουλος Νίκος", "Alexandropoulos Nikos", "Omar al-Hassan", "Abdullah bin Khalid", "Петров Иван",
    "Arben Hoxha", "Fatima Rezaei", "فاطمه رضایی", "Stojanovski Goran", "Стојановски Горан", "Yusuf Haddad",
]


def td3(rng):
    state = rng.choice(STATES)
    name = f"{rng.choice(SURNAMES)}<<{rng.choice(GIVEN)}"
    line1 = ("P<" + state.ljust(3, "<") + name).ljust(44, "<")[:44]
    number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(9))
    dob = f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    exp = f"{rng.randint(27, 35):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    opt = "<" * 14
    body = number + cd(number) + state.ljust(3, "<") + dob + cd(dob) + rng.choice("MF") + exp + cd(exp) + opt + "<"
    comp = body[0:10] + body[13:20] + body[21:43]
    line2 = body + cd(comp)
    if rng.random() < 0.1:
        i = rng.randrange(44)
        line2 = line2[:i] + rng.choice("0123456789") + line2[i + 1:]
    return [line1, line2]


def main():
    n_mrz, n_names, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(20261125)
    with open(f"{out}/mrz.txt", "w") as t, open(f"{out}/mrz.jsonl", "w") as j:
        for i in range(n_mrz):
            lines = td3(rng)
            t.write("\n".join(lines) + "\n\n")
            j.write(json.dumps({"id": i, "lines": lines}) + "\n")
    with open(f"{out}/names.txt", "w") as f:
        for i in range(n_names):
            base = rng.choice(NAMES)
            f.write(f"{base}\n" if i % 3 else f"{base} {rng.choice(GIVEN).title()}\n")


main()
