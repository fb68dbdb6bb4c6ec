//! The link index: which entity refers to which, read without any other value.
//!
//! The investigation graph needs the evidence of the parties that are linked to
//! someone or something (and of what links them), not of every record a hub holds:
//! of a million person records each with its own phone and passport, a few hundred
//! share anything. Reading the evidence of every entity to find those (five million
//! entities, fourteen million statements) took 55 s and 7 GiB; the index holds one
//! digest per entity and one per reference, and the evidence is then read for the
//! entities that matter alone ([`crate::Store::entity_evidence_at`]).
//!
//! Entity keys (`dataset:record:name`) are replaced by 128-bit digests under a key
//! drawn at random for each index (SipHash-1-3 keyed by [`std::hash::RandomState`],
//! evaluated twice with different first bytes): a collision among n entities has
//! odds about
//! n²·2⁻¹²⁹, and a data provider cannot choose record keys that collide since the
//! keys are not known in advance. A collision could only make the graph read more
//! than it needs, or (two parties taken as one) hide a thing they share; at these
//! odds neither happens.

use std::hash::{BuildHasher, Hasher, RandomState};

use corridor_model::{PropType, SCHEMATA, Schema};

/// A digest of an entity key, from one [`KeyDigester`].
pub type KeyDigest = u128;

/// Digests entity keys for one index; the same key always gives the same digest
/// under the same digester, and different digesters give unrelated digests.
#[derive(Debug, Clone)]
pub struct KeyDigester {
    key: RandomState,
}

impl Default for KeyDigester {
    fn default() -> Self {
        KeyDigester {
            key: RandomState::new(),
        }
    }
}

impl KeyDigester {
    pub fn digest(&self, key: &str) -> KeyDigest {
        self.digest_parts(key, "")
    }

    /// The digest of `dataset:record:name` without building the string: two
    /// evaluations of the keyed hash, on the key behind a different first byte.
    pub fn digest_parts(&self, prefix: &str, name: &str) -> KeyDigest {
        let half = |domain: u8| {
            let mut h = self.key.build_hasher();
            h.write_u8(domain);
            h.write(prefix.as_bytes());
            h.write(name.as_bytes());
            h.finish()
        };
        (u128::from(half(0)) << 64) | u128::from(half(1))
    }
}

/// Where an entity is, for reading its current evidence alone (a backend's own
/// handle: a row id in SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityPlace(pub(crate) i64);

impl EntityPlace {
    /// A place by a backend's row number (for a backend, or a test building an
    /// index by hand).
    pub fn from_row(row: i64) -> EntityPlace {
        EntityPlace(row)
    }
}

/// One entity of the index.
#[derive(Debug, Clone, Copy)]
pub struct IndexedEntity {
    pub digest: KeyDigest,
    pub place: EntityPlace,
    schema: u8,
}

impl IndexedEntity {
    pub fn schema(&self) -> &'static Schema {
        &SCHEMATA[self.schema as usize]
    }
}

/// One entity-valued statement: entity `from` (an index into
/// [`LinkIndex::entities`]) names entity `to` (an index too, when the store holds
/// it) in property `prop`.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    pub from: u32,
    to: u32,
    prop: u8,
}

impl Reference {
    /// The entity named, unless the store holds no entity of that key.
    pub fn target(&self) -> Option<u32> {
        (self.to != u32::MAX).then_some(self.to)
    }
}

/// Every entity of known schema (an entity a later version of its record no longer
/// has is listed too, and reads as empty), sorted by digest, and every current
/// entity-valued statement, grouped by the entity that holds it.
#[derive(Debug, Default)]
pub struct LinkIndex {
    pub digester: KeyDigester,
    pub entities: Vec<IndexedEntity>,
    pub references: Vec<Reference>,
}

impl LinkIndex {
    /// The index of the entity with `digest`.
    pub fn find(&self, digest: KeyDigest) -> Option<u32> {
        self.entities
            .binary_search_by(|e| e.digest.cmp(&digest))
            .ok()
            .map(|i| i as u32)
    }

    /// The property a reference is held in (in the schema of its holder).
    pub fn prop(&self, r: &Reference) -> &'static str {
        self.entities[r.from as usize].schema().properties[r.prop as usize].name
    }

    /// The references held by each entity, in entity order.
    pub fn by_entity(&self) -> impl Iterator<Item = (u32, &[Reference])> {
        self.references
            .chunk_by(|a, b| a.from == b.from)
            .map(|c| (c[0].from, c))
    }
}

/// Builds an index from rows a backend reads, so every backend shares the rules.
#[derive(Debug, Default)]
pub struct LinkIndexBuilder {
    digester: KeyDigester,
    entities: Vec<IndexedEntity>,
    references: Vec<(EntityPlace, KeyDigest, u8)>,
}

impl LinkIndexBuilder {
    /// The position of a schema in [`SCHEMATA`], when it is one.
    pub fn schema_index(name: &str) -> Option<u8> {
        SCHEMATA.iter().position(|s| s.name == name).map(|i| i as u8)
    }

