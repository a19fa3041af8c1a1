//! Themes on the bundled corpus, planted themes, determinism.

use std::path::Path;

use serde_json::Map;

use super::*;
use crate::corpus::{AnalyzedDoc, LangSpan, StoredDoc};

fn doc(id: &str, lang: Lang, body: String) -> AnalyzedDoc {
    AnalyzedDoc::new(StoredDoc {
        line: None,
        source: Default::default(),
        id: id.to_string(),
        path: format!("{id}.txt"),
        lang,
        title: None,
        spans: vec![LangSpan {
            start: 0,
            end: body.len(),
            lang,
        }],
        body,
        meta: Map::new(),
    })
}

fn bundled() -> Option<Vec<AnalyzedDoc>> {
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"),
    ];
    let dir = dirs.iter().map(Path::new).find(|d| d.is_dir())?;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.sort();
    let langs = [Lang::Ar, Lang::De, Lang::Fa, Lang::Ru, Lang::Sl];
    let mut out = Vec::new();
    for (i, p) in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .enumerate()
        .take(5)
    {
        let body = std::fs::read_to_string(p).ok()?;
        let id = p.file_stem()?.to_string_lossy().to_string();
        let mut d = doc(&id, langs[i], body);
        d.doc.path = p.display().to_string();
        out.push(d);
    }
    Some(out)
}

#[test]
fn bundled_corpus_translation_pair_and_themes() {
    let Some(docs) = bundled() else {
        eprintln!("bundled corpus not found: skipped");
        return;
    };
    let r = themes(&docs, &ThemeOptions::default());
    eprintln!("{}", render_text(&r));
    eprintln!("{}", render_pairs_text(&r.pairs));
    let tp = r
        .pairs
        .iter()
        .find(|p| {
            p.kind == PairKind::Translation && p.a.starts_with("000") && p.b.starts_with("001")
        })
        .expect("ar 000 and de 001 are a translation pair");
    let nums = tp
        .evidence
        .iter()
        .find(|e| e.starts_with("shared numbers"))
        .expect("numbers as evidence");
    for n in ["84", "60", "37", "27", "17", "16", "24", "18"] {
        assert!(
            nums.split(|c: char| !c.is_ascii_digit()).any(|x| x == n),
            "{n} missing in {nums}"
        );
    }
    for l in [Lang::Ar, Lang::De, Lang::Fa, Lang::Ru, Lang::Sl] {
        assert!(
            r.themes.iter().any(|t| t.langs == vec![l]),
            "no theme for {l}"
        );
    }
    let x = r
        .themes
        .iter()
        .find(|t| t.langs.len() >= 2)
        .expect("a cross-lingual theme");
    assert!(!x.evidence.is_empty());
    assert!(r.quality.coverage >= 0.9, "coverage {}", r.quality.coverage);
    // JSON lines: one theme per line with the documented keys, then quality.
    let jsonl = render_jsonl(&r);
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), r.themes.len() + 1);
    for l in &lines[..lines.len() - 1] {
        for k in [
            "id",
            "langs",
            "label",
            "terms",
            "docs",
            "size",
            "coherence",
            "evidence",
        ] {
            assert!(l.get(k).is_some(), "{k} missing in {l}");
        }
    }
    assert!(lines.last().unwrap().get("quality").is_some());
    eprintln!("{}", jsonl.lines().last().unwrap());
    for d in &r.keyphrases {
        let top: Vec<&str> = d
            .keyphrases
            .iter()
            .take(6)
            .map(|k| k.label.as_str())
            .collect();
        eprintln!("KEYPHRASES {} {}: {}", d.id, d.lang, top.join(" | "));
        assert!(d.keyphrases.len() >= 5, "{}", d.id);
    }
    assert_eq!(render_keyphrases_jsonl(&r).lines().count(), 5);
    let pj = render_pairs_jsonl(&r.pairs);
    let p: serde_json::Value = serde_json::from_str(pj.lines().next().unwrap()).unwrap();
    assert_eq!(p["kind"], "translation");
    eprintln!("{}", pj.lines().next().unwrap());
}

