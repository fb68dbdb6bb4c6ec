#!/usr/bin/env python3
"""Deterministic synthetic person/passport CSV for the ingest benchmark.

Usage: python3 make_rows.py N OUT.csv [SEED]

Header:
  record_id,first_name,last_name,birth_date,nationality,phone,passport_number,passport_country

One row = one person with one phone and one passport. Stdlib only. The same
N and SEED always produce a byte-identical file, and the first K rows of a
larger file equal the K-row file.
"""

import csv
import random
import sys
from datetime import date

HEADER = [
    "record_id",
    "first_name",
    "last_name",
    "birth_date",
    "nationality",
    "phone",
    "passport_number",
    "passport_country",
]

# (first names, last names) per naming region; Latin script with diacritics.
SLAVIC_BALKAN = (
    ["Marko", "Nikola", "Stefan", "Miloš", "Đorđe", "Dušan", "Željko", "Zoran",
     "Goran", "Aleksandar", "Vladimir", "Jelena", "Dragana", "Ivana", "Ana",
     "Milica", "Snežana", "Tijana", "Katarina", "Branka"],
    ["Đorđević", "Jovanović", "Petrović", "Nikolić", "Marković", "Đukić",
     "Šarić", "Živković", "Čolić", "Kovačević", "Stojanović", "Ilić",
     "Pavlović", "Popović", "Lukić", "Todorović", "Savić", "Radić"],
)
BOSNIAN = (
    ["Amer", "Emir", "Adnan", "Haris", "Mirza", "Kenan", "Amra", "Lejla",
     "Selma", "Ajla", "Dženana", "Edin", "Nermin", "Aida", "Jasmin"],
    ["Hodžić", "Begović", "Hadžić", "Delić", "Mehmedović", "Kurtović",
     "Softić", "Bešić", "Omerović", "Hasanović", "Čaušević", "Mujić"],
)
MACEDONIAN = (
    ["Bojan", "Dejan", "Igor", "Goce", "Zlatko", "Elena", "Biljana",
     "Marija", "Vesna", "Kristina", "Aleksandar", "Filip"],
    ["Popovski", "Stojanovski", "Trajkovski", "Nikolovski", "Petrovski",
     "Dimitrovski", "Ristovski", "Angelovski", "Janevski", "Kostovski"],
)
ALBANIAN = (
    ["Besnik", "Arben", "Ardit", "Driton", "Agron", "Fatmir", "Ermal",
     "Drita", "Elira", "Blerina", "Arta", "Valbona", "Besa", "Lirim"],
    ["Hoxha", "Shehu", "Krasniqi", "Berisha", "Gashi", "Leka", "Dervishi",
     "Kelmendi", "Rama", "Çela", "Bajrami", "Morina", "Thaçi"],
)
BULGARIAN = (
    ["Georgi", "Ivan", "Dimitar", "Petar", "Hristo", "Stoyan", "Maria",
     "Elena", "Desislava", "Tsvetelina", "Radostina", "Yordan"],
    ["Dimitrov", "Georgiev", "Ivanov", "Petrov", "Stoyanov", "Hristov",
     "Todorov", "Nikolov", "Angelov", "Kolev", "Yordanova", "Ivanova"],
)
GREEK = (
    ["Dimitrios", "Georgios", "Konstantinos", "Ioannis", "Nikolaos",
     "Eleni", "Maria", "Katerina", "Sofia", "Vasiliki", "Athanasios"],
    ["Papadopoulos", "Georgiou", "Papadakis", "Nikolaidis", "Oikonomou",
     "Vlachos", "Karagiannis", "Christodoulou", "Alexiou", "Makris"],
)
TURKISH = (
    ["Mehmet", "Mustafa", "Ahmet", "Emre", "Burak", "Hüseyin", "İbrahim",
     "Ayşe", "Fatma", "Zeynep", "Elif", "Gülşen", "Özlem", "Çağla"],
    ["Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Öztürk", "Aydın",
     "Arslan", "Doğan", "Kılıç", "Aslan", "Güneş", "Erdoğan", "Koç"],
)
ARABIC = (
    ["Ahmed", "Mohammed", "Omar", "Khaled", "Yusuf", "Hassan", "Mahmoud",
     "Ibrahim", "Fatima", "Layla", "Mariam", "Noor", "Rania", "Hiba",
     "Abdullah", "Mustafa"],
    ["Al-Hassan", "Haddad", "Khalil", "Nasser", "Al-Tamimi", "Al-Jaburi",
     "Al-Obaidi", "Saleh", "Hamdan", "Al-Khatib", "Mansour", "Darwish",
     "Al-Rawi", "Suleiman"],
)
AFGHAN = (
    ["Ahmad", "Mohammad", "Farid", "Karim", "Hamid", "Wahid", "Zahra",
     "Nasrin", "Mariam", "Shabnam", "Sediqa", "Rahim"],
    ["Rahimi", "Ahmadzai", "Karimi", "Popal", "Hashimi", "Noori",
     "Sultani", "Wardak", "Stanikzai", "Amiri", "Haidari"],
)
PAKISTANI = (
    ["Bilal", "Imran", "Usman", "Asad", "Hamza", "Faisal", "Ayesha",
     "Sana", "Hira", "Saima", "Nadia", "Zainab"],
    ["Hussain", "Khan", "Qureshi", "Malik", "Butt", "Chaudhry", "Raza",
     "Siddiqui", "Sheikh", "Abbasi", "Mirza", "Awan"],
)

