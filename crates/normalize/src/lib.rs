//! Names across scripts: comparison keys and a similarity score that resolution,
//! search and hit/no-hit matching share.
//!
//! A name is split into tokens (particles such as al-, bin, van, de are set aside,
//! hyphenated names split); each token gets every Latin spelling the transliteration
//! tables give (`translit`), folded to `A-Z`, and a consonant skeleton in which the
//! spellings that vary between romanisations fall together (DJ/Đ/D, KH/H, ZH/Z,
//! KS/X, Q/K, doubled letters, vowels — Arabic script does not write short vowels).
//! Keys are sets, not one canonical spelling: two names match when any spellings
//! agree, whichever script each is written in, and the score is symmetric.
//!
//! Each spelling also gets its Double Metaphone codes (`rphonetic`, a port of
//! Apache commons-codec), the phonetic key that catches spellings the tables do not
//! list. Beider–Morse (also in `rphonetic`) is not used: it ships large rule files,
//! yields dozens of codes per name, and what it adds for these languages (spelling
//! variants across romanisations) the transliteration tables and skeletons cover.
//!
//! Written here rather than taken from a crate: no maintained crate covers Serbian,
//! Macedonian and Bulgarian Cyrillic, ELOT 743 Greek and Arabic-script names together;
//! `unicode-normalization` does the diacritic folding and `strsim` the string distance.

mod dates;
pub mod ident;
mod jaro;
mod parse;
mod phone;
mod profile;
mod table;
mod translit;

pub use dates::{DateCheck, check_birth_date, implausible_birth_date};
pub use jaro::{jaro_winkler, jaro_winkler_bound};
pub use parse::{ParsedName, parse_name};
pub use phone::{Phone, PhoneNormalizer, normalize_phone};
pub use table::{NameTable, TokenMemo, TokenScores, sorted_share};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// Double Metaphone with codes up to 6 letters: the default 4 cannot tell long
/// Slavic and Greek surnames apart.
fn phonetic_encoder() -> rphonetic::DoubleMetaphone {
    rphonetic::DoubleMetaphone::new(Some(6))
}

/// Tokens that are not names on their own: articles and patronymic markers.
const PARTICLES: &[&str] = &[
    "AL", "EL", "UL", "BIN", "IBN", "BINT", "BEN", "BN", "ABN", "BNT", "ABU", "ABOU", "VAN", "VON", "DE", "DER", "DEN",
    "DA", "DI", "DEL", "LA", "LE", "DOS", "DAS",
];

/// One token of a name with its spellings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Token {
    /// Latin spellings, folded to A-Z, first the ICAO/ELOT form.
    pub latin: Vec<String>,
    /// Consonant skeletons of those spellings (deduplicated).
    pub skeleton: Vec<String>,
    /// Double Metaphone codes (primary and alternate) of those spellings: the
    /// phonetic key, which also joins spellings the romanisation tables do not list
    /// (Jovanovich / Yovanovitch, Mohamed / Mukhammed).
    pub phonetic: Vec<String>,
    /// `ABD` when the token is the second part of a theophoric name (Abdul Rahman,
    /// عبد الرحمن, Abdelrahman: RAHMAN under ABD); its spellings are that part's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// The article stood before the token (al-Zahrani, الزهراني).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub after_article: bool,
    /// Spellings without an article written joined (Alzahrani: ZAHRANI), compared
    /// only with a token that followed an article.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bare: Vec<String>,
}

/// The comparison keys of a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameKeys {
    pub tokens: Vec<Token>,
    /// Particles found and set aside (AL, BIN, VAN …).
    pub particles: Vec<String>,
    /// Order-insensitive keys: `latin:…` (one per spelling combination, tokens sorted)
    /// and `skeleton:…`; two names sharing a key are the same name spelt alike.
    pub keys: Vec<String>,
    /// Per token, what comparisons need precomputed (parallel to `tokens`).
    #[serde(skip)]
    profile: Vec<profile::TokenProfile>,
    /// The `latin:` keys by hash.
    #[serde(skip)]
    latin_hashes: Vec<(u64, u16)>,
}

