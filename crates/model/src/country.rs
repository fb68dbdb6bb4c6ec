//! ISO 3166-1 country codes: alpha-2 and alpha-3 of every officially assigned code,
//! plus the user-assigned `XK`/`XKX` for Kosovo that European agencies use, and the
//! ICAO Doc 9303 Part 3 codes that appear in travel documents where they name a state
//! (`D` for Germany, `RKS` for Kosovo). Stored form: alpha-3, upper case.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Pairs `alpha-2 alpha-3`, separated by commas. Source: ISO 3166-1 (officially assigned codes).
const CODES: &str = "AD AND,AE ARE,AF AFG,AG ATG,AI AIA,AL ALB,AM ARM,AO AGO,AQ ATA,AR ARG,AS ASM,AT AUT,AU AUS,AW ABW,\
AX ALA,AZ AZE,BA BIH,BB BRB,BD BGD,BE BEL,BF BFA,BG BGR,BH BHR,BI BDI,BJ BEN,BL BLM,BM BMU,BN BRN,BO BOL,BQ BES,\
BR BRA,BS BHS,BT BTN,BV BVT,BW BWA,BY BLR,BZ BLZ,CA CAN,CC CCK,CD COD,CF CAF,CG COG,CH CHE,CI CIV,CK COK,CL CHL,\
CM CMR,CN CHN,CO COL,CR CRI,CU CUB,CV CPV,CW CUW,CX CXR,CY CYP,CZ CZE,DE DEU,DJ DJI,DK DNK,DM DMA,DO DOM,DZ DZA,\
EC ECU,EE EST,EG EGY,EH ESH,ER ERI,ES ESP,ET ETH,FI FIN,FJ FJI,FK FLK,FM FSM,FO FRO,FR FRA,GA GAB,GB GBR,GD GRD,\
GE GEO,GF GUF,GG GGY,GH GHA,GI GIB,GL GRL,GM GMB,GN GIN,GP GLP,GQ GNQ,GR GRC,GS SGS,GT GTM,GU GUM,GW GNB,GY GUY,\
HK HKG,HM HMD,HN HND,HR HRV,HT HTI,HU HUN,ID IDN,IE IRL,IL ISR,IM IMN,IN IND,IO IOT,IQ IRQ,IR IRN,IS ISL,IT ITA,\
JE JEY,JM JAM,JO JOR,JP JPN,KE KEN,KG KGZ,KH KHM,KI KIR,KM COM,KN KNA,KP PRK,KR KOR,KW KWT,KY CYM,KZ KAZ,LA LAO,\
LB LBN,LC LCA,LI LIE,LK LKA,LR LBR,LS LSO,LT LTU,LU LUX,LV LVA,LY LBY,MA MAR,MC MCO,MD MDA,ME MNE,MF MAF,MG MDG,\
MH MHL,MK MKD,ML MLI,MM MMR,MN MNG,MO MAC,MP MNP,MQ MTQ,MR MRT,MS MSR,MT MLT,MU MUS,MV MDV,MW MWI,MX MEX,MY MYS,\
MZ MOZ,NA NAM,NC NCL,NE NER,NF NFK,NG NGA,NI NIC,NL NLD,NO NOR,NP NPL,NR NRU,NU NIU,NZ NZL,OM OMN,PA PAN,PE PER,\
PF PYF,PG PNG,PH PHL,PK PAK,PL POL,PM SPM,PN PCN,PR PRI,PS PSE,PT PRT,PW PLW,PY PRY,QA QAT,RE REU,RO ROU,RS SRB,\
RU RUS,RW RWA,SA SAU,SB SLB,SC SYC,SD SDN,SE SWE,SG SGP,SH SHN,SI SVN,SJ SJM,SK SVK,SL SLE,SM SMR,SN SEN,SO SOM,\
SR SUR,SS SSD,ST STP,SV SLV,SX SXM,SY SYR,SZ SWZ,TC TCA,TD TCD,TF ATF,TG TGO,TH THA,TJ TJK,TK TKL,TL TLS,TM TKM,\
TN TUN,TO TON,TR TUR,TT TTO,TV TUV,TW TWN,TZ TZA,UA UKR,UG UGA,UM UMI,US USA,UY URY,UZ UZB,VA VAT,VC VCT,VE VEN,\
VG VGB,VI VIR,VN VNM,VU VUT,WF WLF,WS WSM,YE YEM,YT MYT,ZA ZAF,ZM ZMB,ZW ZWE,XK XKX";

/// Both codes of every country, upper case, to its alpha-3; built once. Ingest looks
/// countries up for every row, so this is a hash map rather than a scan of `CODES`.
fn by_code() -> &'static HashMap<&'static str, &'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = HashMap::with_capacity(520);
        for pair in CODES.split(',') {
            if let Some((a2, a3)) = pair.split_once(' ') {
                m.insert(a2, a3);
                m.insert(a3, a3);
            }
        }
        for (alias, a3) in [("D", "DEU"), ("RKS", "XKX"), ("KOS", "XKX"), ("UK", "GBR")] {
            m.insert(alias, a3);
        }
        m
    })
}

/// Returns the alpha-3 code for an alpha-2 or alpha-3 code in any case, or `None`.
pub fn to_alpha3(code: &str) -> Option<&'static str> {
    let t = code.trim();
    if t.is_empty() || t.len() > 3 {
        return None;
    }
    let mut buf = [0u8; 3];
    for (i, b) in t.bytes().enumerate() {
        buf[i] = b.to_ascii_uppercase();
    }
    let upper = std::str::from_utf8(&buf[..t.len()]).ok()?;
    by_code().get(upper).copied()
}

/// Returns the alpha-2 code for an alpha-3 code, for formats (FtM) that use alpha-2.
pub fn to_alpha2(alpha3: &str) -> Option<&'static str> {
    CODES.split(',').find_map(|pair| {
        let (a2, a3) = pair.split_once(' ')?;
        (a3 == alpha3).then_some(a2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_resolve_both_ways() {
        assert_eq!(to_alpha3("rs"), Some("SRB"));
        assert_eq!(to_alpha3("MKD"), Some("MKD"));
        assert_eq!(to_alpha3("D"), Some("DEU"));
        assert_eq!(to_alpha3("RKS"), Some("XKX"));
        assert_eq!(to_alpha3("Syria"), None);
        assert_eq!(to_alpha2("GRC"), Some("GR"));
        let pairs: Vec<_> = CODES.split(',').collect();
        assert_eq!(pairs.len(), 250, "249 official codes plus Kosovo");
        for pair in pairs {
            let (a2, a3) = pair.split_once(' ').expect("pair");
            assert_eq!((a2.len(), a3.len()), (2, 3), "{pair}");
        }
    }
}
