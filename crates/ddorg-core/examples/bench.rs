//! Latency and throughput of ddorg-core against a running fake, next to two floors.
//!
//! `scripts/bench` runs this; by hand:
//!
//! ```text
//! cargo run --release -p ddorg-core --example bench -- \
//!     ddorg|ureq-floor|socket-floor --url http://127.0.0.1:PORT \
//!     [--endpoint org|salesforce] [--threads N] [--calls N] [--warmup N] [--pool-per-thread]
//! ```
//!
//! - `ddorg`: `Client::get_org` / `Client::list_salesforce_organizations`, one client shared by
//!   the threads (as users share one).
//! - `ureq-floor`: a bare ureq `Agent` GET with the two key headers, body decoded with
//!   `serde_json::from_slice` into the same models: the least a ureq + serde client can do. One
//!   agent shared by the threads, like ddorg's client.
//! - `--pool-per-thread`: a client (or agent) per thread instead, so each thread has a connection
//!   pool of its own; shows what sharing one ureq pool costs under contention.
//! - `socket-floor`: one keep-alive `TcpStream` per thread; writes fixed request bytes, reads the
//!   headers and a `content-length` body, parses nothing else: the least any HTTP client can do.
//!
//! `--calls` is the total, split evenly over the threads. Prints one JSON line: latency per call
//! (mean, p50, p99 in µs), calls per second over the wall time of the timed loop, and the resident
//! set size before and after that loop (KiB, from /proc/self/status).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::Instant;

use ddorg_core::{Client, OrganizationResponse, SalesforceIncidentsOrganizationsResponse};

const API_KEY: &str = "bench-api-key";
const APP_KEY: &str = "bench-app-key";
const ORG_ID: &str = "abcdef12345";
const ORG_PATH: &str = "/api/v1/org/abcdef12345";
const SALESFORCE_PATH: &str = "/api/v2/integration/salesforce-incidents/organizations";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Ddorg,
    UreqFloor,
    SocketFloor,
}

#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    Org,
    Salesforce,
}