// ---------------------------------------------------------------- planted themes

struct Vocab {
    lang: Lang,
    themes: [&'static str; 5],
    filler: &'static str,
    stop: &'static str,
}

const VOCABS: [Vocab; 5] = [
    Vocab {
        lang: Lang::Ar,
        themes: [
            "شحن توصيل طرد ساعي تأخير عنوان تتبع بريد مستودع شاحنة استلام طلبية",
            "فاتورة دفع بطاقة ائتمان مبلغ استرداد مصرف تحويل رسوم خصم ضريبة قسط",
            "تطبيق تحديث برنامج عطل شاشة هاتف متصفح خادم إصدار تثبيت نظام شبكة",
            "مطعم طعام وجبة طباخ قائمة حلوى شاي قهوة خبز لحم سمك فطور",
            "رحلة طائرة فندق مطار تذكرة سفر حجز جواز شاطئ سائح حقيبة قطار",
        ],
        filler: "يوم شيء أمر جيد كبير صغير مرة وقت ناس عمل مكان طريقة سؤال جواب كلام فكرة رأي شكر مساعدة أسبوع",
        stop: "في من على إلى عن هذا هذه التي الذي مع",
    },
    Vocab {
        lang: Lang::De,
        themes: [
            "Lieferung Paket Versand Zusteller Sendung Adresse Verspätung Lager Spedition Empfang Briefkasten Kurier",
            "Rechnung Zahlung Kreditkarte Betrag Rückerstattung Konto Überweisung Gebühr Rabatt Steuer Mahnung Lastschrift",
            "Anwendung Aktualisierung Software Fehler Bildschirm Telefon Browser Server Version Installation Passwort Netzwerk",
            "Restaurant Essen Mahlzeit Koch Speisekarte Nachtisch Tee Kaffee Brot Fleisch Fisch Frühstück",
            "Reise Flugzeug Hotel Flughafen Fahrkarte Urlaub Buchung Reisepass Strand Tourist Koffer Zug",
        ],
        filler: "Tag Sache gut groß klein Zeit Leute Arbeit Ort Weise Frage Antwort Idee Meinung Dank Hilfe Woche Jahr Problem heute",
        stop: "und der die das in mit von zu auf ist",
    },
    Vocab {
        lang: Lang::Fa,
        themes: [
            "ارسال بسته پست پیک تاخیر آدرس رهگیری انبار کامیون تحویل سفارش مرسوله",
            "فاکتور پرداخت کارت مبلغ بازپرداخت حساب بانک انتقال کارمزد تخفیف مالیات قسط",
            "برنامه بروزرسانی نرم‌افزار خطا صفحه تلفن مرورگر سرور نسخه نصب رمز شبکه",
            "رستوران غذا وعده آشپز منو دسر چای قهوه نان گوشت ماهی صبحانه",
            "سفر هواپیما هتل فرودگاه بلیط تعطیلات رزرو گذرنامه ساحل گردشگر چمدان قطار",
        ],
        filler: "روز چیز خوب بزرگ کوچک زمان مردم کار جا روش سوال جواب فکر نظر تشکر کمک هفته سال مشکل امروز",
        stop: "و در به از که این با را برای آن",
    },
    Vocab {
        lang: Lang::Ru,
        themes: [
            "доставка посылка курьер отправление адрес задержка склад почта грузовик получение трекинг заказ",
            "счёт оплата карта сумма возврат банк перевод комиссия скидка налог кредит квитанция",
            "приложение обновление программа ошибка экран телефон браузер сервер версия установка пароль сеть",
            "ресторан еда блюдо повар меню десерт чай кофе хлеб мясо рыба завтрак",
            "путешествие самолёт гостиница аэропорт билет отпуск бронирование паспорт пляж турист чемодан поезд",
        ],
        filler: "день вещь хороший большой маленький время люди работа место способ вопрос ответ идея мнение спасибо помощь неделя год проблема сегодня",
        stop: "и в на с по что это как не к",
    },
    Vocab {
        lang: Lang::Sl,
        themes: [
            "dostava paket kurir pošiljka naslov zamuda skladišče pošta tovornjak prevzem sledenje naročilo",
            "račun plačilo kartica znesek vračilo banka nakazilo provizija popust davek kredit položnica",
            "aplikacija posodobitev program napaka zaslon telefon brskalnik strežnik različica namestitev geslo omrežje",
            "restavracija hrana obrok kuhar jedilnik sladica čaj kava kruh meso riba zajtrk",
            "potovanje letalo hotel letališče vozovnica dopust rezervacija potnik plaža turist kovček vlak",
        ],
        filler: "dan stvar dober velik majhen čas ljudje delo mesto način vprašanje odgovor ideja mnenje hvala pomoč teden leto problem danes",
        stop: "in v na s je da za se z ki",
    },
];

const DOCS_PER_LANG: usize = 200;
const KEY_TERMS: usize = 5;

/// Deterministic planted corpus: (docs sorted by id, planted theme per doc).
fn planted(langs: &[Lang]) -> (Vec<AnalyzedDoc>, Vec<usize>) {
    planted_n(langs, DOCS_PER_LANG, 2024)
}

fn planted_n(langs: &[Lang], per_lang: usize, seed: u64) -> (Vec<AnalyzedDoc>, Vec<usize>) {
    planted_with(
        langs,
        per_lang,
        seed,
        Noise {
            theme_share: 0.4,
            bleed: 0.0,
            min_theme_words: 2,
        },
    )
}

/// How hard a planted corpus is.
#[derive(Clone, Copy)]
struct Noise {
    /// Share of words drawn from theme vocabularies (the rest: filler 35 %, stopwords).
    theme_share: f64,
    /// Share of theme words drawn from a random (possibly other) theme.
    bleed: f64,
    /// Theme words guaranteed per document.
    min_theme_words: usize,
}

fn planted_with(
    langs: &[Lang],
    per_lang: usize,
    seed: u64,
    noise: Noise,
) -> (Vec<AnalyzedDoc>, Vec<usize>) {
    let mut rng = Rng::new(seed);
    let mut docs = Vec::new();
    let mut truth = Vec::new();
    for v in VOCABS.iter().filter(|v| langs.contains(&v.lang)) {
        let themes: Vec<Vec<&str>> = v.themes.iter().map(|t| t.split(' ').collect()).collect();
        let filler: Vec<&str> = v.filler.split(' ').collect();
        let stop: Vec<&str> = v.stop.split(' ').collect();
        for i in 0..per_lang {
            let theme = rng.below(5);
            let short = i % 2 == 0;
            let len = if short {
                5 + rng.below(16)
            } else {
                100 + rng.below(61)
            };
            let mut words: Vec<&str> = Vec::with_capacity(len);
            for _ in 0..len {
                let r = rng.f64();
                let pool = if r < noise.theme_share {
                    if noise.bleed > 0.0 && rng.f64() < noise.bleed {
                        &themes[rng.below(5)]
                    } else {
                        &themes[theme]
                    }
                } else if r < noise.theme_share + 0.35 {
                    &filler
                } else {
                    &stop
                };
                // Theme words follow a skewed distribution: the first
                // KEY_TERMS (the planted key terms) are drawn more often.
                let w = if std::ptr::eq(pool, &themes[theme]) && rng.f64() < 0.5 {
                    pool[rng.below(KEY_TERMS)]
                } else {
                    pool[rng.below(pool.len())]
                };
                words.push(w);
            }
            // At least two theme words, even in the shortest feedback.
            let have = words.iter().filter(|w| themes[theme].contains(w)).count();
            for w in words
                .iter_mut()
                .take(noise.min_theme_words.saturating_sub(have))
            {
                *w = themes[theme][rng.below(themes[theme].len())];
            }
            let mut body = String::new();
            let mut until_stop = 8 + rng.below(7);
            for (j, w) in words.iter().enumerate() {
                if j > 0 {
                    body.push(' ');
                }
                body.push_str(w);
                until_stop -= 1;
                if until_stop == 0 || j + 1 == words.len() {
                    body.push('.');
                    until_stop = 8 + rng.below(7);
                }
            }
            docs.push(doc(
                &format!("{}-{seed}-{i:06}", v.lang.code()),
                v.lang,
                body,
            ));
            truth.push(theme);
        }
    }
    (docs, truth)
}

#[test]
fn planted_themes_are_recovered() {
    check_planted(planted(&Lang::TARGETS));
}

/// Harder: 15 % theme words, 30 % of them from a random theme, one guaranteed
/// theme word per document.
#[test]
fn planted_themes_with_noise_and_overlap() {
    let noise = Noise {
        theme_share: 0.15,
        bleed: 0.3,
        min_theme_words: 1,
    };
    check_planted(planted_with(&Lang::TARGETS, DOCS_PER_LANG, 2024, noise));
}

fn check_planted((docs, truth): (Vec<AnalyzedDoc>, Vec<usize>)) {
    let t0 = std::time::Instant::now();
    let r = themes(&docs, &ThemeOptions::default());
    eprintln!("{}", render_text(&r));
    for q in &r.quality.langs {
        eprintln!("KSCORES {} {:?}", q.lang, q.k_scores);
    }
    let by_unit: std::collections::HashMap<&str, Option<&str>> = r
        .assignments
        .iter()
        .map(|a| (a.unit.as_str(), a.theme.as_deref()))
        .collect();
    let mut recall_hit = 0;
    let mut recall_all = 0;
    for v in &VOCABS {
        let idx: Vec<usize> = (0..docs.len())
            .filter(|&i| docs[i].doc.lang == v.lang)
            .collect();
        let pred: Vec<usize> = idx
            .iter()
            .map(|&i| match by_unit[docs[i].doc.id.as_str()] {
                Some(t) => t.rsplit('-').next().unwrap().parse().unwrap(),
                None => usize::MAX,
            })
            .collect();
        let gold: Vec<usize> = idx.iter().map(|&i| truth[i]).collect();
        let ari = quality::ari(&gold, &pred);
        let covered = pred.iter().filter(|&&p| p != usize::MAX).count() as f64 / pred.len() as f64;
        let stems: Vec<&String> = r
            .themes
            .iter()
            .filter(|t| t.langs == vec![v.lang])
            .flat_map(|t| t.stems.iter())
            .collect();
        let mut hit = 0;
        for t in &v.themes {
            for w in t.split(' ').take(KEY_TERMS) {
                let term = crate::analysis::Analyzer::get(v.lang)
                    .analyze(w)
                    .into_iter()
                    .find(|t| !t.stop)
                    .unwrap()
                    .term
                    .to_string();
                if stems.contains(&&term) {
                    hit += 1;
                }
            }
        }
        recall_hit += hit;
        recall_all += 5 * KEY_TERMS;
        eprintln!(
            "PLANTED {}: ARI {ari:.3}, coverage {covered:.3}, key-term recall {hit}/{}",
            v.lang,
            5 * KEY_TERMS
        );
        assert!(ari >= 0.8, "{}: ARI {ari}", v.lang);
        assert!(covered >= 0.9, "{}: coverage {covered}", v.lang);
    }
    let recall = recall_hit as f64 / recall_all as f64;
    eprintln!(
        "PLANTED key-term recall {recall:.3}; stability {:?}; elapsed {:?}",
        r.quality.stability,
        t0.elapsed()
    );
    assert!(recall >= 0.8, "key-term recall {recall}");
    assert!(r.quality.coverage >= 0.9);
}

#[test]
fn output_is_deterministic_across_runs_and_threads() {
    let (mut docs, _) = planted(&[Lang::De, Lang::Ru]);
    if let Some(b) = bundled() {
        docs.extend(b);
    }
    let run = |n: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap();
        pool.install(|| {
            let r = themes(&docs, &ThemeOptions::default());
            format!(
                "{}{}{}",
                render_jsonl(&r),
                render_pairs_jsonl(&r.pairs),
                serde_json::to_string(&r.assignments).unwrap()
            )
        })
    };
    let a = run(1);
    let b = run(2);
    let c = run(2);
    assert_eq!(a, b, "1 vs 2 threads");
    assert_eq!(b, c, "two runs");
}

