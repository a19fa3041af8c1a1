//! Discriminating evidence between confusable neighbours: alphabets (letters a
//! language has and its neighbour lacks) and frequent function words.
//!
//! Everything here is written from general knowledge of the languages'
//! orthographies and grammars (no word was harvested from any test file).
//! Function words are listed only where they help to tell a language from
//! its neighbours: a word common to two neighbours is simply listed for both
//! (it then adds the same bonus to each and does not discriminate).

/// Letters (lowercase) of each language's ordinary alphabet, beyond plain
/// ASCII `a`–`z`. A letter of the script outside a language's alphabet is
/// evidence against it. `ascii_out` lists the ASCII letters the language does
/// not use natively (they still appear in foreign names, so they cost less).
pub(crate) struct Alphabet {
    pub code: &'static str,
    pub extra: &'static str,
    pub ascii_out: &'static str,
}

/// Latin-script alphabets of the languages we must tell apart.
pub(crate) const LATIN_ALPHABETS: &[Alphabet] = &[
    // Slovenian: only č š ž (ć đ appear in Croatian/Serbian names only).
    Alphabet {
        code: "sl",
        extra: "čšž",
        ascii_out: "qwxy",
    },
    // Croatian / Bosnian / Serbian (Gaj's Latin alphabet).
    Alphabet {
        code: "hr",
        extra: "čćđšž",
        ascii_out: "qwxy",
    },
    Alphabet {
        code: "cs",
        extra: "áčďéěíňóřšťúůýž",
        ascii_out: "qw",
    },
    Alphabet {
        code: "sk",
        extra: "áäčďéíĺľňóôŕšťúýž",
        ascii_out: "qw",
    },
    Alphabet {
        code: "pl",
        extra: "ąćęłńóśźż",
        ascii_out: "qvx",
    },
    Alphabet {
        code: "de",
        extra: "äöüß",
        ascii_out: "",
    },
    Alphabet {
        code: "nl",
        extra: "éëïèöü",
        ascii_out: "",
    },
    Alphabet {
        code: "en",
        extra: "",
        ascii_out: "",
    },
];

/// Cyrillic alphabets: for Cyrillic every letter is listed (no ASCII part).
pub(crate) const CYRILLIC_ALPHABETS: &[Alphabet] = &[
    Alphabet {
        code: "ru",
        extra: "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ascii_out: "",
    },
    Alphabet {
        code: "uk",
        extra: "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
        ascii_out: "",
    },
    Alphabet {
        code: "be",
        extra: "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
        ascii_out: "",
    },
    Alphabet {
        code: "bg",
        extra: "абвгдежзийклмнопрстуфхцчшщъьюя",
        ascii_out: "",
    },
    Alphabet {
        code: "sr",
        extra: "абвгдђежзијклљмнњопрстћуфхцчџш",
        ascii_out: "",
    },
    Alphabet {
        code: "mk",
        extra: "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
        ascii_out: "",
    },
];

/// Arabic-script alphabets (letters only; harakat are ignored).
pub(crate) const ARABIC_ALPHABETS: &[Alphabet] = &[
    // Arabic: ة ى and Arabic yeh/kaf; no پ چ ژ گ, no Persian yeh/keheh.
    Alphabet {
        code: "ar",
        extra: "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي",
        ascii_out: "",
    },
    // Persian: پ چ ژ گ, Persian yeh ی and keheh ک.
    Alphabet {
        code: "fa",
        extra: "ءآأؤئابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
        ascii_out: "",
    },
    // Urdu: Persian letters plus ٹ ڈ ڑ ں ھ ہ ے ۓ ۂ.
    Alphabet {
        code: "ur",
        extra: "ءآأؤئابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھیےۓۂ",
        ascii_out: "",
    },
];