/// Folds a Latin token to `A-Z`: diacritics removed, special letters spelt out.
fn fold_latin(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'Đ' | 'đ' => out.push_str("DJ"),
            'ß' => out.push_str("SS"),
            'Æ' | 'æ' => out.push_str("AE"),
            'Ø' | 'ø' => out.push('O'),
            'Œ' | 'œ' => out.push_str("OE"),
            'Ł' | 'ł' => out.push('L'),
            'ı' => out.push('I'),
            'Þ' | 'þ' => out.push_str("TH"),
            c if c.is_ascii_alphabetic() => out.push(c.to_ascii_uppercase()),
            _ => {}
        }
    }
    out
}

/// Spellings that vary between romanisations, replaced in this order (the order
/// matters: SHCH before SH, SH before KS …).
const SKELETON_RULES: &[(&[u8], &[u8])] = &[
    (b"SHCH", b"S"),
    (b"SCH", b"S"),
    (b"SHT", b"S"),
    (b"DJ", b"D"),
    (b"DZ", b"Z"),
    (b"ZH", b"Z"),
    (b"KH", b"H"),
    (b"SH", b"S"),
    (b"CH", b"C"),
    (b"TS", b"C"),
    (b"TH", b"T"),
    (b"DH", b"D"),
    (b"PH", b"F"),
    (b"GH", b"G"),
    (b"GJ", b"G"),
    (b"KJ", b"K"),
    (b"LJ", b"L"),
    (b"NJ", b"N"),
    (b"KS", b"X"),
    (b"CK", b"K"),
];

/// Replaces every `from` by the shorter `to` in place, left to right, as
/// `str::replace` would, without allocating (this runs 20 times per spelling).
fn replace_in_place(buf: &mut Vec<u8>, from: &[u8], to: &[u8]) {
    if buf.len() < from.len() {
        return;
    }
    let (mut read, mut write) = (0, 0);
    while read < buf.len() {
        if buf[read] == from[0] && buf[read..].starts_with(from) {
            buf[write..write + to.len()].copy_from_slice(to);
            write += to.len();
            read += from.len();
        } else {
            buf[write] = buf[read];
            write += 1;
            read += 1;
        }
    }
    buf.truncate(write);
}

/// The consonant skeleton of a folded Latin token. A final I or Y stays (as I):
/// Arabic script writes it (ی, ي), and it is what tells the family names Ahmadi,
/// Hosseini and Karimi from the given names Ahmad, Hossein and Karim.
fn skeleton(latin: &str) -> String {
    let mut s = latin.as_bytes().to_vec();
    for (from, to) in SKELETON_RULES {
        replace_in_place(&mut s, from, to);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0u8;
    for &c in &s {
        let c = match c {
            b'Q' => b'K',
            b'W' => b'V',
            b'A' | b'E' | b'I' | b'O' | b'U' | b'Y' => continue,
            other => other,
        };
        if c != last {
            out.push(char::from(c));
            last = c;
        }
    }
    if latin.len() >= 2 && matches!(latin.as_bytes().last(), Some(b'I' | b'Y')) {
        out.push('I');
    }
    out
}

/// Splits a name into raw tokens, setting particles aside; each token says whether
/// the article (al-, el-, ul-, or Arabic ال written attached) stood before it.
fn split(name: &str) -> (Vec<(String, bool)>, Vec<String>) {
    let mut tokens = Vec::new();
    let mut particles = Vec::new();
    let mut article = false;
    for raw in name.split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '_') {
        for part in raw.split(['-', '‐', '\'', '’', 'ʿ', 'ʾ']) {
            if part.is_empty() {
                continue;
            }
            let probe = fold_latin(part);
            if PARTICLES.contains(&probe.as_str()) {
                article = ARTICLES.contains(&probe.as_str());
                particles.push(probe);
            } else {
                tokens.push((part.to_string(), article));
                article = false;
            }
        }
    }
    // Arabic article written attached: "ال" at the start of a token.
    let tokens = tokens
        .into_iter()
        .map(|(t, article)| match t.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 2 => {
                particles.push("AL".into());
                (rest.to_string(), true)
            }
            _ => (t, article),
        })
        .collect();
    (tokens, particles)
}

/// The particles that are the Arabic article.
const ARTICLES: &[&str] = &["AL", "EL", "UL"];

/// "Servant of" (عبد): the first part of the theophoric names (Abd al-Rahman,
/// Abdullah, Abdolreza), written as a word of its own in these spellings.
const ABD_WORDS: &[&str] = &[
    "ABD", "ABDU", "ABDUL", "ABDEL", "ABDAL", "ABDOL", "ABDOUL", "ABDUR", "ABDER", "ABDAR", "ABDOR",
];

