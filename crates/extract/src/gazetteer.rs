//! Places of Syria by name, in English and Arabic, with their aliases: admin units, OCHA
//! communities and city neighbourhoods, and GeoNames towns. The sources ship in `data/gazetteer`
//! and are compiled into the binary.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::text::{self, Token};

/// What kind of place a name denotes (the order is from the largest to the smallest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlaceKind {
    /// Admin 1.
    Governorate,
    /// Admin 2.
    District,
    /// Admin 3.
    Subdistrict,
    /// A GeoNames populated place (town of 1,000 people or more).
    Town,
    /// An OCHA community: a town or village.
    Community,
    /// A neighbourhood of a city.
    Neighbourhood,
}

/// One place.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// English name.
    pub name: String,
    /// Arabic name.
    pub name_ar: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Its own P-code (governorate, district, sub-district, community or neighbourhood).
    pub pcode: String,
    /// Governorate P-code.
    pub admin1: String,
    /// District P-code, when known.
    pub admin2: Option<String>,
    /// Sub-district P-code, when known.
    pub admin3: Option<String>,
    /// Kind.
    pub kind: PlaceKind,
}

/// Places indexed by folded name and by consonant skeleton.
#[derive(Debug, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    /// The folded keys of each place's names, by place index.
    keys: Vec<Vec<String>>,
    /// The same keys as `text::spelling` writes them, for comparing spellings.
    spellings: Vec<Vec<String>>,
    by_key: HashMap<String, Vec<u32>>,
    by_skeleton: HashMap<String, Vec<u32>>,
    /// The skeletons, word by word, of Latin spellings that follow each place's Arabic names
    /// letter by letter, by place index.
    spelt_from_arabic: Vec<Vec<Vec<String>>>,
    /// The first words of names of two words or more, as keys and as skeletons: a stretch of
    /// text that starts otherwise is looked up as one word only.
    first_words: HashSet<String>,
    longest: usize,
}

/// A stretch of the text that names places.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// Places it may name.
    pub candidates: Vec<u32>,
    /// How many of the candidates (the first ones) match the folded name itself; the others
    /// match its consonant skeleton only.
    pub exact: usize,
}

/// The shipped sources.
const OCHA_COMMUNITIES: &str = include_str!("../../../data/gazetteer/ocha-communities.csv");
const OCHA_NEIGHBOURHOODS: &str = include_str!("../../../data/gazetteer/ocha-neighbourhoods.csv");
const OPENSYRIA_ADMIN: &str = include_str!("../../../data/gazetteer/opensyria-admin-units.csv");
const GEONAMES: &str = include_str!("../../../data/gazetteer/geonames-sy.csv");
const BESIEGED: &str = include_str!("../../../data/scenario/coh-2016/besieged.json");

static EMBEDDED: LazyLock<Gazetteer> = LazyLock::new(Gazetteer::from_shipped_sources);

/// Spellings the press uses for city areas whose consonants are too few to find them by
/// (OCHA's "Burza" is Barzeh in most reports).
const CITY_AREA_SPELLINGS: &[(&str, &[&str])] = &[("Burza", &["Barzeh", "Barza", "Berzeh"])];

/// Press spellings of OCHA communities whose OCHA names stray far from them, by P-code. OCHA
/// writes أثريا, the junction town east of Salamiyeh, as "Asrieh" (أسرية), and بزاعة, east of
/// Al-Bab, as "Bazagha", as if with a ghayn. قارة, the Qalamoun town, is OCHA's "Qarra", while
/// its "Qara" is a village near Kisweh; the press writes the town Qara.
const COMMUNITY_SPELLINGS: &[(&str, &[&str])] = &[
    (
        "C3273",
        &[
            "Ithriyah",
            "Ithriya",
            "Athriya",
            "Athriyah",
            "Itriyah",
            "أثريا",
        ],
    ),
    (
        "C1188",
        &["Bza'a", "Baza'a", "Bzaa", "Bzaah", "Buza'a", "Bizaa"],
    ),
    ("C2427", &["Qara", "Qarah"]),
];

