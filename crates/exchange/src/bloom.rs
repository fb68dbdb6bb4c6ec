//! Corridor's encoding of a person's identity for privacy-preserving matching
//! between partners (`corridor-bf/1`): a Bloom filter of the person's name and
//! birth date, keyed with the agreement's secret, passed through a keyed
//! diffusion layer, compared by Dice similarity.
//!
//! **Features.** The name is read by the normalisation crate in any script, so
//! Ђорђевић, Đorđević and Djordjevic give nearly the same tokens: the padded
//! bigrams of each token's Latin spellings (the ICAO/ELOT transliteration and the
//! national ones the tables list, folded to A–Z), and its Double Metaphone codes
//! as features more (which join spellings the tables do not: Mohamed,
//! Mukhammed).
//! Tokens are a set, so word order does not count. The birth date gives its
//! year, and its month and day only when they carry information: 1 January is
//! a placeholder of asylum registrations (year only), and the 1st of a month
//! keeps its month but not its day.
//!
//! **Hashing.** Each feature sets [`BITS_PER_FEATURE`] positions of a
//! [`INPUT_BITS`]-bit filter, drawn from SipHash-2-4 under a key derived from
//! the agreement's secret (a pseudorandom function: without the secret no one
//! can tell which positions a bigram sets; no double hashing, whose structure
//! the published attacks exploit).
//!
//! **Diffusion** (Armknecht, Heng and Schnell, PoPETs 2023): each of the
//! [`OUTPUT_BITS`] output bits is the XOR of [`DIFFUSION_T`] input positions
//! chosen by a keyed generator (ChaCha20 seeded from the secret). One input bit
//! now touches about t output bits and every output bit mixes t inputs, so the
//! pattern of a frequent bigram no longer stands in the encoding as a block of
//! set bits: the frequency and pattern-mining attacks and the graph-matching
//! attack of Vidanage, Christen, Ranbaduge and Schnell lose what they align on.
//! The price is in linkage quality: a difference in d input bits changes about
//! (1 − (1 − 2d/n)^t)/2 of the output, so similar names stay closer than
//! different ones but the scale is compressed; thresholds are set on it.
//!
//! Not used: salting the name with the birth year (Schnell's stable salting),
//! because a missing or estimated birth year is common in the corridor's data
//! and would keep a person from ever matching their other records.
//!
//! The encodings never leave in bulk: matching runs per query under the
//! agreement's budget, or at a linkage unit that never holds the secret (see
//! `docs/exchange.md`).

use rand_chacha::rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use siphasher::sip128::{Hasher128, SipHasher24};

/// The encoding's name and version.
pub const FORMAT: &str = "corridor-bf/1";
/// Bits of the Bloom filter before diffusion.
pub const INPUT_BITS: usize = 1024;
/// Bits of the encoding.
pub const OUTPUT_BITS: usize = 1024;
/// Input bits XORed into each output bit (≥ 5, as the PoPETs paper found needed).
pub const DIFFUSION_T: usize = 6;
/// Positions a name feature (a bigram, a phonetic code) sets.
pub const BITS_PER_FEATURE: usize = 10;
/// Positions the birth year sets, and the month and the day: a birth date that
/// differs must weigh against a match about as much as a different surname.
pub const BITS_PER_YEAR: usize = 40;
pub const BITS_PER_MONTH_OR_DAY: usize = 20;

/// Positions a feature sets, by its kind.
fn weight(feature: &str) -> usize {
    match feature.as_bytes().first() {
        Some(b'y') => BITS_PER_YEAR,
        Some(b'm' | b'd') => BITS_PER_MONTH_OR_DAY,
        _ => BITS_PER_FEATURE,
    }
}

const WORDS: usize = OUTPUT_BITS / 64;

/// An encoded identity.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Encoding(pub [u64; WORDS]);

impl std::fmt::Debug for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Encoding({} bits set)", self.ones())
    }
}