/// The same written joined to the name that follows, longest first (Abdelrahman,
/// Abdurrahman, Abdirahman, Abdallah).
const ABD_PREFIXES: &[&str] = &[
    "ABDOUL", "ABDUL", "ABDEL", "ABDAL", "ABDOL", "ABDUR", "ABDER", "ABDAR", "ABDOR", "ABDI", "ABDU", "ABD",
];

/// Spellings of Allah as the second part of a theophoric name (Abdullah, Abd Allah,
/// Zabihullah), and as Arabic script gives it once its article is set aside.
const ALLAH_FORMS: &[&str] = &[
    "ALLAH", "LLAH", "LAH", "ULLAH", "ELLAH", "OLLAH", "ALLA", "ALLH", "LLH", "LH",
];

/// A name token on its way to a [`Token`]: its folded Latin spellings, and the
/// theophoric head (`ABD`) when it is the second part of such a name.
struct Part {
    latin: Vec<String>,
    head: Option<&'static str>,
    article: bool,
    /// The token alone is عبد / Abd / Abdul …: it joins the name after it.
    bare_head: bool,
}

impl Part {
    fn of(text: &str, article: bool) -> Part {
        let fold = |t: &str| {
            let mut latin: Vec<String> = translit::latin_variants(t).iter().map(|v| fold_latin(v)).collect();
            latin.retain(|l| !l.is_empty());
            dedup_keep_order(&mut latin);
            latin
        };
        if text == "عبد" {
            return Part {
                latin: fold(text),
                head: None,
                article,
                bare_head: true,
            };
        }
        // عبدالله, عبدالرحمن: written joined in Arabic script.
        if let Some(rest) = text.strip_prefix("عبد")
            && rest.chars().count() >= 2
        {
            let rest = rest
                .strip_prefix("ال")
                .filter(|r| r.chars().count() >= 2)
                .unwrap_or(rest);
            return Part {
                latin: allah(fold(rest)),
                head: Some("ABD"),
                article,
                bare_head: false,
            };
        }
        let latin = fold(text);
        let bare_head = !latin.is_empty() && latin.iter().all(|l| ABD_WORDS.contains(&l.as_str()));
        if !bare_head {
            let rests: Vec<String> = latin
                .iter()
                .filter_map(|l| {
                    ABD_PREFIXES
                        .iter()
                        .find_map(|p| l.strip_prefix(p).filter(|r| r.len() >= 3))
                        .map(str::to_string)
                })
                .collect();
            if !rests.is_empty() && rests.len() == latin.len() {
                return Part {
                    latin: allah(rests),
                    head: Some("ABD"),
                    article,
                    bare_head: false,
                };
            }
        }
        Part {
            latin,
            head: None,
            article,
            bare_head,
        }
    }