/// Names in common use that the sources lack: other spellings of governorates, and areas that
/// are not admin units (written for this project; coordinates are the areas' rough centres).
/// Each is (name, aliases, governorate P-code, latitude, longitude, kind).
type ExtraPlace = (
    &'static str,
    &'static [&'static str],
    &'static str,
    f64,
    f64,
    PlaceKind,
);
const EXTRA_PLACES: &[ExtraPlace] = &[
    (
        "Rural Damascus",
        &[
            "Damascus countryside",
            "Reef Damascus",
            "Rif Damascus",
            "Rif Dimashq",
            "ريف دمشق",
        ],
        // Its seat is Damascus: ACLED codes the governorate as a whole there.
        "SY03",
        33.5172,
        36.2767,
        PlaceKind::Governorate,
    ),
    (
        "As-Sweida",
        &["Sweida", "Suwayda", "Suweida", "Soueida", "السويداء"],
        "SY13",
        32.71,
        36.57,
        PlaceKind::Governorate,
    ),
    // Names the press uses for towns the sources spell otherwise.
    (
        "Palmyra",
        &["Tadmur", "تدمر"],
        "SY04",
        34.56,
        38.28,
        PlaceKind::Town,
    ),
    (
        "Abu Kamal",
        &[
            "Al-Bukamal",
            "Albu Kamal",
            "Al Bu Kamal",
            "Bukamal",
            "Boukamal",
            "البوكمال",
        ],
        "SY09",
        34.45,
        40.91,
        PlaceKind::Town,
    ),
    (
        "Tabqa",
        &[
            "Al-Tabqa",
            "Tabaqa",
            "Al-Thawra",
            "Madinat al-Thawra",
            "الطبقة",
        ],
        "SY11",
        35.836,
        38.548,
        PlaceKind::Town,
    ),
    (
        "Damascus",
        &[
            "the capital",
            "the Syrian capital",
            "العاصمة",
            "العاصمة دمشق",
        ],
        "SY01",
        33.5172,
        36.2767,
        PlaceKind::Town,
    ),
    // Military sites, fought over as places in their own right.
    (
        "Al-Tanf",
        &["Tanf", "Tanf crossing", "التنف"],
        "SY03",
        33.50,
        38.63,
        PlaceKind::Community,
    ),
    (
        "T4 airbase",
        &[
            "T4",
            "T-4",
            "Tiyas airbase",
            // The pumping station the airbase is named after.
            "T4 station",
            "T4 pumping station",
            "Fourth Station",
            "4th station",
            "مطار التيفور",
            "التيفور",
        ],
        "SY04",
        34.52,
        37.63,
        PlaceKind::Community,
    ),
    (
        "Shayrat airbase",
        &[
            "Shayrat",
            "Shairat",
            "Shayrat air base",
            "Shayrat airport",
            "مطار الشعيرات",
        ],
        "SY04",
        34.49,
        36.91,
        PlaceKind::Community,
    ),
    (
        "Kuweires airbase",
        &[
            "Kuweires",
            "Kweiris",
            "Kuwairis",
            "Kuweires airport",
            "Kuweires military airport",
            "مطار كويرس",
        ],
        "SY02",
        36.19,
        37.58,
        PlaceKind::Community,
    ),
    (
        "Nayrab airbase",
        &[
            "Nayrab airport",
            "Nairab airport",
            "Aleppo airport",
            "Aleppo International Airport",
            "مطار النيرب",
            "مطار حلب",
        ],
        "SY02",
        36.18,
        37.22,
        PlaceKind::Community,
    ),
    (
        "Menagh airbase",
        &[
            "Menagh",
            "Minnigh airbase",
            "Mennagh airbase",
            "Minakh airbase",
            "Menagh airport",
            "مطار منغ",
        ],
        "SY02",
        36.52,
        37.04,
        PlaceKind::Community,
    ),
    (
        "Jirah airbase",
        &[
            "Al-Jarrah airbase",
            "Jirah airport",
            "Jarrah airport",
            "مطار الجراح",
        ],
        "SY02",
        36.10,
        37.94,
        PlaceKind::Community,
    ),
    (
        "Abu al-Duhur airbase",
        &[
            "Abu Duhur airbase",
            "Abu al-Zuhur airbase",
            "Abu Dhuhur airbase",
            "Abu al-Duhur airport",
            "Abu al-Duhur military airport",
            "مطار أبو الظهور",
        ],
        "SY07",
        35.73,
        37.10,
        PlaceKind::Community,
    ),
    (
        "Hama airbase",
        &[
            "Hama airport",
            "Hama military airport",
            "مطار حماة العسكري",
            "مطار حماة",
        ],
        "SY05",
        35.12,
        36.71,
        PlaceKind::Community,
    ),
    (
        "Tabqa airbase",
        &[
            "Tabqa airport",
            "Tabqa military airport",
            "Tabqa air base",
            "مطار الطبقة",
        ],
        "SY11",
        35.75,
        38.57,
        PlaceKind::Community,
    ),
    (
        "Deir ez-Zor airbase",
        &[
            "Deir ez-Zor airport",
            "Deir ez-Zor military airport",
            "Deir ez-Zor air base",
            "مطار دير الزور",
        ],
        "SY09",
        35.28,
        40.18,
        PlaceKind::Community,
    ),
    (
        "Conoco gas field",
        // Where OCHA places the community Kouniko.
        &[
            "Conoco field",
            "Conoco gas plant",
            "Conoco plant",
            "Conoco",
            "معمل كونيكو",
        ],
        "SY09",
        35.34,
        40.32,
        PlaceKind::Community,
    ),
    // Oil and gas sites of the desert, fought over as places in their own right. Placed from
    // public accounts of where they lie from the nearest town (the distances in the comments):
    // rough, to within a few kilometres where an account gives the distance, and within about
    // 20 km where it gives only the direction.
    (
        "Omar oil field",
        // About 10 km east of Al Mayadin, across the Euphrates from it.
        &[
            "Al-Omar oil field",
            "Omar oil fields",
            "Omar oilfield",
            "Omar oilfields",
            "Omar field",
            "Omar fields",
            "حقل العمر",
            "حقل العمر النفطي",
            "حقول العمر",
        ],
        "SY09",
        35.03,
        40.54,
        PlaceKind::Community,
    ),
    (
        "Tanak oil field",
        // In the Shuaytat desert east of Abu Hamam (no distance given: 15 km out).
        &[
            "Al-Tanak oil field",
            "Tanak oilfield",
            "Tanak field",
            "Tank oil field",
            "Tenek oil field",
            "حقل التنك",
        ],
        "SY09",
        34.85,
        40.82,
        PlaceKind::Community,
    ),
    (
        "T2 pumping station",
        // About 70 km west of Abu Kamal, in the desert.
        &[
            "T2",
            "T-2",
            "T2 station",
            "T-2 station",
            "T2 stations",
            "the second station",
            "Second Station",
            "المحطة الثانية",
            "محطة تي تو",
        ],
        "SY09",
        34.40,
        40.14,
        PlaceKind::Community,
    ),
    (
        "T3 pumping station",
        // In the desert east of Palmyra (no distance given: 40 km out).
        &[
            "T3",
            "T-3",
            "T3 station",
            "T-3 station",
            "Third Station",
            "3rd station",
            "المحطة الثالثة",
        ],
        "SY04",
        34.54,
        38.72,
        PlaceKind::Community,
    ),
    (
        "Hail gas field",
        // About 14 km from Al-Sukhnah on the way to Palmyra.
        &[
            "Al-Hail gas field",
            "Hail oil field",
            "Al-Hail oil field",
            "Hail oil fields",
            "Hail oil and gas fields",
            "Hail field",
            "Heil gas field",
            "Al-Heil gas field",
            "Hayl gas field",
            "حقل الهيل",
        ],
        "SY04",
        34.815,
        38.74,
        PlaceKind::Community,
    ),
    (
        "Shaer gas field",
        // About 50 km north-west of Palmyra, on Jabal al-Shaer.
        &[
            "Al-Shaer gas field",
            "Shaer field",
            "Shaer gas fields",
            "Al-Shair gas field",
            "Shair gas field",
            "Al-Shaer oil field",
            "Sha'er gas field",
            "Jabal al-Shaer",
            "Jabal Shaer",
            "Shaer mountain",
            "Shaer Mount",
            "حقل الشاعر",
            "جبل الشاعر",
        ],
        "SY04",
        34.88,
        37.90,
        PlaceKind::Community,
    ),
    (
        "Brigade 137",
        &["137th Brigade", "137 Brigade", "اللواء 137"],
        "SY09",
        35.30,
        40.08,
        PlaceKind::Community,
    ),
    (
        "Hmeimim airbase",
        &[
            "Hmeimim",
            "Khmeimim",
            "Hmeymim",
            "Hmeimim air base",
            "قاعدة حميميم",
            "حميميم",
        ],
        "SY06",
        35.41,
        35.95,
        PlaceKind::Community,
    ),
    (
        "Mezzeh airbase",
        &[
            "Mezzeh airport",
            "Mezzeh military airport",
            "Mazzeh airport",
            "مطار المزة",
        ],
        "SY01",
        33.48,
        36.22,
        PlaceKind::Community,
    ),
    (
        "Dumayr airbase",
        &[
            "Dumair airbase",
            "Dmeir airbase",
            "Dumayr airport",
            "Dumayr military airport",
            "مطار الضمير",
        ],
        "SY03",
        33.61,
        36.75,
        PlaceKind::Community,
    ),
    (
        "Khalkhalah airbase",
        &["Khalkhala airbase", "Khalkhalah airport", "مطار خلخلة"],
        "SY13",
        33.06,
        36.55,
        PlaceKind::Community,
    ),
    (
        "Thaala airbase",
        &[
            "Tha'la airbase",
            "Thaala airport",
            "Tha'la airport",
            "مطار الثعلة",
        ],
        "SY13",
        32.70,
        36.41,
        PlaceKind::Community,
    ),
    // Mountains and plains that reports name as places.
    (
        "Jabal al-Akrad",
        &[
            "Kurd mountains",
            "Kurds mountain",
            "Jabal Akrad",
            "جبل الأكراد",
        ],
        "SY06",
        35.73,
        36.12,
        PlaceKind::Community,
    ),
    (
        "Jabal al-Turkman",
        &[
            "Turkmen mountain",
            "Turkmen mountains",
            "Jabal Turkman",
            "جبل التركمان",
        ],
        "SY06",
        35.83,
        36.03,
        PlaceKind::Community,
    ),
    (
        "Jabal al-Zawiya",
        &["Jabal Zawiya", "Jebel Zawiya", "جبل الزاوية"],
        "SY07",
        35.67,
        36.55,
        PlaceKind::Community,
    ),
    (
        "Ghab plain",
        &["Sahl al-Ghab", "al-Ghab plain", "سهل الغاب"],
        "SY05",
        35.65,
        36.37,
        PlaceKind::Community,
    ),
    (
        "Lajat",
        &["al-Lajat", "Lajah", "اللجاة"],
        "SY12",
        33.00,
        36.45,
        PlaceKind::Community,
    ),
    (
        "Mount Hermon",
        &["Jabal al-Sheikh", "Jabal Sheikh", "جبل الشيخ"],
        "SY03",
        33.42,
        35.86,
        PlaceKind::Community,
    ),
    (
        "Eastern Ghouta",
        &[
            "East Ghouta",
            "Ghouta",
            "al-Ghouta al-Sharqiya",
            "الغوطة الشرقية",
            "الغوطة",
        ],
        "SY03",
        33.56,
        36.40,
        PlaceKind::Community,
    ),
    (
        // The farmland of the eastern Ghouta, OCHA's Nashabiyeh sub-district, placed at its seat.
        "Al-Marj",
        &["Marj area", "al-Marj area", "منطقة المرج"],
        "SY03",
        33.5106,
        36.4855,
        PlaceKind::Community,
    ),
    (
        "Western Ghouta",
        &["West Ghouta", "الغوطة الغربية"],
        "SY03",
        33.45,
        36.17,
        PlaceKind::Community,
    ),
    (
        "Qalamoun",
        &[
            "Qalamoun mountains",
            "Qalamun",
            "Qalamon",
            "Qalamoon",
            "Kalamoun",
            "Al-Qalamoun",
            "القلمون",
        ],
        "SY03",
        33.95,
        36.55,
        PlaceKind::Community,
    ),
    (
        "Wadi Barada",
        &["وادي بردى"],
        "SY03",
        33.62,
        36.15,
        PlaceKind::Community,
    ),
    (
        "Jobar",
        &["Jawbar", "جوبر"],
        "SY01",
        33.53,
        36.33,
        PlaceKind::Neighbourhood,
    ),
    (
        "Eastern Qalamoun",
        &[
            "East Qalamoun",
            "Eastern Qalamoon",
            "East Qalamoon",
            "Eastern Qalamon",
            "Eastern Qalamun",
            "القلمون الشرقي",
        ],
        "SY03",
        33.75,
        36.95,
        PlaceKind::Community,
    ),
    (
        "Badia",
        &[
            "Syrian desert",
            "Syrian Badia",
            "البادية السورية",
            "البادية",
        ],
        "SY04",
        34.6,
        38.3,
        PlaceKind::District,
    ),
    (
        "Jazeera",
        &["Jazira", "al-Jazira", "الجزيرة"],
        "SY08",
        36.5,
        40.7,
        PlaceKind::District,
    ),
    (
        "Houla",
        &["Al-Houla", "Hula", "الحولة"],
        "SY04",
        34.88,
        36.53,
        PlaceKind::Community,
    ),
    (
        "Yarmouk Basin",
        &["Yarmouk Valley", "حوض اليرموك"],
        "SY12",
        32.75,
        35.95,
        PlaceKind::Community,
    ),
];

