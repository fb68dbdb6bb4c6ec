//! The agencies' file layouts, table-driven: each file is a [`Spec`] naming, in the
//! agency's own language, the columns it has for the logical fields [`F`] of its
//! kind of record, with its delimiter, date formats and record-id pattern. The same
//! table writes the data rows and the ingest mapping beside them, so a mapping can
//! never disagree with its file.

mod layouts;
mod mapping;
mod vocab;
mod writer;

pub use layouts::{AGENCIES, SPECS};
pub use vocab::vocab;
pub use writer::{FileOut, Out, Row};

use crate::formats::NatStyle;
use crate::geo::Ag;
use crate::names::Lang;

/// What one file records; decides its entity template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Interception/apprehension logs: one person per row, with the event.
    Intercept,
    /// Border-crossing registrations: person, document, biometrics.
    Crossing,
    /// Seized-phone contact lists.
    PhoneDump,
    /// Call detail records.
    Calls,
    /// Money-transfer records.
    Payment,
    /// Aerial, drone and thermal-camera sightings.
    Sighting,
    /// Arrests of facilitators.
    Arrest,
    /// Travel-agency bookings.
    Travel,
}

/// The logical fields a row can have; a file names those it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F {
    RecId,
    EntryNo,
    Grading,
    Internal,
    When,
    Place,
    Lat,
    Lon,
    Unit,
    Count,
    Outcome,
    Notes,
    EvCountry,
    Direction,
    Mode,
    Platform,
    Charge,
    Given,
    Surname,
    Father,
    Full,
    Alias,
    Birth,
    Nat,
    Gender,
    Cat,
    Role,
    IdNo,
    Phone,
    Imei,
    Plate,
    PlateCountry,
    VehModel,
    VehType,
    VesType,
    Engine,
    HullId,
    VesName,
    VesFlag,
    AddrFull,
    AddrCity,
    AddrLat,
    AddrLon,
    DocNo,
    DocType,
    DocCountry,
    DocBirth,
    DocExpiry,
    Mrz,
    DocStatus,
    BioSys,
    BioRef,
    BioMod,
    Bio2Sys,
    Bio2Ref,
    FacName,
    FacPhone,
    FacNat,
    FacRole,
    OwnerName,
    OwnerPhone,
    OwnerImei,
    ContactName,
    ContactPhone,
    FirstSeen,
    LastSeen,
    CallCount,
    CalleeNo,
    Duration,
    PayerName,
    PayerPhone,
    PayerNat,
    PayerCat,
    BenName,
    BenPhone,
    BenCat,
    AgentName,
    AgentCountry,
    AgentReg,
    AgentType,
    Amount,
    Currency,
    Method,
    Purpose,
    AgencyName,
    AgencyCountry,
    AgencyReg,
    StateLinked,
    Booking,
    Flight,
}

/// Number of logical fields.
pub const F_COUNT: usize = F::Flight as usize + 1;

impl F {
    /// Written as JSON numbers in JSON Lines files.
    fn numeric(self) -> bool {
        matches!(self, F::Lat | F::Lon | F::AddrLat | F::AddrLon | F::Count | F::Amount)
    }

    /// Several values joined by `|` (a JSON array in JSON Lines).
    fn multi(self) -> bool {
        self == F::Alias
    }
}

/// An agency: its node id, country, name and language.
#[derive(Debug)]
pub struct Agency {
    pub ag: Ag,
    pub id: &'static str,
    pub country: &'static str,
    pub name: &'static str,
    pub lang: Lang,
    /// The kind of post that records events, prefixed to the place in `unit` columns.
    pub post: &'static str,
}

/// One file layout.
#[derive(Debug)]
pub struct Spec {
    pub ag: Ag,
    pub kind: Kind,
    pub dataset: &'static str,
    /// Path under the agency's directory.
    pub file: &'static str,
    /// CSV delimiter; `None` for JSON Lines.
    pub delim: Option<u8>,
    pub nat: NatStyle,
    /// Date-time, date, and year-month formats (empty: ISO).
    pub dt: &'static str,
    pub d: &'static str,
    pub ym: &'static str,
    /// Record id pattern: `{Y}` year, `{S}` station code, `{N6}` sequence.
    pub id: &'static str,
    pub grading: &'static str,
    pub handling: &'static str,
    pub tlp: Option<&'static str>,
    pub restriction: Option<&'static str>,
    pub unit: &'static str,
    /// Names written surname first when in one column.
    pub surname_first: bool,
    /// How MRZ lines are joined in a cell.
    pub mrz_sep: &'static str,
    pub cols: &'static [(F, &'static str)],
}

impl Spec {
    /// Whether the file has a column for `f`.
    pub fn has(&self, f: F) -> bool {
        self.cols.iter().any(|(c, _)| *c == f)
    }

    /// The file's column name for `f`.
    pub fn col(&self, f: F) -> Option<&'static str> {
        self.cols.iter().find(|(c, _)| *c == f).map(|(_, n)| *n)
    }

    /// The agency exporting the file.
    pub fn agency(&self) -> &'static Agency {
        layouts::agency(self.ag)
    }

    /// The language the file is written in.
    pub fn lang(&self) -> Lang {
        self.agency().lang
    }
}

/// Renders a record id pattern.
pub fn render_id(pattern: &str, year: i32, station: &str, seq: u64) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else { break };
        let token = &rest[start + 1..start + end];
        match token {
            "Y" => out.push_str(&year.to_string()),
            "S" => out.push_str(station),
            t if t.starts_with('N') => {
                let width: usize = t[1..].parse().unwrap_or(6);
                out.push_str(&format!("{seq:0width$}"));
            }
            other => out.push_str(other),
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_follow_the_agency_pattern() {
        assert_eq!(render_id("RS-PU-{Y}-{N6}", 2024, "HOR", 4512), "RS-PU-2024-004512");
        assert_eq!(render_id("MK/{S}/{Y}/{N4}", 2024, "GEV", 1234), "MK/GEV/2024/1234");
    }

    #[test]
    fn every_spec_names_each_field_once_and_has_a_record_id() {
        let mut datasets: Vec<&str> = SPECS.iter().map(|s| s.dataset).collect();
        datasets.sort_unstable();
        datasets.dedup();
        assert_eq!(datasets.len(), SPECS.len());
        for s in SPECS {
            assert!(s.has(F::RecId), "{}", s.dataset);
            let mut names: Vec<&str> = s.cols.iter().map(|c| c.1).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), s.cols.len(), "{} repeats a column", s.dataset);
        }
    }
}
