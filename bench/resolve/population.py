#!/usr/bin/env python3
"""A hub-scale person population for entity resolution, written as an outside
party would prepare it: ten agencies' CSV files, one plain mapping each (the
README's "Resolving your own person list"), and the truth.

Usage: population.py --people N --duplicates M --seed S --out DIR
                     [--native-share 0.25]

N true people from twelve corridor cultures (Arabic of the Levant and Iraq,
Sudanese, Kurdish, Afghan, Pakistani, Hausa, Somali, Eritrean, Albanian,
Serbian, Bulgarian, Greek) with concentrated names: per culture and sex the
given names and family names follow a Zipf law fitted so that the commonest
carries a set share (Mohammed about 10% of Arab, Afghan, Hausa, Somali and
Sudanese men); in patronymic cultures the surname field mostly holds the
father's given name, so MOHAMMED ABUBAKAR, MUHAMMAD IBRAHIM, MOHAMED ALI are
very common. A quarter of the people are relatives of an earlier person
(same surname and nationality, close birth year, sometimes the same phone;
a few twins with the same birth date).

Then M more records of randomly chosen people (each person 1..10 records,
skewed), spread over ten agencies. Every record is rendered independently:
spelling variants (Mohammed/Muhammad/Mohamed, Hussein/Hussain, Djordjevic/
Đorđević, Georgiev/Georgiew), names in their native script (Arabic, Persian/
Pashto/Urdu letters, Sorani Kurdish, Serbian and Bulgarian Cyrillic, Greek;
about --native-share of all records), upper-case agencies, one-edit typos,
given and surname swapped, the father's name added to the given name, birth
date placeholders (YYYY-01-01, year only), digit typos, day/month swaps,
year +-1, missing fields, renewed passports, second phones, shared phones
(relatives, and a small pool of facilitators' / NGO numbers many people give).

Writes DIR/agency_NN.csv (id,given,surname,born,sex,nationality,phone,passport),
DIR/agency_NN.mapping.toml, DIR/manifest.json ({"files": [{mapping, data}]}),
DIR/truth.csv (dataset,record_id,true_id) and DIR/stats.json (name
concentration, scripts, identity sizes). Deterministic for a seed. Stdlib only.
"""

import argparse
import bisect
import csv
import itertools
import json
import os
import random
import time
import unicodedata
from collections import Counter

# --------------------------------------------------------------------------
# Transliteration helpers (native forms are derived where the mapping is exact)
# --------------------------------------------------------------------------

_SR_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
_SR_LETTERS = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж"))


def serbian_cyrillic(latin):
    """Serbian Latin (Gaj) -> Serbian Cyrillic: one to one, lj/nj/dž are letters."""
    out = []
    for word in latin.split(" "):
        w, i, res = word.lower(), 0, []
        while i < len(w):
            if w[i:i + 2] in _SR_DIGRAPHS:
                res.append(_SR_DIGRAPHS[w[i:i + 2]])
                i += 2
            else:
                res.append(_SR_LETTERS.get(w[i], w[i]))
                i += 1
        s = "".join(res)
        out.append(s[:1].upper() + s[1:])
    return " ".join(out)


def serbian_latin_variants(name):
    """Đorđević -> [Đorđević, Djordjevic, Djordjevich, Dordevic]."""
    dj = name.translate(str.maketrans({"č": "c", "ć": "c", "š": "s", "ž": "z", "Č": "C", "Ć": "C",
                                       "Š": "S", "Ž": "Z", "đ": "dj", "Đ": "Dj"}))
    ch = name.translate(str.maketrans({"č": "ch", "ć": "ch", "š": "sh", "ž": "zh", "Č": "Ch",
                                       "Ć": "Ch", "Š": "Sh", "Ž": "Zh", "đ": "dj", "Đ": "Dj"}))
    d = name.translate(str.maketrans({"č": "c", "ć": "c", "š": "s", "ž": "z", "Č": "C", "Ć": "C",
                                      "Š": "S", "Ž": "Z", "đ": "d", "Đ": "D"}))
    return _dedup([name, dj, ch, d])


def albanian_variants(name):
    fold = name.translate(str.maketrans({"ë": "e", "ç": "c", "Ë": "E", "Ç": "C"}))
    return _dedup([name, fold])


_BG_OFFICIAL = dict(zip("абвгдезиклмнопрстуф", "abvgdeziklmnoprstuf"))
_BG_OFFICIAL.update({"ж": "zh", "й": "y", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht",
                     "ъ": "a", "ь": "y", "ю": "yu", "я": "ya"})
_BG_OLDER = dict(_BG_OFFICIAL, **{"х": "kh", "ъ": "u", "й": "i"})
_BG_GERMAN = dict(_BG_OFFICIAL, **{"в": "w", "ж": "sh", "з": "s", "й": "j", "х": "ch", "ц": "z",
                                   "ч": "tsch", "ш": "sch", "щ": "scht", "ъ": "a", "ю": "ju",
                                   "я": "ja", "с": "ss"})


def _bg(word, table, german=False):
    w = word.lower()
    res = []
    for i, ch in enumerate(w):
        if table is _BG_OFFICIAL and ch == "я" and i == len(w) - 1 and i > 0 and w[i - 1] == "и":
            res.append("a")  # -ия at the end is -ia (2009 law)
        elif german and ch == "с" and (i == 0 or i == len(w) - 1 or w[i - 1] not in "аеиоуъюя"
                                       or w[i + 1] not in "аеиоуъюя"):
            res.append("s")  # ss only between vowels
        else:
            res.append(table.get(ch, ch))
    s = "".join(res)
    if german and s.endswith("ov"):
        s = s[:-2] + "ow"
    elif german and s.endswith("ev"):
        s = s[:-2] + "ew"
    return s[:1].upper() + s[1:]


def bulgarian_latin_variants(cyr):
    """Георгиев -> [Georgiev, Georgiev (older), Georgiew]; Христов -> Hristov, Khristov, Christow."""
    return _dedup([" ".join(_bg(w, _BG_OFFICIAL) for w in cyr.split()),
                   " ".join(_bg(w, _BG_OLDER) for w in cyr.split()),
                   " ".join(_bg(w, _BG_GERMAN, True) for w in cyr.split())])


_GR_VOICELESS = set("θκξπστφχψ")
_GR_VOWELS = set("αεηιουω")
_GR_SINGLE = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω",
                      ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o",
                       "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o"]))


