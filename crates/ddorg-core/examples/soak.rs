//! Soak: many calls from several threads through one shared client, watching the process's memory.
//!
//! ```sh
//! cargo run -p ddorg-core --example soak -- [--calls N] [--threads T]
//! ```
//!
//! T threads (default 8) make N calls each (default 2000) through one `Client` against a
//! `FakeServer` in this process (request log off, so the fake's memory stays flat). Calls
//! alternate between the two endpoints, and one in ten asks for an org the fake answers with 404,
//! so the error path is soaked too. RSS is read from /proc/self/status after a warm-up (the first
//! tenth of each thread's calls, at most 100) and again at the end, before the threads exit.
//! Prints one `key=value` line; exits 1 if any call failed in a way it should not have.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Instant;

use ddorg_core::{Client, ErrorKind};
use ddorg_fake::{FakeServer, Reply};

const MISSING_ORG: &str = "soak-missing-org";

/// A `VmRSS:`-style line of /proc/self/status, in KiB; 0 where there is no procfs.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn parse_args() -> Result<(u64, u64), String> {
    let (mut calls, mut threads) = (2000, 8);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            let v = args.next().ok_or(format!("{name} needs a value"))?;
            v.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{name}: {v:?} is not a positive integer"))
        };
        match arg.as_str() {
            "--calls" => calls = value("--calls")?,
            "--threads" => threads = value("--threads")?,
            "-h" | "--help" => {
                return Err("usage: soak [--calls N per thread] [--threads T]".into())
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((calls, threads))
}

fn main() -> ExitCode {
    let (calls, threads) = match parse_args() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("soak: {e}");
            return ExitCode::from(2);
        }
    };
    let fake = FakeServer::start().expect("the fake server starts");
    fake.set_recording(false);
    fake.set_org(MISSING_ORG, Reply::errors(404, &["Organization not found"]));
    let client = Client::builder()
        .api_key("soak-api-key")
        .app_key("soak-app-key")
        .base_url(fake.base_url())
        .build()
        .expect("the client builds");

    let warmup = (calls / 10).min(100);
    let barrier = Arc::new(Barrier::new(threads as usize + 1));
    let errors = Arc::new(AtomicU64::new(0));
    let expected_errors = Arc::new(AtomicU64::new(0));
    let first_error = Arc::new(Mutex::new(None::<String>));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (client, barrier) = (client.clone(), Arc::clone(&barrier));
            let (errors, expected_errors) = (Arc::clone(&errors), Arc::clone(&expected_errors));
            let first_error = Arc::clone(&first_error);
            thread::spawn(move || {
                for i in 0..calls {
                    if i == warmup {
                        barrier.wait(); // warmed up
                        barrier.wait(); // start RSS read
                    }
                    let n = t + i;
                    let outcome = if n % 10 == 9 {
                        match client.get_org(MISSING_ORG) {
                            Err(e) if e.kind() == ErrorKind::NotFound => {
                                expected_errors.fetch_add(1, Ordering::Relaxed);
                                Ok(())
                            }
                            Err(e) => Err(e.to_string()),
                            Ok(_) => Err("a missing org was found".to_string()),
                        }
                    } else if n % 2 == 0 {
                        client
                            .get_org("abcdef12345")
                            .map(drop)
                            .map_err(|e| e.to_string())
                    } else {
                        client
                            .list_salesforce_organizations()
                            .map(drop)
                            .map_err(|e| e.to_string())
                    };
                    if let Err(e) = outcome {
                        errors.fetch_add(1, Ordering::Relaxed);
                        first_error.lock().unwrap().get_or_insert(e);
                    }
                }
                barrier.wait(); // done: end RSS read
                barrier.wait();
            })
        })
        .collect();

    barrier.wait();
    let rss_start = status_kib("VmRSS:");
    let started = Instant::now();
    barrier.wait();
    barrier.wait();
    let elapsed = started.elapsed();
    let rss_end = status_kib("VmRSS:");
    barrier.wait();
    for h in handles {
        h.join().expect("a soak thread panicked");
    }

    let total = calls * threads;
    let measured = (calls - warmup) * threads;
    let errors = errors.load(Ordering::Relaxed);
    println!(
        "soak lang=rust threads={threads} calls={total} measured_calls={measured} errors={errors} \
         expected_errors={} elapsed_s={:.2} calls_per_s={:.0} rss_start_kib={rss_start} \
         rss_end_kib={rss_end} rss_growth_kib={}",
        expected_errors.load(Ordering::Relaxed),
        elapsed.as_secs_f64(),
        measured as f64 / elapsed.as_secs_f64().max(1e-9),
        rss_end as i64 - rss_start as i64,
    );
    let first_error = first_error.lock().unwrap().take();
    match first_error {
        Some(e) => {
            eprintln!("soak: {errors} calls failed; the first: {e}");
            ExitCode::FAILURE
        }
        None => ExitCode::SUCCESS,
    }
}
