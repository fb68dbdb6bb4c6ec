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
//! The selection over-approximates where that is simpler (a thing used at an event
//! counts as every involved party's, whoever it belongs to): reading an entity too
//! many changes nothing in the graph, one too few would.

use std::collections::{HashMap, HashSet};

use corridor_model::SchemaKind;
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
        SchemaKind::Thing if matches!(s.name, "Person" | "Organization") => Role::Party,
        SchemaKind::Thing => Role::Thing,
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
    for (from, refs) in index.by_entity() {
        let holder = &index.entities[from as usize];
        let targets = |prop: &'static str| -> Vec<u32> {
            refs.iter()
                .filter(|r| r.prop(holder) == prop)
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
                            (Role::Party, Role::Event) => {
                                linked.insert(ident(x));
                            }
                            (Role::Event, Role::Party) => {
                                linked.insert(ident(y));
                            }
                            _ => {}
                        }
                    }
                }
            }
            Role::Event => {
                let named: Vec<u32> = refs.iter().filter_map(|r| r.target()).collect();
                let parties: Vec<u32> = named
                    .iter()
                    .copied()
                    .filter(|&t| role(index, t) == Role::Party)
                    .collect();
                for &p in &parties {
                    linked.insert(ident(p));
                    for &t in named.iter().filter(|&&t| role(index, t) == Role::Thing) {
                        use_thing(t, p);
                    }
                }
            }
            Role::Thing => {
                // A biometric reference names its subject itself.
                for subject in refs.iter().filter_map(|r| r.target()) {
                    if role(index, subject) == Role::Party {
                        use_thing(from, subject);
                    }
                }
            }
            Role::Party => {}
        }
    }
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