impl Encoding {
    pub fn ones(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// Dice similarity: 2|a ∧ b| / (|a| + |b|).
    pub fn dice(&self, other: &Encoding) -> f64 {
        let (mut both, mut total) = (0u32, 0u32);
        for (a, b) in self.0.iter().zip(&other.0) {
            both += (a & b).count_ones();
            total += a.count_ones() + b.count_ones();
        }
        if total == 0 {
            0.0
        } else {
            2.0 * f64::from(both) / f64::from(total)
        }
    }

    /// The encoding's bytes (little-endian words), to send.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Encoding> {
        if bytes.len() != OUTPUT_BITS / 8 {
            return None;
        }
        let mut words = [0u64; WORDS];
        for (w, c) in words.iter_mut().zip(bytes.chunks_exact(8)) {
            *w = u64::from_le_bytes(c.try_into().ok()?);
        }
        Some(Encoding(words))
    }
}

/// A person as encoded: the name as recorded (any script), the birth date as
/// stored (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), either may be missing.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    pub name: &'a str,
    pub birth_date: Option<&'a str>,
}

/// The encoder of one agreement's secret.
#[derive(Clone)]
pub struct Encoder {
    hash_key: [u8; 16],
    hash_key2: [u8; 16],
    /// For each input bit, the output bits it flips (the diffusion layer, inverted).
    flips: Vec<Vec<u16>>,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder").finish_non_exhaustive()
    }
}

fn derive(secret: &[u8], label: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"corridor-bf/1\0");
    h.update(label.as_bytes());
    h.update([0]);
    h.update(secret);
    h.finalize().into()
}

impl Encoder {
    /// The encoder for the agreement's secret (at least 16 bytes: it is what
    /// keeps the encoding from being rebuilt by anyone holding a name list).
    pub fn new(secret: &[u8]) -> Option<Encoder> {
        if secret.len() < 16 {
            return None;
        }
        let h = derive(secret, "hash");
        let mut hash_key = [0u8; 16];
        let mut hash_key2 = [0u8; 16];
        hash_key.copy_from_slice(&h[..16]);
        hash_key2.copy_from_slice(&h[16..]);
        let mut rng = rand_chacha::ChaCha20Rng::from_seed(derive(secret, "diffusion"));
        let mut flips = vec![Vec::new(); INPUT_BITS];
        for out in 0..OUTPUT_BITS {
            // t distinct input positions for this output bit.
            let mut chosen: Vec<usize> = Vec::with_capacity(DIFFUSION_T);
            while chosen.len() < DIFFUSION_T {
                let i = (rng.next_u32() as usize) % INPUT_BITS;
                if !chosen.contains(&i) {
                    chosen.push(i);
                }
            }
            for i in chosen {
                flips[i].push(out as u16);
            }
        }
        Some(Encoder {
            hash_key,
            hash_key2,
            flips,
        })
    }