/// English words that start sentences or name forces, never places, even when a village's
/// name shares their consonants.
const NOT_PLACES: &[&str] = &[
    "the",
    "clashes",
    "clash",
    "regime",
    "syrian",
    "forces",
    "army",
    "islamic",
    "state",
    "free",
    "rebels",
    "rebel",
    "fighters",
    "militants",
    "opposition",
    "government",
    "turkish",
    "russian",
    "non",
    // The president: "pro-Assad forces".
    "assad",
    // Neighbouring and intervening countries, which sound like villages ("Turkey" and
    // Turkeia).
    "syria",
    "turkey",
    "russia",
    "iraq",
    "iraqi",
    "iran",
    "iranian",
    "jordan",
    "jordanian",
    "lebanon",
    "lebanese",
    "israel",
    "israeli",
    "american",
    "british",
    "french",
    "kurdish",
    "democratic",
    "no",
    "neither",
    "heavy",
    "fierce",
    "violent",
    "several",
    "on",
    "in",
    "near",
    "north",
    "south",
    "east",
    "west",
    "unknown",
    "unidentified",
    "military",
    "coalition",
    "party",
    "front",
    "brigade",
    // English words for features, which name no village by themselves.
    "hill",
    "hills",
    "dam",
    "mountain",
    "mountains",
    "field",
    "fields",
    "station",
    "valley",
    "road",
    "highway",
    "crossing",
    "checkpoint",
    "farm",
    "farms",
    "plain",
    "desert",
    "river",
    "bridge",
    "base",
    "airport",
    "airbase",
    "camp",
    "city",
    "town",
    "village",
    "area",
    "province",
    "governorate",
    "district",
    "axis",
    "battalion",
    "division",
    "corps",
    // Weapons known by name ("a Konkurs missile", Kanaker).
    "konkurs",
    "kornet",
    "fagot",
    "metis",
    "grad",
    "shilka",
    "dshk",
    // Hills named after a mobile network's mast ("Tell Syriatel"), not after a village.
    "syriatel",
    // English words that open sentences.
    "amid",
    "after",
    "during",
    "following",
    "under",
    "while",
    "when",
    "since",
    "also",
    "both",
    "some",
    "many",
    "other",
    "reports",
    "sources",
    "local",
    "armed",
    "unknown",
    "an",
    "a",
    "at",
    "as",
    "by",
    "for",
    "from",
    "with",
    "this",
    "that",
    "these",
    "there",
    "their",
    "its",
    "his",
    "her",
    "they",
    "he",
    "she",
    "it",
    "we",
    "one",
    "two",
    "three",
    "four",
    "five",
    // Arabic words for kinds of place, which villages are also named after.
    "مدينه",
    "بلده",
    "قريه",
    "ريف",
    "حي",
    "منطقه",
    "محافظه",
    "مخيم",
    "مدينة",
    // Arabic words that village names share, folded: a preposition (على، عليه), directions, and
    // words for the victims, the air force and buildings.
    "علي",
    "عليه",
    "غرب",
    "الشمالي",
    "الجنوبي",
    "الشرقي",
    "الغربي",
    "الحربي",
    "الكرديه",
    "شهداء",
    "مدرسه",
    "مسجد",
];

/// Common English words that share their consonants with some village ("Battles" and Batlaus,
/// "Oil" and Ula, "Shiite" and Shate). Written alone, they are only ever that village when
/// spelt exactly as the gazetteer spells it.
const COMMON_WORDS: &[&str] = &[
    "and",
    "or",
    "but",
    "nor",
    "not",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "all",
    "any",
    "each",
    "every",
    "more",
    "most",
    "less",
    "few",
    "much",
    "such",
    "same",
    "own",
    "only",
    "just",
    "than",
    "then",
    "there",
    "here",
    "where",
    "which",
    "who",
    "whom",
    "whose",
    "said",
    "says",
    "say",
    "added",
    "stated",
    "told",
    "reported",
    "report",
    "claimed",
    "announced",
    "confirmed",
    "according",
    "killed",
    "wounded",
    "injured",
    "dead",
    "died",
    "death",
    "deaths",
    "body",
    "bodies",
    "man",
    "men",
    "woman",
    "women",
    "child",
    "children",
    "boy",
    "boys",
    "girl",
    "girls",
    "people",
    "person",
    "civilian",
    "civilians",
    "soldier",
    "soldiers",
    "officer",
    "officers",
    "colonel",
    "general",
    "commander",
    "commanders",
    "leader",
    "leaders",
    "member",
    "members",
    "group",
    "groups",
    "unit",
    "units",
    "troops",
    "battle",
    "battles",
    "fighting",
    "fight",
    "fought",
    "attack",
    "attacks",
    "attacked",
    "assault",
    "offensive",
    "counterattack",
    "shelling",
    "shelled",
    "shell",
    "shells",
    "strike",
    "strikes",
    "struck",
    "airstrike",
    "airstrikes",
    "raid",
    "raids",
    "bomb",
    "bombs",
    "bombing",
    "mortar",
    "mortars",
    "rocket",
    "rockets",
    "missile",
    "missiles",
    "drone",
    "drones",
    "sniper",
    "snipers",
    "gunmen",
    "gunfire",
    "fire",
    "fired",
    "shot",
    "shots",
    "ambush",
    "explosion",
    "explosions",
    "blast",
    "mine",
    "mines",
    "vehicle",
    "vehicles",
    "tank",
    "tanks",
    "car",
    "cars",
    "truck",
    "oil",
    "gas",
    "water",
    "well",
    "wells",
    "square",
    "castle",
    "market",
    "hospital",
    "school",
    "mosque",
    "church",
    "prison",
    "center",
    "centre",
    "headquarters",
    "building",
    "buildings",
    "house",
    "houses",
    "home",
    "homes",
    "factory",
    "company",
    "industrial",
    "border",
    "human",
    "rights",
    "small",
    "large",
    "big",
    "major",
    "minor",
    "far",
    "close",
    "high",
    "low",
    "new",
    "old",
    "ten",
    "six",
    "seven",
    "eight",
    "nine",
    "dozens",
    "hundreds",
    "tactical",
    "strategic",
    "mills",
    "shiite",
    "shia",
    "sunni",
    "alawite",
    "druze",
    "christian",
    "regiment",
    "battalions",
    "brigades",
    "militia",
    "militias",
    "police",
    "security",
    "intelligence",
    "checkpoint",
    "checkpoints",
    "position",
    "positions",
    "control",
    "captured",
    "seized",
    "took",
    "advanced",
    "advance",
    "retreat",
    "withdrew",
    "repelled",
    "clashed",
];