def _greek(word, scheme):
    """One Greek word to Latin: 'elot' (ELOT 743, passports), 'phonetic' (as heard:
    Hristos, Papadopulos), 'classical' (ph for φ: Sophia, Stephanos)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    letters = []  # (base, has diaeresis)
    for ch in decomposed:
        if ch == "\u0308" and letters:
            letters[-1] = (letters[-1][0], True)
        elif unicodedata.category(ch) != "Mn":
            letters.append((ch, False))
    out, i, n = [], 0, len(letters)

    def at(k):
        return letters[k][0] if 0 <= k < n else ""

    def plain(k):  # a vowel that may start a diphthong with the next letter
        return k + 1 < n and not letters[k + 1][1]

    while i < n:
        c, nx = at(i), at(i + 1)
        if c in "αεη" and nx == "υ" and plain(i):
            after = at(i + 2)
            base = {"α": "a", "ε": "e", "η": "i"}[c]
            out.append(base + ("f" if (after == "" or after in _GR_VOICELESS) else "v"))
            i += 2
            continue
        if c == "ο" and nx == "υ" and plain(i):
            out.append("u" if scheme == "phonetic" else "ou")
            i += 2
            continue
        if c in "αεο" and nx == "ι" and plain(i):
            if scheme == "phonetic":
                out.append({"α": "e", "ε": "i", "ο": "i"}[c])
            else:
                out.append({"α": "ai", "ε": "ei", "ο": "oi"}[c])
            i += 2
            continue
        if c == "μ" and nx == "π":
            out.append("b" if (i == 0 or scheme == "phonetic") else "mp")
            i += 2
            continue
        if c == "ν" and nx == "τ":
            if scheme == "phonetic":
                out.append("d" if i == 0 else "nd")
            else:
                out.append("nt")
            i += 2
            continue
        if c == "γ" and nx in "γκξχ" and nx:
            rest = {"γ": "g", "κ": "k", "ξ": "x", "χ": "ch"}[nx]
            if nx == "κ":
                if scheme == "elot":
                    out.append("gk")
                else:
                    out.append("g" if i == 0 else "ng")
            else:
                out.append("n" + (rest if scheme != "phonetic" or nx != "χ" else "h"))
            i += 2
            continue
        s = _GR_SINGLE.get(c, c)
        if scheme == "phonetic":
            s = {"y": "i", "ch": "h", "x": "ks"}.get(s, s)
        elif scheme == "classical":
            s = {"f": "ph"}.get(s, s)
        out.append(s)
        i += 1
    s = "".join(out)
    if scheme == "phonetic":  # doubled consonants are heard once
        s = "".join(ch for k, ch in enumerate(s) if k == 0 or ch != s[k - 1] or ch in "aeiou")
    return s[:1].upper() + s[1:]


def greek_latin_variants(greek):
    return _dedup([" ".join(_greek(w, sch) for w in greek.split())
                   for sch in ("elot", "phonetic", "classical")])


def _dedup(xs):
    seen, out = set(), []
    for x in xs:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


# --------------------------------------------------------------------------
# Name data: (Latin spellings, most usual first; native form or None)
# --------------------------------------------------------------------------

def N(*latin, ar=None):
    return (list(latin), ar)


# Abdul- compounds with the divine names: Latin spellings and the Arabic form.
_ABD = [("Rahman", "الرحمن"), ("Karim", "الكريم"), ("Aziz", "العزيز"), ("Hamid", "الحميد"),
        ("Razzaq", "الرزاق"), ("Jabbar", "الجبار"), ("Wahab", "الوهاب"), ("Qader", "القادر"),
        ("Salam", "السلام"), ("Majid", "المجيد"), ("Hadi", "الهادي"), ("Latif", "اللطيف"),
        ("Ghani", "الغني"), ("Hakim", "الحكيم"), ("Halim", "الحليم"), ("Basit", "الباسط")]


def abdul(style="levant"):
    out = []
    for root, ar in _ABD:
        if style == "levant":
            lat = [f"Abdul{root.lower()}", f"Abdel{root.lower()}", f"Abdul {root}", f"Abd al-{root}"]
        elif style == "sudan":
            lat = [f"Abdel{root.lower()}", f"Abdul{root.lower()}", f"Abdel {root}"]
        else:
            lat = [f"Abdul {root}", f"Abdul{root.lower()}", f"Abdur {root}"]
        out.append(N(*lat, ar="عبد" + ar))
    return out


ARAB_MALE = [
    N("Mohammed", "Muhammad", "Mohamed", "Mohamad", "Mohammad", "Muhammed", ar="محمد"),
    N("Ahmad", "Ahmed", ar="أحمد"), N("Ali", ar="علي"),
    N("Hussein", "Husein", "Hussain", "Husain", "Hussien", ar="حسين"),
    N("Hassan", "Hasan", ar="حسن"), N("Omar", "Umar", ar="عمر"), N("Khaled", "Khalid", ar="خالد"),
    N("Abdullah", "Abdallah", "Abdulla", ar="عبدالله"), N("Mahmoud", "Mahmud", "Mahmood", ar="محمود"),
    N("Mustafa", "Mostafa", "Moustafa", ar="مصطفى"), N("Ibrahim", "Ebrahim", "Ibraheem", ar="إبراهيم"),
    N("Yousef", "Yusuf", "Youssef", "Yousif", ar="يوسف"), N("Hamza", "Hamzah", ar="حمزة"),
    N("Bilal", ar="بلال"), N("Karim", "Kareem", ar="كريم"), N("Tariq", "Tarek", "Tarik", ar="طارق"),
    N("Walid", "Waleed", ar="وليد"), N("Saleh", "Salih", ar="صالح"), N("Jamal", ar="جمال"),
    N("Fadi", ar="فادي"), N("Rami", ar="رامي"), N("Majid", "Majed", ar="ماجد"),
    N("Nasser", "Naser", ar="ناصر"), N("Adnan", ar="عدنان"), N("Anas", ar="أنس"),
    N("Osama", "Usama", ar="أسامة"), N("Ammar", ar="عمار"), N("Ziad", "Ziyad", ar="زياد"),
    N("Haidar", "Haider", "Hayder", ar="حيدر"), N("Abbas", ar="عباس"),
    N("Qasim", "Kassem", "Qassem", "Kasim", ar="قاسم"), N("Salem", ar="سالم"),
    N("Yasser", "Yasir", "Yaser", ar="ياسر"), N("Jasim", "Jassim", "Jasem", ar="جاسم"),
    N("Muhannad", "Mohannad", ar="مهند"), N("Firas", ar="فراس"), N("Mazen", "Mazin", ar="مازن"),
    N("Raed", "Raid", ar="رائد"), N("Samer", ar="سامر"), N("Hadi", ar="هادي"),
    N("Khalil", "Khaleel", ar="خليل"), N("Issa", "Eissa", "Isa", ar="عيسى"),
] + abdul("levant")

ARAB_FEMALE = [
    N("Fatima", "Fatma", "Fatimah", ar="فاطمة"), N("Aisha", "Aysha", "Aicha", ar="عائشة"),
    N("Maryam", "Mariam", ar="مريم"), N("Zainab", "Zeinab", "Zaynab", ar="زينب"),
    N("Noor", "Nour", "Nur", ar="نور"), N("Huda", "Hoda", ar="هدى"), N("Amina", "Aminah", ar="أمينة"),
    N("Khadija", "Khadijah", ar="خديجة"), N("Layla", "Leila", "Laila", ar="ليلى"), N("Rania", ar="رانيا"),
    N("Sara", "Sarah", ar="سارة"), N("Hiba", ar="هبة"), N("Asma", "Asmaa", ar="أسماء"), N("Rana", ar="رنا"),
    N("Yasmin", "Yasmeen", ar="ياسمين"), N("Samira", ar="سميرة"), N("Hala", ar="هالة"),
    N("Dalia", ar="داليا"), N("Salma", ar="سلمى"), N("Ghada", ar="غادة"), N("Rasha", ar="رشا"),
    N("Nadia", ar="نادية"), N("Shaimaa", "Shaima", ar="شيماء"), N("Reem", "Rim", ar="ريم"),
    N("Rawan", ar="روان"), N("Doaa", "Duaa", ar="دعاء"), N("Iman", "Eman", ar="إيمان"),
    N("Hanan", ar="حنان"), N("Safaa", "Safa", ar="صفاء"), N("Lina", ar="لينا"),
]

ARAB_FAMILY = [
    N("Al-Ahmad", "Al Ahmad", "Alahmad", "Al-Ahmed", ar="الأحمد"),
    N("Al-Hussein", "Al Hussein", "Alhussein", "Al-Hussain", ar="الحسين"),
    N("Al-Ali", "Al Ali", "Alali", ar="العلي"),
    N("Al-Mohammad", "Al Mohammad", "Almohammad", "Al-Mohamed", ar="المحمد"),
    N("Al-Hassan", "Al Hassan", "Alhassan", ar="الحسن"), N("Al-Khalaf", "Al Khalaf", "Alkhalaf", ar="الخلف"),
    N("Al-Omar", "Al Omar", "Alomar", ar="العمر"), N("Al-Abdullah", "Al Abdullah", "Alabdullah", ar="العبدالله"),
    N("Al-Jubouri", "Al Jubouri", "Aljubouri", "Al-Jaburi", ar="الجبوري"),
    N("Al-Obaidi", "Al Obaidi", "Alobaidi", "Al-Ubaidi", ar="العبيدي"),
    N("Al-Dulaimi", "Al Dulaimi", "Aldulaimi", "Al-Dulaymi", ar="الدليمي"),
    N("Al-Tamimi", "Al Tamimi", "Altamimi", ar="التميمي"),
    N("Al-Shammari", "Al Shammari", "Alshammari", "Al-Shamari", ar="الشمري"),
    N("Haddad", "Al-Haddad", ar="حداد"), N("Al-Masri", "Al Masri", "Almasri", "El-Masri", ar="المصري"),
    N("Al-Halabi", "Al Halabi", "Alhalabi", ar="الحلبي"), N("Darwish", "Darwich", "Derwish", ar="درويش"),
    N("Othman", "Osman", "Uthman", ar="عثمان"), N("Suleiman", "Sulaiman", "Soliman", "Sleiman", ar="سليمان"),
    N("Hamdan", ar="حمدان"), N("Mansour", "Mansur", ar="منصور"),
    N("Al-Khatib", "Al Khatib", "Alkhatib", "Khatib", ar="الخطيب"), N("Najjar", "Al-Najjar", ar="نجار"),
    N("Kadhim", "Kazem", "Kadim", "Kazim", ar="كاظم"), N("Al-Hamwi", "Al Hamwi", "Alhamwi", ar="الحموي"),
    N("Khalaf", ar="خلف"), N("Sabbagh", "Sabagh", ar="صباغ"), N("Al-Saleh", "Al Saleh", "Alsaleh", ar="الصالح"),
    N("Al-Ibrahim", "Al Ibrahim", "Alibrahim", ar="الإبراهيم"), N("Al-Issa", "Al Issa", "Alissa", ar="العيسى"),
    N("Al-Rifai", "Al Rifai", "Alrifai", "Al-Refai", ar="الرفاعي"), N("Qassab", "Kassab", ar="قصاب"),
    N("Al-Zoubi", "Al Zoubi", "Alzoubi", "Al-Zubi", ar="الزعبي"), N("Al-Kurdi", "Al Kurdi", "Kurdi", ar="الكردي"),
    N("Al-Hariri", "Al Hariri", "Alhariri", ar="الحريري"), N("Barakat", ar="بركات"),
    N("Shaker", "Shakir", ar="شاكر"), N("Al-Sayed", "Al Sayed", "Elsayed", ar="السيد"),
]

SUDAN_MALE = [
    N("Mohamed", "Mohammed", "Muhammad", "Mohamad", ar="محمد"), N("Ahmed", "Ahmad", ar="أحمد"),
    N("Osman", "Othman", "Usman", ar="عثمان"), N("Adam", "Adum", ar="آدم"), N("Musa", "Mousa", ar="موسى"),
    N("Ibrahim", "Ebrahim", ar="إبراهيم"), N("Ali", ar="علي"), N("Hassan", "Hasan", ar="حسن"),
    N("Hussein", "Hussain", ar="حسين"), N("Yousif", "Yousef", "Yusuf", ar="يوسف"), N("Omer", "Omar", ar="عمر"),
    N("Abdalla", "Abdallah", "Abdullah", ar="عبدالله"), N("Mustafa", "Mostafa", ar="مصطفى"),
    N("Khalid", "Khaled", ar="خالد"), N("Salah", ar="صلاح"), N("Elsadig", "Al-Sadiq", "Elsadiq", ar="الصادق"),
    N("Babiker", "Babikir", ar="بابكر"), N("Hamid", "Hamed", ar="حامد"), N("Ismail", "Ismael", ar="إسماعيل"),
    N("Yahia", "Yahya", ar="يحيى"), N("Idris", "Idriss", ar="إدريس"), N("Bashir", "Basheer", ar="بشير"),
    N("Elamin", "Al-Amin", "Alamin", ar="الأمين"), N("Siddig", "Siddiq", ar="صديق"),
    N("Eltayeb", "Al-Tayeb", "Altayeb", ar="الطيب"), N("Abakar", "Abbakar", ar="أبكر"),
    N("Haroun", "Harun", ar="هارون"), N("Suleiman", "Sulaiman", ar="سليمان"), N("Issa", "Isa", ar="عيسى"),
    N("Ishag", "Ishaq", ar="إسحاق"), N("Mahmoud", "Mahmud", ar="محمود"),
] + abdul("sudan")[:8]

SUDAN_FEMALE = [
    N("Fatima", "Fatma", ar="فاطمة"), N("Amna", "Amina", ar="آمنة"), N("Khadija", ar="خديجة"),
    N("Mariam", "Maryam", ar="مريم"), N("Hawa", "Hawaa", ar="حواء"), N("Aisha", "Aysha", ar="عائشة"),
    N("Zainab", "Zeinab", ar="زينب"), N("Halima", ar="حليمة"), N("Sara", "Sarah", ar="سارة"),
    N("Huda", ar="هدى"), N("Maha", ar="مها"), N("Samia", ar="سامية"), N("Nafisa", ar="نفيسة"),
    N("Amal", ar="أمل"), N("Hanan", ar="حنان"), N("Rehab", "Rihab", ar="رحاب"), N("Safa", "Safaa", ar="صفاء"),
    N("Igbal", "Iqbal", ar="إقبال"), N("Sumaya", "Somaya", ar="سمية"), N("Nada", ar="ندى"),
]

SUDAN_FAMILY = [
    N("Elnour", "Al-Nour", "Elnur", ar="النور"), N("Elsheikh", "Al-Sheikh", ar="الشيخ"),
    N("Mahjoub", "Mahjub", ar="محجوب"), N("Elfaki", "Al-Faki", ar="الفكي"), N("Abdelkarim", "Abdulkarim", ar="عبدالكريم"),
    N("Elhassan", "Al-Hassan", ar="الحسن"), N("Osman", ar="عثمان"), N("Babiker", ar="بابكر"),
    N("Hamad", ar="حمد"), N("Elmahdi", "Al-Mahdi", ar="المهدي"),
]

AFG_MALE = [
    N("Mohammad", "Muhammad", "Mohammed", "Mohamad", ar="محمد"), N("Ahmad", "Ahmed", ar="احمد"),
    N("Ali", ar="علی"), N("Hussain", "Hussein", "Hossain", "Husain", ar="حسین"),
    N("Abdullah", "Abdulla", ar="عبدالله"), N("Mustafa", "Mostafa", ar="مصطفی"), N("Omid", "Umid", ar="امید"),
    N("Javid", "Jawid", "Javed", ar="جاوید"), N("Hamid", ar="حمید"), N("Rahim", "Raheem", ar="رحیم"),
    N("Karim", "Kareem", ar="کریم"), N("Nasir", "Naseer", ar="نصیر"), N("Farid", "Fareed", ar="فرید"),
    N("Wahid", "Waheed", ar="وحید"), N("Sayed", "Sayyed", "Said", "Syed", ar="سید"), N("Noor", "Nur", ar="نور"),
    N("Gul", ar="گل"), N("Jawad", "Javad", ar="جواد"), N("Mahdi", "Mehdi", ar="مهدی"), N("Reza", "Raza", ar="رضا"),
    N("Habib", "Habeeb", ar="حبیب"), N("Rasul", "Rasool", ar="رسول"), N("Shafiq", "Shafeeq", ar="شفیق"),
    N("Bashir", "Basheer", ar="بشیر"), N("Khalid", "Khaled", ar="خالد"), N("Idris", "Edris", ar="ادریس"),
    N("Sohail", "Suhail", ar="سهیل"), N("Ehsan", "Ihsan", ar="احسان"), N("Jamshid", "Jamsheed", ar="جمشید"),
    N("Murtaza", "Mortaza", "Morteza", ar="مرتضی"), N("Ismail", "Esmail", ar="اسماعیل"),
    N("Yousuf", "Yusuf", "Yousef", ar="یوسف"), N("Zahir", "Zaher", ar="ظاهر"),
    N("Naweed", "Navid", "Naveed", ar="نوید"), N("Fawad", "Fuad", ar="فواد"),
    N("Abdul Rahman", "Abdulrahman", "Abdurrahman", ar="عبدالرحمن"),
    N("Abdul Karim", "Abdulkarim", ar="عبدالکریم"), N("Abdul Qadir", "Abdulqadir", "Abdul Qader", ar="عبدالقادر"),
    N("Rahmatullah", "Rahmat Ullah", "Rahmatulla", ar="رحمت الله"), N("Hayatullah", "Hayat Ullah", ar="حیات الله"),
    N("Naqibullah", "Naqeebullah", ar="نقیب الله"), N("Ziaullah", "Zia Ullah", "Ziaulla", ar="ضیاء الله"),
    N("Samiullah", "Sami Ullah", ar="سمیع الله"), N("Hekmatullah", "Hikmatullah", ar="حکمت الله"),
    N("Inayatullah", "Enayatullah", ar="عنایت الله"), N("Asadullah", "Asadulla", ar="اسدالله"),
    N("Habibullah", "Habibulla", ar="حبیب الله"), N("Najibullah", "Najibulla", ar="نجیب الله"),
    N("Zabihullah", "Zabiullah", ar="ذبیح الله"), N("Sanaullah", "Sanaulla", ar="ثناء الله"),
]

AFG_FEMALE = [
    N("Fatima", "Fatema", ar="فاطمه"), N("Maryam", "Mariam", ar="مریم"), N("Zahra", "Zohra", ar="زهرا"),
    N("Masooma", "Masuma", "Masoumeh", ar="معصومه"), N("Khadija", ar="خدیجه"), N("Sakina", "Sakineh", ar="سکینه"),
    N("Zainab", "Zeinab", ar="زینب"), N("Parwana", "Parvana", ar="پروانه"), N("Shabnam", ar="شبنم"),
    N("Nargis", "Narges", ar="نرگس"), N("Farzana", ar="فرزانه"), N("Nilofar", "Nilufar", "Niloofar", ar="نیلوفر"),
    N("Mursal", ar="مرسل"), N("Habiba", ar="حبیبه"), N("Gulalai", ar="گلالۍ"), N("Laila", "Leila", ar="لیلا"),
    N("Sima", ar="سیما"), N("Roya", ar="رویا"), N("Hamida", ar="حمیده"), N("Mahbooba", "Mahbuba", ar="محبوبه"),
    N("Shukria", "Shukriya", ar="شکریه"), N("Frishta", "Fereshta", ar="فرشته"), N("Marzia", "Marziya", ar="مرضیه"),
]

AFG_FAMILY = [
    N("Ahmadi", "Ahmady", ar="احمدی"), N("Mohammadi", "Muhammadi", "Mohamadi", ar="محمدی"),
    N("Rahimi", "Raheemi", ar="رحیمی"), N("Hussaini", "Husseini", "Hosseini", "Hosaini", ar="حسینی"),
    N("Sultani", ar="سلطانی"), N("Noori", "Nuri", ar="نوری"), N("Hakimi", ar="حکیمی"),
    N("Stanikzai", "Stanekzai", ar="ستانکزی"), N("Popal", ar="پوپل"), N("Safi", ar="صافی"),
    N("Karimi", ar="کریمی"), N("Azizi", ar="عزیزی"), N("Amiri", ar="امیری"), N("Sadat", "Sadaat", ar="سادات"),
    N("Haidari", "Haideri", "Heydari", ar="حیدری"), N("Jafari", "Jaafari", "Jafary", ar="جعفری"),
    N("Rezaei", "Rezai", "Rezaie", ar="رضایی"), N("Hashimi", "Hashemi", ar="هاشمی"), N("Wardak", ar="وردک"),
    N("Ahmadzai", "Ahmadzay", ar="احمدزی"), N("Shinwari", "Shinwary", ar="شینواری"),
    N("Yousufzai", "Yousafzai", "Yusufzai", ar="یوسفزی"), N("Khan", ar="خان"), N("Niazi", ar="نیازی"),
    N("Durrani", ar="درانی"), N("Mangal", ar="منگل"), N("Sharifi", ar="شریفی"), N("Naseri", "Nasiri", ar="ناصری"),
    N("Qaderi", "Qadiri", ar="قادری"), N("Akbari", ar="اکبری"), N("Nazari", ar="نظری"),
    N("Habibi", ar="حبیبی"), N("Samadi", ar="صمدی"), N("Faizi", "Faizy", ar="فیضی"), N("Zazai", ar="ځاځی"),
]

PAK_MALE = [
    N("Muhammad", "Mohammad", "Muhammed", "Mohammed", ar="محمد"), N("Ahmed", "Ahmad", ar="احمد"),
    N("Ali", ar="علی"), N("Imran", ar="عمران"), N("Bilal", ar="بلال"), N("Usman", "Osman", ar="عثمان"),
    N("Asif", ar="آصف"), N("Kashif", ar="کاشف"), N("Adnan", ar="عدنان"), N("Hamza", ar="حمزہ"),
    N("Faisal", "Faysal", ar="فیصل"), N("Zubair", "Zubeir", ar="زبیر"), N("Shahid", ar="شاہد"),
    N("Tariq", "Tarik", ar="طارق"), N("Waqas", ar="وقاص"), N("Naveed", "Navid", ar="نوید"), N("Irfan", ar="عرفان"),
    N("Rizwan", ar="رضوان"), N("Abdul Rehman", "Abdur Rehman", "Abdul Rahman", ar="عبدالرحمن"),
    N("Zeeshan", "Zishan", ar="ذیشان"), N("Yasir", "Yasser", ar="یاسر"), N("Sajid", ar="ساجد"),
    N("Javed", "Javaid", ar="جاوید"), N("Arshad", ar="ارشد"), N("Naeem", "Naim", ar="نعیم"), N("Khurram", ar="خرم"),
    N("Aamir", "Amir", ar="عامر"), N("Nadeem", "Nadim", ar="ندیم"), N("Umer", "Umar", "Omar", ar="عمر"),
    N("Hassan", "Hasan", ar="حسن"), N("Shahzad", ar="شہزاد"), N("Saqib", ar="ثاقب"),
]

PAK_FEMALE = [
    N("Fatima", "Fatimah", ar="فاطمہ"), N("Ayesha", "Aisha", "Aysha", ar="عائشہ"), N("Sana", ar="ثناء"),
    N("Maryam", "Mariam", ar="مریم"), N("Saima", ar="صائمہ"), N("Nadia", ar="نادیہ"), N("Amna", "Amina", ar="آمنہ"),
    N("Hina", ar="حنا"), N("Rabia", ar="رابعہ"), N("Sadia", ar="سعدیہ"), N("Bushra", ar="بشریٰ"), N("Asma", ar="اسماء"),
    N("Zainab", ar="زینب"), N("Samina", ar="ثمینہ"), N("Shazia", ar="شازیہ"), N("Nazia", ar="نازیہ"),
    N("Kiran", ar="کرن"), N("Sobia", "Sobiya", ar="صوبیہ"),
]

PAK_FAMILY = [
    N("Khan", ar="خان"), N("Ahmed", "Ahmad", ar="احمد"), N("Ali", ar="علی"),
    N("Hussain", "Hussein", "Husain", ar="حسین"), N("Shah", ar="شاہ"), N("Iqbal", ar="اقبال"), N("Malik", ar="ملک"),
    N("Butt", "Bhatt", ar="بٹ"), N("Chaudhry", "Chaudhary", "Choudhry", "Chaudhri", ar="چوہدری"),
    N("Qureshi", "Kureshi", "Qureishi", ar="قریشی"), N("Raza", ar="رضا"), N("Akhtar", ar="اختر"),
    N("Rehman", "Rahman", ar="رحمان"), N("Abbasi", ar="عباسی"), N("Mirza", ar="مرزا"), N("Sheikh", "Shaikh", ar="شیخ"),
    N("Javed", ar="جاوید"), N("Siddiqui", "Siddiqi", ar="صدیقی"), N("Aslam", ar="اسلم"), N("Afridi", ar="آفریدی"),
    N("Yousafzai", "Yousufzai", "Yusufzai", ar="یوسفزئی"), N("Mahmood", "Mehmood", "Mahmud", ar="محمود"),
    N("Gondal", ar="گوندل"), N("Bajwa", ar="باجوہ"), N("Rana", ar="رانا"), N("Cheema", ar="چیمہ"),
    N("Awan", ar="اعوان"), N("Niazi", ar="نیازی"), N("Mughal", ar="مغل"), N("Anwar", ar="انور"),
]

KURD_MALE = [
    N("Mohammed", "Muhammad", "Mohamed", "Mihemed", ar="محەمەد"), N("Ahmad", "Ahmed", "Ehmed", ar="ئەحمەد"),
    N("Ali", "Eli", ar="عەلی"), N("Azad", ar="ئازاد"), N("Rebin", "Rebeen", ar="ڕێبین"), N("Karwan", ar="کاروان"),
    N("Shwan", "Shuan", ar="شوان"), N("Dilshad", "Dilşad", ar="دلشاد"), N("Hoshyar", "Hoshiar", "Hoşyar", ar="هۆشیار"),
    N("Sherzad", "Shirzad", "Şêrzad", ar="شێرزاد"), N("Aram", ar="ئارام"), N("Diyar", "Dyar", ar="دیار"),
    N("Hemin", "Hêmin", ar="هێمن"), N("Bakhtiyar", "Bakhtiar", "Bextiyar", ar="بەختیار"),
    N("Sirwan", "Sîrwan", ar="سیروان"), N("Omid", "Umed", "Omed", ar="ئومێد"), N("Kawa", "Kawe", ar="کاوە"),
    N("Hussein", "Husein", "Hiseyn", ar="حوسێن"), N("Ibrahim", "Brahim", "Îbrahîm", ar="ئیبراهیم"),
    N("Mahmoud", "Mahmud", "Mehmud", ar="مەحموود"), N("Karim", "Kerim", ar="کەریم"), N("Hawre", "Hawri", ar="هاوڕێ"),
    N("Zana", ar="زانا"), N("Shivan", "Shvan", "Şivan", ar="شڤان"), N("Rizgar", ar="ڕزگار"),
    N("Hiwa", ar="هیوا"), N("Nechirvan", "Nechirwan", "Nêçîrvan", ar="نێچیرڤان"), N("Rawand", "Rewend", ar="ڕەوەند"),
    N("Saman", ar="سامان"), N("Aras", ar="ئاراس"), N("Omar", "Omer", "Umar", ar="عومەر"),
    N("Abdullah", "Ebdullah", "Abdulla", ar="عەبدوڵڵا"), N("Rashid", "Reshid", "Rasheed", ar="ڕەشید"),
]

KURD_FEMALE = [
    N("Shilan", "Şîlan", ar="شیلان"), N("Nasrin", "Nesrin", ar="نەسرین"), N("Zhila", "Jila", "Jîla", ar="ژیلا"),
    N("Avin", "Aveen", "Avîn", ar="ئاڤین"), N("Rozhin", "Rojin", "Rojîn", ar="ڕۆژین"), N("Shirin", "Şîrîn", ar="شیرین"),
    N("Nergiz", "Narges", "Nergis", ar="نێرگز"), N("Berivan", "Berîvan", ar="بێریڤان"), N("Hero", ar="هێرۆ"),
    N("Dilan", ar="دیلان"), N("Fatima", "Fatma", "Fatime", ar="فاتیمە"), N("Aisha", "Ayshe", "Eyşe", ar="عایشە"),
    N("Lana", ar="لانا"), N("Sozan", ar="سۆزان"), N("Kurdistan", ar="کوردستان"), N("Tara", ar="تارا"),
    N("Chiman", "Çiman", ar="چیمەن"), N("Hana", ar="هانا"), N("Shno", "Shnow", ar="شنۆ"), N("Bahar", "Behar", ar="بەهار"),
]

KURD_FAMILY = [
    N("Barzani", ar="بارزانی"), N("Talabani", "Talebani", ar="تاڵەبانی"), N("Kurdi", ar="کوردی"),
    N("Hawrami", "Hewrami", "Horami", ar="هەورامی"), N("Jaff", "Caf", ar="جاف"), N("Zebari", "Zibari", ar="زێباری"),
    N("Doski", "Duski", ar="دۆسکی"), N("Aziz", "Eziz", ar="عەزیز"), N("Salih", "Saleh", ar="ساڵح"),
    N("Qadir", "Kadir", ar="قادر"), N("Sindi", ar="سندی"), N("Bamarni", ar="بامەڕنی"), N("Mizori", ar="میزوری"),
    N("Goran", ar="گۆران"), N("Baban", ar="بابان"), N("Shwani", ar="شوانی"), N("Rekani", ar="ڕێکانی"),
    N("Berwari", ar="بەرواری"), N("Surchi", ar="سورچی"), N("Herki", ar="هەرکی"), N("Hassan", "Hasan", "Hesen", ar="حەسەن"),
]

HAUSA_MALE = [
    N("Muhammad", "Muhammed", "Mohammed", "Mohammad", "Mohamed", "Muhammadu"),
    N("Abubakar", "Abubakr", "Abu Bakar", "Abubakari"), N("Ibrahim", "Ibrahima", "Ibraheem"),
    N("Musa", "Moussa", "Mousa"), N("Usman", "Usmanu", "Othman", "Osman"), N("Abdullahi", "Abdulahi", "Abdullah"),
    N("Aliyu", "Aliu", "Ali"), N("Sani", "Sanni"), N("Yusuf", "Yusufu", "Yousuf"), N("Umar", "Umaru", "Omar"),
    N("Bello", "Belo"), N("Sulaiman", "Suleiman", "Sulaimanu"), N("Garba",), N("Haruna", "Harouna", "Haroun"),
    N("Idris", "Idrisu", "Idriss"), N("Ismail", "Ismaila", "Isma'il"), N("Lawal", "Lawan", "Lawali"),
    N("Nasiru", "Nasir"), N("Shehu", "Shehuh"), N("Adamu", "Adam"), N("Isa", "Isah", "Issa"),
    N("Auwal", "Awwal", "Auwalu"), N("Hamza", "Hamzat"), N("Salisu", "Salissu"), N("Mustapha", "Mustafa"),
    N("Bashir", "Bashiru"), N("Kabiru", "Kabir"), N("Tijjani", "Tijani"), N("Yakubu", "Yakub"),
    N("Ahmad", "Ahmed", "Ahmadu"), N("Aminu", "Amino"), N("Jamilu", "Jamil"), N("Mansur", "Mansoor"),
    N("Murtala",), N("Nuhu",), N("Rabiu", "Rabi'u"), N("Abdulrahman", "Abdurrahman", "Abdulrahaman"),
    N("Abdulkadir", "Abdulqadir"),
]

HAUSA_FEMALE = [
    N("Aisha", "Aishatu", "A'isha"), N("Fatima", "Fatimah", "Fatimatu"), N("Hauwa", "Hawwa"),
    N("Zainab", "Zainabu"), N("Amina", "Aminatu"), N("Hadiza", "Hadizat"), N("Maryam", "Mariya"),
    N("Halima", "Halimatu"), N("Khadija", "Khadijat"), N("Rakiya", "Ruqayya"), N("Hafsat", "Hafsa"),
    N("Bilkisu", "Bilkis"), N("Safiya", "Safiyya"), N("Jamila",), N("Asma'u", "Asmau"), N("Salamatu",),
    N("Ramatu",), N("Binta",), N("Ladi",), N("Saadatu", "Sa'adatu"),
]

HAUSA_FAMILY = [
    N("Danjuma",), N("Dauda",), N("Yahaya", "Yahya"), N("Gambo",), N("Tanko",), N("Dankano",), N("Bawa",),
    N("Danladi",), N("Maikudi",), N("Jibrin", "Jibril"), N("Inuwa",), N("Sambo",), N("Ringim",), N("Kurawa",),
    N("Bichi",), N("Gwarzo",), N("Dambatta",), N("Abdulkadir", "Abdulqadir"),
]

SOMALI_MALE = [
    N("Mohamed", "Maxamed", "Mohammed", "Mohamad"), N("Ahmed", "Axmed", "Ahmad"), N("Ali", "Cali"),
    N("Abdi", "Cabdi"), N("Hassan", "Xasan", "Hasan"), N("Omar", "Cumar", "Umar"),
    N("Abdullahi", "Cabdullaahi", "Abdulahi"), N("Yusuf", "Yuusuf", "Yousuf"), N("Ibrahim", "Ibraahim"),
    N("Hussein", "Xuseen", "Hussain"), N("Abdirahman", "Cabdiraxmaan", "Abdurahman"),
    N("Abdikarim", "Cabdikariim", "Abdikariim"), N("Mohamud", "Maxamuud", "Mahmoud"), N("Osman", "Cismaan", "Usman"),
    N("Ismail", "Ismaaciil", "Ismael"), N("Farah", "Faarax"), N("Abdulkadir", "Cabdulqaadir", "Abdulqadir"),
    N("Aden", "Aadan", "Adan"), N("Said", "Saciid", "Saeed"), N("Nur", "Nuur", "Noor"), N("Jama", "Jaamac"),
    N("Warsame",), N("Hirsi", "Xirsi"), N("Abdiaziz", "Cabdicasiis", "Abdulaziz"), N("Mukhtar", "Mukhtaar"),
    N("Bashir", "Bashiir"), N("Guled", "Guuleed"), N("Dahir", "Daahir"), N("Musa", "Muuse", "Moussa"),
    N("Abdiwali", "Cabdiwali"),
]

SOMALI_FEMALE = [
    N("Fadumo", "Faadumo", "Fatuma", "Fatima"), N("Amina", "Aamina"), N("Hodan", "Hodon"),
    N("Halima", "Xaliimo", "Halimo"), N("Asha", "Caasha", "Aisha"), N("Maryan", "Maryam", "Mariam"),
    N("Sahra", "Sahro"), N("Hawa", "Xaawo", "Hawo"), N("Khadija", "Khadiijo", "Kadija"), N("Nasra", "Nasro"),
    N("Ifrah", "Ifrax"), N("Ayan", "Ayaan"), N("Ubah", "Ubax"), N("Deeqa", "Deka"), N("Ilhan", "Ilhaan"),
    N("Hibo",), N("Sagal",), N("Farhiya", "Farxiya"), N("Muna", "Muuna"), N("Zamzam",),
]

SOMALI_FAMILY = [
    N("Warsame",), N("Hirsi", "Xirsi"), N("Farah", "Faarax"), N("Jama", "Jaamac"), N("Egal", "Cigaal"),
    N("Duale", "Ducaale"), N("Samatar",), N("Elmi", "Cilmi"), N("Gedi", "Geedi"), N("Mohamud", "Maxamuud"),
]

ERI_MALE = [
    N("Yonas", "Jonas"), N("Yohannes", "Yohanes", "Johannes", "Yohanis"), N("Tesfay", "Tesfaye", "Tesfai"),
    N("Haile", "Hailay"), N("Kidane", "Kidan"), N("Berhane", "Birhane", "Berhani"), N("Amanuel", "Emanuel", "Amaniel"),
    N("Filmon", "Filimon", "Philemon"), N("Mehari", "Mihari"), N("Tekle", "Teklay"), N("Habte", "Habtay"),
    N("Solomon", "Solomun"), N("Daniel", "Danel"), N("Samuel", "Samiel"), N("Merhawi", "Mehrawi"),
    N("Yemane", "Yemani"), N("Mulugeta",), N("Ghebremedhin", "Gebremedhin", "Ghebremedin"),
    N("Tsegay", "Tsegai", "Tsegaye"), N("Goitom", "Goytom"), N("Biniam", "Biniyam", "Binyam"),
    N("Efrem", "Ephrem", "Efrim"), N("Michael", "Mikael", "Mikiel"), N("Robel",), N("Henok", "Henock"),
    N("Kibrom", "Kbrom"), N("Ermias", "Ermyas"), N("Berhe", "Berhie"),
    N("Gebremariam", "Ghebremariam", "Gebremaryam"), N("Ghebreyesus", "Gebreyesus"), N("Tewelde", "Tewolde"),
    N("Woldu", "Weldu"), N("Asmerom", "Asmerem"), N("Negash", "Negasi"), N("Abraha", "Abrha"),
    N("Ghirmay", "Girmay", "Ghirmai"), N("Kahsay", "Kahsai"), N("Gebru", "Ghebru"), N("Andemariam", "Andemaryam"),
    N("Zerai", "Zeray"), N("Tesfamariam", "Tesfamaryam"), N("Mebrahtu", "Mebrahtom"),
    N("Weldemichael", "Woldemichael", "Weldemikael"), N("Araya",), N("Hagos", "Hagoss"),
]

ERI_FEMALE = [
    N("Helen", "Hellen"), N("Selam", "Salam"), N("Senait", "Senayt"), N("Hiwet", "Hiwot"), N("Luwam", "Lwam"),
    N("Ruth", "Rut"), N("Saba",), N("Yordanos", "Yordanos"), N("Freweyni", "Frewoyni"), N("Semhar",),
    N("Winta", "Wintana"), N("Eden", "Edan"), N("Feven", "Fiven"), N("Mebrat",), N("Tsega",), N("Rahel", "Rachel"),
    N("Almaz",), N("Letebrhan", "Letebirhan"), N("Akberet",), N("Meron",),
]

ALB_MALE = [N(*albanian_variants(x)) for x in [
    "Arben", "Besnik", "Ilir", "Driton", "Fatmir", "Gentian", "Erion", "Artan", "Agron", "Bujar", "Dritan",
    "Ermal", "Gëzim", "Klodian", "Kujtim", "Mentor", "Blerim", "Valon", "Arian", "Flamur", "Mirlind", "Endrit",
    "Albert", "Afrim", "Sokol", "Shpëtim", "Fatos", "Luan", "Edmond", "Altin", "Arbër", "Bekim", "Ardit"]]
ALB_FEMALE = [N(*albanian_variants(x)) for x in [
    "Albana", "Arta", "Blerta", "Drita", "Elira", "Enkeleda", "Fatjona", "Jonida", "Klea", "Lindita", "Mirela",
    "Teuta", "Valbona", "Vjosa", "Besa", "Ermira", "Jeta", "Anila", "Rudina", "Fjolla", "Arbëresha", "Mimoza"]]
ALB_FAMILY = [N(*albanian_variants(x)) for x in [
    "Hoxha", "Krasniqi", "Gashi", "Berisha", "Shehu", "Morina", "Kelmendi", "Hasani", "Leka", "Çela",
    "Dervishi", "Shala", "Kastrati", "Bytyqi", "Rama", "Gjoka", "Kola", "Prifti", "Marku", "Basha", "Mehmeti",
    "Ahmeti", "Xhafa", "Halili", "Bajrami", "Rexhepi", "Sejdiu", "Dushku", "Zeqiri", "Murati", "Lleshi",
    "Hyseni", "Gjoni", "Nikolli", "Qerimi", "Sopaj", "Rrahmani", "Thaçi", "Ismaili", "Avdiu"]]
for _n in ALB_FAMILY:
    if _n[0][0] == "Hoxha":
        _n[0].insert(2, "Hodja")
    if _n[0][0] == "Krasniqi":
        _n[0].append("Krasnici")


def _sr(names):
    return [N(*serbian_latin_variants(x), ar=serbian_cyrillic(x)) for x in names]


SRB_MALE = _sr(["Nikola", "Marko", "Stefan", "Luka", "Aleksandar", "Milan", "Nemanja", "Miloš", "Dragan",
                "Zoran", "Dejan", "Goran", "Vladimir", "Srđan", "Dušan", "Bojan", "Nenad", "Ivan", "Petar",
                "Đorđe", "Miroslav", "Željko", "Aleksa", "Uroš", "Vuk", "Dimitrije", "Slobodan", "Branko",
                "Milorad", "Predrag", "Saša", "Darko", "Igor", "Jovan", "Lazar", "Filip"])
SRB_FEMALE = _sr(["Jelena", "Milica", "Ana", "Marija", "Ivana", "Jovana", "Dragana", "Snežana", "Tijana",
                  "Aleksandra", "Katarina", "Nataša", "Gordana", "Sanja", "Tamara", "Maja", "Mirjana", "Biljana",
                  "Teodora", "Nevena", "Sofija", "Anđela", "Ljiljana", "Dušica", "Vesna", "Slađana"])
SRB_FAMILY = _sr(["Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić",
                  "Stanković", "Pavlović", "Milošević", "Popović", "Mladenović", "Savić", "Kostić", "Todorović",
                  "Lazić", "Ristić", "Živković", "Stevanović", "Mitrović", "Ivanović", "Pešić", "Kovačević",
                  "Marinković", "Simić", "Đukić", "Milenković", "Obradović", "Radovanović", "Vasić",
                  "Janković", "Stojković", "Kolarević", "Lukić", "Tomić", "Jović", "Ljubić", "Nedeljković",
                  "Đurić", "Filipović", "Gajić", "Milovanović", "Babić", "Radosavljević", "Vuković",
                  "Ćirić", "Zdravković", "Bogdanović", "Perić", "Živanović"])


def _bgn(names):
    return [N(*bulgarian_latin_variants(x), ar=x) for x in names]


BGR_MALE = _bgn(["Георги", "Иван", "Димитър", "Николай", "Петър", "Христо", "Стоян", "Тодор", "Йордан",
                 "Васил", "Александър", "Стефан", "Атанас", "Красимир", "Пламен", "Веселин", "Борислав",
                 "Мартин", "Даниел", "Емил", "Любомир", "Цветан", "Асен", "Кирил", "Светослав", "Жельо",
                 "Валентин", "Илия", "Ангел", "Митко"])
BGR_FEMALE = _bgn(["Мария", "Иванка", "Елена", "Йорданка", "Пенка", "Гергана", "Десислава", "Цветелина",
                   "Надежда", "Росица", "Светла", "Даниела", "Петя", "Николета", "Виктория", "Симона", "Радка",
                   "Стефка", "Теодора", "Галина", "Снежана", "Милена"])
_BG_SURNAMES = ["Иванов", "Георгиев", "Димитров", "Петров", "Николов", "Христов", "Стоянов", "Тодоров",
                "Илиев", "Василев", "Атанасов", "Петков", "Ангелов", "Маринов", "Попов", "Колев", "Йорданов",
                "Стефанов", "Михайлов", "Кръстев", "Цветков", "Костов", "Славов", "Младенов", "Жеков",
                "Русев", "Генчев", "Бойчев", "Шишков", "Златев", "Щерев", "Янев", "Найденов", "Хаджиев"]
BGR_FAMILY = [(m, f) for m, f in zip(_bgn(_BG_SURNAMES), _bgn([s + "а" for s in _BG_SURNAMES]))]


def _grn(names):
    return [N(*greek_latin_variants(x), ar=x) for x in names]


GRC_MALE = _grn(["Γεώργιος", "Ιωάννης", "Κωνσταντίνος", "Δημήτριος", "Νικόλαος", "Παναγιώτης", "Βασίλειος",
                 "Χρήστος", "Αθανάσιος", "Μιχαήλ", "Ευάγγελος", "Σπυρίδων", "Αντώνιος", "Ανδρέας", "Θεόδωρος",
                 "Ηλίας", "Στυλιανός", "Εμμανουήλ", "Παύλος", "Αλέξανδρος", "Φίλιππος", "Στέφανος",
                 "Αναστάσιος", "Σταύρος"])
GRC_FEMALE = _grn(["Μαρία", "Ελένη", "Αικατερίνη", "Βασιλική", "Σοφία", "Αγγελική", "Γεωργία", "Δήμητρα",
                   "Κωνσταντίνα", "Παναγιώτα", "Ευαγγελία", "Χριστίνα", "Ιωάννα", "Αναστασία", "Ειρήνη",
                   "Δέσποινα", "Θεοδώρα", "Καλλιόπη", "Φωτεινή", "Ευτυχία"])
_GR_SURNAMES = [("Παπαδόπουλος", "Παπαδοπούλου"), ("Νικολάου", "Νικολάου"), ("Γεωργίου", "Γεωργίου"),
                ("Παπαδάκης", "Παπαδάκη"), ("Οικονόμου", "Οικονόμου"), ("Κωνσταντινίδης", "Κωνσταντινίδου"),
                ("Δημητρίου", "Δημητρίου"), ("Παππάς", "Παππά"), ("Βλάχος", "Βλάχου"), ("Αντωνίου", "Αντωνίου"),
                ("Ιωάννου", "Ιωάννου"), ("Μακρής", "Μακρή"), ("Αθανασίου", "Αθανασίου"),
                ("Παπανικολάου", "Παπανικολάου"), ("Καραγιάννης", "Καραγιάννη"), ("Γεωργιάδης", "Γεωργιάδου"),
                ("Πετρόπουλος", "Πετροπούλου"), ("Νικολαΐδης", "Νικολαΐδου"), ("Αλεξίου", "Αλεξίου"),
                ("Σταυρόπουλος", "Σταυροπούλου"), ("Χριστοδούλου", "Χριστοδούλου"), ("Μιχαηλίδης", "Μιχαηλίδου"),
                ("Ζαχαρίου", "Ζαχαρίου"), ("Λαμπράκης", "Λαμπράκη"), ("Αγγελόπουλος", "Αγγελοπούλου"),
                ("Μπακάλης", "Μπακάλη"), ("Ντόκος", "Ντόκου"), ("Φωτίου", "Φωτίου"), ("Χατζηδάκης", "Χατζηδάκη"),
                ("Ευαγγέλου", "Ευαγγέλου"), ("Κυριακίδης", "Κυριακίδου"), ("Σιδηρόπουλος", "Σιδηροπούλου")]
GRC_FAMILY = list(zip(_grn([m for m, _ in _GR_SURNAMES]), _grn([f for _, f in _GR_SURNAMES])))

# --------------------------------------------------------------------------
# Cultures
# --------------------------------------------------------------------------
# weight: share of people; script: of the native form; native: base chance a
# record is written in it (scaled so that all records hit --native-share);
# nat: nationalities; male: share of men; top_given (men, women) and
# top_family: share of the commonest name; patronymic: chance the surname is the
# father's given name; middle: chance a record adds the father's name to the given.

CULTURES = [
    dict(key="arabic", weight=0.21, script="Arabic", native=0.30, male=0.66,
         nat={"SYR": 0.55, "IRQ": 0.25, "JOR": 0.04, "LBN": 0.04, "PSE": 0.07, "EGY": 0.05},
         alt_nat=["SYR", "IRQ", "LBN", "JOR", "TUR"],
         m=ARAB_MALE, f=ARAB_FEMALE, fam=ARAB_FAMILY, top_given=(0.10, 0.07), top_family=0.04,
         patronymic=0.40, middle=0.06),
    dict(key="sudanese", weight=0.05, script="Arabic", native=0.30, male=0.78,
         nat={"SDN": 0.9, "SSD": 0.1}, alt_nat=["SDN", "TCD", "EGY"],
         m=SUDAN_MALE, f=SUDAN_FEMALE, fam=SUDAN_FAMILY, top_given=(0.11, 0.08), top_family=0.08,
         patronymic=0.85, middle=0.08),
    dict(key="kurdish", weight=0.08, script="Arabic", native=0.30, male=0.62,
         nat={"IRQ": 0.6, "SYR": 0.25, "TUR": 0.1, "IRN": 0.05}, alt_nat=["IRQ", "SYR", "TUR", "IRN"],
         m=KURD_MALE, f=KURD_FEMALE, fam=KURD_FAMILY, top_given=(0.06, 0.06), top_family=0.04,
         patronymic=0.50, middle=0.05),
    dict(key="afghan", weight=0.15, script="Arabic", native=0.28, male=0.75,
         nat={"AFG": 0.95, "IRN": 0.05}, alt_nat=["AFG", "IRN", "PAK"],
         m=AFG_MALE, f=AFG_FEMALE, fam=AFG_FAMILY, top_given=(0.10, 0.08), top_family=0.05,
         patronymic=0.35, middle=0.05),
    dict(key="pakistani", weight=0.07, script="Arabic", native=0.15, male=0.85,
         nat={"PAK": 1.0}, alt_nat=["PAK", "AFG", "IND"],
         m=PAK_MALE, f=PAK_FEMALE, fam=PAK_FAMILY, top_given=(0.12, 0.07), top_family=0.10,
         patronymic=0.10, middle=0.03),
    dict(key="hausa", weight=0.10, script=None, native=0.0, male=0.65,
         nat={"NGA": 0.85, "NER": 0.15}, alt_nat=["NGA", "NER", "GHA"],
         m=HAUSA_MALE, f=HAUSA_FEMALE, fam=HAUSA_FAMILY, top_given=(0.10, 0.08), top_family=0.06,
         patronymic=0.75, middle=0.03),
    dict(key="somali", weight=0.05, script=None, native=0.0, male=0.62,
         nat={"SOM": 1.0}, alt_nat=["SOM", "ETH", "KEN"],
         m=SOMALI_MALE, f=SOMALI_FEMALE, fam=SOMALI_FAMILY, top_given=(0.10, 0.08), top_family=0.05,
         patronymic=0.90, middle=0.10),
    dict(key="eritrean", weight=0.06, script=None, native=0.0, male=0.68,
         nat={"ERI": 0.9, "ETH": 0.1}, alt_nat=["ERI", "ETH", "SDN"],
         m=ERI_MALE, f=ERI_FEMALE, fam=ERI_MALE, top_given=(0.05, 0.06), top_family=0.05,
         patronymic=1.0, middle=0.08),
    dict(key="albanian", weight=0.07, script=None, native=0.0, male=0.60,
         nat={"ALB": 0.7, "MKD": 0.1, "SRB": 0.2}, alt_nat=["ALB", "MKD", "SRB"],
         m=ALB_MALE, f=ALB_FEMALE, fam=ALB_FAMILY, top_given=(0.04, 0.05), top_family=0.03,
         patronymic=0.0, middle=0.0),
    dict(key="serbian", weight=0.08, script="Cyrillic", native=0.40, male=0.58,
         nat={"SRB": 0.85, "BIH": 0.1, "MNE": 0.05}, alt_nat=["SRB", "BIH", "MNE", "MKD"],
         m=SRB_MALE, f=SRB_FEMALE, fam=SRB_FAMILY, top_given=(0.05, 0.05), top_family=0.025,
         patronymic=0.0, middle=0.0),
    dict(key="bulgarian", weight=0.04, script="Cyrillic", native=0.55, male=0.58,
         nat={"BGR": 1.0}, alt_nat=["BGR", "MKD"],
         m=BGR_MALE, f=BGR_FEMALE, fam=BGR_FAMILY, top_given=(0.07, 0.08), top_family=0.04,
         patronymic=0.0, middle=0.0),
    dict(key="greek", weight=0.04, script="Greek", native=0.55, male=0.58,
         nat={"GRC": 0.9, "CYP": 0.1}, alt_nat=["GRC", "CYP"],
         m=GRC_MALE, f=GRC_FEMALE, fam=GRC_FAMILY, top_given=(0.10, 0.12), top_family=0.02,
         patronymic=0.0, middle=0.0),
]

# Ten agencies: (name weight, region for the mapping, writes names in upper case,
# phone style (0: +9647701234567, 1: +964 770 123 4567), how readily it writes
# each script rather than Latin).
AGENCIES = [
    dict(share=0.16, country="RS", upper=False, phone=0, Cyrillic=2.2, Greek=0.2, Arabic=0.6),
    dict(share=0.14, country="GR", upper=True, phone=1, Cyrillic=0.4, Greek=2.5, Arabic=0.6),
    dict(share=0.12, country="BG", upper=False, phone=0, Cyrillic=2.5, Greek=0.3, Arabic=0.6),
    dict(share=0.12, country="DE", upper=True, phone=1, Cyrillic=0.2, Greek=0.2, Arabic=0.2),
    dict(share=0.10, country="AT", upper=False, phone=0, Cyrillic=0.3, Greek=0.3, Arabic=0.3),
    dict(share=0.09, country="HU", upper=True, phone=0, Cyrillic=0.3, Greek=0.2, Arabic=0.3),
    dict(share=0.08, country="MK", upper=False, phone=1, Cyrillic=1.8, Greek=0.3, Arabic=0.5),
    dict(share=0.08, country="TR", upper=False, phone=0, Cyrillic=0.2, Greek=0.2, Arabic=2.5),
    dict(share=0.06, country="IT", upper=True, phone=0, Cyrillic=0.2, Greek=0.2, Arabic=0.2),
    dict(share=0.05, country="AL", upper=False, phone=1, Cyrillic=0.3, Greek=0.5, Arabic=0.4),
]

# Mobile numbers valid in libphonenumber: country code, prefixes, digits after the prefix.
PHONES = {
    "IRQ": ("964", ["750", "751", "770", "771", "780", "781", "782", "790"], 7),
    "SYR": ("963", ["93", "94", "95", "96", "98", "99"], 7),
    "JOR": ("962", ["770", "772", "775", "777", "778", "779", "785", "786", "790", "795", "797"], 6),
    "LBN": ("961", ["3", "70", "71"], 6),
    "PSE": ("970", ["59", "56"], 7),
    "EGY": ("20", ["10", "11", "12", "15"], 8),
    "SDN": ("249", ["91", "92", "90", "96", "99", "12"], 7),
    "SSD": ("211", ["92", "91", "95"], 7),
    "AFG": ("93", ["70", "72", "77", "78", "79", "76", "74"], 7),
    "PAK": ("92", ["300", "301", "303", "312", "321", "333", "345"], 7),
    "NGA": ("234", ["803", "806", "813", "816", "703", "706", "903", "810", "814", "805"], 7),
    "NER": ("227", ["90", "91", "96", "97", "98", "99"], 6),
    "SOM": ("252", ["61", "62", "63", "65", "68"], 7),
    "ERI": ("291", ["7"], 6),
    "ETH": ("251", ["91", "92", "93", "94"], 7),
    "ALB": ("355", ["692", "693", "694", "695", "696", "697", "698", "699", "682", "672"], 6),
    "MKD": ("389", ["70", "71", "72", "75", "76", "77", "78"], 6),
    "SRB": ("381", ["60", "61", "62", "63", "64", "65", "66", "69"], 7),
    "BIH": ("387", ["61", "62", "63", "65", "66"], 6),
    "MNE": ("382", ["67", "68", "69"], 6),
    "BGR": ("359", ["87", "88", "89"], 7),
    "GRC": ("30", ["690", "693", "694", "695", "697", "698", "699"], 7),
    "CYP": ("357", ["96", "97", "99"], 6),
    "TUR": ("90", ["530", "532", "533", "535", "541", "542", "543", "544", "505", "506", "507"], 7),
    "DEU": ("49", ["151", "152", "157", "160", "170", "171", "172", "176", "177"], 8),
    "IRN": ("98", ["912", "919", "935", "936", "901", "902"], 7),
}
TRANSIT = ["TUR", "TUR", "TUR", "GRC", "SRB", "BGR", "DEU", "MKD"]

# Passport numbers: (letters, digits) per issuing country.
PASSPORTS = {
    "IRQ": ("A", 8), "SYR": ("N", 9), "JOR": ("", 7), "LBN": ("LR", 7), "PSE": ("", 7), "EGY": ("A", 8),
    "SDN": ("P", 8), "SSD": ("S", 8), "AFG": ("P", 8), "PAK": ("AB", 7), "NGA": ("A", 8), "NER": ("", 8),
    "SOM": ("P", 8), "ERI": ("E", 7), "ETH": ("EP", 7), "ALB": ("BE", 7), "MKD": ("M", 7), "SRB": ("", 9),
    "BIH": ("A", 7), "MNE": ("", 8), "BGR": ("", 9), "GRC": ("AE", 7), "CYP": ("K", 8), "TUR": ("U", 8),
    "IRN": ("K", 8), "XKX": ("P", 8),
}

ALPHABETS = {
    "Latin": "abcdefghijklmnopqrstuvwxyz",
    "Cyrillic": "абвгдежзиклмнопрстуфхцчшя",
    "Greek": "αβγδεζηθικλμνξοπρστυφχω",
    "Arabic": "ابتجحخدرزسشصطعفقكلمنهوي",
}

# --------------------------------------------------------------------------


def zipf_cum(n, top):
    """Cumulative Zipf weights k^-s over n ranks, s fitted so rank 1 has share `top`."""
    if n == 1:
        return [1.0]
    lo, hi = 0.0, 8.0
    for _ in range(60):
        s = (lo + hi) / 2
        w = [k ** -s for k in range(1, n + 1)]
        share = 1.0 / sum(w)
        if share < top:
            lo = s
        else:
            hi = s
    return list(itertools.accumulate(k ** -s for k in range(1, n + 1)))


def pick_cum(cum, rnd):
    return bisect.bisect_left(cum, rnd() * cum[-1])


class Name:
    __slots__ = ("latin", "vcum", "native", "key")

    def __init__(self, entry):
        latin, native = entry
        self.latin = latin
        self.vcum = list(itertools.accumulate(0.45 ** i for i in range(len(latin))))
        self.native = native
        self.key = CANON.get(latin[0], latin[0])


# Spellings of one name across cultures, for counting concentration.
CANON = {"Muhammad": "Mohammed", "Mohammad": "Mohammed", "Mohamed": "Mohammed", "Ahmed": "Ahmad",
         "Hussain": "Hussein", "Yousif": "Yousef", "Yusuf": "Yousef", "Yousuf": "Yousef", "Omer": "Omar",
         "Umer": "Omar", "Abdalla": "Abdullah", "Khaled": "Khalid", "Osman": "Usman", "Fatima": "Fatima",
         "Ayesha": "Aisha", "Mariam": "Maryam", "Maryan": "Maryam", "Amna": "Amina", "Fadumo": "Fatima"}


def prepare():
    cultures = []
    for c in CULTURES:
        cc = dict(c)
        cc["m"] = [Name(e) for e in c["m"]]
        cc["f"] = [Name(e) for e in c["f"]]
        fam = []
        for e in c["fam"]:
            if isinstance(e, tuple) and len(e) == 2 and isinstance(e[0], tuple):
                fam.append((Name(e[0]), Name(e[1])))  # male and female forms
            else:
                n = Name(e)
                fam.append((n, n))
        cc["fam"] = fam
        cc["m_cum"] = zipf_cum(len(cc["m"]), c["top_given"][0])
        cc["f_cum"] = zipf_cum(len(cc["f"]), c["top_given"][1])
        cc["fam_cum"] = zipf_cum(len(fam), c["top_family"])
        nats = list(c["nat"].items())
        cc["nat_list"] = [k for k, _ in nats]
        cc["nat_cum"] = list(itertools.accumulate(w for _, w in nats))
        cultures.append(cc)
    return cultures


def native_probabilities(cultures, target):
    """p[culture][agency] = min(1, base * agency factor * scale), scale fitted so the
    expected share of native-script records is `target`."""
    ag_w = [a["share"] for a in AGENCIES]

    def table(scale):
        return [[min(1.0, c["native"] * a.get(c["script"], 0.0) * scale) if c["script"] else 0.0
                 for a in AGENCIES] for c in cultures]

    def share(scale):
        t = table(scale)
        return sum(c["weight"] * sum(w * p for w, p in zip(ag_w, row)) for c, row in zip(cultures, t))

    lo, hi = 0.0, 50.0
    if share(hi) < target:
        return table(hi)
    for _ in range(60):
        mid = (lo + hi) / 2
        if share(mid) < target:
            lo = mid
        else:
            hi = mid
    return table(hi)


DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def valid_date(y, m, d):
    if not (1 <= m <= 12 and 1 <= d <= DAYS[m - 1]):
        return False
    return not (m == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)))


def generate(args):
    rng = random.Random(args.seed)
    rnd, randint, rchoice = rng.random, rng.randint, rng.choice
    cultures = prepare()
    native_p = native_probabilities(cultures, args.native_share)
    cult_cum = list(itertools.accumulate(c["weight"] for c in cultures))
    ag_cum = list(itertools.accumulate(a["share"] for a in AGENCIES))
    n_people = args.people

    # ---- people ----
    # person: [culture, sex, given, given_pref, sur_kind, sur_idx, sur_pref, father,
    #          y, m, d, dkind, nat, passports, phones]
    people = []
    by_culture = [[] for _ in cultures]
    phone_seen = set()

    def new_phone(nat):
        if rnd() < 0.2:
            nat = rchoice(TRANSIT)
        cc, prefixes, digits = PHONES.get(nat, PHONES["TUR"])
        while True:
            num = cc + rchoice(prefixes) + "".join(str(randint(0, 9)) for _ in range(digits))
            if num not in phone_seen:
                phone_seen.add(num)
                return num

    def new_passport(nat):
        letters, digits = PASSPORTS.get(nat, ("P", 8))
        return letters + "".join(str(randint(0, 9)) for _ in range(digits))

    def birth_year(relative_year=None, sibling=True):
        if relative_year is not None:
            off = randint(1, 8) if sibling else randint(18, 35)
            y = relative_year + (off if rnd() < 0.5 else -off)
            return max(1940, min(2023, y))
        r = rnd()
        if r < 0.2:
            age = randint(0, 15)
        elif r < 0.9:
            age = int(rng.triangular(16, 42, 24))
        else:
            age = randint(43, 72)
        return 2024 - age

    for i in range(n_people):
        ci = bisect.bisect_left(cult_cum, rnd() * cult_cum[-1])
        c = cultures[ci]
        sex = 0 if rnd() < c["male"] else 1
        gi = pick_cum(c["m_cum"] if sex == 0 else c["f_cum"], rnd)
        gname = (c["m"] if sex == 0 else c["f"])[gi]
        gpref = pick_cum(gname.vcum, rnd)
        rel = None
        if by_culture[ci] and rnd() < 0.25:
            rel = people[rchoice(by_culture[ci])]
        if rel is not None:
            sur_kind, sur_idx, sur_pref, father = rel[4], rel[5], rel[6], rel[7]
            nat = rel[12]
            twin = rnd() < 0.03
            if twin and rel[11] == 0:
                y, m, d, dkind = rel[8], rel[9], rel[10], 0
            else:
                y = birth_year(rel[8], sibling=rnd() < 0.75)
                m, d, dkind = None, None, None
        else:
            father = pick_cum(c["m_cum"], rnd)
            if rnd() < c["patronymic"]:
                sur_kind, sur_idx = 1, father
                sur_pref = pick_cum(c["m"][father].vcum, rnd)
            else:
                sur_kind, sur_idx = 0, pick_cum(c["fam_cum"], rnd)
                sur_pref = pick_cum(c["fam"][sur_idx][0].vcum, rnd)
            nat = c["nat_list"][bisect.bisect_left(c["nat_cum"], rnd() * c["nat_cum"][-1])]
            y, m, d, dkind = birth_year(), None, None, None
        if dkind is None:
            r = rnd()
            dkind = 0 if r < 0.78 else (1 if r < 0.93 else 2)
            if dkind == 0:
                m = randint(1, 12)
                d = randint(1, DAYS[m - 1] if m != 2 else 28)
            elif dkind == 1:
                m, d = 1, 1
        passports = ()
        if rnd() < 0.48:
            passports = (new_passport(nat),)
            if rnd() < 0.12:
                passports = passports + (new_passport(nat),)  # renewed
        phones = ()
        if rnd() < 0.37:
            if rel is not None and rel[14] and rnd() < 0.4:
                phones = (rel[14][0],)  # the family's phone
            else:
                phones = (new_phone(nat),)
            if rnd() < 0.15:
                phones = phones + (new_phone(nat),)  # changed SIM
        people.append((ci, sex, gi, gpref, sur_kind, sur_idx, sur_pref, father,
                       y, m, d, dkind, nat, passports, phones))
        by_culture[ci].append(i)

    # Facilitators' and NGOs' numbers that many unrelated people give as contact.
    hub_phones = [new_phone(rchoice(["TUR", "GRC", "SRB", "LBN", "SYR", "IRQ"]))
                  for _ in range(max(10, n_people // 3000))]

    # ---- records per person: 1 + extras, extras from a zeta(2) law on 1..9 ----
    extras = [0] * n_people
    zcum = list(itertools.accumulate(k ** -2.0 for k in range(1, 10)))
    order = list(range(n_people))
    rng.shuffle(order)
    remaining = args.duplicates
    pos = 0
    while remaining > 0:
        if pos >= len(order):  # more duplicates than one pass gives: go round again
            pos = 0
        p = order[pos]
        pos += 1
        k = pick_cum(zcum, rnd) + 1
        k = min(k, remaining, 9 - extras[p])
        if k <= 0:
            continue
        extras[p] += k
        remaining -= k
    # One slot per record: person * 16 + ordinal (0 = the first registration).
    slots = [p * 16 + k for p in range(n_people) for k in range(extras[p] + 1)]
    rng.shuffle(slots)

    # ---- render ----
    os.makedirs(args.out, exist_ok=True)
    names = [f"agency_{i + 1:02d}" for i in range(len(AGENCIES))]
    files = [open(os.path.join(args.out, f"{n}.csv"), "w", newline="", encoding="utf-8") for n in names]
    writers = [csv.writer(f, lineterminator="\n") for f in files]
    for w in writers:
        w.writerow(["id", "given", "surname", "born", "sex", "nationality", "phone", "passport"])
    counters = [0] * len(AGENCIES)
    truth_f = open(os.path.join(args.out, "truth.csv"), "w", newline="", encoding="utf-8")
    truth = csv.writer(truth_f, lineterminator="\n")
    truth.writerow(["dataset", "record_id", "true_id"])

    script_counts = Counter()
    noise_counts = Counter()
    rec_given, rec_surname = Counter(), Counter()

    def typo(s):
        if len(s) < 3:
            return s
        upper = s.isupper()
        i = randint(1, len(s) - 2)
        ch = s[i]
        if ch == " " or ch == "-":
            return s
        op = rnd()
        if op < 0.35:  # substitution by a letter of the same script
            sc = script_of(ch)
            alpha = ALPHABETS.get(sc, ALPHABETS["Latin"])
            new = rchoice(alpha)
            if upper:
                new = new.upper()
            return s[:i] + new + s[i + 1:]
        if op < 0.6:  # deletion
            return s[:i] + s[i + 1:]
        if op < 0.8:  # doubled letter
            return s[:i] + ch + s[i:]
        nxt = s[i + 1]  # transposition
        if nxt == " ":
            return s
        return s[:i] + nxt + ch + s[i + 2:]

    def render(name, pref, native, upper, is_greek_upper):
        if native and name.native:
            s = name.native
        else:
            v = pref if (pref < len(name.latin) and rnd() < 0.6) else pick_cum(name.vcum, rnd)
            s = name.latin[v]
        if upper:
            if is_greek_upper:
                s = "".join(ch for ch in unicodedata.normalize("NFD", s) if ch != "\u0301")
                s = unicodedata.normalize("NFC", s.upper())
            else:
                s = s.upper()
        return s

    def fmt_phone(num, style):
        if style == 0:
            return "+" + num
        # +CC rest grouped by three
        for cc_len in (3, 2, 1):
            if num[:cc_len] in CC_SET:
                cc, rest = num[:cc_len], num[cc_len:]
                break
        else:
            cc, rest = num[:3], num[3:]
        groups = [rest[i:i + 3] for i in range(0, len(rest), 3)]
        if len(groups) > 1 and len(groups[-1]) == 1:  # no lone digit at the end
            groups[-2:] = [groups[-2] + groups[-1]]
        return "+" + cc + " " + " ".join(groups)

    def fmt_date(y, m, d, kind):
        if kind == 2 or m is None:
            return str(y)
        return f"{y:04d}-{m:02d}-{d:02d}"

    for slot in slots:
        pi, ordinal = divmod(slot, 16)
        p = people[pi]
        (ci, sex, gi, gpref, sur_kind, sur_idx, sur_pref, father,
         y, m, d, dkind, nat, passports, phones) = p
        c = cultures[ci]
        noise = 0.35 if ordinal == 0 else 1.0
        ai = bisect.bisect_left(ag_cum, rnd() * ag_cum[-1])
        ag = AGENCIES[ai]
        native = rnd() < native_p[ci][ai]
        upper = ag["upper"]
        greek_upper = upper and c["script"] == "Greek" and native
        if native:
            script_counts[c["script"]] += 1
        else:
            script_counts["Latin"] += 1

        gname = (c["m"] if sex == 0 else c["f"])[gi]
        given = render(gname, gpref, native, upper, greek_upper)
        sname = c["m"][sur_idx] if sur_kind == 1 else c["fam"][sur_idx][sex]
        surname = render(sname, sur_pref, native, upper, greek_upper)
        rec_given[gname.key] += 1
        rec_surname[sname.key] += 1
        if c["middle"] and rnd() < c["middle"] * noise:
            fname = c["m"][father]
            given = given + " " + render(fname, 0, native, upper, greek_upper)
            noise_counts["father_name_in_given"] += 1
        if rnd() < 0.06 * noise:
            given = typo(given)
            noise_counts["typo_given"] += 1
        if rnd() < 0.07 * noise:
            surname = typo(surname)
            noise_counts["typo_surname"] += 1
        if rnd() < 0.04 * noise:
            given, surname = surname, given
            noise_counts["swapped_names"] += 1
        r = rnd()
        if r < 0.01 * noise:
            surname = ""
            noise_counts["missing_surname"] += 1
        elif r < 0.015 * noise:
            given = ""
            noise_counts["missing_given"] += 1

        # birth date
        ry, rm, rd, rk = y, m, d, dkind
        r = rnd()
        if r < 0.04 * noise:
            born = ""
            noise_counts["missing_born"] += 1
        else:
            if dkind == 0:
                r2 = rnd()
                if r2 < 0.03 * noise:
                    rm, rd = 1, 1  # another agency's placeholder
                    noise_counts["born_placeholder"] += 1
                elif r2 < 0.05 * noise:
                    rk = 2
                    noise_counts["born_year_only"] += 1
            r3 = rnd()
            if rk != 2 and r3 < 0.03 * noise:  # one digit wrong
                for _ in range(6):
                    pos_ = randint(0, 5)  # positions in YY MM DD (the century stays)
                    digits = list(f"{ry % 100:02d}{rm:02d}{rd:02d}")
                    digits[pos_] = str((int(digits[pos_]) + randint(1, 9)) % 10)
                    ny = ry - ry % 100 + int("".join(digits[0:2]))
                    nm, nd = int("".join(digits[2:4])), int("".join(digits[4:6]))
                    if valid_date(ny, nm, nd) and 1930 <= ny <= 2024:
                        ry, rm, rd = ny, nm, nd
                        noise_counts["born_digit_typo"] += 1
                        break
            elif rk != 2 and r3 < 0.05 * noise and rd <= 12 and rd != rm:
                rm, rd = rd, rm
                noise_counts["born_day_month_swap"] += 1
            elif r3 < 0.07 * noise:
                ry += 1 if rnd() < 0.5 else -1  # age assessed differently
                if rm == 2 and rd == 29:
                    rd = 28
                noise_counts["born_year_off_by_one"] += 1
            born = fmt_date(ry, rm, rd, rk)

        r = rnd()
        if r < 0.03 * noise:
            sex_s = ""
        elif r < 0.03 * noise + 0.003:
            sex_s = "f" if sex == 0 else "m"
            noise_counts["sex_flipped"] += 1
        else:
            sex_s = "m" if sex == 0 else "f"

        r = rnd()
        if r < 0.05 * noise:
            nat_s = ""
        elif r < 0.08 * noise:
            nat_s = rchoice(c["alt_nat"])
            if nat_s != nat:
                noise_counts["nationality_changed"] += 1
        else:
            nat_s = nat

        phone = ""
        if rnd() < 0.006:
            phone = fmt_phone(rchoice(hub_phones), ag["phone"])
            noise_counts["hub_phone"] += 1
        elif phones and rnd() < 0.8:
            num = phones[0] if (len(phones) == 1 or rnd() < 0.65) else phones[1]
            phone = fmt_phone(num, ag["phone"])

        passport = ""
        if passports and rnd() < 0.8:
            passport = passports[0] if (len(passports) == 1 or rnd() < 0.5) else passports[1]
            if rnd() < 0.01:
                k = randint(0, len(passport) - 1)
                passport = passport[:k] + str(randint(0, 9)) + passport[k + 1:]
                noise_counts["passport_typo"] += 1

        counters[ai] += 1
        rid = f"{ai + 1:02d}-{counters[ai]:07d}"
        writers[ai].writerow([rid, given, surname, born, sex_s, nat_s, phone, passport])
        truth.writerow([names[ai], rid, f"P{pi:07d}"])

    for f in files:
        f.close()
    truth_f.close()

    for i, n in enumerate(names):
        with open(os.path.join(args.out, f"{n}.mapping.toml"), "w", encoding="utf-8") as f:
            f.write(MAPPING.format(name=n, agency=n, country=AGENCIES[i]["country"]))
    manifest = {
        "generator": "bench/resolve/population.py",
        "seed": args.seed, "people": n_people, "duplicates": args.duplicates,
        "records": len(slots),
        "files": [{"mapping": f"{n}.mapping.toml", "data": f"{n}.csv", "dataset": n,
                   "records": counters[i]} for i, n in enumerate(names)],
        "truth": "truth.csv",
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)

    # ---- stats ----
    total = len(slots)
    sizes = Counter(e + 1 for e in extras)
    men = [p for p in people if p[1] == 0]

    def top(counter, k=5, denom=None):
        denom = denom or sum(counter.values())
        return [[name, n, round(n / denom, 4)] for name, n in counter.most_common(k)]

    def gkey(p):
        c = cultures[p[0]]
        return (c["m"] if p[1] == 0 else c["f"])[p[2]].key

    def skey(p):
        c = cultures[p[0]]
        return (c["m"][p[5]] if p[4] == 1 else c["fam"][p[5]][p[1]]).key

    given_all = Counter(gkey(p) for p in people)
    given_men = Counter(gkey(p) for p in men)
    surnames = Counter(skey(p) for p in people)
    full = Counter(f"{gkey(p)} {skey(p)}" for p in people)
    full_dob = Counter((gkey(p), skey(p), p[8], p[9], p[10]) for p in people if p[11] == 0)
    placeholder_dob = Counter((gkey(p), skey(p), p[8]) for p in people if p[11] == 1)
    mohammed_abubakar = sum(1 for p in people if gkey(p) == "Mohammed" and skey(p) == "Abubakar")
    per_culture_top = {}
    for ci, c in enumerate(cultures):
        cm = Counter(gkey(people[i]) for i in by_culture[ci] if people[i][1] == 0)
        cs = Counter(skey(people[i]) for i in by_culture[ci])
        per_culture_top[c["key"]] = {"people": len(by_culture[ci]),
                                     "top_male_given": top(cm, 3), "top_surname": top(cs, 3)}
    stats = {
        "people": n_people, "records": total,
        "records_by_script": {k: [v, round(v / total, 4)] for k, v in script_counts.most_common()},
        "non_latin_share": round(1 - script_counts["Latin"] / total, 4),
        "top_given_names": top(given_all), "top_given_names_men": top(given_men),
        "top_surnames": top(surnames), "top_full_names": top(full, 10),
        "top_given_names_records": top(rec_given), "top_surnames_records": top(rec_surname),
        "mohammed_abubakar": mohammed_abubakar,
        # Different people a name and a birth date cannot tell apart (canonical spellings).
        "largest_same_name_and_full_birth_date": full_dob.most_common(1)[0][1] if full_dob else 0,
        "people_sharing_name_and_full_birth_date": sum(n for n in full_dob.values() if n > 1),
        "largest_same_name_and_placeholder_birth_date": (placeholder_dob.most_common(1)[0][1]
                                                         if placeholder_dob else 0),
        "people_sharing_name_and_placeholder_birth_date": sum(n for n in placeholder_dob.values() if n > 1),
        "per_culture": per_culture_top,
        "records_per_person": {str(k): sizes[k] for k in sorted(sizes)},
        "largest_true_identity": max(sizes),
        "noise": dict(sorted(noise_counts.items())),
        "agencies": {n: counters[i] for i, n in enumerate(names)},
    }
    with open(os.path.join(args.out, "stats.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=2, ensure_ascii=False)
    return stats


CC_SET = {v[0] for v in PHONES.values()}


def script_of(ch):
    o = ord(ch)
    if 0x0400 <= o <= 0x04FF:
        return "Cyrillic"
    if 0x0370 <= o <= 0x03FF:
        return "Greek"
    if 0x0600 <= o <= 0x06FF:
        return "Arabic"
    return "Latin"


MAPPING = """# {name}.mapping.toml
[dataset]
name = "{name}"
format = "csv"
record_id = "id"
date_formats = ["%Y-%m-%d", "%d/%m/%Y", "%Y"]