    fn into_token(self) -> Token {
        // A Latin token that begins with the article written joined (Alzahrani,
        // Elhusseini): its spellings without it, compared only with a token that
        // followed an article in the other name.
        let bare: Vec<String> = if self.head.is_none() && !self.article {
            self.latin
                .iter()
                .filter_map(|l| l.strip_prefix("AL").or_else(|| l.strip_prefix("EL")))
                .filter(|r| r.len() >= 4)
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        token_of(self.latin, self.head, self.article, bare)
    }
}

/// Allah's spellings as one.
fn allah(mut latin: Vec<String>) -> Vec<String> {
    for l in &mut latin {
        if ALLAH_FORMS.contains(&l.as_str()) {
            *l = "ALLAH".into();
        }
    }
    dedup_keep_order(&mut latin);
    latin
}

/// Allah written after a name as a word of its own (Sana Ullah, ثناء الله) or
/// joined (Sanaullah, Nasrallah, نصرالله): the name is one token under the tail
/// marker `ULLAH`, as the theophoric heads are under `ABD`.
const ALLAH_TAILS: &[&str] = &[
    "ULLAH", "ULLA", "OLLAH", "OLLA", "ALLAH", "ELLAH", "ALLH", "ULLH", "LLAH", "LLH",
];

/// The Allah tail written joined at the end of a token's spellings, if every
/// spelling has one and leaves a name of three letters or more.
fn allah_tail(latin: &[String]) -> Option<Vec<String>> {
    let rests: Vec<String> = latin
        .iter()
        .filter_map(|l| {
            ALLAH_TAILS
                .iter()
                .find_map(|t| l.strip_suffix(t).filter(|r| r.len() >= 3))
                .map(|r| r.trim_end_matches(['U', 'O', 'A', 'E']).to_string())
        })
        .filter(|r| r.len() >= 2)
        .collect();
    (!latin.is_empty() && rests.len() == latin.len()).then_some(rests)
}

/// Joins each theophoric head standing alone (Abd, Abdul, عبد) with the name after
/// it: "Abdul Rahman", "Abd al-Rahman", "Abdelrahman" and "عبد الرحمن" are then one
/// token RAHMAN under the head ABD, compared on the part that differs between such
/// names, so "Abdul Rahman" and "Abdul Karim" no longer share a whole token.
fn join_heads(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    let mut pending_head = false;
    for mut part in parts {
        // Allah as a word of its own after a name: the name takes the tail.
        let is_allah = part.head.is_none()
            && !part.bare_head
            && !part.latin.is_empty()
            && part.latin.iter().all(|l| ALLAH_FORMS.contains(&l.as_str()));
        if is_allah
            && !pending_head
            && let Some(prev) = out.last_mut()
            && prev.head.is_none()
        {
            prev.head = Some("ULLAH");
            continue;
        }
        if part.head.is_none()
            && !part.bare_head
            && let Some(rests) = allah_tail(&part.latin)
        {
            part.latin = rests;
            part.head = Some("ULLAH");
        }
        if pending_head && part.head.is_none() && !part.bare_head {
            out.pop();
            out.push(Part {
                latin: allah(part.latin),
                head: Some("ABD"),
                article: false,
                bare_head: false,
            });
            pending_head = false;
            continue;
        }
        pending_head = part.bare_head;
        out.push(part);
    }
    out
}

/// A token from its Latin spellings: skeletons and phonetic codes derived.
fn token_of(latin: Vec<String>, head: Option<&'static str>, after_article: bool, bare: Vec<String>) -> Token {
    let mut skel: Vec<String> = latin.iter().map(|l| skeleton(l)).collect();
    dedup_keep_order(&mut skel);
    let mut phonetic = Vec::with_capacity(2 * latin.len());
    let encoder = phonetic_encoder();
    for l in &latin {
        let code = encoder.double_metaphone(l);
        phonetic.push(code.primary());
        phonetic.push(code.alternate());
    }
    phonetic.retain(|p| !p.is_empty());
    dedup_keep_order(&mut phonetic);
    Token {
        latin,
        skeleton: skel,
        phonetic,
        head: head.map(str::to_string),
        after_article,
        bare,
    }
}

/// The most of a name that is compared, in characters: names are a few dozen
/// characters, and a name of a megabyte must not cost more than a real one.
pub const MAX_NAME_CHARS: usize = 256;

/// The version of the keys [`keys`] makes. Keys kept between runs (a node's
/// matching index, blocking keys hashed from skeletons) are only valid for the
/// version that made them: raise it whenever a spelling, skeleton or phonetic code
/// of some name changes. 2: ta marbuta read as A, the Kurdish letters, و as V and
/// the Persian final ه in the second reading.
pub const KEYS_VERSION: u32 = 2;

/// The most tokens of a name that are compared: a full Arabic name with its chain
/// of ancestors (nasab) and tribal and place names (nisba) has about a dozen.
pub const MAX_NAME_TOKENS: usize = 16;

/// Whether a name is longer than what is compared of it ([`MAX_NAME_CHARS`],
/// [`MAX_NAME_TOKENS`]): the rest of it is ignored.
pub fn over_limits(name: &str) -> bool {
    name.chars().nth(MAX_NAME_CHARS).is_some() || {
        let (tokens, particles) = split(name);
        tokens.len() > MAX_NAME_TOKENS || particles.len() > MAX_NAME_TOKENS
    }
}

/// The comparison keys of a name in any supported script. Only the first
/// [`MAX_NAME_CHARS`] characters and [`MAX_NAME_TOKENS`] tokens count, so the cost
/// of one name, and of comparing two, is bounded whatever their length.
pub fn keys(name: &str) -> NameKeys {
    let name = match name.char_indices().nth(MAX_NAME_CHARS) {
        Some((at, _)) => &name[..at],
        None => name,
    };
    let (mut raw, mut particles) = split(name);
    raw.truncate(MAX_NAME_TOKENS);
    particles.truncate(MAX_NAME_TOKENS);
    let parts: Vec<Part> = raw.iter().map(|(t, article)| Part::of(t, *article)).collect();
    let tokens: Vec<Token> = join_heads(parts)
        .into_iter()
        .map(Part::into_token)
        .filter(|t| !t.latin.is_empty())
        .collect();
    let mut keys = Vec::new();
    keys.extend(combos(&tokens, |t| &t.latin).into_iter().map(|k| format!("latin:{k}")));
    keys.extend(
        combos(&tokens, |t| &t.skeleton)
            .into_iter()
            .map(|k| format!("skeleton:{k}")),
    );
    keys.extend(
        combos(&tokens, |t| &t.phonetic)
            .into_iter()
            .map(|k| format!("phonetic:{k}")),
    );
    // A theophoric name's keys hold its head: "Abdul Rahman" is not "Rahman".
    dedup_keep_order(&mut keys);
    NameKeys {
        profile: tokens.iter().map(profile::TokenProfile::of).collect(),
        latin_hashes: profile::latin_keys(&keys),
        tokens,
        particles,
        keys,
    }
}

/// Removes repeats, keeping first occurrences; lists here are a few dozen at most,
/// where a linear scan beats hashing.
fn dedup_keep_order(v: &mut Vec<String>) {
    let mut i = 0;
    while i < v.len() {
        if v[..i].contains(&v[i]) {
            v.remove(i);
        } else {
            i += 1;
        }
    }
}

/// Order-insensitive keys over spelling combinations, capped so a long name with many
/// spellings per token stays cheap.
fn combos(tokens: &[Token], pick: fn(&Token) -> &Vec<String>) -> Vec<String> {
    const CAP: usize = 16;
    let mut acc: Vec<Vec<String>> = vec![Vec::new()];
    for t in tokens {
        let mut next = Vec::new();
        for prefix in &acc {
            for v in pick(t).iter().filter(|v| !v.is_empty()) {
                if next.len() < CAP {
                    let mut p = prefix.clone();
                    p.push(match &t.head {
                        Some(h) => format!("{h}{v}"),
                        None => v.clone(),
                    });
                    next.push(p);
                }
            }
        }
        if !next.is_empty() {
            acc = next;
        }
    }
    acc.into_iter()
        .filter(|p| !p.is_empty())
        .map(|mut p| {
            p.sort();
            p.join(" ")
        })
        .collect()
}

/// How two names compare: a score in [0, 1] and the keys they share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub score: f64,
    pub keys: Vec<String>,
}

