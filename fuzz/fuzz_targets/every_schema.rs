//! A mapping that maps every property of every schema Corridor knows to a column of
//! its own (entity references to an entity of a schema in their range), and rows
//! built from fuzz bytes, so that fuzzing reaches every schema's value cleaning and
//! every selector check (phones, e-mail, documents, plates, IBANs, vessels). Shared
//! by the `ingest_schemas` fuzz target and a test of corridor-ingest that checks the
//! mapping is accepted.

use corridor_model::{PropType, SCHEMATA};

/// The mapping's TOML and its columns, in order (`id` first).
pub fn mapping_and_columns() -> (String, Vec<String>) {
    let mut toml = String::from(
        "[dataset]\nname = \"every\"\nformat = \"csv\"\nrecord_id = \"id\"\n\
         date_formats = [\"%d.%m.%Y\", \"%d.%m.%Y %H:%M\", \"%m/%d/%Y\"]\n\n\
         [source]\nagency = \"fuzz\"\ncountry = \"RS\"\n\n",
    );
    let mut columns = vec!["id".to_string()];
    let name = |i: usize| format!("e{i}");
    for (i, s) in SCHEMATA.iter().enumerate() {
        toml.push_str(&format!(
            "[entities.{}]\nschema = \"{}\"\n[entities.{}.properties]\n",
            name(i),
            s.name,
            name(i)
        ));
        for p in s.properties {
            match p.ty {
                PropType::Entity(range) => {
                    // The first other entity of a schema in range, or itself.
                    let target = SCHEMATA
                        .iter()
                        .enumerate()
                        .find(|(j, t)| *j != i && range.contains(&t.name))
                        .or_else(|| SCHEMATA.iter().enumerate().find(|(_, t)| range.contains(&t.name)))
                        .map(|(j, _)| name(j));
                    if let Some(t) = target {
                        toml.push_str(&format!("{} = {{ entity = \"{t}\" }}\n", p.name));
                    }
                }
                _ => {
                    let column = format!("c{i}_{}", p.name);
                    toml.push_str(&format!("{} = {{ column = \"{column}\" }}\n", p.name));
                    columns.push(column);
                }
            }
        }
        toml.push('\n');
    }
    (toml, columns)
}

/// CSV rows (header first) from fuzz bytes: the bytes are split into values at
/// 0x1F (the ASCII unit separator), and value k goes alone into column k (after the
/// id, cycling), written as a properly quoted CSV field. One value per row: a row
/// is rejected at its first bad value, so each value gets a row of its own to reach
/// its column's cleaning whatever bytes it holds.
pub fn csv_rows(data: &[u8], columns: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut out);
        let _ = w.write_record(columns);
        let fields = columns.len().saturating_sub(1).max(1);
        for (k, value) in data.split(|b| *b == 0x1f).enumerate() {
            let mut record: Vec<&[u8]> = vec![b""; columns.len()];
            let id = format!("R{k}");
            record[0] = id.as_bytes();
            record[1 + k % fields] = value;
            let _ = w.write_record(&record);
        }
        let _ = w.flush();
    }
    out
}
