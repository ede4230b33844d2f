//! `pronto bench search`: full-text search and reply suggestions on a generated
//! history, in-process through the store (what `GET /api/v1/search` and
//! `GET /api/v1/conversations/{id}/suggestions` run, without HTTP).
//!
//! The history: conversations in English, French or Italian, each a few exchanges
//! of a customer question (one of `INTENTS`, in one of its phrasings, with filler
//! words and sometimes an order number) and an agent's answer (one of the intent's
//! answers, the first most often, addressed by first name; one in ten is off-script
//! free text no suggestion can guess). It is bulk-loaded with multi-row inserts (the
//! indexes kept by their triggers, as on every write). The last 20% of the
//! conversations are held out: only their first customer message is stored; the
//! answer the agent sent is kept aside and compared with the suggestions.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use pronto_core::search::{Query, fold, snippet};
use pronto_store::{Backend, ChannelKind, Inbound, SearchQuery, Store};
use serde_json::json;

use super::harness::Database;
use crate::bench::generate::Rng;

#[derive(Args, Debug)]
pub struct SearchBench {
    /// Conversations to generate.
    #[arg(long, default_value_t = 100_000)]
    conversations: u64,
    /// Messages to generate (spread over the conversations, two per exchange).
    #[arg(long, default_value_t = 1_000_000)]
    messages: u64,
    /// Two-word queries timed.
    #[arg(long, default_value_t = 500)]
    queries: usize,
    /// Held-out conversations whose suggestions are computed and compared.
    #[arg(long, default_value_t = 1_000)]
    held_out: usize,
    /// Customer messages written through the group commit, with and without the index.
    #[arg(long, default_value_t = 20_000)]
    ingest: usize,
    /// PostgreSQL to measure (a schema of its own, dropped after); SQLite when absent.
    #[arg(long)]
    database_url: Option<String>,
    /// SQLite only: a copy of the loaded database is written to this file
    /// (`VACUUM INTO`) before anything is timed, to inspect or query by hand.
    #[arg(long)]
    keep: Option<std::path::PathBuf>,
}

/// A customer's question and the team's answers to it, per language (en, fr, it).
struct Intent {
    asks: [&'static [&'static str]; 3],
    answers: [&'static [&'static str]; 3],
}

