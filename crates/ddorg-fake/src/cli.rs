//! The command line of the fake server, shared by the `ddorg-fake` binary and the shipped CLI's
//! `ddorg fake`: one parser and one runner, so both take the same options and behave the same.

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Duration;

use crate::{Endpoint, FakeServer, Fleet, TlsCert, UnknownOrgs, EXAMPLE_PUBLIC_ID};

/// The help of `ddorg-fake` (`ddorg fake` renders its own from the CLI's tables).
pub const USAGE: &str = "\
usage: ddorg-fake [--port N] [--tls] [--tls-cert CERT] [--tls-ca-out PATH]
                  [--require-keys API_KEY APP_KEY] [--latency MS]
                  [--rate-limit [ENDPOINT=]LIMIT/PERIOD]... [--unknown-orgs ANSWER]
                  [--no-record] [--exit-on-eof]
                  [--fleet N [--fleet-faults] [--write-fleet PATH]]

Runs a fake Datadog organization API on 127.0.0.1 and prints `PORT <n>`
on stdout once it is listening. Drive it through the control API under
/_fake/ (see the ddorg-fake crate docs).

options:
  --port N                        port to bind (default 0: any free port)
  --tls                           serve HTTPS (https://localhost:PORT) with a certificate
                                  issued by a CA generated at start
  --tls-cert CERT                 the certificate served with --tls: valid (default),
                                  expired, wrong-host or self-signed
  --tls-ca-out PATH               write that CA (PEM) to PATH, for a client's CA bundle
  --require-keys API_KEY APP_KEY  accept only these DD-API-KEY / DD-APPLICATION-KEY
                                  (default: any non-empty keys)
  --latency MS                    delay every flight the server sends by MS milliseconds,
                                  one simulated round trip (default 0): a request on a
                                  kept-alive connection costs MS, a new connection 2 x MS
                                  (TCP handshake, request), a new TLS connection 3 x MS
                                  (TCP, TLS handshake, request); each connection waits
                                  on its own, in parallel with the others
  --rate-limit [ENDPOINT=]LIMIT/PERIOD
                                  rate-limit like Datadog: per DD-API-KEY, LIMIT requests
                                  in each window of PERIOD seconds (windows start at
                                  launch), then 429; every answer carries x-ratelimit-limit,
                                  -period, -remaining, -reset (seconds until the window
                                  ends) and -name. For every endpoint, or one: org_get,
                                  org_list, salesforce_orgs (repeatable; later ones win;
                                  default: no limit, fixed x-ratelimit-* headers)
  --unknown-orgs ANSWER           what GET /api/v1/org/ID answers for an ID the fake has
                                  no reply for (abcdef12345, the example's, and IDs set
                                  through the control API have one): not-found (default:
                                  404, as Datadog) or example (the example org, for any
                                  ID); a --fleet answers only its own IDs either way
  --no-record                     do not keep a request log (for benchmarks)
  --fleet N                       serve N simulated orgs, each with its own key pair
                                  and posture (see the crate docs' fleet mode); the
                                  first org's keys are the parent's: GET /api/v1/org
                                  lists every org and GET /api/v1/org/ID reads any of
                                  them; every other key lists only its own org
  --fleet-faults                  with --fleet: one org each with revoked keys (403),
                                  a deleted org (404), a 429 burst, a slow answer and
                                  a key without integrations_read
  --write-fleet PATH              with --fleet: write the fleet file for `ddorg audit
                                  --fleet` to PATH (keys in PATH-stem-keys/, mode 0600)
                                  before printing PORT
  --exit-on-eof                   exit when stdin reaches end of file
  -h, --help                      print this help
";

/// What the command line asked for; [`parse_args`] builds it, [`serve`] runs it.
pub struct Options {
    port: u16,
    tls: Option<TlsCert>,
    ca_out: Option<String>,
    keys: Option<(String, String)>,
    record: bool,
    latency: Duration,
    rate_limits: Vec<RateLimitFlag>,
    unknown_orgs: UnknownOrgs,
    exit_on_eof: bool,
    fleet: Option<usize>,
    fleet_faults: bool,
    write_fleet: Option<String>,
}

/// One `--rate-limit`: which endpoint (`None`: every one), limit, period in seconds.
type RateLimitFlag = (Option<Endpoint>, u64, u64);

fn parse_rate_limit(v: &str) -> Result<RateLimitFlag, String> {
    let bad = || format!("invalid rate limit {v:?}: [ENDPOINT=]LIMIT/PERIOD, e.g. 100/60");
    let (endpoint, rest) = match v.split_once('=') {
        Some((name, rest)) => (Some(Endpoint::parse(name)?), rest),
        None => (None, v),
    };
    let (limit, period) = rest.split_once('/').ok_or_else(bad)?;
    let limit: u64 = limit.parse().map_err(|_| bad())?;
    let period: u64 = period.parse().ok().filter(|&p| p > 0).ok_or_else(bad)?;
    Ok((endpoint, limit, period))
}

/// Parses the arguments after the program name: `Ok(None)` for `--help`, `Err` with what is wrong
/// (for a usage error).
pub fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut opts = Options {
        port: 0,
        tls: None,
        ca_out: None,
        keys: None,
        record: true,
        latency: Duration::ZERO,
        rate_limits: Vec::new(),
        unknown_orgs: UnknownOrgs::NotFound,
        exit_on_eof: false,
        fleet: None,
        fleet_faults: false,
        write_fleet: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let v = args.next().ok_or("--port needs a value")?;
                opts.port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
            }
            "--require-keys" => {
                let api = args
                    .next()
                    .ok_or("--require-keys needs API_KEY and APP_KEY")?;
                let app = args
                    .next()
                    .ok_or("--require-keys needs API_KEY and APP_KEY")?;
                opts.keys = Some((api, app));
            }
            "--tls" => opts.tls = Some(opts.tls.unwrap_or(TlsCert::Valid)),
            "--tls-cert" => {
                let v = args.next().ok_or("--tls-cert needs a value")?;
                let cert = TlsCert::from_name(&v).ok_or_else(|| {
                    format!("unknown certificate {v:?}: valid, expired, wrong-host or self-signed")
                })?;
                opts.tls = Some(cert);
            }
            "--tls-ca-out" => {
                opts.ca_out = Some(args.next().ok_or("--tls-ca-out needs a PATH")?);
            }
            "--latency" => {
                let v = args.next().ok_or("--latency needs milliseconds")?;
                let ms: u64 = v
                    .parse()
                    .ok()
                    .filter(|&ms| ms <= 3_600_000)
                    .ok_or_else(|| format!("invalid latency {v:?}: 0 to 3600000 milliseconds"))?;
                opts.latency = Duration::from_millis(ms);
            }
            "--rate-limit" => {
                let v = args
                    .next()
                    .ok_or("--rate-limit needs [ENDPOINT=]LIMIT/PERIOD")?;
                opts.rate_limits.push(parse_rate_limit(&v)?);
            }
            "--unknown-orgs" => {
                let v = args
                    .next()
                    .ok_or("--unknown-orgs needs not-found or example")?;
                opts.unknown_orgs = UnknownOrgs::from_name(&v).ok_or_else(|| {
                    format!("unknown answer {v:?} for --unknown-orgs: not-found or example")
                })?;
            }
            "--no-record" => opts.record = false,
            "--exit-on-eof" => opts.exit_on_eof = true,
            "--fleet" => {
                let v = args.next().ok_or("--fleet needs a number of orgs")?;
                let n: usize = v.parse().map_err(|_| format!("invalid fleet size {v:?}"))?;
                if n == 0 || n > 100_000 {
                    return Err(format!("--fleet takes 1 to 100000 orgs, got {n}"));
                }
                opts.fleet = Some(n);
            }
            "--fleet-faults" => opts.fleet_faults = true,
            "--write-fleet" => {
                opts.write_fleet = Some(args.next().ok_or("--write-fleet needs a path")?);
            }
            other => {
                if let Some(v) = other.strip_prefix("--port=") {
                    opts.port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
                } else {
                    return Err(format!("unknown argument {other:?}"));
                }
            }
        }
    }
    if opts.fleet.is_none() && (opts.fleet_faults || opts.write_fleet.is_some()) {
        return Err("--fleet-faults and --write-fleet go with --fleet N".into());
    }
    Ok(Some(opts))
}

