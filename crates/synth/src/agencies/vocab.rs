//! The words each language's agencies use for categories, genders, document types
//! and statuses, directions, platforms, roles and travel modes. Rows are written in
//! these words; mappings carry `map`s from them to the schema's values.

use crate::names::Lang;

/// Words of one language, each list in the order of its canonical values.
#[derive(Debug)]
pub struct Vocab {
    /// victim, suspect, convicted, contact_or_associate, witness, other.
    pub cat: [&'static str; 6],
    /// male, female.
    pub gender: [&'static str; 2],
    /// passport, id_card.
    pub doc_type: [&'static str; 2],
    /// genuine, forged, altered, stolen_blank, impostor (the `DocKind` order).
    pub status: [&'static str; 5],
    /// entry, exit, attempted_entry, attempted_exit.
    pub direction: [&'static str; 4],
    /// drone, aircraft, camera, patrol, helicopter.
    pub platform: [&'static str; 5],
    /// true, false.
    pub yes_no: [&'static str; 2],
    /// fingerprint, face.
    pub modality: [&'static str; 2],
    /// The `Role` order.
    pub roles: [&'static str; 7],
    /// The `Mode` order.
    pub modes: [&'static str; 8],
    /// returned, detained, referred to reception/asylum, order to leave.
    pub outcomes: [&'static str; 4],
    pub charge: &'static str,
}

/// Canonical values the `map`s translate to, in the lists' order.
/// Data-subject categories, as the schema spells them.
pub const CAT: [&str; 6] = [
    "victim",
    "suspect",
    "convicted",
    "contact_or_associate",
    "witness",
    "other",
];
/// The schema's words for each list below.
pub const GENDER: [&str; 2] = ["male", "female"];
pub const DOC_TYPE: [&str; 2] = ["passport", "id_card"];
pub const STATUS: [&str; 5] = ["genuine", "forged", "altered", "stolen_blank", "impostor"];
pub const DIRECTION: [&str; 4] = ["entry", "exit", "attempted_entry", "attempted_exit"];
pub const PLATFORM: [&str; 5] = ["drone", "aircraft", "camera", "patrol", "helicopter"];
pub const YES_NO: [&str; 2] = ["true", "false"];
pub const MODALITY: [&str; 2] = ["fingerprint", "face"];

static SR: Vocab = Vocab {
    cat: ["migrant", "osumnjičeni", "osuđivan", "kontakt", "svedok", "ostalo"],
    gender: ["M", "Ž"],
    doc_type: ["pasoš", "lična karta"],
    status: [
        "ispravna",
        "falsifikovana",
        "preinačena",
        "ukradeni blanko",
        "tuđa isprava",
    ],
    direction: ["ulaz", "izlaz", "pokušaj ulaska", "pokušaj izlaska"],
    platform: ["dron", "avion", "termovizijska kamera", "patrola", "helikopter"],
    yes_no: ["da", "ne"],
    modality: ["otisci prstiju", "lice"],
    roles: [
        "organizator",
        "vrbovatelj",
        "vozač",
        "skiper",
        "sakupljač novca",
        "falsifikator",
        "čuvar skrovišta",
    ],
    modes: [
        "pešice",
        "kombi",
        "putničko vozilo",
        "kamion",
        "čamac (reka)",
        "gumeni čamac",
        "gumeni čamac (Lamanš)",
        "avion",
    ],
    outcomes: [
        "vraćen",
        "zadržan",
        "upućen u prihvatni centar",
        "izdato rešenje o napuštanju",
    ],
    charge: "čl. 350 KZ – nedozvoljeni prelaz državne granice i krijumčarenje ljudi",
};

static MK: Vocab = Vocab {
    cat: ["мигрант", "осомничен", "осудуван", "контакт", "сведок", "друго"],
    gender: ["М", "Ж"],
    doc_type: ["пасош", "лична карта"],
    status: [
        "исправен",
        "фалсификуван",
        "преправен",
        "украден бланко",
        "туѓ документ",
    ],
    direction: ["влез", "излез", "обид за влез", "обид за излез"],
    platform: ["дрон", "авион", "термална камера", "патрола", "хеликоптер"],
    yes_no: ["да", "не"],
    modality: ["отпечатоци од прсти", "лице"],
    roles: [
        "организатор",
        "регрутер",
        "возач",
        "скипер",
        "собирач на пари",
        "фалсификатор",
        "чувар на скривалиште",
    ],
    modes: [
        "пеш",
        "комбе",
        "патничко возило",
        "камион",
        "чамец (река)",
        "гумен чамец",
        "гумен чамец (Ламанш)",
        "авион",
    ],
    outcomes: [
        "вратен",
        "задржан",
        "упатен во транзитен центар",
        "наредба за напуштање",
    ],
    charge: "чл. 418-б КЗ – криумчарење мигранти",
};

static BG: Vocab = Vocab {
    cat: ["мигрант", "заподозрян", "осъждан", "контакт", "свидетел", "друго"],
    gender: ["мъж", "жена"],
    doc_type: ["паспорт", "лична карта"],
    status: [
        "истински",
        "подправен",
        "преправен",
        "откраднат бланков",
        "чужд документ",
    ],
    direction: ["влизане", "излизане", "опит за влизане", "опит за излизане"],
    platform: ["дрон", "самолет", "термокамера", "патрул", "хеликоптер"],
    yes_no: ["да", "не"],
    modality: ["пръстови отпечатъци", "лице"],
    roles: [
        "организатор",
        "вербовчик",
        "шофьор",
        "капитан на лодка",
        "събирач на пари",
        "фалшификатор",
        "пазач на укритие",
    ],
    modes: [
        "пеша",
        "бус",
        "лек автомобил",
        "камион",
        "лодка (река)",
        "гумена лодка",
        "гумена лодка (Ламанша)",
        "самолет",
    ],
    outcomes: ["върнат", "задържан", "настанен в СДВНЧ", "заповед за напускане"],
    charge: "чл. 280 НК – каналджийство",
};

static SQ: Vocab = Vocab {
    cat: ["migrant", "i dyshuar", "i dënuar", "kontakt", "dëshmitar", "tjetër"],
    gender: ["M", "F"],
    doc_type: ["pasaportë", "letërnjoftim"],
    status: [
        "origjinal",
        "i falsifikuar",
        "i ndryshuar",
        "formular i vjedhur",
        "dokument i tjetrit",
    ],
    direction: ["hyrje", "dalje", "tentativë hyrjeje", "tentativë daljeje"],
    platform: ["dron", "avion", "kamerë termike", "patrullë", "helikopter"],
    yes_no: ["po", "jo"],
    modality: ["gjurmë gishtash", "fytyrë"],
    roles: [
        "organizator",
        "rekrutues",
        "shofer",
        "skafist",
        "mbledhës parash",
        "falsifikues",
        "mbajtës i strehës",
    ],
    modes: [
        "në këmbë",
        "furgon",
        "veturë",
        "kamion",
        "varkë (lumë)",
        "gomone",
        "gomone (La Manche)",
        "avion",
    ],
    outcomes: ["kthyer", "ndaluar", "dërguar në qendër pritjeje", "urdhër largimi"],
    charge: "neni 298 KP – ndihmë për kalim të paligjshëm të kufijve",
};

static EL: Vocab = Vocab {
    cat: ["μετανάστης", "ύποπτος", "καταδικασμένος", "επαφή", "μάρτυρας", "άλλο"],
    gender: ["Α", "Θ"],
    doc_type: ["διαβατήριο", "δελτίο ταυτότητας"],
    status: ["γνήσιο", "πλαστό", "παραποιημένο", "κλεμμένο λευκό", "αλλότριο"],
    direction: ["είσοδος", "έξοδος", "απόπειρα εισόδου", "απόπειρα εξόδου"],
    platform: ["drone", "αεροσκάφος", "θερμική κάμερα", "περιπολία", "ελικόπτερο"],
    yes_no: ["ναι", "όχι"],
    modality: ["δακτυλικά αποτυπώματα", "πρόσωπο"],
    roles: [
        "οργανωτής",
        "στρατολόγος",
        "οδηγός",
        "χειριστής σκάφους",
        "εισπράκτορας",
        "πλαστογράφος",
        "φύλακας κρησφύγετου",
    ],
    modes: [
        "πεζή",
        "βαν",
        "ΙΧ",
        "φορτηγό",
        "βάρκα (ποταμός)",
        "φουσκωτή λέμβος",
        "φουσκωτή λέμβος (Μάγχη)",
        "αεροπλάνο",
    ],
    outcomes: ["επαναπροώθηση", "κράτηση", "παραπομπή σε ΚΥΤ", "απόφαση επιστροφής"],
    charge: "άρθ. 29 ν. 4251/2014 – διακίνηση μεταναστών",
};

static EN: Vocab = Vocab {
    cat: [
        "potential victim",
        "suspect",
        "convicted",
        "contact",
        "witness",
        "other",
    ],
    gender: ["M", "F"],
    doc_type: ["passport", "ID card"],
    status: ["genuine", "forged", "altered", "stolen blank", "impostor"],
    direction: ["entry", "exit", "attempted entry", "attempted exit"],
    platform: ["drone", "aircraft", "camera", "patrol", "helicopter"],
    yes_no: ["yes", "no"],
    modality: ["fingerprint", "face"],
    roles: [
        "organiser",
        "recruiter",
        "driver",
        "boat pilot",
        "money collector",
        "document forger",
        "safe house keeper",
    ],
    modes: [
        "on foot",
        "van",
        "car",
        "lorry",
        "river boat",
        "rubber dinghy",
        "small boat",
        "air",
    ],
    outcomes: [
        "returned",
        "detained",
        "referred to asylum procedure",
        "released with order to leave",
    ],
    charge: "facilitating unlawful entry (s.25 Immigration Act 1971)",
};

/// The words of a language.
pub fn vocab(lang: Lang) -> &'static Vocab {
    match lang {
        Lang::Sr => &SR,
        Lang::Mk => &MK,
        Lang::Bg => &BG,
        Lang::Sq => &SQ,
        Lang::El => &EL,
        Lang::En => &EN,
    }
}