/// A token with its precomputed comparison data.
#[derive(Clone, Copy)]
struct Tok<'a> {
    t: &'a Token,
    p: &'a profile::TokenProfile,
}

impl NameKeys {
    fn tok(&self, i: usize) -> Tok<'_> {
        Tok {
            t: &self.tokens[i],
            p: &self.profile[i],
        }
    }

    fn shares_latin_key(&self, other: &NameKeys) -> bool {
        profile::share_latin_key(&self.keys, &self.latin_hashes, &other.keys, &other.latin_hashes)
    }
}

/// How much a token keeps of its score against a token with another theophoric
/// head (or none): Abdulrahman and Rahman are different names.
const HEAD_MISMATCH: f64 = 0.75;

fn token_score(a: Tok, b: Tok) -> f64 {
    let mut best = spelling_score(a, b);
    if a.t.head != b.t.head {
        best *= HEAD_MISMATCH;
    }
    if a.t.after_article && !b.t.bare.is_empty() {
        best = best.max(bare_score(&b.t.bare, a.t));
    }
    if b.t.after_article && !a.t.bare.is_empty() {
        best = best.max(bare_score(&a.t.bare, b.t));
    }
    best
}

/// A token's spellings without the article written joined (`bare`) against a token
/// that followed the article: Alzahrani against al-Zahrani or الزهراني.
fn bare_score(bare: &[String], t: &Token) -> f64 {
    let mut best: f64 = 0.0;
    for b in bare {
        let skel = skeleton(b);
        if skel.len() >= 2 && t.skeleton.contains(&skel) {
            best = best.max(0.97);
        }
        for l in &t.latin {
            best = best.max(jaro_winkler(b, l));
        }
    }
    best
}