struct Options {
    mode: Mode,
    endpoint: Endpoint,
    url: String,
    threads: usize,
    calls: usize,
    warmup: usize,
    pool_per_thread: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mode = match args.next().as_deref() {
        Some("ddorg") => Mode::Ddorg,
        Some("ureq-floor") => Mode::UreqFloor,
        Some("socket-floor") => Mode::SocketFloor,
        other => return Err(format!("unknown mode {other:?}")),
    };
    let mut opts = Options {
        mode,
        endpoint: Endpoint::Org,
        url: String::new(),
        threads: 1,
        calls: 10_000,
        warmup: 200,
        pool_per_thread: false,
    };
    while let Some(flag) = args.next() {
        if flag == "--pool-per-thread" {
            opts.pool_per_thread = true;
            continue;
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|_| format!("bad {flag}"));
        match flag.as_str() {
            "--url" => opts.url = value.trim_end_matches('/').to_string(),
            "--threads" => opts.threads = number()?.max(1),
            "--calls" => opts.calls = number()?,
            "--warmup" => opts.warmup = number()?,
            "--endpoint" => {
                opts.endpoint = match value.as_str() {
                    "org" => Endpoint::Org,
                    "salesforce" => Endpoint::Salesforce,
                    _ => return Err(format!("unknown endpoint {value:?}")),
                }
            }
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    if opts.url.is_empty() {
        return Err("--url is required".into());
    }
    Ok(opts)
}

/// One thread's way of making a call; built per thread so each floor owns its connection.
trait Caller: Send {
    fn call(&mut self) -> Result<(), String>;
}

struct DdorgCaller {
    client: Client,
    endpoint: Endpoint,
}

impl Caller for DdorgCaller {
    fn call(&mut self) -> Result<(), String> {
        match self.endpoint {
            Endpoint::Org => {
                let resp = self.client.get_org(ORG_ID).map_err(|e| e.to_string())?;
                std::hint::black_box(&resp);
            }
            Endpoint::Salesforce => {
                let resp = self
                    .client
                    .list_salesforce_organizations()
                    .map_err(|e| e.to_string())?;
                std::hint::black_box(&resp);
            }
        }
        Ok(())
    }
}

struct UreqCaller {
    agent: ureq::Agent,
    url: String,
    endpoint: Endpoint,
}

impl Caller for UreqCaller {
    fn call(&mut self) -> Result<(), String> {
        let mut resp = self
            .agent
            .get(&self.url)
            .header("DD-API-KEY", API_KEY)
            .header("DD-APPLICATION-KEY", APP_KEY)
            .call()
            .map_err(|e| e.to_string())?;
        let body = resp.body_mut().read_to_vec().map_err(|e| e.to_string())?;
        match self.endpoint {
            Endpoint::Org => {
                let org: OrganizationResponse =
                    serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                std::hint::black_box(&org);
            }
            Endpoint::Salesforce => {
                let list: SalesforceIncidentsOrganizationsResponse =
                    serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                std::hint::black_box(&list);
            }
        }
        Ok(())
    }
}

struct SocketCaller {
    stream: TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl SocketCaller {
    fn connect(host: &str, path: &str) -> io::Result<SocketCaller> {
        let stream = TcpStream::connect(host)?;
        stream.set_nodelay(true)?;
        let request = format!(
            "GET {path} HTTP/1.1\r\nhost: {host}\r\naccept: application/json\r\n\
             dd-api-key: {API_KEY}\r\ndd-application-key: {APP_KEY}\r\n\r\n"
        )
        .into_bytes();
        Ok(SocketCaller {
            stream,
            request,
            buf: vec![0; 64 * 1024],
        })
    }
}

impl Caller for SocketCaller {
    fn call(&mut self) -> Result<(), String> {
        self.stream
            .write_all(&self.request)
            .map_err(|e| e.to_string())?;
        let mut filled = 0;
        let (header_end, body_len) = loop {
            if filled == self.buf.len() {
                return Err("response headers too large".into());
            }
            let n = self
                .stream
                .read(&mut self.buf[filled..])
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("connection closed".into());
            }
            filled += n;
            if let Some(end) = find(&self.buf[..filled], b"\r\n\r\n") {
                let len = content_length(&self.buf[..end]).ok_or("no content-length")?;
                break (end + 4, len);
            }
        };
        let total = header_end + body_len;
        if total > self.buf.len() {
            return Err("response too large".into());
        }
        while filled < total {
            let n = self
                .stream
                .read(&mut self.buf[filled..total])
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("connection closed".into());
            }
            filled += n;
        }
        if filled != total {
            return Err("unexpected bytes after the body".into());
        }
        std::hint::black_box(&self.buf[header_end..total]);
        Ok(())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn content_length(headers: &[u8]) -> Option<usize> {
    for line in headers.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if line[..colon].eq_ignore_ascii_case(b"content-length") {
            return std::str::from_utf8(&line[colon + 1..])
                .ok()?
                .trim()
                .parse()
                .ok();
        }
    }
    None
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn new_client(opts: &Options) -> Result<Client, String> {
    Client::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .base_url(opts.url.as_str())
        .build()
        .map_err(|e| e.to_string())
}

/// The shared client and agent, built once; `--pool-per-thread` builds one per caller instead.
struct Shared {
    client: Client,
    agent: ureq::Agent,
}

fn make_caller(opts: &Options, shared: &Shared) -> Result<Box<dyn Caller>, String> {
    let path = match opts.endpoint {
        Endpoint::Org => ORG_PATH,
        Endpoint::Salesforce => SALESFORCE_PATH,
    };
    Ok(match opts.mode {
        Mode::Ddorg => Box::new(DdorgCaller {
            client: if opts.pool_per_thread {
                new_client(opts)?
            } else {
                shared.client.clone()
            },
            endpoint: opts.endpoint,
        }),
        Mode::UreqFloor => Box::new(UreqCaller {
            agent: if opts.pool_per_thread {
                ureq::Agent::new_with_defaults()
            } else {
                shared.agent.clone()
            },
            url: format!("{}{path}", opts.url),
            endpoint: opts.endpoint,
        }),
        Mode::SocketFloor => {
            let host = opts
                .url
                .strip_prefix("http://")
                .ok_or("socket-floor needs an http:// URL")?;
            Box::new(SocketCaller::connect(host, path).map_err(|e| e.to_string())?)
        }
    })
}

fn run(opts: &Options) -> Result<String, String> {
    let shared = Shared {
        client: new_client(opts)?,
        agent: ureq::Agent::new_with_defaults(),
    };
    let per_thread = opts.calls / opts.threads;
    // Every thread warms up, then the main thread reads the RSS, then all start together.
    let ready = Arc::new(Barrier::new(opts.threads + 1));
    let go = Arc::new(Barrier::new(opts.threads + 1));
    let mut handles = Vec::with_capacity(opts.threads);
    for _ in 0..opts.threads {
        // Warm-up runs in the threads, concurrently, so a shared client's pool holds a connection
        // per thread before timing starts (as in the C and Python benches).
        let caller = make_caller(opts, &shared)?;
        let warmup = opts.warmup;
        let (ready, go) = (Arc::clone(&ready), Arc::clone(&go));
        handles.push(std::thread::spawn(move || {
            let mut caller = caller;
            let setup = (0..warmup).try_for_each(|_| caller.call());
            // Written now, so the timed loop's stores do not show up as RSS growth.
            let mut lat = vec![u64::MAX; per_thread];
            ready.wait();
            go.wait();
            setup?;
            for slot in lat.iter_mut() {
                let t = Instant::now();
                caller.call()?;
                *slot = t.elapsed().as_nanos() as u64;
            }
            Ok::<Vec<u64>, String>(lat)
        }));
    }
    ready.wait();
    let rss_start = rss_kib();
    go.wait();
    let wall = Instant::now();
    let mut all = Vec::with_capacity(per_thread * opts.threads);
    for h in handles {
        all.extend(h.join().map_err(|_| "a bench thread panicked")??);
    }
    let wall = wall.elapsed().as_secs_f64();
    let rss_end = rss_kib();

    all.sort_unstable();
    let n = all.len().max(1);
    let mean = all.iter().sum::<u64>() as f64 / n as f64;
    let pct = |p: f64| {
        all.get(((n as f64 * p) as usize).min(n - 1))
            .copied()
            .unwrap_or(0)
    };
    let mode = match opts.mode {
        Mode::Ddorg => "ddorg",
        Mode::UreqFloor => "ureq-floor",
        Mode::SocketFloor => "socket-floor",
    };
    let endpoint = match opts.endpoint {
        Endpoint::Org => "org",
        Endpoint::Salesforce => "salesforce",
    };
    Ok(format!(
        "{{\"lang\":\"rust\",\"client\":\"{mode}\",\"endpoint\":\"{endpoint}\",\"threads\":{},\
         \"pool_per_thread\":{},\
         \"calls\":{},\"mean_us\":{:.2},\"p50_us\":{:.2},\"p99_us\":{:.2},\"calls_per_s\":{:.1},\
         \"rss_start_kib\":{rss_start},\"rss_end_kib\":{rss_end}}}",
        opts.threads,
        opts.pool_per_thread,
        all.len(),
        mean / 1e3,
        pct(0.50) as f64 / 1e3,
        pct(0.99) as f64 / 1e3,
        all.len() as f64 / wall,
    ))
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
