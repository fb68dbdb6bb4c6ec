//! Which entities the investigation graph needs: the evidence, not the records.
//!
//! A party enters the graph when something links it to another party or places it
//! at an event: a relation to another identity, a thing (phone, document, vehicle,
//! account, biometric reference) that another identity also uses, an event it was
//! involved in. Read from the store's [`LinkIndex`] (digests, no values), that
//! decides which entities' evidence to read: those parties with every record of
//! their identities, every relation and biometric reference that touches them with
//! the things at its other end, and every event with what it names. The graph
//! built from them is the graph of the whole store without its isolated parties
//! (those nothing links to anyone or anything shared), and so are the networks,
//! paths, routes and exports computed on it; on a hub of a million person records
//! with a few hundred links it reads thousands of entities, not millions.
//!
//! The rules of attachment are the graph's own (`corridor_network::is_party`,
//! `event_thing_is_theirs`, `event_links_attendees`), so a party is read exactly
//! when the graph of everything would link it or place it at an event.

use std::collections::{HashMap, HashSet};

use corridor_model::SchemaKind;
use corridor_network::{event_links_attendees, event_thing_is_theirs, is_party};
use corridor_store::{EntityPlace, KeyDigest, LinkIndex};

/// How the graph treats an entity of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Party,
    Thing,
    Event,
    Relation,
}

fn role(index: &LinkIndex, i: u32) -> Role {
    let s = index.entities[i as usize].schema();
    match s.kind {
        SchemaKind::Relation => Role::Relation,
        SchemaKind::Event => Role::Event,
        SchemaKind::Thing if is_party(s.name) => Role::Party,
        SchemaKind::Thing => Role::Thing,
    }
}

/// An entity an event names, with the property that names it.
type Named = (&'static str, u32);

/// Records that party identity `party` attends event `event`, unless the event
/// links no one by attendance (a payment).
fn attend(attending: &mut Vec<(KeyDigest, KeyDigest)>, index: &LinkIndex, event: u32, party: KeyDigest) {
    let e = &index.entities[event as usize];
    if event_links_attendees(e.schema().name) {
        attending.push((e.digest, party));
    }
}

/// The places of the entities whose evidence the graph needs, given the identity
/// of each entity (`identity`, digests; an entity it does not name is its own) and
/// the parties asked about by name (`named`: identity or record digests), which are
/// read whether anything links them or not.
pub(crate) fn needed(
    index: &LinkIndex,
    identity: &HashMap<KeyDigest, KeyDigest>,
    named: &[KeyDigest],
) -> Vec<EntityPlace> {
    let ident = |i: u32| {
        let d = index.entities[i as usize].digest;
        identity.get(&d).copied().unwrap_or(d)
    };

    // Parties (identities) that something links, and (thing, user) identity pairs.
    let mut linked: HashSet<KeyDigest> = named.iter().map(|d| identity.get(d).copied().unwrap_or(*d)).collect();
    let mut users: Vec<(KeyDigest, KeyDigest)> = Vec::new();
    let mut use_thing = |thing: u32, party: u32| users.push((ident(thing), ident(party)));
    // (event, identity) pairs of the events that link those attending them.
    let mut attending: Vec<(KeyDigest, KeyDigest)> = Vec::new();
    for (from, refs) in index.by_entity() {
        let holder = &index.entities[from as usize];
        let targets = |prop: &'static str| -> Vec<u32> {
            refs.iter()
                .filter(|r| index.prop(r) == prop)
                .filter_map(|r| r.target())
                .collect()
        };
        match role(index, from) {
            Role::Relation => {
                let Some((a, b)) = holder.schema().edge else { continue };
                let ys = targets(b);
                for x in targets(a) {
                    for &y in &ys {
                        match (role(index, x), role(index, y)) {
                            (Role::Party, Role::Party) if ident(x) != ident(y) => {
                                linked.insert(ident(x));
                                linked.insert(ident(y));
                            }
                            (Role::Party, Role::Thing) => use_thing(y, x),
                            (Role::Thing, Role::Party) => use_thing(x, y),
                            (Role::Party, Role::Event) => attend(&mut attending, index, y, ident(x)),
                            (Role::Event, Role::Party) => attend(&mut attending, index, x, ident(y)),
                            _ => {}
                        }
                    }
                }
            }
            Role::Event => {
                // As the graph attaches them: every party involved is on the event;
                // what else it names is theirs by the graph's rule.
                let (parties, used): (Vec<Named>, Vec<Named>) = refs
                    .iter()
                    .filter_map(|r| Some((index.prop(r), r.target()?)))
                    .partition(|&(_, t)| role(index, t) == Role::Party);
                for &(who, p) in &parties {
                    linked.insert(ident(p));
                    attend(&mut attending, index, from, ident(p));
                    for &(what, t) in &used {
                        if event_thing_is_theirs(what, who, parties.len()) {
                            use_thing(t, p);
                        }
                    }
                }
            }
            Role::Thing if holder.schema().name == "BiometricReference" => {
                // A biometric reference names its subject itself.
                for subject in refs.iter().filter_map(|r| r.target()) {
                    if role(index, subject) == Role::Party {
                        use_thing(from, subject);
                    }
                }
            }
            Role::Thing | Role::Party => {}
        }
    }
    // An organiser is linked through an event only when someone else attends it.
    attending.sort_unstable();
    attending.dedup();
    for group in attending.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() >= 2) {
        linked.extend(group.iter().map(|&(_, party)| party));
    }
    drop(attending);
    users.sort_unstable();
    users.dedup();
    for group in users.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() >= 2) {
        linked.extend(group.iter().map(|&(_, party)| party));
    }
    drop(users);

    // Every record of a linked identity, what touches them, and every event.
    let mut need: HashSet<u32> = HashSet::new();
    for (i, _) in index.entities.iter().enumerate() {
        let i = i as u32;
        match role(index, i) {
            Role::Party if linked.contains(&ident(i)) => {
                need.insert(i);
            }
            Role::Event => {
                need.insert(i);
            }
            _ => {}
        }
    }
    for (from, refs) in index.by_entity() {
        let targets: Vec<u32> = refs.iter().filter_map(|r| r.target()).collect();
        let touches = targets
            .iter()
            .any(|&t| role(index, t) == Role::Party && linked.contains(&ident(t)));
        let keep = match role(index, from) {
            Role::Event => true,
            Role::Relation | Role::Thing => touches,
            Role::Party => false,
        };
        if keep {
            need.insert(from);
            need.extend(targets);
        }
    }
    let mut places: Vec<EntityPlace> = need.into_iter().map(|i| index.entities[i as usize].place).collect();
    places.sort_unstable();
    places
}