/// The score of two tokens' spellings: Latin, phonetic and skeleton.
fn spelling_score(a: Tok, b: Tok) -> f64 {
    let mut best: f64 = 0.0;
    for (la, ca) in a.t.latin.iter().zip(&a.p.latin) {
        for (lb, cb) in b.t.latin.iter().zip(&b.p.latin) {
            if la.len() == 1 || lb.len() == 1 {
                // An initial matches a name with that first letter, never fully.
                if la.as_bytes().first() == lb.as_bytes().first() {
                    best = best.max(0.85);
                }
                continue;
            }
            if ca.bound(cb) > best {
                best = best.max(jaro_winkler(la, lb));
            }
        }
    }
    if profile::share_phonetic(a.t, a.p, b.t, b.p) {
        best = best.max(0.95);
    }
    for ((sa, ca), ha) in a.t.skeleton.iter().zip(&a.p.skeleton).zip(&a.p.skeleton_hash) {
        for ((sb, cb), hb) in b.t.skeleton.iter().zip(&b.p.skeleton).zip(&b.p.skeleton_hash) {
            if sa.len() >= 2 && ha == hb && sa == sb {
                best = best.max(0.97);
            } else if !sa.is_empty() && !sb.is_empty() && 0.9 * ca.bound(cb) > best {
                best = best.max(0.9 * jaro_winkler(sa, sb));
            }
        }
    }
    best
}

/// An upper bound of [`token_score`] from letter counts and shared keys, without
/// any Jaro–Winkler.
fn token_bound(a: Tok, b: Tok) -> f64 {
    if (a.t.after_article && !b.t.bare.is_empty()) || (b.t.after_article && !a.t.bare.is_empty()) {
        return 1.0;
    }
    let bound = spelling_bound(a, b);
    if a.t.head != b.t.head {
        bound * HEAD_MISMATCH
    } else {
        bound
    }
}

fn spelling_bound(a: Tok, b: Tok) -> f64 {
    let mut best: f64 = 0.0;
    for (la, ca) in a.t.latin.iter().zip(&a.p.latin) {
        for (lb, cb) in b.t.latin.iter().zip(&b.p.latin) {
            if la.len() == 1 || lb.len() == 1 {
                if la.as_bytes().first() == lb.as_bytes().first() {
                    best = best.max(0.85);
                }
            } else {
                best = best.max(ca.bound(cb));
            }
        }
    }
    if best < 0.95 && profile::share_phonetic(a.t, a.p, b.t, b.p) {
        best = 0.95;
    }
    for ((sa, ca), ha) in a.t.skeleton.iter().zip(&a.p.skeleton).zip(&a.p.skeleton_hash) {
        for ((sb, cb), hb) in b.t.skeleton.iter().zip(&b.p.skeleton).zip(&b.p.skeleton_hash) {
            if sa.len() >= 2 && ha == hb && sa == sb {
                best = best.max(0.97);
            } else if !sa.is_empty() && !sb.is_empty() {
                best = best.max(0.9 * ca.bound(cb));
            }
        }
    }
    best
}

/// Compares two names in any scripts, whatever their token order. Symmetric.
pub fn compare(a: &str, b: &str) -> Comparison {
    compare_keys(&keys(a), &keys(b))
}

/// [`compare`] on keys computed once: resolution scores millions of pairs and
/// keys each name once.
pub fn compare_keys(ka: &NameKeys, kb: &NameKeys) -> Comparison {
    let shared: Vec<String> = ka.keys.iter().filter(|k| kb.keys.contains(k)).cloned().collect();
    let score = score_tokens(ka, kb)
        .max(score_tokens(kb, ka))
        .max(joined_similarity(ka, kb).unwrap_or(0.0));
    let score = if shared.iter().any(|k| k.starts_with("latin:")) {
        1.0
    } else {
        score
    };
    Comparison {
        score: (score * 1000.0).round() / 1000.0,
        keys: shared,
    }
}

/// The score of [`compare_keys`] without collecting the shared keys: the hot path of
/// resolution (millions of pairs), so each pair of tokens is scored once into a grid
/// on the stack, and the greedy matching runs over the grid in both directions.
pub fn similarity(ka: &NameKeys, kb: &NameKeys) -> f64 {
    if ka.shares_latin_key(kb) {
        return 1.0;
    }
    let (a, b) = (&ka.tokens, &kb.tokens);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let base = grid_similarity(a.len(), b.len(), |i, j| token_score(ka.tok(i), kb.tok(j)));
    base.max(joined_similarity(ka, kb).unwrap_or(0.0))
}