/// Whether a word is one of `COMMON_WORDS`, asked for every capitalised word that might only
/// sound like a village.
fn common_word(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| COMMON_WORDS.iter().copied().collect());
    SET.contains(word)
}

/// Words that begin many place names (hill, monastery, spring, village, mountain...).
pub(crate) const NAME_OPENERS: &[&str] = &[
    "tal",
    "tall",
    "tell",
    "deir",
    "dayr",
    "ain",
    "ayn",
    "ein",
    "kafr",
    "kfar",
    "jabal",
    "jebel",
    "wadi",
    "bir",
    "khirbet",
    "khirbat",
    "umm",
    "um",
    "abu",
    "beit",
    "bayt",
    "ras",
    "qasr",
    "maarat",
    "marj",
    "mazraat",
    "hosh",
    "hawsh",
    "tel",
    "arab",
    "sheikh",
    "qalaat",
    "qalat",
    "khan",
    "كفر",
    "تل",
    "دير",
    "عين",
    "ام",
    "ابو",
    "بير",
    "خربه",
    "جبل",
    "وادي",
    "راس",
    "قصر",
    "مزرعه",
    "حوش",
    "خان",
    "بيت",
    "معره",
];

/// Directions, which open phrases like "eastern Deir ez-Zor" and also some village names.
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "upper",
    "lower",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "central",
];

/// English qualifiers of village names and the Arabic words that follow the name instead
/// ("Big Hajjara" is "Hajjara Kabira", "Eastern Jurdi" is "Jurdi Sharqi").
const QUALIFIERS: &[(&str, &str)] = &[
    ("Big", "Kabir"),
    ("Great", "Kabir"),
    ("Small", "Saghir"),
    ("Little", "Saghir"),
    ("Upper", "Fawqani"),
    ("Lower", "Tahtani"),
    ("Eastern", "Sharqi"),
    ("Western", "Gharbi"),
    ("Northern", "Shamali"),
    ("Southern", "Janubi"),
];

/// The Arabic qualifiers as the press spells them after a name ("Kabash Gharbi Saghir"),
/// folded.
const ARABIC_QUALIFIERS: &[&str] = &[
    "kabir",
    "kbir",
    "kabira",
    "kabireh",
    "kbireh",
    "saghir",
    "sghir",
    "saghira",
    "sghireh",
    "saghireh",
    "sharqi",
    "sharqiya",
    "sharqiyah",
    "sherqi",
    "gharbi",
    "gharbiya",
    "gharbiyah",
    "shamali",
    "shamaliya",
    "shamaliyah",
    "janubi",
    "janoubi",
    "janubiya",
    "janubiyah",
    "fawqani",
    "foqani",
    "tahtani",
];

/// Whether a folded word is an Arabic qualifier that follows village names.
pub(crate) fn arabic_qualifier(word: &str) -> bool {
    ARABIC_QUALIFIERS.contains(&word)
}

/// Files `index` under `key`, once.
fn add_index(map: &mut HashMap<String, Vec<u32>>, key: String, index: u32) {
    let entry = map.entry(key).or_default();
    if !entry.contains(&index) {
        entry.push(index);
    }
}

/// The name after its English qualifier ("Samadaniyeh" of "Western Samadaniyeh").
fn without_qualifier(name: &str) -> Option<&str> {
    let (first, rest) = name.split_once(' ')?;
    QUALIFIERS
        .iter()
        .any(|(english, _)| *english == first)
        .then(|| rest.split('(').next().unwrap_or(rest).trim())
}

/// The name with an English qualifier said the Arabic way, after it.
fn arabic_word_order(name: &str) -> Option<String> {
    let (first, rest) = name.split_once(' ')?;
    let (_, arabic) = QUALIFIERS.iter().find(|(english, _)| *english == first)?;
    let rest = rest.split('(').next().unwrap_or(rest).trim();
    Some(format!("{rest} {arabic}"))
}

/// The name with the other English words for its qualifier, those that say it the same way in
/// Arabic ("Small Fikha" for "Little Fikha").
fn qualifier_synonyms(name: &str) -> Vec<String> {
    let Some((first, rest)) = name.split_once(' ') else {
        return Vec::new();
    };
    let Some((_, arabic)) = QUALIFIERS.iter().find(|(english, _)| *english == first) else {
        return Vec::new();
    };
    QUALIFIERS
        .iter()
        .filter(|(english, other)| other == arabic && *english != first)
        .map(|(english, _)| format!("{english} {rest}"))
        .collect()
}

/// Whether a word is one of `NOT_PLACES` or names a day or month, which sound like villages
/// (Monday, Mand). A set: it is asked for nearly every word.
fn not_a_place(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
        NOT_PLACES
            .iter()
            .chain(crate::dates::DAYS_AND_MONTHS.iter())
            .copied()
            .collect()
    });
    SET.contains(word)
}

/// The names of a `|`-separated column of other names.
fn other_names(column: &str) -> Vec<&str> {
    column
        .split('|')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect()
}

/// The names of a community that joins two villages ("Jeb Abyad - Byud", "زردنا_مشهد"): each
/// part is a name in its own right, unless it is only a common word (Wadi, Kafr, Eastern).
/// (After " - ", OCHA's Arabic names give the sub-district, not a second village.)
fn parts_of_joined_name(name: &str) -> Vec<&str> {
    let name = name.split('(').next().unwrap_or(name);
    let joined = if name.chars().any(text::is_arabic) {
        name.split(" - ")
            .next()
            .unwrap_or(name)
            .split('_')
            .collect::<Vec<_>>()
    } else {
        name.split(" - ").collect()
    };
    joined
        .into_iter()
        .map(str::trim)
        .filter(|part| *part != name.trim())
        .filter(|part| a_name_in_its_own_right(part))
        .collect()
}

/// The English parts of a community whose Arabic name joins two villages with an underscore
/// while its English name runs them together ("Safa Eltayyas", الصفا_التياس): each part has
/// as many words in English as in Arabic.
fn english_parts_by_arabic<'a>(name: &'a str, name_ar: &str) -> Vec<&'a str> {
    let name = name.split('(').next().unwrap_or(name).trim();
    let arabic = name_ar.split(" - ").next().unwrap_or(name_ar);
    let Some((first, second)) = arabic.split_once('_') else {
        return Vec::new();
    };
    let count = |part: &str| part.split_whitespace().count();
    let words: Vec<&str> = name.split_whitespace().collect();
    if name.contains(" - ") || second.contains('_') || words.len() != count(first) + count(second) {
        return Vec::new();
    }
    // Where the second part's first word starts in the English name.
    let Some(split) = words
        .get(count(first))
        .map(|word| word.as_ptr() as usize - name.as_ptr() as usize)
    else {
        return Vec::new();
    };
    [name[..split].trim(), name[split..].trim()]
        .into_iter()
        .filter(|part| a_name_in_its_own_right(part))
        .collect()
}