/// Starts the server `opts` describe, prints `PORT <n>` on stdout, calls `listening` (for a hint
/// on stderr), then serves until stdin ends (`--exit-on-eof`) or forever. Errors are reported on
/// stderr as `prog: ...`; the result is the process's exit code (0, or 1 when the server could not
/// start).
pub fn serve(prog: &str, opts: &Options, listening: impl FnOnce(&FakeServer)) -> u8 {
    let addr = format!("127.0.0.1:{}", opts.port);
    let started = match opts.tls {
        Some(cert) => FakeServer::start_tls_on(&addr, cert),
        None => FakeServer::start_on(&addr),
    };
    let server = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{prog}: cannot listen on 127.0.0.1:{}: {e}", opts.port);
            return 1;
        }
    };
    if let Some(path) = &opts.ca_out {
        if let Err(e) = server.ca_pem().and_then(|pem| std::fs::write(path, pem)) {
            eprintln!("{prog}: cannot write the CA to {path}: {e}");
            return 1;
        }
    }
    if let Some((api, app)) = &opts.keys {
        server.require_keys(api, app);
    }
    server.set_recording(opts.record);
    server.set_latency(opts.latency);
    server.set_unknown_orgs(opts.unknown_orgs);
    for &(endpoint, limit, period) in &opts.rate_limits {
        match endpoint {
            Some(endpoint) => server.set_endpoint_rate_limit(endpoint, limit, period),
            None => server.set_rate_limit(limit, period),
        }
    }
    if let Some(n) = opts.fleet {
        let mut fleet = Fleet::generate(n);
        if opts.fleet_faults {
            fleet = fleet.with_faults();
        }
        server.set_fleet(&fleet);
        if let Some(path) = &opts.write_fleet {
            if let Err(e) = fleet.write_fleet_file(Path::new(path), &server.base_url()) {
                eprintln!("{prog}: cannot write the fleet file {path}: {e}");
                return 1;
            }
        }
    }
    let mut out = io::stdout().lock();
    if writeln!(out, "PORT {}", server.port())
        .and_then(|_| out.flush())
        .is_err()
    {
        return 1;
    }
    drop(out);
    listening(&server);
    if opts.exit_on_eof {
        let mut sink = [0u8; 1024];
        let mut stdin = io::stdin().lock();
        loop {
            match stdin.read(&mut sink) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        drop(server);
        0
    } else {
        loop {
            std::thread::park();
        }
    }
}

