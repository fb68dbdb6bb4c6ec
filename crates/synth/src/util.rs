//! Small helpers over the seeded generator, so every module draws randomness the
//! same way and output stays reproducible byte for byte.

use rand::Rng as _;

/// The one generator type: ChaCha8 is fast and gives the same stream on every platform.
pub type Rng = rand_chacha::ChaCha8Rng;

/// One item of a non-empty slice, uniformly.
pub fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// True with probability `p`.
pub fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.random_bool(p.clamp(0.0, 1.0))
}

/// The index of one item of a non-empty list of `(item, weight)`.
fn weighted_index<T>(rng: &mut Rng, items: &[(T, u32)]) -> usize {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut r = rng.random_range(0..total.max(1));
    for (i, (_, w)) in items.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    items.len() - 1
}

/// One item of a non-empty list of `(item, weight)`.
pub fn weighted<'a, T>(rng: &mut Rng, items: &'a [(T, u32)]) -> &'a T {
    &items[weighted_index(rng, items)].0
}

/// One code of a non-empty weighted list of codes.
pub fn weighted_code(rng: &mut Rng, items: &[(&'static str, u32)]) -> &'static str {
    items[weighted_index(rng, items)].0
}

/// One code of a non-empty list of codes.
pub fn pick_code(rng: &mut Rng, codes: &[&'static str]) -> &'static str {
    codes[rng.random_range(0..codes.len())]
}

/// Fills a pattern: `#` a digit, `A` a capital letter, anything else as is.
pub fn pattern(rng: &mut Rng, pat: &str) -> String {
    pat.chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.random_range(0..10u8)),
            'A' => char::from(b'A' + rng.random_range(0..26u8)),
            other => other,
        })
        .collect()
}

/// `v` moved by up to `spread` either way.
pub fn jitter(rng: &mut Rng, v: f64, spread: f64) -> f64 {
    v + rng.random_range(-spread..spread)
}

/// A coordinate with fixed decimals, so the text never depends on float printing.
pub fn coord(v: f64) -> String {
    format!("{v:.5}")
}

/// Appends the Luhn check digit to a string of digits (IMEIs).
pub fn luhn(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_matches_a_known_imei() {
        // A published example IMEI: 49015420323751 + check digit 8.
        assert_eq!(luhn("49015420323751"), "490154203237518");
    }
}