[source]
agency = "{agency}"
country = "{country}"            # default region for phone numbers written without +

[defaults]
grading = "B2"
handling = "H1"

[entities.person]
schema = "Person"
[entities.person.properties]
name = {{ columns = ["given", "surname"] }}
firstName = {{ column = "given" }}
lastName = {{ column = "surname" }}
birthDate = {{ column = "born" }}
gender = {{ column = "sex", map = {{ "m" = "male", "f" = "female" }} }}
nationality = {{ column = "nationality" }}
category = {{ literal = "other" }}

[entities.phone]
schema = "Phone"
properties.number = {{ column = "phone" }}

[entities.uses]
schema = "Uses"
properties.user = {{ entity = "person" }}
properties.object = {{ entity = "phone" }}

[entities.passport]
schema = "TravelDocument"
properties.number = {{ column = "passport" }}

[entities.holds]
schema = "Holds"
properties.holder = {{ entity = "person" }}
properties.document = {{ entity = "passport" }}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--duplicates", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--native-share", type=float, default=0.25,
                    help="share of all records with names in their native script (default 0.25)")
    args = ap.parse_args()
    if args.people < 1 or args.duplicates < 0 or args.duplicates > 9 * args.people:
        raise SystemExit("need --people >= 1 and 0 <= --duplicates <= 9 * people")
    t0 = time.time()
    stats = generate(args)
    print(json.dumps({"out": args.out, "people": stats["people"], "records": stats["records"],
                      "non_latin_share": stats["non_latin_share"],
                      "largest_true_identity": stats["largest_true_identity"],
                      "seconds": round(time.time() - t0, 1)}))


if __name__ == "__main__":
    main()