/// What a person can run against the server `opts` started, for `ddorg fake` to print on stderr
/// once it listens: the environment that points `ddorg` at it and a first command or two.
pub fn try_it(server: &FakeServer, opts: &Options) -> String {
    let mut env = String::new();
    if opts.fleet.is_none() {
        env.push_str(" DD_API_KEY=fake DD_APP_KEY=fake");
    }
    env.push_str(&format!(" DDORG_BASE_URL={}", server.base_url()));
    if let Some(ca) = &opts.ca_out {
        env.push_str(&format!(" DDORG_CA_BUNDLE={ca}"));
    }
    let mut out = format!(
        "A fake Datadog is listening on {} until you stop it (Ctrl-C).\n",
        server.base_url()
    );
    if opts.tls.is_some() && opts.ca_out.is_none() {
        out.push_str("Its certificate is issued by a CA generated at start: write it with --tls-ca-out PATH.\n");
    }
    out.push_str("Try, in another shell:\n");
    out.push_str(&format!("  export{env}\n"));
    match (opts.fleet, &opts.write_fleet) {
        (None, _) => {
            out.push_str(&format!("  ddorg org get {EXAMPLE_PUBLIC_ID}\n"));
            out.push_str("  ddorg salesforce list\n");
            out.push_str(&format!("  ddorg audit {EXAMPLE_PUBLIC_ID}\n"));
        }
        (Some(_), Some(path)) => out.push_str(&format!("  ddorg audit --fleet {path}\n")),
        (Some(n), None) => out.push_str(&format!(
            "  (each of the {n} orgs has its own keys: add --write-fleet FLEET.toml to get them \
             as a fleet file for `ddorg audit --fleet`)\n"
        )),
    }
    out
}