const INTENTS: &[Intent] = &[
    Intent {
        asks: [
            &[
                "where is my order {number}",
                "my parcel {number} has not arrived yet",
                "when will order {number} be delivered",
            ],
            &[
                "où est ma commande {number}",
                "mon colis {number} n'est pas encore arrivé",
                "quand ma commande {number} sera livrée",
            ],
            &[
                "dov'è il mio ordine {number}",
                "il pacco {number} non è ancora arrivato",
                "quando arriva l'ordine {number}",
            ],
        ],
        answers: [
            &[
                "Hi {first_name}, order {number} left our warehouse yesterday and arrives within 2 days.",
                "Hello {first_name}, your parcel is with the carrier; the tracking link is in your email.",
            ],
            &[
                "Bonjour {first_name}, la commande {number} est partie hier et arrive sous 2 jours.",
                "Bonjour {first_name}, votre colis est chez le transporteur ; le suivi est dans votre e-mail.",
            ],
            &[
                "Ciao {first_name}, l'ordine {number} è partito ieri e arriva entro 2 giorni.",
                "Ciao {first_name}, il pacco è dal corriere; il tracking è nella tua email.",
            ],
        ],
    },
    Intent {
        asks: [
            &[
                "can I return these shoes",
                "how do I send back a pair that does not fit",
                "I want a refund for my shoes",
            ],
            &[
                "puis-je retourner ces chaussures",
                "comment renvoyer une paire trop petite",
                "je veux être remboursé de mes chaussures",
            ],
            &[
                "posso restituire queste scarpe",
                "come rimando un paio che non va bene",
                "voglio un rimborso per le scarpe",
            ],
        ],
        answers: [
            &[
                "Of course {first_name}: returns are free within 30 days, print the label from your account.",
                "Sure {first_name}, we refund as soon as the pair is back with us.",
            ],
            &[
                "Bien sûr {first_name} : le retour est gratuit sous 30 jours, imprimez l'étiquette depuis votre compte.",
                "Oui {first_name}, nous remboursons dès réception de la paire.",
            ],
            &[
                "Certo {first_name}: il reso è gratuito entro 30 giorni, stampa l'etichetta dal tuo account.",
                "Sì {first_name}, rimborsiamo appena il paio ci arriva.",
            ],
        ],
    },
    Intent {
        asks: [
            &[
                "what are your opening hours",
                "is the shop open on Sunday",
                "when do you open tomorrow",
            ],
            &[
                "quels sont vos horaires d'ouverture",
                "le magasin est-il ouvert dimanche",
                "à quelle heure ouvrez-vous demain",
            ],
            &[
                "quali sono gli orari di apertura",
                "il negozio è aperto la domenica",
                "a che ora aprite domani",
            ],
        ],
        answers: [
            &[
                "Hi {first_name}, we are open Monday to Saturday, 9:00 to 19:00.",
                "Hello {first_name}, on Sundays we are closed, sorry!",
            ],
            &[
                "Bonjour {first_name}, nous sommes ouverts du lundi au samedi, de 9 h à 19 h.",
                "Bonjour {first_name}, le dimanche nous sommes fermés, désolés !",
            ],
            &[
                "Ciao {first_name}, siamo aperti dal lunedì al sabato, dalle 9 alle 19.",
                "Ciao {first_name}, la domenica siamo chiusi, ci dispiace!",
            ],
        ],
    },
    Intent {
        asks: [
            &[
                "do you have this jacket in size M",
                "is the blue jacket available in large",
                "which sizes are left for the jacket",
            ],
            &[
                "avez-vous cette veste en taille M",
                "la veste bleue existe-t-elle en L",
                "quelles tailles reste-t-il pour la veste",
            ],
            &[
                "avete questa giacca nella taglia M",
                "la giacca blu c'è in L",
                "quali taglie sono rimaste per la giacca",
            ],
        ],
        answers: [
            &[
                "Hi {first_name}, the jacket is back in all sizes next week.",
                "Hello {first_name}, size M is in stock online right now.",
            ],
            &[
                "Bonjour {first_name}, la veste revient dans toutes les tailles la semaine prochaine.",
                "Bonjour {first_name}, la taille M est en stock en ligne.",
            ],
            &[
                "Ciao {first_name}, la giacca torna in tutte le taglie la settimana prossima.",
                "Ciao {first_name}, la taglia M è disponibile online.",
            ],
        ],
    },
    Intent {
        asks: [
            &[
                "I was charged twice for order {number}",
                "my card was debited two times",
                "double payment on my account",
            ],
            &[
                "j'ai été débité deux fois pour la commande {number}",
                "ma carte a été prélevée deux fois",
                "double paiement sur mon compte",
            ],
            &[
                "mi avete addebitato due volte l'ordine {number}",
                "la carta è stata addebitata due volte",
                "doppio pagamento sul mio conto",
            ],
        ],
        answers: [
            &[
                "Sorry {first_name}, the second charge for {number} is a pre-authorisation and disappears within 3 days.",
                "Hi {first_name}, I have refunded the duplicate payment.",
            ],
            &[
                "Désolé {first_name}, le second débit pour {number} est une pré-autorisation qui disparaît sous 3 jours.",
                "Bonjour {first_name}, j'ai remboursé le paiement en double.",
            ],
            &[
                "Scusa {first_name}, il secondo addebito per {number} è una preautorizzazione che sparisce entro 3 giorni.",
                "Ciao {first_name}, ho rimborsato il pagamento doppio.",
            ],
        ],
    },
    Intent {
        asks: [
            &[
                "can I change the delivery address",
                "I moved, please update my shipping address",
                "wrong address on my order {number}",
            ],
            &[
                "puis-je changer l'adresse de livraison",
                "j'ai déménagé, changez mon adresse de livraison",
                "mauvaise adresse sur ma commande {number}",
            ],
            &[
                "posso cambiare l'indirizzo di consegna",
                "ho traslocato, aggiornate l'indirizzo di spedizione",
                "indirizzo sbagliato sull'ordine {number}",
            ],
        ],
        answers: [
            &[
                "Done {first_name}, the new address is on the order.",
                "Hi {first_name}, the parcel already left: the carrier can redirect it from the tracking page.",
            ],
            &[
                "C'est fait {first_name}, la nouvelle adresse est sur la commande.",
                "Bonjour {first_name}, le colis est parti : le transporteur peut le rediriger depuis la page de suivi.",
            ],
            &[
                "Fatto {first_name}, il nuovo indirizzo è sull'ordine.",
                "Ciao {first_name}, il pacco è partito: il corriere può reindirizzarlo dalla pagina di tracking.",
            ],
        ],
    },
    Intent {
        asks: [
            &[
                "my discount code does not work",
                "the promo code is refused at checkout",
                "coupon invalid",
            ],
            &[
                "mon code promo ne marche pas",
                "le code de réduction est refusé au paiement",
                "bon de réduction invalide",
            ],
            &[
                "il codice sconto non funziona",
                "il codice promo viene rifiutato alla cassa",
                "coupon non valido",
            ],
        ],
        answers: [
            &[
                "Hi {first_name}, the code works on full-price items only; I applied 10% to your basket.",
                "Hello {first_name}, that code expired on Sunday, here is a new one: WELCOME10.",
            ],
            &[
                "Bonjour {first_name}, le code ne s'applique qu'aux articles non soldés ; j'ai appliqué 10 % à votre panier.",
                "Bonjour {first_name}, ce code a expiré dimanche, en voici un nouveau : BIENVENUE10.",
            ],
            &[
                "Ciao {first_name}, il codice vale solo per gli articoli non scontati; ho applicato il 10% al carrello.",
                "Ciao {first_name}, quel codice è scaduto domenica, eccone uno nuovo: BENVENUTO10.",
            ],
        ],
    },
    Intent {
        asks: [
            &[
                "the zip of my bag is broken",
                "my bag arrived damaged",
                "the strap broke after a week",
            ],
            &[
                "la fermeture de mon sac est cassée",
                "mon sac est arrivé abîmé",
                "la bretelle a cassé après une semaine",
            ],
            &[
                "la zip della borsa è rotta",
                "la borsa è arrivata danneggiata",
                "la tracolla si è rotta dopo una settimana",
            ],
        ],
        answers: [
            &[
                "I am sorry {first_name}! Send us a photo and we ship a new bag at once.",
                "Hi {first_name}, the bag is under warranty: we repair or replace it for free.",
            ],
            &[
                "Désolé {first_name} ! Envoyez-nous une photo et nous expédions un nouveau sac tout de suite.",
                "Bonjour {first_name}, le sac est sous garantie : nous le réparons ou le remplaçons gratuitement.",
            ],
            &[
                "Mi dispiace {first_name}! Mandaci una foto e spediamo subito una borsa nuova.",
                "Ciao {first_name}, la borsa è in garanzia: la ripariamo o sostituiamo gratis.",
            ],
        ],
    },
];