    /// The features of an identity (before hashing), sorted and deduplicated.
    pub fn features(identity: &Identity<'_>) -> Vec<String> {
        let mut out = Vec::new();
        let keys = corridor_normalize::keys(identity.name);
        for t in &keys.tokens {
            // Every Latin spelling the tables give (a Cyrillic Ђ is D in ICAO's
            // table and DJ in the Serbian Latin alphabet): the other side may hold
            // any of them, and their bigrams mostly coincide.
            for latin in &t.latin {
                let padded: Vec<char> = format!("_{latin}_").chars().collect();
                for w in padded.windows(2) {
                    out.push(format!("n:{}{}", w[0], w[1]));
                }
            }
            for code in &t.phonetic {
                out.push(format!("p:{code}"));
            }
        }
        if let Some(date) = identity
            .birth_date
            .and_then(|d| corridor_model::PartialDate::parse_iso(d).ok())
        {
            out.push(format!("y:{}", date.year));
            match (date.month, date.day) {
                (Some(1), Some(1)) | (None, _) => {}
                (Some(m), Some(1)) | (Some(m), None) => out.push(format!("m:{m}")),
                (Some(m), Some(d)) => {
                    out.push(format!("m:{m}"));
                    out.push(format!("d:{d}"));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The encoding of an identity; `None` when it has nothing to encode.
    pub fn encode(&self, identity: &Identity<'_>) -> Option<Encoding> {
        let features = Encoder::features(identity);
        if features.is_empty() {
            return None;
        }
        let mut input = [0u64; INPUT_BITS / 64];
        for f in &features {
            for p in self.positions(f.as_bytes(), weight(f)) {
                input[p / 64] |= 1 << (p % 64);
            }
        }
        let mut out = [0u64; WORDS];
        for (w, word) in input.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                for &o in &self.flips[i] {
                    out[o as usize / 64] ^= 1 << (o % 64);
                }
            }
        }
        Some(Encoding(out))
    }

    /// The `k` positions a feature sets: SipHash-2-4 outputs under the two
    /// keys in turn, ten bits of each 128-bit output per position.
    fn positions(&self, feature: &[u8], k: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        let mut block = 0u8;
        while out.len() < k {
            let key = if block.is_multiple_of(2) {
                &self.hash_key
            } else {
                &self.hash_key2
            };
            let mut h = SipHasher24::new_with_key(key);
            std::hash::Hasher::write(&mut h, &[block]);
            std::hash::Hasher::write(&mut h, feature);
            let v = h.finish128().as_u128();
            for j in 0..12 {
                if out.len() == k {
                    break;
                }
                out.push(((v >> (j * 10)) as usize) % INPUT_BITS);
            }
            block = block.wrapping_add(1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc() -> Encoder {
        Encoder::new(b"the agreement's shared secret, 32 bytes or more").expect("secret")
    }

    fn id<'a>(name: &'a str, born: &'a str) -> Identity<'a> {
        Identity {
            name,
            birth_date: (!born.is_empty()).then_some(born),
        }
    }

    #[test]
    fn the_same_person_in_another_script_encodes_alike() {
        let e = enc();
        let cyr = e.encode(&id("Марко Ђорђевић", "1985-03-14")).expect("encoding");
        let lat = e.encode(&id("Marko Đorđević", "1985-03-14")).expect("encoding");
        let ascii = e.encode(&id("DJORDJEVIC Marko", "1985-03-14")).expect("encoding");
        assert_eq!(lat, ascii, "word order, case and diacritics do not count");
        // 0.80 measured: the Cyrillic name also brings ICAO's DORDEVIC.
        assert!(cyr.dice(&lat) > 0.75, "{}", cyr.dice(&lat));
        let greek = e.encode(&id("Γιώργος Παπαδόπουλος", "1990-07-02")).expect("g");
        let greek_latin = e.encode(&id("Giorgos Papadopoulos", "1990-07-02")).expect("g");
        assert!(greek.dice(&greek_latin) > 0.8, "{}", greek.dice(&greek_latin));
    }

    #[test]
    fn similar_names_stay_closer_than_strangers() {
        let e = enc();
        let a = e.encode(&id("Mohammed Abubakar", "1988-05-20")).expect("a");
        let typo = e.encode(&id("Mohamed Abubakar", "1988-05-20")).expect("b");
        let other_date = e.encode(&id("Mohammed Abubakar", "1979-11-02")).expect("c");
        let stranger = e.encode(&id("Ivan Petrov", "1988-05-20")).expect("d");
        let (s_typo, s_date, s_stranger) = (a.dice(&typo), a.dice(&other_date), a.dice(&stranger));
        // Measured with this secret: 0.95, 0.58, 0.49 (diffused encodings are half
        // ones, so strangers sit near 0.5, not 0).
        assert!(
            s_typo > s_date + 0.2 && s_date > s_stranger,
            "{s_typo} {s_date} {s_stranger}"
        );
        assert!(s_typo > 0.9 && s_stranger < 0.6, "{s_typo} {s_stranger}");
    }

    #[test]
    fn the_encoding_depends_on_the_secret_and_placeholder_dates_say_only_the_year() {
        let a = enc().encode(&id("Ali Hassan", "1990-04-02")).expect("a");
        let other = Encoder::new(b"another agreement's secret here").expect("secret");
        let b = other.encode(&id("Ali Hassan", "1990-04-02")).expect("b");
        assert!(a.dice(&b) < 0.7, "{}", a.dice(&b));
        assert!(Encoder::new(b"short").is_none());
        let f = Encoder::features(&id("Ali Hassan", "1990-01-01"));
        assert!(f.contains(&"y:1990".to_string()) && !f.iter().any(|x| x.starts_with("m:")));
        let f = Encoder::features(&id("Ali Hassan", "1990-04-01"));
        assert!(f.contains(&"m:4".to_string()) && !f.iter().any(|x| x.starts_with("d:")));
        assert!(enc().encode(&id("", "")).is_none());
        let round = Encoding::from_bytes(&a.to_bytes()).expect("bytes");
        assert_eq!(round, a);
        assert!(Encoding::from_bytes(&[0u8; 3]).is_none());
    }
}