/// Whether a part of a joined name can stand alone: not a common word (Wadi, Kafr, Eastern),
/// nor too short.
fn a_name_in_its_own_right(part: &str) -> bool {
    let key = text::key(part);
    key.chars().count() >= 4
        && !(key.split(' ').count() == 1
            && (not_a_place(&key)
                || NAME_OPENERS.contains(&key.as_str())
                || DIRECTIONS.contains(&key.as_str())))
}

/// The ways reports write "X airbase": X airport, X air base, X military airport and so on.
fn airbase_spellings(name: &str) -> Vec<String> {
    let Some(site) = name.strip_suffix(" airbase") else {
        return Vec::new();
    };
    [
        "airport",
        "air base",
        "airfield",
        "military airport",
        "military airbase",
        "military air base",
    ]
    .iter()
    .map(|kind| format!("{site} {kind}"))
    .collect()
}

fn rows(text: &str) -> impl Iterator<Item = csv::StringRecord> + '_ {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes())
        .into_records()
        .filter_map(Result::ok)
}

fn column(headers: &str, name: &str) -> usize {
    headers
        .trim_end()
        .split(',')
        .position(|h| h == name)
        .unwrap_or(usize::MAX)
}

fn field(record: &csv::StringRecord, index: usize) -> &str {
    record.get(index).unwrap_or("").trim()
}