/// The longest name whose adjacent tokens are tried joined (a compound written apart
/// in one name and joined in the other).
const MAX_JOINED_TOKENS: usize = 6;

/// Where the name with more tokens may hold, as two adjacent tokens, a compound the
/// other writes as one (Mohammad Reza / محمدرضا, Amir Hossein / Amirhossein): the
/// pairs `i, i + 1` whose spellings together are about as long as a token of the
/// other name and begin with its letter. A cheap test, so that resolution pays for
/// joining only on such pairs.
fn joinable(short: &NameKeys, long: &NameKeys) -> Vec<usize> {
    let n = long.tokens.len();
    if short.tokens.len() >= n || !(2..=MAX_JOINED_TOKENS).contains(&n) {
        return Vec::new();
    }
    (0..n - 1)
        .filter(|&i| {
            let (x, y) = (&long.tokens[i], &long.tokens[i + 1]);
            x.head.is_none()
                && y.head.is_none()
                && short.tokens.iter().any(|s| {
                    // Spellings within two letters, or (for scripts that write no
                    // short vowels) skeletons within one.
                    let fits = |of: fn(&Token) -> &Vec<String>, slack: usize| {
                        of(s).iter().any(|ls| {
                            of(x).iter().any(|lx| {
                                ls.as_bytes().first() == lx.as_bytes().first()
                                    && of(y).iter().any(|ly| ls.len().abs_diff(lx.len() + ly.len()) <= slack)
                            })
                        })
                    };
                    s.head.is_none() && (fits(|t| &t.latin, 2) || fits(|t| &t.skeleton, 1))
                })
        })
        .collect()
}

/// The best score of the two names with a pair of adjacent tokens of the longer
/// joined into one (see [`joinable`]); `None` when no pair may be joined.
pub(crate) fn joined_similarity(ka: &NameKeys, kb: &NameKeys) -> Option<f64> {
    let (short, long) = if ka.tokens.len() < kb.tokens.len() {
        (ka, kb)
    } else {
        (kb, ka)
    };
    let pairs = joinable(short, long);
    let mut best: Option<f64> = None;
    for i in pairs {
        let (x, y) = (&long.tokens[i], &long.tokens[i + 1]);
        let mut latin: Vec<String> = Vec::new();
        for lx in x.latin.iter().take(4) {
            for ly in y.latin.iter().take(4) {
                latin.push(format!("{lx}{ly}"));
            }
        }
        dedup_keep_order(&mut latin);
        let joined = token_of(latin, None, x.after_article, Vec::new());
        let profile = profile::TokenProfile::of(&joined);
        let merged: Vec<Tok> = (0..long.tokens.len())
            .filter(|&k| k != i + 1)
            .map(|k| {
                if k == i {
                    Tok {
                        t: &joined,
                        p: &profile,
                    }
                } else {
                    long.tok(k)
                }
            })
            .collect();
        let score = grid_similarity(short.tokens.len(), merged.len(), |r, c| {
            token_score(short.tok(r), merged[c])
        });
        best = Some(best.map_or(score, |b: f64| b.max(score)));
    }
    best
}

/// The score of [`similarity`] from `score(i, j)` of token `i` of the first name and
/// token `j` of the second (each asked for once): the greedy matching in both
/// directions over the grid, rounded to three decimals.
fn grid_similarity(n: usize, m: usize, mut score: impl FnMut(usize, usize) -> f64) -> f64 {
    let mut small = [0.0f64; 64];
    let mut large = Vec::new();
    let grid: &mut [f64] = if n * m <= small.len() {
        &mut small[..n * m]
    } else {
        large.resize(n * m, 0.0);
        &mut large
    };
    for i in 0..n {
        for j in 0..m {
            grid[i * m + j] = score(i, j);
        }
    }
    let score = if n < m {
        greedy(n, m, |i, j| grid[i * m + j])
    } else if n > m {
        greedy(m, n, |i, j| grid[j * m + i])
    } else {
        greedy(n, m, |i, j| grid[i * m + j]).max(greedy(m, n, |i, j| grid[j * m + i]))
    };
    (score * 1000.0).round() / 1000.0
}

