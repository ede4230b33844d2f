//! `pronto bench routing`: routing decisions per second on a generated pool.
//!
//! Each mode is measured on the same pool: agents who all speak English, some also
//! French, Spanish or German (no one Japanese, so in skills mode without fallback the
//! Japanese conversations stay queued, which is the case the per-need queues exist
//! for), each handling a random subset of four labels; and conversations with mixed
//! locales and labels, 5% of them VIP, waiting since random moments of one day.

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;
use pronto_core::routing::{
    Agent, AgentId, Conversation, ConversationId, Event, Language, Mode, Router, Settings,
};
use pronto_core::time::{DAY, MINUTE};
use pronto_core::{Date, Timestamp};

use super::generate::Rng;

#[derive(Args, Debug)]
pub struct RoutingBench {
    /// Agents in the pool, all signed in.
    #[arg(long, default_value_t = 1_000)]
    agents: u32,
    /// Each agent's capacity.
    #[arg(long, default_value_t = 100)]
    capacity: u32,
    /// Conversations waiting at the start.
    #[arg(long, default_value_t = 100_000)]
    conversations: u32,
    /// Timed runs of each mode (the best is reported, with the median).
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

const LABELS: [&str; 4] = ["billing", "tech", "sales", "returns"];

pub fn run(args: RoutingBench) -> anyhow::Result<()> {
    if args.agents == 0 || args.conversations == 0 || args.runs == 0 {
        bail!("--agents, --conversations and --runs must be positive");
    }
    let start = Date::parse("2026-01-05").map_or(Timestamp::default(), |d| d.start());
    let mut rng = Rng::new(2026);
    let agents: Vec<Agent> = (0..args.agents)
        .map(|i| agent(&mut rng, i, args.capacity))
        .collect();
    let first: Vec<Conversation> = (0..args.conversations)
        .map(|i| conversation(&mut rng, i64::from(i), start))
        .collect();
    let more: Vec<Conversation> = (0..args.conversations)
        .map(|i| conversation(&mut rng, i64::from(args.conversations + i), start))
        .collect();
    // The order in which held conversations close in the steady phase.
    let closes: Vec<u64> = (0..args.conversations).map(|_| rng.next_u64()).collect();

    println!("# pronto bench routing");
    println!();
    println!("machine: {}", super::machine());
    println!(
        "pool: {} agents (capacity {} each, {} slots), {} conversations waiting (seed 2026)",
        args.agents,
        args.capacity,
        u64::from(args.agents) * u64::from(args.capacity),
        args.conversations
    );
    println!();
    println!(
        "| mode | build: agents + {n} arrivals | drain: decisions/s (assigned) | steady: close + decision/s, {n} more waiting |",
        n = args.conversations
    );
    println!("| --- | --- | --- | --- |");
    let modes = [
        ("round robin", Mode::RoundRobin),
        ("least loaded", Mode::LeastLoaded),
        ("skills", Mode::Skills { fallback: false }),
        ("skills with fallback", Mode::Skills { fallback: true }),
    ];
    for (name, mode) in modes {
        let mut builds = Vec::new();
        let mut drains = Vec::new();
        let mut steadies = Vec::new();
        let mut assigned = 0;
        for _ in 0..args.runs {
            let m = measure(mode, &agents, &first, &more, &closes, start)?;
            builds.push(m.build);
            drains.push(m.drain);
            steadies.push(m.steady);
            assigned = m.assigned;
        }
        builds.sort();
        drains.sort_by(|a, b| b.total_cmp(a));
        steadies.sort_by(|a, b| b.total_cmp(a));
        let mid = args.runs / 2;
        println!(
            "| {name} | {:.1?} best, {:.1?} median | {:.0} best, {:.0} median ({assigned}) | {:.0} best, {:.0} median |",
            builds[0], builds[mid], drains[0], drains[mid], steadies[0], steadies[mid],
        );
    }
    println!();
    println!("peak memory (VmHWM): {}", super::peak_memory());
    Ok(())
}

struct Measured {
    build: Duration,
    drain: f64,
    steady: f64,
    assigned: usize,
}

fn measure(
    mode: Mode,
    agents: &[Agent],
    first: &[Conversation],
    more: &[Conversation],
    closes: &[u64],
    start: Timestamp,
) -> anyhow::Result<Measured> {
    let now = start.add_micros(DAY);
    let settings = Settings {
        mode,
        reassign_on_away: true,
    };
    let t = Instant::now();
    let mut router = Router::new(settings);
    for a in agents {
        router.apply(start, Event::AgentUpdated(a.clone()));
    }
    for c in first {
        router.apply(now, Event::Arrived(c.clone()));
    }
    let build = t.elapsed();

    let t = Instant::now();
    let out = router.dispatch(now);
    let drain_time = t.elapsed();
    let assigned = out.len();
    let mut held: Vec<ConversationId> = out.iter().map(|a| a.conversation).collect();
    std::hint::black_box(&out);
    drop(out);
    check_capacity(&router, agents)?;

    // Steady state: everyone busy, a deep queue; each close frees one slot, which the
    // next decision fills.
    for c in more {
        router.apply(now, Event::Arrived(c.clone()));
    }
    let t = Instant::now();
    let mut decisions = 0u64;
    for r in closes {
        if held.is_empty() {
            break;
        }
        let at = (*r % held.len() as u64) as usize;
        let gone = held.swap_remove(at);
        router.apply(now, Event::Closed(gone));
        if let Some(a) = router.next_assignment(now) {
            held.push(a.conversation);
            decisions += 1;
        }
    }
    let steady_time = t.elapsed();
    check_capacity(&router, agents)?;
    std::hint::black_box(decisions);
    Ok(Measured {
        build,
        drain: assigned as f64 / drain_time.as_secs_f64(),
        steady: closes.len() as f64 / steady_time.as_secs_f64(),
        assigned,
    })
}

/// The bench checks what it measures: no agent ends over capacity.
fn check_capacity(router: &Router, agents: &[Agent]) -> anyhow::Result<()> {
    for a in agents {
        let load = router.load(a.id).unwrap_or_default();
        if load.open > load.capacity {
            bail!("agent {:?} over capacity: {load:?}", a.id);
        }
    }
    Ok(())
}

fn agent(rng: &mut Rng, i: u32, capacity: u32) -> Agent {
    let mut languages = vec![lang("en")];
    for (code, share) in [("fr", 0.3), ("es", 0.2), ("de", 0.1)] {
        if rng.unit() < share {
            languages.push(lang(code));
        }
    }
    let labels = LABELS
        .iter()
        .filter(|_| rng.unit() < 0.5)
        .map(|&l| l.to_owned())
        .collect();
    Agent {
        id: AgentId(i64::from(i)),
        name: format!("Agent {i}"),
        signed_in: true,
        away: false,
        capacity,
        languages,
        labels,
        last_assigned: None,
    }
}

fn conversation(rng: &mut Rng, id: i64, start: Timestamp) -> Conversation {
    let roll = rng.unit();
    let locale = match roll {
        r if r < 0.50 => Some("en_US"),
        r if r < 0.70 => Some("fr_FR"),
        r if r < 0.85 => Some("es_ES"),
        r if r < 0.95 => Some("de_DE"),
        r if r < 0.98 => Some("ja_JP"),
        _ => None,
    };
    let labels = match rng.unit() {
        r if r < 0.6 => Vec::new(),
        r if r < 0.9 => vec![LABELS[rng.range(0, 4) as usize].to_owned()],
        _ => {
            let a = rng.range(0, 4) as usize;
            vec![LABELS[a].to_owned(), LABELS[(a + 1) % 4].to_owned()]
        }
    };
    Conversation {
        id: ConversationId(id),
        waiting_since: start.add_micros(rng.range(0, DAY / MINUTE) * MINUTE),
        vip: rng.unit() < 0.05,
        language: locale.and_then(Language::from_locale),
        labels,
    }
}

fn lang(code: &str) -> Language {
    Language::from_locale(code).expect("a language code")
}