impl Gazetteer {
    /// The gazetteer compiled into the binary.
    pub fn embedded() -> &'static Gazetteer {
        &EMBEDDED
    }

    /// Builds the index from the shipped CSV sources.
    pub fn from_shipped_sources() -> Gazetteer {
        let mut gazetteer = Gazetteer::default();
        gazetteer.add_opensyria(OPENSYRIA_ADMIN);
        gazetteer.add_ocha_places(
            OCHA_COMMUNITIES,
            [
                "name_en",
                "name_ar",
                "alt_names",
                "lat",
                "lon",
                "location_pcode",
                "admin1_pcode",
                "admin2_pcode",
                "admin3_pcode",
            ],
            PlaceKind::Community,
        );
        gazetteer.add_ocha_places(
            OCHA_NEIGHBOURHOODS,
            [
                "NAME_EN",
                "NAME_AR",
                "NAM_EN_REF",
                "LATITUDE",
                "LONGITUDE",
                "PCODE",
                "ADM1_PCODE",
                "ADM2_PCODE",
                "ADM3_PCODE",
            ],
            PlaceKind::Neighbourhood,
        );
        gazetteer.add_city_areas(OCHA_NEIGHBOURHOODS);
        gazetteer.add_geonames(GEONAMES);
        gazetteer.add_besieged(BESIEGED);
        for (name, aliases, admin1, lat, lon, kind) in EXTRA_PLACES {
            let place = Place {
                name: (*name).to_owned(),
                name_ar: aliases.last().copied().unwrap_or("").to_owned(),
                lat: *lat,
                lon: *lon,
                pcode: (*admin1).to_owned(),
                admin1: (*admin1).to_owned(),
                admin2: None,
                admin3: None,
                kind: *kind,
            };
            let mut aliases: Vec<String> = aliases.iter().map(|a| (*a).to_owned()).collect();
            // "Tiyas airbase" is written "Tiyas military airbase" too.
            let spellings: Vec<String> = std::iter::once(*name)
                .chain(aliases.iter().map(String::as_str))
                .flat_map(airbase_spellings)
                .collect();
            aliases.extend(spellings);
            let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
            // A site or town takes the P-codes of the community nearest to it; a region has none
            // below its governorate.
            if *kind > PlaceKind::Subdistrict {
                gazetteer.add_located(place, &aliases);
            } else {
                gazetteer.add(place, &aliases);
            }
        }
        gazetteer.move_admin_units_to_their_seats();
        gazetteer
    }

    /// A place by its index.
    pub fn place(&self, index: u32) -> &Place {
        &self.places[index as usize]
    }

    /// How many places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Adds a place under its names.
    pub fn add(&mut self, place: Place, aliases: &[&str]) {
        let index = u32::try_from(self.places.len()).unwrap_or(u32::MAX);
        let arabic_order = arabic_word_order(&place.name);
        let synonyms = qualifier_synonyms(&place.name);
        let mut names: Vec<&str> = vec![place.name.as_str(), place.name_ar.as_str()];
        names.extend(aliases.iter().copied());
        names.extend(arabic_order.iter().map(String::as_str));
        names.extend(synonyms.iter().map(String::as_str));
        let mut seen_keys: Vec<String> = Vec::new();
        for name in names {
            // "Yarmuk (Damascus)": the bracket tells homonyms apart; the name is before it.
            let name = name.split('(').next().unwrap_or(name).trim();
            let key = text::key(name);
            if key.is_empty() || seen_keys.contains(&key) {
                continue;
            }
            self.longest = self.longest.max(key.split(' ').count());
            for key in std::iter::once(key.clone()).chain(text::loose_key(&key)) {
                let skeleton = text::skeleton(&key);
                if let Some((first, _)) = key.split_once(' ') {
                    self.first_words.insert(first.to_owned());
                    self.first_words.insert(text::skeleton(first));
                }
                add_index(&mut self.by_key, key, index);
                if skeleton.len() >= 2 {
                    add_index(&mut self.by_skeleton, skeleton, index);
                }
            }
            seen_keys.push(key);
        }
        // "Samadaniyeh" for Eastern and Western Samadaniyeh: the name without its qualifier
        // sounds like the place, but is no exact name of it.
        if let Some(bare) = without_qualifier(&place.name) {
            let skeleton = text::skeleton(&text::key(bare));
            if text::consonants(&skeleton) >= 4 {
                add_index(&mut self.by_skeleton, skeleton, index);
            }
        }
        // The Latin spellings the Arabic names lead to, when OCHA's own English spelling strays
        // from them (الدهليز: OCHA writes Dehiz, the press Dahliz).
        let mut spelt = Vec::new();
        let arabic_keys = seen_keys
            .iter()
            .filter(|key| key.chars().any(text::is_arabic));
        for words in arabic_keys.flat_map(|key| text::skeletons_of_arabic(key)) {
            let skeleton = words.concat();
            // Two consonants match too many words; `lookup` trusts three only for names
            // spelt nearly alike.
            if text::consonants(&skeleton) < 3 || spelt.contains(&words) {
                continue;
            }
            if words.len() > 1 {
                self.first_words.insert(words[0].clone());
            }
            add_index(&mut self.by_skeleton, skeleton, index);
            spelt.push(words);
        }
        self.spelt_from_arabic.push(spelt);
        self.spellings
            .push(seen_keys.iter().map(|key| text::spelling(key)).collect());
        self.keys.push(seen_keys);
        self.places.push(place);
    }

    fn add_opensyria(&mut self, source: &str) {
        let headers = source.lines().next().unwrap_or("");
        let [level, pcode, name, name_ar, lat, lon, aliases] = [
            "level",
            "ocha_pcode",
            "name_en",
            "name_ar",
            "centroid_lat",
            "centroid_lon",
            "aliases",
        ]
        .map(|c| column(headers, c));
        for record in rows(source) {
            let code = field(&record, pcode).to_owned();
            let kind = match field(&record, level) {
                "ADM1" => PlaceKind::Governorate,
                "ADM2" => PlaceKind::District,
                _ => PlaceKind::Subdistrict,
            };
            let mut alias_list = other_names(field(&record, aliases));
            // "مركز الشدادي", the sub-district around a district's seat, is named by its town.
            alias_list.extend(field(&record, name_ar).strip_prefix("مركز "));
            let place = Place {
                name: field(&record, name).to_owned(),
                name_ar: field(&record, name_ar).to_owned(),
                lat: field(&record, lat).parse().unwrap_or(f64::NAN),
                lon: field(&record, lon).parse().unwrap_or(f64::NAN),
                admin1: code.get(..4).unwrap_or("").to_owned(),
                admin2: (kind >= PlaceKind::District)
                    .then(|| code.get(..6).unwrap_or("").to_owned()),
                admin3: (kind == PlaceKind::Subdistrict).then(|| code.clone()),
                pcode: code,
                kind,
            };
            if place.lat.is_finite() && place.lon.is_finite() && !place.admin1.is_empty() {
                self.add(place, &alias_list);
            }
        }
    }

    /// Adds the places of an OCHA table with full P-codes (communities, neighbourhoods), whose
    /// columns are named in the order: English name, Arabic name, other names (`|`-separated),
    /// latitude, longitude, own P-code, admin 1, 2 and 3 P-codes.
    fn add_ocha_places(&mut self, source: &str, columns: [&str; 9], kind: PlaceKind) {
        let headers = source.lines().next().unwrap_or("");
        let [name, name_ar, alt, lat, lon, pcode, a1, a2, a3] = columns.map(|c| column(headers, c));
        for record in rows(source) {
            let mut aliases = other_names(field(&record, alt));
            aliases.extend(parts_of_joined_name(field(&record, name)));
            aliases.extend(parts_of_joined_name(field(&record, name_ar)));
            aliases.extend(english_parts_by_arabic(
                field(&record, name),
                field(&record, name_ar),
            ));
            aliases.extend(
                COMMUNITY_SPELLINGS
                    .iter()
                    .filter(|(code, _)| *code == field(&record, pcode))
                    .flat_map(|(_, spellings)| spellings.iter().copied()),
            );
            let place = Place {
                name: field(&record, name).to_owned(),
                name_ar: field(&record, name_ar).to_owned(),
                lat: field(&record, lat).parse().unwrap_or(f64::NAN),
                lon: field(&record, lon).parse().unwrap_or(f64::NAN),
                pcode: field(&record, pcode).to_owned(),
                admin1: field(&record, a1).to_owned(),
                admin2: Some(field(&record, a2).to_owned()),
                admin3: Some(field(&record, a3).to_owned()),
                kind,
            };
            if place.lat.is_finite() && place.lon.is_finite() {
                self.add(place, &aliases);
            }
        }
    }

    /// Adds the areas that group a city's neighbourhoods (Damascus's Barzeh, Mazzeh, Midan), at
    /// the middle of their neighbourhoods: reports name the area more often than the quarter.
    fn add_city_areas(&mut self, source: &str) {
        let headers = source.lines().next().unwrap_or("");
        let [name, name_ar, area_pcode, lat, lon, a1, a2, a3, a4] = [
            "AREA_EN",
            "AREA_AR",
            "AREA_PCODE",
            "LATITUDE",
            "LONGITUDE",
            "ADM1_PCODE",
            "ADM2_PCODE",
            "ADM3_PCODE",
            "ADM4_PCODE",
        ]
        .map(|c| column(headers, c));
        let mut areas: Vec<(Place, usize)> = Vec::new();
        for record in rows(source) {
            // Areas without a P-code of their own are single quarters, already listed.
            if !field(&record, area_pcode).starts_with('A') {
                continue;
            }
            let (Ok(lat), Ok(lon)) = (field(&record, lat).parse(), field(&record, lon).parse())
            else {
                continue;
            };
            match areas
                .iter_mut()
                .find(|(area, _)| area.name == field(&record, name))
            {
                Some((area, count)) => {
                    area.lat += lat;
                    area.lon += lon;
                    *count += 1;
                }
                None => areas.push((
                    Place {
                        name: field(&record, name).to_owned(),
                        name_ar: field(&record, name_ar).to_owned(),
                        lat,
                        lon,
                        // The area's own code is local to the city; the city's community
                        // P-code is the finest national one.
                        pcode: field(&record, a4).to_owned(),
                        admin1: field(&record, a1).to_owned(),
                        admin2: Some(field(&record, a2).to_owned()),
                        admin3: Some(field(&record, a3).to_owned()),
                        kind: PlaceKind::Neighbourhood,
                    },
                    1,
                )),
            }
        }
        for (mut area, count) in areas {
            area.lat /= count as f64;
            area.lon /= count as f64;
            let spellings = CITY_AREA_SPELLINGS
                .iter()
                .find(|(name, _)| *name == area.name)
                .map_or(&[][..], |(_, spellings)| *spellings);
            self.add(area, spellings);
        }
    }

    /// An admin unit named after a town stands, as in ACLED's coding, at that town (its seat)
    /// rather than at its centroid: "clashes in Hama countryside" is coded at Hama city.
    fn move_admin_units_to_their_seats(&mut self) {
        for index in 0..self.places.len() {
            let unit = &self.places[index];
            if unit.kind > PlaceKind::Subdistrict {
                continue;
            }
            // Rural Damascus is governed from Damascus, which lies outside it.
            let name = if unit.kind == PlaceKind::Governorate && unit.pcode == "SY03" {
                "Damascus"
            } else {
                unit.name.as_str()
            };
            let seat_admin = if name == "Damascus" {
                "SY01"
            } else {
                unit.pcode.as_str()
            };
            let key = text::key(name.split('(').next().unwrap_or(name));
            let seat = [
                self.by_key.get(&key),
                self.by_skeleton.get(&text::skeleton(&key)),
            ]
            .into_iter()
            .flatten()
            .flatten()
            .map(|&i| &self.places[i as usize])
            .find(|p| {
                p.kind == PlaceKind::Community
                    && p.admin3
                        .as_deref()
                        .is_some_and(|a3| a3.starts_with(seat_admin))
            });
            if let Some((lat, lon)) = seat.map(|p| (p.lat, p.lon)) {
                let unit = &mut self.places[index];
                unit.lat = lat;
                unit.lon = lon;
            }
        }
    }

    /// The nearest OCHA community to a point, whose P-codes a place from another source takes.
    fn nearest_community(&self, lat: f64, lon: f64) -> Option<&Place> {
        self.places
            .iter()
            .filter(|p| p.kind == PlaceKind::Community && p.pcode.starts_with('C'))
            .min_by(|a, b| {
                let da = (a.lat - lat).powi(2) + (a.lon - lon).powi(2);
                let db = (b.lat - lat).powi(2) + (b.lon - lon).powi(2);
                da.total_cmp(&db)
            })
    }

    /// How far, in degrees of latitude, a point lies from the nearest community of a
    /// governorate: a village just over a border is near the governorate a report puts it in.
    pub fn degrees_to_governorate(&self, lat: f64, lon: f64, admin1: &str) -> f64 {
        let across = lat.to_radians().cos();
        self.places
            .iter()
            .filter(|p| p.kind == PlaceKind::Community && p.admin1 == admin1)
            .map(|p| ((p.lat - lat).powi(2) + ((p.lon - lon) * across).powi(2)).sqrt())
            .fold(f64::INFINITY, f64::min)
    }

    /// Adds a place from a source without P-codes below the governorate: it takes those of the
    /// nearest OCHA community, so that every place speaks P-codes.
    fn add_located(&mut self, mut place: Place, aliases: &[&str]) {
        let Some(nearest) = self.nearest_community(place.lat, place.lon) else {
            return;
        };
        if place.admin1.is_empty() {
            place.admin1 = nearest.admin1.clone();
        }
        if place.admin1 == nearest.admin1 {
            place.admin2 = nearest.admin2.clone();
            place.admin3 = nearest.admin3.clone();
        }
        self.add(place, aliases);
    }

    /// GeoNames towns carry GeoNames' own admin codes, which are not P-codes.
    fn add_geonames(&mut self, source: &str) {
        let headers = source.lines().next().unwrap_or("");
        let [name, alt, lat, lon, id] =
            ["name", "alt_name", "latitude", "longitude", "id"].map(|c| column(headers, c));
        for record in rows(source) {
            let (Ok(y), Ok(x)) = (
                field(&record, lat).parse::<f64>(),
                field(&record, lon).parse::<f64>(),
            ) else {
                continue;
            };
            let aliases: Vec<&str> = field(&record, alt)
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .collect();
            let place = Place {
                name: field(&record, name).to_owned(),
                name_ar: String::new(),
                lat: y,
                lon: x,
                pcode: format!("geonames:{}", field(&record, id)),
                admin1: String::new(),
                admin2: None,
                admin3: None,
                kind: PlaceKind::Town,
            };
            self.add_located(place, &aliases);
        }
    }

    /// The besieged places of the demonstration scenario, with the spellings aid reports use.
    fn add_besieged(&mut self, source: &str) {
        #[derive(serde::Deserialize)]
        struct Besieged {
            id: String,
            name: String,
            #[serde(default)]
            name_ar: String,
            #[serde(default)]
            alt_names: Vec<String>,
            admin1_pcode: String,
            lat: f64,
            lon: f64,
        }
        let Ok(places) = serde_json::from_str::<Vec<Besieged>>(source) else {
            return;
        };
        for besieged in places {
            let aliases: Vec<&str> = besieged.alt_names.iter().map(String::as_str).collect();
            let place = Place {
                name: besieged.name.clone(),
                name_ar: besieged.name_ar.clone(),
                lat: besieged.lat,
                lon: besieged.lon,
                pcode: format!("besieged:{}", besieged.id),
                admin1: besieged.admin1_pcode.clone(),
                admin2: None,
                admin3: None,
                kind: PlaceKind::Community,
            };
            self.add_located(place, &aliases);
        }
    }

    /// The P-code of the governorate `name` names, in any spelling the gazetteer knows.
    pub fn governorate(&self, name: &str) -> Option<&str> {
        let tokens = text::tokenize(name);
        let mut capitalised = tokens.clone();
        for token in &mut capitalised {
            token.capital = true;
        }
        self.mentions(&capitalised, &[])
            .iter()
            .flat_map(|m| m.candidates.iter())
            .map(|&i| self.place(i))
            .find(|p| p.kind == PlaceKind::Governorate)
            .map(|p| p.admin1.as_str())
    }

    /// Every stretch of `tokens` that names a place, longest first, without overlaps. Tokens
    /// marked in `taken` (actor names, say) are skipped.
    pub fn mentions(&self, tokens: &[Token], taken: &[bool]) -> Vec<Mention> {
        self.mentions_in(tokens, &text::words(tokens), taken)
    }

    /// `mentions` with the tokens' key words worked out already.
    pub fn mentions_in(
        &self,
        tokens: &[Token],
        words: &[text::Word],
        taken: &[bool],
    ) -> Vec<Mention> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let mut matched = None;
            if !taken.get(i).copied().unwrap_or(false) && !text::is_article(&tokens[i].folded) {
                let mut width = if self.may_begin_name(&tokens[i], &words[i]) {
                    self.longest.min(tokens.len() - i)
                } else {
                    1
                };
                while width > 0 {
                    let span = &tokens[i..i + width];
                    if span.iter().enumerate().any(|(k, t)| {
                        taken.get(i + k).copied().unwrap_or(false) || (k > 0 && t.after_break)
                    }) {
                        width -= 1;
                        continue;
                    }
                    let next = tokens.get(i + width);
                    if let Some(mention) = self.lookup(span, &words[i..i + width], next, i) {
                        matched = Some(mention);
                        break;
                    }
                    width -= 1;
                }
            }
            match matched {
                Some(mention) => {
                    i = mention.last;
                    found.push(mention);
                }
                None => i += 1,
            }
        }
        found
    }

    /// Whether a name of several words may begin with this word (in Arabic, perhaps after a
    /// conjunction or preposition written on it).
    fn may_begin_name(&self, token: &Token, word: &text::Word) -> bool {
        self.first_words.contains(&word.key)
            || self.first_words.contains(&word.first_skeleton())
            || text::loose_key(&word.key).is_some_and(|loose| self.first_words.contains(&loose))
            || (token.arabic
                && ["و", "ب", "ل", "ف"].iter().any(|prefix| {
                    token
                        .folded
                        .strip_prefix(prefix)
                        .is_some_and(|rest| self.first_words.contains(rest))
                }))
    }

    /// Whether a direction and a name make a region's whole name as the gazetteer has it
    /// ("the western Ghouta"), not a direction from a city ("eastern Hama") nor a village's name
    /// cut short ("eastern Deir" of "eastern Deir-ez-Zor").
    fn a_region_named_by_its_direction(
        &self,
        span: &[Token],
        words: &[text::Word],
        next: Option<&Token>,
    ) -> bool {
        if span.len() < 2 {
            return false;
        }
        let cut_short = next.is_some_and(|t| t.after_hyphen);
        let from_a_city = self
            .by_key
            .get(&text::span_key(&words[1..]))
            .is_some_and(|tail| {
                tail.iter().any(|&i| {
                    matches!(
                        self.place(i).kind,
                        PlaceKind::Governorate | PlaceKind::District | PlaceKind::Town
                    )
                })
            });
        !cut_short && !from_a_city && self.by_key.contains_key(&text::span_key(words))
    }

    /// Whether one of a place's Latin names has this skeleton (not only a spelling its Arabic
    /// name leads to).
    fn a_latin_name_has_skeleton(&self, index: u32, skeleton: &str) -> bool {
        self.keys[index as usize]
            .iter()
            .filter(|key| !key.chars().any(text::is_arabic))
            .any(|key| {
                text::skeleton(key) == skeleton
                    || text::loose_key(key).is_some_and(|loose| text::skeleton(&loose) == skeleton)
            })
    }

    fn lookup(
        &self,
        span: &[Token],
        words: &[text::Word],
        next: Option<&Token>,
        first: usize,
    ) -> Option<Mention> {
        let head = &span[0];
        // English place names are written with a capital (Arabic has no case); a name of
        // several words is distinctive enough to be taken in lower case too, but only as
        // written in the gazetteer.
        let lower_case = !head.arabic && !head.capital;
        if lower_case && span.len() < 2 {
            return None;
        }
        // Lower-case words are a name only when the gazetteer has them as written and none of
        // them is a common word ("for a"; "the capital" is a name).
        if lower_case && !self.by_key.contains_key(&text::span_key(words)) {
            return None;
        }
        // A name that opens with a number ("3rd Station") is taken in lower case too, when
        // written as the gazetteer has it, though its other words are common ones.
        let numbered = head.folded.starts_with(|c: char| c.is_ascii_digit());
        if lower_case
            && !numbered
            && span.iter().any(|t| {
                (not_a_place(&t.folded) && t.folded != "the")
                    || (t.folded.len() < 3 && !text::is_article(&t.folded))
            })
        {
            return None;
        }
        if span.len() == 1
            && (not_a_place(&head.folded) || (head.acronym && head.folded.len() <= 5))
        {
            return None;
        }
        // Nor does such a word open a name that only sounds like one: "Non-Syrian" is not
        // Nsrran (but "Brigade 137" and "the Syrian desert" are written so in the gazetteer).
        if span.len() > 1
            && !head.arabic
            && !text::is_article(&head.folded)
            && !DIRECTIONS.contains(&head.folded.as_str())
            && not_a_place(&head.folded)
            && !self.by_key.contains_key(&text::span_key(words))
        {
            return None;
        }
        // An article belongs to the word after it: "eastern Deir ez" is not a name.
        if span.len() > 1 && span.last().is_some_and(|t| text::is_article(&t.folded)) {
            return None;
        }
        // "eastern Deir-ez-Zor" is a direction and a name, not the village Eastern Deir; nor is
        // "the Southern Front" the village OCHA lists as Southern.
        if (lower_case || span.len() == 1)
            && DIRECTIONS.contains(&head.folded.as_str())
            && !self.a_region_named_by_its_direction(span, words, next)
        {
            return None;
        }
        // "Tall" in "Tall Riyahi" or "Tall al-Maqta" begins a name the gazetteer lacks; it is
        // not the village Tall.
        if span.len() == 1
            && NAME_OPENERS.contains(&head.folded.as_str())
            && next.is_some_and(|t| t.capital || t.arabic || text::is_article(&t.folded))
        {
            return None;
        }
        let key = text::span_key(words);
        if key.is_empty() {
            return None;
        }
        // Second tries: the looser Latin key, and Arabic without a conjunction or preposition
        // written on the first word (وحلب، بحلب).
        let variants = || {
            let mut keys: Vec<String> = text::loose_key(&key).into_iter().collect();
            if head.arabic
                && let Some(rest) = ["و", "ب", "ل", "ف"]
                    .iter()
                    .find_map(|prefix| head.folded.strip_prefix(prefix))
                && rest.chars().count() >= 3
            {
                keys.push(text::key_of_tokens(
                    std::iter::once(rest).chain(span[1..].iter().map(|t| t.folded.as_str())),
                ));
            }
            // A final ة and a final ا are the same sound, written either way (كفر زيتة، كفر
            // زيتا).
            if head.arabic {
                keys.extend(text::arabic_ending_variant(&key));
            }
            keys
        };
        let exact: Vec<u32> = match self.by_key.get(&key) {
            Some(found) => found.clone(),
            None => variants()
                .iter()
                .find_map(|key| self.by_key.get(key))
                .cloned()
                .unwrap_or_default(),
        };
        let only_exact = |exact: Vec<u32>| {
            (!exact.is_empty()).then(|| Mention {
                first,
                last: first + span.len(),
                exact: exact.len(),
                candidates: exact,
            })
        };
        if lower_case {
            return only_exact(exact);
        }
        // Names only sound alike when written as names: "Jobar amid an" is no village.
        let all_names = span
            .iter()
            .all(|t| t.capital || t.arabic || text::is_article(&t.folded));
        if !all_names || (span.len() == 1 && common_word(&head.folded)) {
            return only_exact(exact);
        }
        let primary = text::span_skeleton(words);
        let skeleton = if self.by_skeleton.contains_key(&primary) {
            Some(primary)
        } else {
            variants()
                .iter()
                .map(|key| text::skeleton(key))
                .find(|skeleton| self.by_skeleton.contains_key(skeleton))
        };
        let Some(skeleton) = skeleton else {
            return only_exact(exact);
        };
        // "Western Daraa" sounds like the village Western Deir, but names a governorate's part
        // (while "Big Sweida" can only be Big Sweidiyeh).
        if exact.is_empty()
            && words.len() > 1
            && DIRECTIONS.contains(&head.folded.as_str())
            && self
                .by_key
                .get(&text::span_key(&words[1..]))
                .is_some_and(|tail| {
                    tail.iter()
                        .any(|&i| self.place(i).kind == PlaceKind::Governorate)
                })
        {
            return None;
        }
        let letters = text::consonants(&skeleton);
        let key_word_skeletons = text::word_skeletons(&key);
        let written = text::spelling(&key);
        let similar: Vec<u32> = self
            .by_skeleton
            .get(&skeleton)
            .map(|candidates| {
                candidates
                    .iter()
                    .copied()
                    .filter(|i| !exact.contains(i))
                    .filter(|&i| {
                        self.keys[i as usize]
                            .iter()
                            .any(|name| text::alike_word_by_word(name, &key))
                            || self.spelt_from_arabic[i as usize].contains(&key_word_skeletons)
                    })
                    // Short skeletons collide with too many words to be trusted, except for
                    // the best-known places as the sources spell them (governorates, districts,
                    // towns: Hasakeh, Homs) and names spelt nearly alike (Rweidah, Rweideh).
                    .filter(|&i| {
                        letters >= 4
                            || (letters == 3
                                && matches!(
                                    self.place(i).kind,
                                    PlaceKind::Governorate | PlaceKind::District | PlaceKind::Town
                                )
                                && self.a_latin_name_has_skeleton(i, &skeleton))
                            || (self.spellings[i as usize]
                                .iter()
                                .any(|name| text::spelt_nearly_alike(name, &written)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if exact.is_empty() && similar.is_empty() {
            return None;
        }
        // The closest spellings first (the fewest edits): ties among sound-alikes go to the
        // reading listed first.
        let mut similar = similar;
        if similar.len() > 1 {
            similar.sort_by_cached_key(|&i| {
                self.spellings[i as usize]
                    .iter()
                    .map(|name| strsim::osa_distance(name, &written))
                    .min()
                    .unwrap_or(usize::MAX)
            });
        }
        let exact_count = exact.len();
        let mut candidates = exact;
        candidates.extend(similar);
        Some(Mention {
            first,
            last: first + span.len(),
            candidates,
            exact: exact_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joined_community_is_named_by_each_of_its_parts() {
        assert_eq!(
            parts_of_joined_name("Jeb Abyad - Byud"),
            ["Jeb Abyad", "Byud"]
        );
        // A common word is no name by itself.
        assert_eq!(parts_of_joined_name("Wadi - Little Jqal"), ["Little Jqal"]);
        assert_eq!(parts_of_joined_name("زردنا_مشهد"), ["زردنا", "مشهد"]);
        // After " - " the Arabic gives the sub-district, not a village.
        assert!(!parts_of_joined_name("بزاعة - مركز الباب").contains(&"مركز الباب"));
        assert!(parts_of_joined_name("Khan Shaykhun").is_empty());
    }

    #[test]
    fn the_arabic_name_shows_where_a_run_together_english_name_joins() {
        assert_eq!(
            english_parts_by_arabic("Safa Eltayyas", "الصفا_التياس"),
            ["Safa", "Eltayyas"]
        );
        assert_eq!(
            english_parts_by_arabic("Um Elthadaya Mamli", "أم الثدايا_ماملي"),
            ["Um Elthadaya", "Mamli"]
        );
        // Words that do not add up, a name joined already, or no join at all: no parts.
        assert!(english_parts_by_arabic("Sayah Thahriyeh", "الصياح_صياح ظاهرية").is_empty());
        assert!(english_parts_by_arabic("Tal Hawasid - Hanuteh", "تل حواصيد_حانوتة").is_empty());
        assert!(english_parts_by_arabic("Khan Shaykhun", "خان شيخون").is_empty());
    }

    #[test]
    fn an_airbase_has_the_other_names_reports_give_it() {
        let spellings = airbase_spellings("Kuweires airbase");
        assert!(spellings.contains(&"Kuweires military airport".to_owned()));
        assert!(spellings.contains(&"Kuweires air base".to_owned()));
        assert!(airbase_spellings("Eastern Ghouta").is_empty());
    }

    #[test]
    fn the_shipped_sources_load_with_p_codes_and_aliases() {
        let g = Gazetteer::embedded();
        assert!(g.len() > 8_000, "{}", g.len());
        let find = |name: &str| {
            let tokens = text::tokenize(name);
            let mentions = g.mentions(&tokens, &[]);
            mentions
                .first()
                .map(|m| {
                    m.candidates
                        .iter()
                        .map(|&i| g.place(i).clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        for spelling in ["Deir ez-Zor", "Deir al-Zour", "Dayr az Zawr", "دير الزور"] {
            assert!(
                find(spelling).iter().any(|p| p.admin1 == "SY09"),
                "{spelling}"
            );
        }
        assert!(
            find("Madaya")
                .iter()
                .any(|p| p.kind == PlaceKind::Community && p.admin1 == "SY03")
        );
        assert!(find("Al-Hasakeh").iter().any(|p| p.pcode == "SY08"));
    }
}