# country -> (weight, naming region, dialling code, [(mobile prefix, random digits)])
# Every prefix/length combination has been checked to give numbers that
# `phonenumbers.is_valid_number` accepts (FtM drops invalid phone numbers).
COUNTRIES = {
    "RS": (18, SLAVIC_BALKAN, "381", [("60", 7), ("61", 7), ("62", 7), ("63", 7), ("64", 7), ("65", 7), ("66", 7), ("69", 7)]),
    "BA": (6, BOSNIAN, "387", [("61", 6), ("62", 6), ("63", 6), ("65", 6)]),
    "MK": (8, MACEDONIAN, "389", [("70", 6), ("71", 6), ("72", 6), ("75", 6), ("76", 6), ("77", 6), ("78", 6)]),
    "AL": (8, ALBANIAN, "355", [("672", 6), ("675", 6), ("677", 6), ("682", 6), ("684", 6), ("688", 6), ("69", 7)]),
    "BG": (6, BULGARIAN, "359", [("87", 7), ("88", 7), ("89", 7)]),
    "GR": (6, GREEK, "30", [("690", 7), ("693", 7), ("694", 7), ("695", 7), ("697", 7), ("698", 7), ("699", 7)]),
    "TR": (10, TURKISH, "90", [("530", 7), ("532", 7), ("533", 7), ("535", 7), ("536", 7), ("542", 7), ("543", 7), ("544", 7), ("505", 7), ("506", 7)]),
    "SY": (10, ARABIC, "963", [("93", 7), ("94", 7), ("95", 7), ("96", 7), ("98", 7), ("99", 7)]),
    "IQ": (10, ARABIC, "964", [("750", 7), ("751", 7), ("770", 7), ("771", 7), ("780", 7), ("781", 7), ("790", 7), ("791", 7)]),
    "AF": (8, AFGHAN, "93", [("70", 7), ("72", 7), ("77", 7), ("78", 7), ("79", 7)]),
    "PK": (10, PAKISTANI, "92", [("300", 7), ("301", 7), ("321", 7), ("333", 7), ("345", 7)]),
}

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
D0 = date(1960, 1, 1).toordinal()
D1 = date(2005, 12, 31).toordinal()
# Share of people whose passport was issued by another country than their
# nationality (e.g. naturalised / second citizenship).
OTHER_PASSPORT = 0.05


def generate(n, out_path, seed=20240601):
    rng = random.Random(seed)
    codes = list(COUNTRIES)
    weights = [COUNTRIES[c][0] for c in codes]
    # Expand weights into a flat table so we can use a single rng.choice().
    table = [c for c, w in zip(codes, weights) for _ in range(w)]
    spec = {c: COUNTRIES[c][1:] for c in codes}

    choice = rng.choice
    rand = rng.random
    randrange = rng.randrange
    choices = rng.choices
    fromordinal = date.fromordinal
    pow10 = [10 ** k for k in range(12)]

    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        batch = []
        for i in range(1, n + 1):
            nat = choice(table)
            (firsts, lasts), cc, prefixes = spec[nat]
            prefix, k = choice(prefixes)
            phone = f"+{cc}{prefix}{randrange(pow10[k]):0{k}d}"
            pcountry = choice(codes) if rand() < OTHER_PASSPORT else nat
            batch.append((
                f"P{i:07d}",
                choice(firsts),
                choice(lasts),
                fromordinal(randrange(D0, D1 + 1)).isoformat(),
                nat,
                phone,
                "".join(choices(ALNUM, k=9)),
                pcountry,
            ))
            if len(batch) >= 10000:
                w.writerows(batch)
                batch.clear()
        w.writerows(batch)


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write("usage: python3 make_rows.py N OUT.csv [SEED]\n")
        return 2
    n = int(argv[1])
    if n < 0:
        sys.stderr.write("N must be >= 0\n")
        return 2
    seed = int(argv[3]) if len(argv) == 4 else 20240601
    generate(n, argv[2], seed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