    /// The entity-valued properties of any schema: what a backend filters on.
    pub fn reference_props() -> Vec<&'static str> {
        let mut props: Vec<&'static str> = SCHEMATA
            .iter()
            .flat_map(|s| s.properties.iter())
            .filter(|p| matches!(p.ty, PropType::Entity(_)))
            .map(|p| p.name)
            .collect();
        props.sort_unstable();
        props.dedup();
        props
    }

    /// An entity: its key's `dataset:record:` prefix and name, its schema's index.
    pub fn entity(&mut self, place: EntityPlace, prefix: &str, name: &str, schema: u8) {
        self.entities.push(IndexedEntity {
            digest: self.digester.digest_parts(prefix, name),
            place,
            schema,
        });
    }

    /// A statement of the entity at `place` naming the entity `value` in `prop`.
    pub fn reference(&mut self, place: EntityPlace, prop: &str, value: &str) {
        let digest = self.digester.digest(value);
        self.references.push((place, digest, prop_code(prop)));
    }

    /// Sorts the entities by digest and resolves every reference to the entity it
    /// names, by sorting and merging rather than a lookup per reference (a binary
    /// search per reference over five million entities took seconds).
    pub fn finish(self) -> LinkIndex {
        let LinkIndexBuilder {
            digester,
            mut entities,
            mut references,
        } = self;
        entities.sort_unstable_by_key(|e| e.digest);
        let mut by_place: Vec<(EntityPlace, u32)> =
            entities.iter().enumerate().map(|(i, e)| (e.place, i as u32)).collect();
        by_place.sort_unstable();
        references.sort_unstable_by_key(|r| r.0);
        // The holder of each reference, and the property's position in its schema.
        let mut resolved: Vec<(KeyDigest, u32, u8)> = Vec::with_capacity(references.len());
        let mut at = 0usize;
        for (place, to, prop) in references {
            while at < by_place.len() && by_place[at].0 < place {
                at += 1;
            }
            let Some(&(_, from)) = by_place.get(at).filter(|(p, _)| *p == place) else {
                continue;
            };
            let schema = entities[from as usize].schema();
            let Some(name) = PROPS.get(prop as usize) else { continue };
            let Some(p) = schema
                .properties
                .iter()
                .position(|p| p.name == *name && matches!(p.ty, PropType::Entity(_)))
            else {
                continue;
            };
            resolved.push((to, from, p as u8));
        }
        drop(by_place);
        // The entity each names: merge with the entities in digest order.
        resolved.sort_unstable_by_key(|r| r.0);
        let mut out: Vec<Reference> = Vec::with_capacity(resolved.len());
        let mut at = 0usize;
        for (to, from, prop) in resolved {
            while at < entities.len() && entities[at].digest < to {
                at += 1;
            }
            let to = if entities.get(at).is_some_and(|e| e.digest == to) {
                at as u32
            } else {
                u32::MAX
            };
            out.push(Reference { from, to, prop });
        }
        out.sort_unstable_by_key(|r| (r.from, r.prop, r.to));
        LinkIndex {
            digester,
            entities,
            references: out,
        }
    }
}

/// Every entity-valued property name, for coding a reference's property in a byte.
static PROPS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(LinkIndexBuilder::reference_props);

fn prop_code(prop: &str) -> u8 {
    PROPS.iter().position(|p| *p == prop).map_or(u8::MAX, |i| i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_stable_per_digester_and_parts_equal_the_whole() {
        let d = KeyDigester::default();
        assert_eq!(d.digest("ds:r1:person"), d.digest("ds:r1:person"));
        assert_ne!(d.digest("ds:r1:person"), d.digest("ds:r1:phone"));
        assert_eq!(d.digest_parts("ds:r1:", "person"), d.digest("ds:r1:person"));
        assert_ne!(KeyDigester::default().digest("x"), d.digest("x"));
    }

    #[test]
    fn property_codes_fit_a_byte() {
        assert!(LinkIndexBuilder::reference_props().len() < usize::from(u8::MAX));
        assert!(SCHEMATA.iter().all(|s| s.properties.len() <= usize::from(u8::MAX)));
        assert!(SCHEMATA.len() <= usize::from(u8::MAX));
    }

    #[test]
    fn references_keep_only_entity_properties_of_the_holder_schema() {
        let mut b = LinkIndexBuilder::default();
        let uses = LinkIndexBuilder::schema_index("Uses").expect("Uses");
        let person = LinkIndexBuilder::schema_index("Person").expect("Person");
        b.entity(EntityPlace(1), "d:r:", "person", person);
        b.entity(EntityPlace(2), "d:r:", "uses", uses);
        b.reference(EntityPlace(2), "user", "d:r:person");
        b.reference(EntityPlace(2), "role", "d:r:person");
        b.reference(EntityPlace(1), "subject", "d:r:uses");
        b.reference(EntityPlace(9), "user", "d:r:person");
        let index = b.finish();
        assert_eq!(index.entities.len(), 2);
        assert_eq!(index.references.len(), 1);
        let r = index.references[0];
        assert_eq!(index.entities[r.from as usize].schema().name, "Uses");
        assert_eq!(index.prop(&r), "user");
        assert_eq!(
            r.target().map(|i| index.entities[i as usize].schema().name),
            Some("Person")
        );
        assert_eq!(index.find(index.digester.digest("d:r:person")), r.target());
    }
}