/// Some token of one name is spelt like some token of the other (three letters or
/// more, so initials do not count): a nickname, a missing or an extra name.
pub fn shares_token(a: &NameKeys, b: &NameKeys) -> bool {
    a.tokens
        .iter()
        .any(|ta| b.tokens.iter().any(|tb| token_spelt_alike(ta, tb)))
}

/// Two tokens share a Latin spelling or a skeleton of three letters or more.
fn token_spelt_alike(a: &Token, b: &Token) -> bool {
    a.latin.iter().any(|l| l.len() >= 3 && b.latin.contains(l))
        || a.skeleton.iter().any(|k| k.len() >= 3 && b.skeleton.contains(k))
}

/// [`similarity`] when it is at least `floor`; otherwise some value below `floor`.
/// Resolution only needs to know that a random pair of names is below its lowest
/// level, and an upper bound from letter counts usually says so without computing
/// a single Jaro–Winkler (each short token's pick in the greedy matching is at most
/// its best bound).
pub fn similarity_at_least(ka: &NameKeys, kb: &NameKeys, floor: f64) -> f64 {
    // The same name spelt alike (common at scale: hundreds of records of one
    // Mohammad Ahmadi) needs no token scores at all.
    if ka.shares_latin_key(kb) {
        return 1.0;
    }
    let (a, b) = (&ka.tokens, &kb.tokens);
    if a.is_empty() || b.is_empty() {
        return similarity(ka, kb);
    }
    let (short, long) = if a.len() < b.len() { (ka, kb) } else { (kb, ka) };
    if !joinable(short, long).is_empty() {
        return similarity(ka, kb);
    }
    let (n, m) = (a.len(), b.len());
    let mut rows = [0.0f64; 16];
    let mut cols = [0.0f64; 16];
    if n > rows.len() || m > cols.len() {
        return similarity(ka, kb);
    }
    for (i, row) in rows[..n].iter_mut().enumerate() {
        for (j, col) in cols[..m].iter_mut().enumerate() {
            let t = token_bound(ka.tok(i), kb.tok(j));
            *row = row.max(t);
            *col = col.max(t);
        }
    }
    let factor = 0.85 + 0.15 * n.min(m) as f64 / n.max(m) as f64;
    let by_rows = rows[..n].iter().sum::<f64>() / n as f64 * factor;
    let by_cols = cols[..m].iter().sum::<f64>() / m as f64 * factor;
    let bound = if n < m {
        by_rows
    } else if n > m {
        by_cols
    } else {
        by_rows.max(by_cols)
    };
    // The score is rounded to three decimals: round the bound the same way (rounding
    // is monotone, so a rounded score never exceeds the rounded bound).
    if (bound * 1000.0).round() / 1000.0 < floor {
        return bound;
    }
    similarity(ka, kb)
}

/// Greedy best matching of the shorter name's tokens into the longer's; unmatched
/// tokens of the longer name lower the score gently (a missing middle name is common).
fn score_tokens(a: &NameKeys, b: &NameKeys) -> f64 {
    if a.tokens.is_empty() || b.tokens.is_empty() {
        return 0.0;
    }
    let (short, long) = if a.tokens.len() <= b.tokens.len() {
        (a, b)
    } else {
        (b, a)
    };
    greedy(short.tokens.len(), long.tokens.len(), |i, j| {
        token_score(short.tok(i), long.tok(j))
    })
}

/// The greedy matching of [`score_tokens`] over `score(short token, long token)`:
/// each short token takes the best unused long token (the last of equals).
fn greedy(short: usize, long: usize, score: impl Fn(usize, usize) -> f64) -> f64 {
    let mut small = [false; 16];
    let mut large = Vec::new();
    let used: &mut [bool] = if long <= small.len() {
        &mut small[..long]
    } else {
        large.resize(long, false);
        &mut large
    };
    let mut total = 0.0;
    for i in 0..short {
        let mut best: Option<(usize, f64)> = None;
        for (j, taken) in used.iter().enumerate() {
            if *taken {
                continue;
            }
            let s = score(i, j);
            if best.is_none_or(|(_, b)| s.total_cmp(&b).is_ge()) {
                best = Some((j, s));
            }
        }
        if let Some((j, s)) = best {
            used[j] = true;
            total += s;
        }
    }
    let mean = total / short as f64;
    mean * (0.85 + 0.15 * short as f64 / long as f64)
}

#[cfg(test)]
mod tests;