/// Frequent function words per language. Several are shared on purpose.
pub(crate) const WORDS: &[(&str, &str)] = &[
    (
        "sl",
        "in v so ki pa tudi kot bo ter z k h sem sta bil bodo bomo lahko še že le zato saj \
         vendar ker kjer kdaj če kaj zakaj kateri katera katero katere katerih tega temu teh \
         tej tisti jih jim ji njegov njihov zelo več manj nekaj vse vsi vsak vedno danes lani \
         letos med čez brez zaradi glede nato sedaj zdaj tukaj kar jaz ni nismo nisem niso \
         bolj naj oziroma namreč torej sicer mora morajo imajo imamo gre pravi dejal ob skupaj \
         sploh kdo kje kam tem biti je da se na za to od do po pri iz ne ali o s ga mu ta te \
         ti smo ste nas vas nam vam mi vi oni ona ono pod nad pred samo tako kako ima leta \
         vsega tako dve tri prav",
    ),
    (
        "hr",
        "i u su što šta koji koja koje kojeg kojem kojoj kojima kao ili nije će ću bio sam \
         biti još već sve godine nakon prema kod dok jer ovo ova ovaj ovog ove tko gdje gde \
         kada kad vrlo veoma mnogo puno treba može mogu hoće bez ovdje ovde sada danas sutra \
         jučer juče zbog preko između iako također takođe ih im joj nego sa uz imaju li čak \
         više manje koliko nešto neki neka svoj svoje svojim tome tom toga onda posle poslije \
         kroz oko protiv je da se na za to od do po pri iz ne o s ga mu ta te ti smo ste nas \
         vas nam vam mi vi oni ona ono pod nad pred samo tako kako ima a bi bila bilo bili \
         dva tri",
    ),
    (
        "cs",
        "a v je se na že s z o do to jsou jsem jako ale by k pro za po které který která také \
         jeho jen už než když nebo při bude byl byla bylo mezi před jejich tak však této tento \
         tato podle ve ze aby má mají jsme není i jak co jsme",
    ),
    (
        "sk",
        "a v je sa na že s z o do to sú som ako ale by k pre za po ktoré ktorý ktorá tiež jeho \
         len už než keď alebo pri bude bol bola bolo medzi pred ich tak však tejto tento táto \
         podľa vo zo aby má majú sme aj nie ani i čo",
    ),
    (
        "pl",
        "i w nie na się z do że to jest o jak a od za po co ale tak przez dla jego tym może \
         już są był była było oraz lub czy które który która także tylko",
    ),
    (
        "de",
        "der die das und ist nicht ein eine einen einem einer zu mit von den im auf sich für \
         dem des sie es er ich auch als an bei nach aus wie wird werden wurde sind hat haben \
         war noch nur oder aber dass daß wenn über vor um durch unter zum zur kann können mehr \
         schon sein seine ihre man was wo am immer diese dieser dieses wir",
    ),
    (
        "nl",
        "de het een en van is dat op te in niet zijn voor met ook aan er maar om bij als door \
         naar dan nog wel worden wordt werd heeft hebben was uit over tot zo wat hij ze we ik \
         je deze dit die kan meer al geen of onze hun",
    ),
    (
        "en",
        "the and of to is in that it for was on are with as be at by this have from or an not \
         but which they his he she we you has had were been will would there their what all \
         can more its also",
    ),
    (
        "ru",
        "и в не на что с по это как к а но из у за от так же он она они было был была были \
         быть его её ее для при уже только или если который которые которая которых также \
         когда все всё чем мы вы я ты есть нет еще ещё о об до после под над через этот эта \
         эти этого того тот может можно нужно будет очень более году года сейчас теперь где \
         здесь там кто ничего себя свой своей своих лет время сказал сам сама",
    ),
    (
        "uk",
        "і в у не на що з із зі по це як до а але та й від за так він вона вони було був була \
         були бути його її для при вже тільки лише або якщо який які яка яких також коли всі \
         все ніж ми ви я ти є немає ще про після під над через цей ця ці цього того той може \
         можна треба буде дуже році року зараз тепер де тут там хто нічого себе свій років час \
         сказав",
    ),
    (
        "be",
        "і у ў не на што з па гэта як да а але ад за так ён яна яны было быў была былі быць \
         яго яе для пры ужо толькі або калі які якія якая таксама усе мы вы я ты ёсць няма \
         яшчэ пра пасля пад над праз гэты гэтая гэтыя можа трэба будзе вельмі годзе года \
         цяпер дзе тут там хто сябе свой гадоў час сказаў ці",
    ),
    (
        "bg",
        "и в не на че с по това как към а но от за така той тя те беше бил била били е са съм \
         сме сте си да ще при вече само или ако който които която което също когато всички \
         всичко ние вие аз ти няма още след под над през този тази тези може трябва много \
         година години сега където тук там кой нищо себе свой според между във със ли им го му",
    ),
    (
        "sr",
        "и у је да се на за су од са што као који која које или није ће био бити још већ све \
         године након према код док јер ово ова овај где када веома може тако али смо сте",
    ),
    (
        "mk",
        "и во на да се за од со е што како кој која кое или не ќе беше бил сите сега ова овој \
         оваа тоа тие тој таа според меѓу година",
    ),
    (
        "ar",
        "في من على إلى الى أن ان عن مع هذا هذه التي الذي الذين كان كانت لا ما قد لم لن أو او \
         ثم إن بين حتى بعد قبل كل هو هي هم نحن أنا عند منذ وقد وفي ولا ذلك تلك أي غير حيث لقد \
         يتم عام خلال أكثر عليه فيه منه وهو وهي كما إلا",
    ),
    (
        "fa",
        "و در به از که این را با است می آن برای یک بود شد هم تا های ها نیز کرد شود خود شده بر \
         اما یا پس ما من او آنها هر دیگر وی همه باید کرده دارد دارند بودند هستند چه چون اگر \
         گفت کند کنند نمی ای",
    ),
    (
        "ur",
        "کے کی کا میں ہے اور سے کو نے پر یہ ہیں تھا تھی تھے بھی وہ ایک کہ ہو گیا گئی جو کر \
         لیے لئے نہیں ان اس جس کیا رہا ہوں گا",
    ),
];