#[test]
fn lexicon_links_themes_across_languages() {
    let (docs, _) = planted(&[Lang::De, Lang::Sl]);
    let plain = themes(&docs, &ThemeOptions::default());
    assert!(
        plain.themes.iter().all(|t| t.langs.len() == 1),
        "no evidence, no link"
    );
    let lex = Lexicon::from_pairs(
        [
            ("Rechnung", "račun"),
            ("Zahlung", "plačilo"),
            ("Kreditkarte", "kartica"),
            ("Betrag", "znesek"),
            ("Steuer", "davek"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string())),
    );
    let opts = ThemeOptions {
        lexicon: Some(lex),
        ..ThemeOptions::default()
    };
    let r = themes(&docs, &opts);
    let x = r
        .themes
        .iter()
        .find(|t| t.langs == vec![Lang::De, Lang::Sl])
        .expect("cross-lingual theme");
    assert!(
        x.evidence
            .iter()
            .any(|e| e.contains("lexicon: ") && e.contains("Rechnung=račun")),
        "{:?}",
        x.evidence
    );
    assert_eq!(x.members.values().map(Vec::len).sum::<usize>(), 2);
}

/// Scale measurement (run in release):
/// `KORPUS_SCALE_DOCS=20000 cargo test --release --lib themes::tests::scale -- --ignored --nocapture`
#[test]
#[ignore]
fn scale() {
    let total: usize = std::env::var("KORPUS_SCALE_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let batch = 500; // docs per language per batch
    let t0 = std::time::Instant::now();
    let mut b = ThemeBuilder::new(ThemeOptions::default());
    let mut added = 0;
    let mut seed = 1;
    let mut truth = Vec::new();
    let mut analyze = std::time::Duration::ZERO;
    while added < total {
        let ta = std::time::Instant::now();
        let (docs, t) = planted_n(&Lang::TARGETS, batch, seed);
        analyze += ta.elapsed();
        b.add_batch(&docs);
        truth.extend(t);
        added += docs.len();
        seed += 1;
    }
    let t_add = t0.elapsed();
    let r = b.finish();
    let t_all = t0.elapsed();
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_string)
        })
        .unwrap_or_default();
    eprintln!(
        "{}",
        render_text(&r)
            .lines()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "SCALE docs {added}: generate+analyze {analyze:?}, add total {t_add:?}, finish {:?}, total {t_all:?}, {hwm}, themes {}",
        t_all - t_add,
        r.themes.len()
    );
}

#[test]
fn near_duplicates_are_paired() {
    let (mut docs, _) = planted_n(&[Lang::De], 30, 7);
    let long = docs
        .iter()
        .find(|d| d.tokens.len() > 100)
        .unwrap()
        .doc
        .clone();
    let mut copy = long.clone();
    copy.id = format!("{}-copy", long.id);
    copy.body = copy.body.replacen("Tag", "Woche", 1) + " Danke.";
    copy.spans[0].end = copy.body.len();
    docs.push(AnalyzedDoc::new(copy));
    let ps = pairs(&docs, &ThemeOptions::default());
    let p = ps
        .iter()
        .find(|p| p.kind == PairKind::NearDuplicate)
        .expect("near-duplicate");
    assert_eq!(
        (p.a.as_str(), p.b.as_str()),
        (long.id.as_str(), format!("{}-copy", long.id).as_str())
    );
    assert!(p.score >= 0.8, "{p:?}");
    assert_eq!(
        ps.iter()
            .filter(|p| p.kind == PairKind::NearDuplicate)
            .count(),
        1
    );
}
