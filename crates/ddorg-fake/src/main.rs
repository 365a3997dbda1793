//! `ddorg-fake`: runs the fake Datadog server as a process, for tests in
//! other languages and for demos. Prints `PORT <n>` once listening.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use ddorg_fake::{FakeServer, TlsCert};

const USAGE: &str = "\
usage: ddorg-fake [--port N] [--tls] [--tls-cert CERT] [--tls-ca-out PATH]
                  [--require-keys API_KEY APP_KEY] [--no-record] [--exit-on-eof]

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
  --no-record                     do not keep a request log (for benchmarks)
  --exit-on-eof                   exit when stdin reaches end of file
  -h, --help                      print this help
";

struct Options {
    port: u16,
    tls: Option<TlsCert>,
    ca_out: Option<String>,
    keys: Option<(String, String)>,
    record: bool,
    exit_on_eof: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut opts = Options {
        port: 0,
        tls: None,
        ca_out: None,
        keys: None,
        record: true,
        exit_on_eof: false,
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
            "--no-record" => opts.record = false,
            "--exit-on-eof" => opts.exit_on_eof = true,
            other => {
                if let Some(v) = other.strip_prefix("--port=") {
                    opts.port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
                } else {
                    return Err(format!("unknown argument {other:?}"));
                }
            }
        }
    }
    Ok(Some(opts))
}

fn main() -> ExitCode {
    let opts = match parse_args(std::env::args().skip(1)) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("ddorg-fake: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = format!("127.0.0.1:{}", opts.port);
    let started = match opts.tls {
        Some(cert) => FakeServer::start_tls_on(&addr, cert),
        None => FakeServer::start_on(&addr),
    };
    let server = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ddorg-fake: cannot listen on 127.0.0.1:{}: {e}", opts.port);
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &opts.ca_out {
        if let Err(e) = server.ca_pem().and_then(|pem| std::fs::write(path, pem)) {
            eprintln!("ddorg-fake: cannot write the CA to {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Some((api, app)) = &opts.keys {
        server.require_keys(api, app);
    }
    server.set_recording(opts.record);
    let mut out = io::stdout().lock();
    if writeln!(out, "PORT {}", server.port())
        .and_then(|_| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);
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
        ExitCode::SUCCESS
    } else {
        loop {
            std::thread::park();
        }
    }
}
