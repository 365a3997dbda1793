//! Measures what a fleet audit costs in connections: 1,000 orgs (each its own client and keys)
//! on one TLS fake with a simulated round trip, audited at several concurrencies; prints the
//! wall time and the TLS handshakes the fake completed for each.
//!
//! ```sh
//! cargo run --release -p ddorg-audit --example fleet_connections -- [ORGS] [LATENCY_MS] [CONCURRENCY...]
//! ```
//!
//! Defaults: 1000 orgs, 20 ms, concurrency 1, 8 and 32.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ddorg_audit::{audit_fleet, Fleet, FleetOptions, Policy};
use ddorg_fake::FakeServer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let orgs: usize = args.first().map_or(Ok(1000), |a| a.parse())?;
    let latency_ms: u64 = args.get(1).map_or(Ok(20), |a| a.parse())?;
    let concurrencies: Vec<usize> = if args.len() > 2 {
        args[2..]
            .iter()
            .map(|a| a.parse())
            .collect::<Result<_, _>>()?
    } else {
        vec![1, 8, 32]
    };
    let dir = std::env::temp_dir().join(format!("ddorg-fleet-connections-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!("{orgs} orgs over TLS, {latency_ms} ms round trip");
    println!("| concurrency | wall time | TLS handshakes | requests | bound (requests × RTT / concurrency) |");
    println!("|---:|---:|---:|---:|---:|");
    for concurrency in concurrencies {
        let fake = FakeServer::start_tls()?;
        fake.set_recording(false);
        let fleet = ddorg_fake::Fleet::generate(orgs);
        fake.set_fleet(&fleet);
        let path = dir.join(format!("fleet-{concurrency}.toml"));
        fleet.write_fleet_file(&path, &fake.base_url())?;
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, fake.ca_pem()?)?;
        fake.set_latency(Duration::from_millis(latency_ms));
        let mut options = FleetOptions::default();
        options.concurrency = concurrency;
        options.configure = Some(Arc::new(move |b| b.ca_bundle(&ca)));
        let fleet = Fleet::from_file(&path)?;
        let started = Instant::now();
        let report = audit_fleet(&fleet, &Policy::default(), &options)?;
        let wall = started.elapsed();
        let failed = report.orgs.iter().filter(|o| o.error.is_some()).count();
        let requests = fake.request_count();
        let bound = Duration::from_millis(latency_ms) * requests as u32 / concurrency as u32;
        println!(
            "| {concurrency} | {:.2} s | {} | {requests} | {:.2} s |{}",
            wall.as_secs_f64(),
            fake.tls_handshake_count(),
            bound.as_secs_f64(),
            if failed > 0 {
                format!(" {failed} orgs failed")
            } else {
                String::new()
            }
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