/// Signature letters of a language and their usual share of its letters.
/// A text of n letters with none of them is evidence against the language:
/// the Poisson log-probability of seeing zero is `-rate * n`.
pub(crate) const SIGNATURES: &[(&str, &str, f32)] = &[
    // Croatian/Serbian/Bosnian: ć đ (će, -ći, -ić…).
    ("hr", "ćđ", 0.008),
    // Czech and Slovak: acute vowels (plus ě ř ů / ä ô ľ ĺ ŕ).
    ("cs", "áéíóúůýěř", 0.07),
    ("sk", "áéíóúýäôľĺŕ", 0.06),
    ("pl", "ąęłśćńźżó", 0.05),
    ("de", "äöüß", 0.012),
    ("uk", "іїєґ", 0.05),
    ("be", "іў", 0.05),
    ("sr", "јљњћђџ", 0.035),
    ("mk", "јѓќѕљњџ", 0.03),
    ("ru", "ыэё", 0.018),
    ("bg", "ъ", 0.018),
    ("ur", "ٹڈڑںےھہ", 0.05),
    ("fa", "پچژگیک\u{200c}", 0.03),
    ("ar", "ةىيكإأ", 0.05),
];

/// Word endings typical of a language (inflection), as a weaker kind of
/// function-word evidence: the Russian infinitive -ть and reflexive -ся,
/// which Bulgarian, Serbian and Macedonian lack; Bulgarian's postposed
/// articles -ът/-ят; Ukrainian -ти/-ння.
pub(crate) const SUFFIXES: &[(&str, &str)] = &[
    (
        "ru",
        "ть ться тся ся сь ого его ый ых ым ыми ие ые ое ая ую ей ой ство ости ение ения",
    ),
    (
        "uk",
        "ти ться ся сь ого ий ій их ими ння ність ає ує ють ові",
    ),
    ("be", "ць цца ся ага ы ых ыя ае ую ння насць"),
    ("bg", "ът ят та то те ите ата ото ето ция ции ност ние ния"),
    ("sr", "ије ја ње ност ција ти ћи"),
    ("mk", "ата ото ите ење ост ција"),
    // Slovenian l-participles end in -l (bil, dobil, objavil) where
    // Croatian/Serbian have -o (bio, dobio, objavio); -ega/-emu vs -og/-om.
    ("sl", "il al el ila ali ili ega emu ejo ijo imo ite"),
    ("hr", "io ao eo ije ući og iju ima jem"),
    ("de", "ung heit keit lich isch chen sch ten gen ern"),
    ("nl", "heid lijk tje ijn ijk"),
    ("en", "tion ing ly ed"),
];

/// Marker words: very frequent words of a language that its neighbours do
/// not use, with the share of a text's words they usually make up together.
/// A text of n words with none of them is evidence against the language
/// (Poisson log-probability of zero: `-rate * n`), like [`SIGNATURES`].
pub(crate) const MARKERS: &[(&str, &str, f32)] = &[
    (
        "sl",
        "in v so ki pa tudi kot bo še že ker sem bil bila bilo bili kaj zelo lahko jih",
        0.12,
    ),
    (
        "hr",
        "i u su što šta koji koja koje kao ili nije bio sam će ću još već sve",
        0.12,
    ),
    (
        "cs",
        "a jsou jsem jako které který která také když nebo při bude byl jen už",
        0.08,
    ),
    (
        "sk",
        "a sa sú som ako ktoré ktorý ktorá tiež keď alebo pri bude bol len už aj",
        0.08,
    ),
    (
        "ru",
        "что это он она был была было были я мы вы ты его её же только уже который как так вот",
        0.09,
    ),
    (
        "bg",
        "е са че ще това тя той които който която което беше съм сме сте към във със си бях \
         бяха му го ги аз най нещо някой някои защото тук сега също днес какво къде няма всички \
         всичко един една едно има през според колкото толкова дори обаче дали",
        0.12,
    ),
    (
        "uk",
        "і що це як від він вона та й але її є або які який також чи ми ось щось таке вони \
         цього нього",
        0.12,
    ),
    (
        "be",
        "і што гэта як ад ён яна але яе ёсць або якія які таксама ці вось чаго яму якая якое \
         каб будзе дзе цяпер трэба вельмі мае маюць",
        0.12,
    ),
    (
        "sr",
        "је су што који која које као или није био сам ће још већ од ово ова има нема преко \
         према током данас",
        0.12,
    ),
    (
        "mk",
        "е се што кој која кое како или не ќе беше сите тоа тој таа",
        0.10,
    ),
];