#[cfg(test)]
mod tests {
    use super::*;
    use corridor_store::{EntityPlace, LinkIndexBuilder};

    /// A hand-built index: entities by (row, key, schema), references by
    /// (holder row, property, target key).
    fn index(entities: &[(i64, &str, &str)], references: &[(i64, &str, &str)]) -> LinkIndex {
        let mut b = LinkIndexBuilder::default();
        for &(row, key, schema) in entities {
            b.entity(
                EntityPlace::from_row(row),
                key,
                "",
                LinkIndexBuilder::schema_index(schema).expect("schema"),
            );
        }
        for &(row, prop, target) in references {
            b.reference(EntityPlace::from_row(row), prop, target);
        }
        b.finish()
    }

    #[test]
    fn parties_are_read_exactly_when_the_graph_would_attach_them() {
        let idx = index(
            &[
                (1, "p1", "Person"),
                (2, "p2", "Person"),
                (3, "p3", "Person"),
                (4, "p4", "Person"),
                (5, "p5", "Person"),
                (6, "p6", "Person"),
                (7, "p7", "Person"),
                (10, "doc", "TravelDocument"),
                (11, "crossing", "BorderCrossing"),
                (12, "holds", "Holds"),
                (13, "payment", "Payment"),
                (14, "organised-payment", "Organised"),
                (15, "organised-crossing", "Organised"),
                (16, "phone", "Phone"),
                (17, "uses7", "Uses"),
            ],
            &[
                (11, "involved", "p1"),
                (11, "involved", "p2"),
                (11, "document", "doc"),
                (12, "holder", "p3"),
                (12, "document", "doc"),
                (13, "payer", "p5"),
                (14, "organiser", "p4"),
                (14, "event", "payment"),
                (15, "organiser", "p6"),
                (15, "event", "crossing"),
                (17, "user", "p7"),
                (17, "object", "phone"),
            ],
        );
        let read: HashSet<i64> = needed(&idx, &HashMap::new(), &[])
            .into_iter()
            .map(|p| {
                idx.entities
                    .iter()
                    .position(|e| e.place == p)
                    .map(|i| i as i64)
                    .expect("indexed")
            })
            .collect();
        let is_read = |key: &str| {
            let i = idx.find(idx.digester.digest(key)).expect("entity");
            read.contains(&i64::from(i))
        };
        // Involved in an event, or organising one someone else attends.
        for p in ["p1", "p2", "p5", "p6"] {
            assert!(is_read(p), "{p} should be read");
        }
        // A document shown at a crossing of two is neither's; a payment links by
        // attendance no one; a phone only one person uses links nobody.
        for p in ["p3", "p4", "p7"] {
            assert!(!is_read(p), "{p} is isolated in the graph");
        }
        // Every event is read.
        assert!(is_read("crossing") && is_read("payment"));
        // Named parties are read even unlinked.
        let named = needed(&idx, &HashMap::new(), &[idx.digester.digest("p7")]);
        let p7 = idx.entities[idx.find(idx.digester.digest("p7")).expect("p7") as usize].place;
        assert!(named.contains(&p7));
        // One identity over p3 and p1: p3's record is read with it.
        let identity = HashMap::from([(idx.digester.digest("p3"), idx.digester.digest("p1"))]);
        let with = needed(&idx, &identity, &[]);
        let p3 = idx.entities[idx.find(idx.digester.digest("p3")).expect("p3") as usize].place;
        assert!(with.contains(&p3));
    }
}