/// Filler words mixed into questions and free text.
const FILLER: [&str; 24] = [
    "please", "thanks", "hello", "again", "today", "really", "merci", "bonjour", "vraiment",
    "grazie", "ciao", "davvero", "urgent", "quickly", "soon", "asap", "weekend", "gift", "friend",
    "birthday", "colour", "couleur", "colore", "price",
];

const FIRST_NAMES: [[&str; 6]; 3] = [
    ["Emma", "Oliver", "Amelia", "Harry", "Grace", "Jack"],
    ["Chloé", "Louis", "Léa", "Hugo", "Manon", "Jules"],
    ["Giulia", "Marco", "Sofia", "Luca", "Chiara", "Matteo"],
];
const LANGS: [&str; 3] = ["en", "fr", "it"];

/// One generated exchange: the customer's text and the agent's.
struct Exchange {
    ask: String,
    answer: String,
}

fn exchange(rng: &mut Rng, lang: usize, first: &str) -> Exchange {
    let intent = &INTENTS[below(rng, INTENTS.len() as u64) as usize];
    let asks = intent.asks[lang];
    let number = format!("{}", 100_000 + below(rng, 900_000));
    let mut ask = asks[below(rng, asks.len() as u64) as usize].replace("{number}", &number);
    for _ in 0..below(rng, 3) {
        ask.push(' ');
        ask.push_str(FILLER[below(rng, FILLER.len() as u64) as usize]);
    }
    let answers = intent.answers[lang];
    let answer = if below(rng, 10) == 0 {
        // Off-script: nothing in the history says it.
        let words: Vec<&str> = (0..8)
            .map(|_| FILLER[below(rng, FILLER.len() as u64) as usize])
            .collect();
        format!("{first}, {}.", words.join(" "))
    } else {
        let i = if below(rng, 10) < 7 {
            0
        } else {
            1 + below(rng, answers.len() as u64 - 1) as usize
        };
        answers[i]
            .replace("{first_name}", first)
            .replace("{number}", &number)
    };
    Exchange { ask, answer }
}