/// Word endings that are positive evidence for a non-target language on
/// their own: Bulgarian definite forms -ият (masculine), -ието/-ията
/// (neuter/feminine of -ие/-ия nouns), which Russian never has.
pub(crate) const EVIDENCE_SUFFIXES: &[(&str, &str)] = &[("bg", "ият ието ията")];

/// Languages with marker words that may take a short text from a target
/// without positive evidence of their own (see
/// [`super::model::Params::missing_evidence`]). Czech and Slovak are often
/// typed without diacritics and in telegraphic style (`Pro nas pujde o
/// klicove utkani.`), with neither signature letters nor marker words, and
/// the folded n-gram table already tells them from Slovenian.
pub(crate) const NO_EVIDENCE_NEEDED: &[&str] = &["cs", "sk"];

/// Words only one language group writes, each strong evidence on its own:
/// the academic titles Czech and Slovak write before and after names
/// (RNDr., MUDr., JUDr., PhDr., MVDr., PaedDr., ThDr.; CSc., DrSc.), common
/// in signatures and letterheads, which are short texts with few other
/// clues. Each adds [`super::model::Params::specific_bonus`].
pub(crate) const SPECIFIC_WORDS: &[(&str, &str)] = &[("cs", CS_SK_TITLES), ("sk", CS_SK_TITLES)];

const CS_SK_TITLES: &str = "rndr mudr judr phdr mvdr paeddr thdr csc drsc";

/// Languages whose limited companies are `s. r. o.` (Czech společnost s
/// ručením omezeným, Slovak spoločnosť s ručením obmedzeným): see
/// [`has_sro`]. Slovenian and Croatian write `d. o. o.`, German `GmbH`.
pub(crate) const SRO_LANGS: &[&str] = &["cs", "sk"];

/// Whether a text names a company by the Czech and Slovak legal form
/// `s.r.o.`, however spaced (`s.r.o.`, `s. r. o.`, `spol. s r.o.`): the
/// letters s, r, o standing alone, with a dot after the r and nothing but
/// spaces and dots between them.
pub(crate) fn has_sro(text: &str) -> bool {
    if !text.contains("r.") && !text.contains("R.") {
        return false;
    }
    let b = text.as_bytes();
    let alone_before = |i: usize| i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] >= 0x80);
    let alone_after =
        |i: usize| i + 1 >= b.len() || !(b[i + 1].is_ascii_alphanumeric() || b[i + 1] >= 0x80);
    let gap = |c: u8| c == b' ' || c == b'.';
    for (i, _) in b.iter().enumerate().filter(|(_, &c)| c | 0x20 == b'r') {
        if !alone_before(i) || b.get(i + 1) != Some(&b'.') {
            continue;
        }
        // Back over spaces and at most one dot to a lone s.
        let mut j = i;
        while j > 0 && gap(b[j - 1]) {
            j -= 1;
        }
        let dots = b[j..i].iter().filter(|&&c| c == b'.').count();
        if j == i || dots > 1 || j == 0 || b[j - 1] | 0x20 != b's' || !alone_before(j - 1) {
            continue;
        }
        // Forward over spaces to a lone o.
        let mut k = i + 2;
        while k < b.len() && b[k] == b' ' {
            k += 1;
        }
        if k < b.len() && b[k] | 0x20 == b'o' && alone_after(k) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::has_sro;

    #[test]
    fn sro_in_its_spellings_only() {
        for t in [
            "Nazev: NETWATCH, s.r.o.",
            "CDL Kabel s. r. o.",
            "KASTT spol.s r.o.",
            "ABC spol. s r. o., Praha",
            "S.R.O.",
            "firma s.r.o",
        ] {
            assert!(has_sro(t), "{t}");
        }
        for t in [
            "d.o.o.",
            "sr.o.",
            "bus r.o.",
            "s.r.ok",
            "s..r.o.",
            "Vas r. o. z.",
            "s.rr.o.",
            "r.o.",
            "Mars r.o.",
        ] {
            assert!(!has_sro(t), "{t}");
        }
    }
}
