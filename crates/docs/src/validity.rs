//! How long an ordinary adult passport of each issuing state may be valid, where
//! Corridor knows it: a passport valid for longer than its state issues is a
//! counterfeit or an altered data page. Shorter is never flagged (children's,
//! emergency and replacement passports are shorter).
//!
//! Sources: the issuing states' passport laws and consular guidance as publicly
//! documented (Serbia: Law on Travel Documents, Art. 26; North Macedonia, Bosnia and
//! Herzegovina, Montenegro, Albania, Kosovo: 10 years for adults; Bulgaria: Bulgarian
//! Identity Documents Act, 5 years; the United Kingdom: 10 years, and up to 9 extra
//! months carried over from a previous passport before September 2018; Germany,
//! France, Italy, Spain, Austria, Netherlands (since 2014), Türkiye, Pakistan,
//! Bangladesh, Afghanistan, India, USA, Canada: 10 years; Belgium: 7; Egypt: 7;
//! Iraq: 8 (A series); Syria: 6; Morocco and Tunisia: 5). States whose rules changed
//! recently or vary by issuing post are left out rather than guessed (Greece, Iran).
//! One month of grace covers expiry aligned to a birthday or month end.

/// Longest validity in months, grace included, of an adult ordinary passport.
pub fn max_passport_months(state: &str) -> Option<u32> {
    let years: u32 = match state {
        "SRB" | "MKD" | "BIH" | "MNE" | "ALB" | "XKX" | "RKS" | "HRV" | "SVN" | "DEU" | "D" | "FRA" | "ITA" | "ESP"
        | "AUT" | "NLD" | "TUR" | "PAK" | "BGD" | "AFG" | "IND" | "USA" | "CAN" | "CHE" => 10,
        "GBR" => return Some(10 * 12 + 9 + 1),
        "IRQ" => 8,
        "BEL" | "EGY" => 7,
        "SYR" => 6,
        "BGR" | "MAR" | "TUN" => 5,
        _ => return None,
    };
    Some(years * 12 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_states_have_a_limit_and_unknown_ones_none() {
        assert_eq!(max_passport_months("SRB"), Some(121));
        assert_eq!(max_passport_months("BGR"), Some(61));
        assert_eq!(max_passport_months("GBR"), Some(130));
        assert_eq!(max_passport_months("GRC"), None);
        assert_eq!(max_passport_months(""), None);
    }
}