pub fn run(args: SearchBench) -> anyhow::Result<()> {
    if args.conversations < 10 || args.messages < 2 * args.conversations || args.queries == 0 {
        bail!(
            "--conversations must be 10 or more, --messages at least twice that, --queries positive"
        );
    }
    super::on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

async fn measure(args: &SearchBench, db: &Database) -> anyhow::Result<()> {
    std::fs::create_dir_all(db.data_dir())?;
    let store = Store::connect(&db.url())
        .await
        .context("opening the database")?;
    let backend = match store.backend() {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!("# pronto bench search ({backend})");
    println!();
    println!("machine: {}", crate::bench::machine());
    let now = super::now_micros();
    let ws = store.create_workspace("Bench", now).await?;
    let channel = store
        .create_channel(
            ws,
            ChannelKind::Api,
            "Shop",
            &json!({"url": "http://127.0.0.1:9/"}),
            now,
        )
        .await?
        .id;
    let agent = store
        .create_user("agent@bench.test", "Agent", None, now)
        .await?;
    store
        .set_member(ws, agent.id, pronto_store::Role::Agent)
        .await?;

    // Bulk load.
    let per_conversation = (args.messages / args.conversations / 2).max(1);
    let history = args.conversations - args.conversations / 5;
    let rng = &mut Rng::new(2026);
    let mut held_out: Vec<(i64, String, String, usize)> = Vec::new(); // conversation, ask, sent, lang
    let start = now - 365 * 86_400_000_000;
    let step = 365 * 86_400_000_000 / args.conversations as i64;
    let t = Instant::now();
    let mut stored = 0u64;
    let mut c = 0u64;
    while c < args.conversations {
        let batch = (args.conversations - c).min(1_000);
        let mut tx = store.pool().begin().await?;
        let mut contacts = Vec::new();
        let mut langs = Vec::new();
        for k in c..c + batch {
            let lang = below(rng, 3) as usize;
            let first = FIRST_NAMES[lang][below(rng, 6) as usize];
            langs.push((lang, first));
            contacts.push(format!(
                "({ws}, '{first} C{k}', '{first}', '{}', {start})",
                LANGS[lang]
            ));
        }
        let mut contact_ids: Vec<i64> = sqlx::query_scalar(&format!(
            "INSERT INTO contacts (workspace_id, name, first_name, language, created_at) VALUES {} RETURNING id",
            contacts.join(", ")
        ))
        .persistent(false)
        .fetch_all(&mut *tx)
        .await?;
        contact_ids.sort_unstable();
        let conversations: Vec<String> = contact_ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let at = start + (c + i as u64) as i64 * step;
                format!(
                    "({ws}, {channel}, {id}, 'done', {at}, {}, {at})",
                    i64::MAX - at
                )
            })
            .collect();
        let mut conversation_ids: Vec<i64> = sqlx::query_scalar(&format!(
            "INSERT INTO conversations (workspace_id, channel_id, contact_id, folder, last_message_at, list_key, created_at) VALUES {} RETURNING id",
            conversations.join(", ")
        ))
        .persistent(false)
        .fetch_all(&mut *tx)
        .await?;
        conversation_ids.sort_unstable();
        let mut rows = Vec::new();
        for (i, conv) in conversation_ids.iter().enumerate() {
            let k = c + i as u64;
            let (lang, first) = langs[i];
            let mut at = start + k as i64 * step;
            let exchanges = if k < history { per_conversation } else { 1 };
            for _ in 0..exchanges {
                let e = exchange(rng, lang, first);
                rows.push(format!(
                    "({ws}, {channel}, {conv}, 'in', 'customer', NULL, '{}', 'received', {at}, {at})",
                    e.ask.replace('\'', "''")
                ));
                at += 60_000_000;
                if k < history {
                    rows.push(format!(
                        "({ws}, {channel}, {conv}, 'out', 'agent', {}, '{}', 'sent', {at}, {at})",
                        agent.id,
                        e.answer.replace('\'', "''")
                    ));
                    at += 60_000_000;
                } else {
                    held_out.push((*conv, e.ask, e.answer, lang));
                }
            }
        }
        for chunk in rows.chunks(500) {
            sqlx::query(&format!(
                "INSERT INTO messages (workspace_id, channel_id, conversation_id, direction, author, agent_id, text, status, at, created_at) VALUES {}",
                chunk.join(", ")
            ))
            .persistent(false)
            .execute(&mut *tx)
            .await?;
        }
        stored += rows.len() as u64;
        tx.commit().await?;
        c += batch;
        if c % 100_000 == 0 {
            eprintln!(
                "  loaded {c} conversations, {stored} messages ({:.0?})",
                t.elapsed()
            );
        }
    }
    let load = t.elapsed();
    println!(
        "loaded: {} conversations, {stored} messages ({} held out) in {:.1?}: {:.0} messages/s with the index kept by its triggers",
        args.conversations,
        held_out.len(),
        load,
        stored as f64 / load.as_secs_f64()
    );
    if store.backend() == Backend::Postgres {
        sqlx::query("ANALYZE").execute(store.pool()).await?;
    }
    if let Some(path) = &args.keep {
        if store.backend() != Backend::Sqlite {
            bail!("--keep copies a SQLite database; PostgreSQL's schema is dropped after the run");
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.to_string_lossy().into_owned())
            .execute(store.pool())
            .await
            .with_context(|| format!("copying the database to {}", path.display()))?;
        println!("kept: {}", path.display());
    }

    // Search: two-word queries from the history's own words.
    let mut words: Vec<String> = Vec::new();
    for intent in INTENTS {
        for asks in intent.asks {
            for a in asks.iter() {
                for w in a.split(|c: char| !c.is_alphanumeric()) {
                    if w.chars().count() >= 4 && !w.contains('{') && !words.contains(&fold(w)) {
                        words.push(fold(w));
                    }
                }
            }
        }
    }
    words.extend(FILLER.iter().map(|w| fold(w)));
    let mut times = Vec::new();
    let mut hits = 0usize;
    for _ in 0..args.queries {
        let a = &words[below(rng, words.len() as u64) as usize];
        let b = &words[below(rng, words.len() as u64) as usize];
        let text = format!("{a} {b}");
        let t = Instant::now();
        let query = Query::parse(&text).context("a query")?;
        let q = SearchQuery {
            query: query.clone(),
            channel: None,
            folder: None,
            assignee: None,
            label: None,
            from: None,
            to: None,
            offset: 0,
            limit: 21,
        };
        let found = store.search(ws, &q).await?;
        let shown: usize = found
            .iter()
            .map(|h| snippet(&h.text, &query, 160).len())
            .sum();
        times.push(t.elapsed());
        hits += found.len().min(20);
        std::hint::black_box(shown);
    }
    let (p50, p99) = percentiles(&mut times);
    println!(
        "| search, two-word query, first page of 20 with snippets ({} queries; {:.1} hits a page on average) | p50 {} | p99 {} | target p99 < 50 ms: {} |",
        args.queries,
        hits as f64 / args.queries as f64,
        ms(p50),
        ms(p99),
        if p99 < Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        }
    );

    // Suggestions on held-out conversations, against the answer actually sent.
    let mut times = Vec::new();
    let (mut top1, mut top3, mut tried) = (0usize, 0usize, 0usize);
    let step = (held_out.len() / args.held_out.max(1)).max(1);
    for (conv, _ask, sent, _) in held_out.iter().step_by(step).take(args.held_out) {
        let t = Instant::now();
        let got =
            pronto_server::suggestions::suggest(&store, ws, *conv, Some(agent.id), "Agent").await?;
        times.push(t.elapsed());
        tried += 1;
        let same = |s: &str| normal(s) == normal(sent);
        if got.first().is_some_and(|s| same(&s.text)) {
            top1 += 1;
        }
        if got.iter().any(|s| same(&s.text)) {
            top3 += 1;
        }
    }
    let (p50, p99) = percentiles(&mut times);
    println!(
        "| suggestions for a held-out conversation ({tried}; {} past messages) | p50 {} | p99 {} | target p99 < 50 ms: {} |",
        stored,
        ms(p50),
        ms(p99),
        if p99 < Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "held-out evaluation: the reply sent is the first suggestion in {:.1}% and among the three in {:.1}% of {tried} conversations (equal after folding case, accents and spaces)",
        100.0 * top1 as f64 / tried.max(1) as f64,
        100.0 * top3 as f64 / tried.max(1) as f64
    );

    // The write cost of the index through the group commit: with it, without it.
    let with = ingest(&store, ws, channel, args.ingest, "a").await?;
    match store.backend() {
        Backend::Sqlite => {
            sqlx::query("DROP TRIGGER messages_fts_insert")
                .execute(store.pool())
                .await?;
        }
        Backend::Postgres => {
            sqlx::query("DROP INDEX messages_search")
                .execute(store.pool())
                .await?;
        }
    }
    let without = ingest(&store, ws, channel, args.ingest, "b").await?;
    println!(
        "| customer messages through Store::receive_many (group commit, 256 a batch) | {with:.0}/s with the index | {without:.0}/s without (its trigger or index dropped) | index cost {:.1}% |",
        100.0 * (1.0 - with / without)
    );
    store.close().await;
    Ok(())
}

/// Customer messages per second written through the group commit, `n` of them
/// from 500 new customers, in batches of 256.
async fn ingest(store: &Store, ws: i64, channel: i64, n: usize, tag: &str) -> anyhow::Result<f64> {
    let at = super::now_micros();
    let messages: Vec<Inbound> = (0..n)
        .map(|i| Inbound {
            channel_id: channel,
            contact_external_id: format!("{tag}-{}", i % 500),
            contact_name: None,
            external_id: Some(format!("{tag}-m{i}")),
            text: format!("where is my order {} please, it was a gift", 100_000 + i),
            attachments: json!([]),
            at: at + i as i64,
        })
        .collect();
    let t = Instant::now();
    for batch in messages.chunks(256) {
        for r in store.receive_many(ws, batch.to_vec(), at).await {
            r?;
        }
    }
    Ok(n as f64 / t.elapsed().as_secs_f64())
}

fn below(rng: &mut Rng, bound: u64) -> u64 {
    rng.next_u64() % bound.max(1)
}

fn normal(text: &str) -> String {
    fold(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort_unstable();
    if times.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.99))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}
