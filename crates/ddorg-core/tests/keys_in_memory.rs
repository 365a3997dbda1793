//! Keys in memory: a client holds one copy of each key while it lives, however many threads
//! share it, and none once it is dropped. The test reads its own process's memory
//! (`/proc/self/mem`), so it is alone in this file (its own process) and talks to a server that
//! wipes what it reads: ddorg-fake would keep the requests, keys included, in this process.
#![cfg(target_os = "linux")]

use std::collections::hash_map::RandomState;
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::FileExt;
use std::thread;

use ddorg_core::Client;

/// Keys are searched for as `masked[i] ^ MASK`: the test never holds a plain copy of its own.
const MASK: u8 = 0x5a;
/// Keys are 64 characters and only the last 32 are searched for: the allocator writes its own
/// pointers over the first bytes of a freed block, which would hide a key left in freed memory.
const KEY_LEN: usize = 64;
const SEARCHED: usize = 32;
const THREADS: usize = 32;
const CALLS_PER_THREAD: usize = 20;

/// A random key, moved into the client, and the masked form of its end, kept for the search.
fn random_key(prefix: &str) -> (String, Vec<u8>) {
    let mut key = String::with_capacity(KEY_LEN);
    key.push_str(prefix);
    let state = RandomState::new();
    let mut n = 0u64;
    while key.len() < KEY_LEN {
        let word = state.hash_one(n);
        n += 1;
        for shift in (0..64).step_by(4) {
            if key.len() < KEY_LEN {
                key.push(char::from(
                    b"0123456789abcdef"[(word >> shift & 15) as usize],
                ));
            }
        }
    }
    let masked = key
        .bytes()
        .skip(KEY_LEN - SEARCHED)
        .map(|b| b ^ MASK)
        .collect();
    (key, masked)
}

/// How many times the key ending behind `masked` is in this process's readable memory.
fn copies_in_memory(masked: &[u8]) -> usize {
    const CHUNK: usize = 1 << 20;
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let mem = File::open("/proc/self/mem").unwrap();
    let mut buf = vec![0u8; CHUNK + masked.len()];
    // The scan buffer itself is left out: it holds copies of whatever it read last.
    let own = (buf.as_ptr() as u64, buf.as_ptr() as u64 + buf.len() as u64);
    let mut found = 0;
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let range = fields.next().unwrap();
        let perms = fields.next().unwrap();
        let name = fields.nth(3).unwrap_or("");
        let (start, end) = range.split_once('-').unwrap();
        let (start, end) = (
            u64::from_str_radix(start, 16).unwrap(),
            u64::from_str_radix(end, 16).unwrap(),
        );
        if !perms.starts_with('r') || name.starts_with("[v") {
            continue;
        }
        let mut at = start;
        while at < end {
            let step = (CHUNK as u64).min(end - at);
            let want = (step as usize + masked.len() - 1).min((end - at) as usize);
            let got = mem.read_at(&mut buf[..want], at).unwrap_or(0);
            found += matches(&buf[..got], step as usize, masked, |i| {
                let addr = at + i as u64;
                addr + masked.len() as u64 > own.0 && addr < own.1
            });
            at += step;
        }
    }
    found
}

/// Matches of the masked key starting in `window[..starts]`, except those `skip` names.
/// std's `skip_until` finds each candidate first byte with memchr: a byte-by-byte loop in a
/// debug build would take half a minute for the few hundred MB the test scans.
fn matches(window: &[u8], starts: usize, masked: &[u8], skip: impl Fn(usize) -> bool) -> usize {
    use std::io::{BufRead, Cursor};
    let mut cursor = Cursor::new(window);
    let mut found = 0;
    while cursor.skip_until(masked[0] ^ MASK).unwrap_or(0) > 0 {
        let at = cursor.position() as usize - 1;
        if at >= starts || window[at] != masked[0] ^ MASK {
            break;
        }
        let candidate = &window[at..window.len().min(at + masked.len())];
        let whole = candidate.len() == masked.len()
            && candidate.iter().zip(masked).all(|(b, m)| b ^ MASK == *m);
        if whole && !skip(at) {
            found += 1;
        }
    }
    found
}

/// A keep-alive HTTP server that answers every request with a small org and wipes each request
/// from its buffer once read.
fn start_wiping_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            thread::spawn(move || serve(stream));
        }
    });
    url
}

fn serve(mut stream: TcpStream) {
    const BODY: &str = r#"{"org":{"public_id":"abc123","name":"Memory test"}}"#;
    let reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    while let Ok(n) = stream.read(&mut buf[filled..]) {
        if n == 0 {
            break;
        }
        filled += n;
        if buf[..filled].windows(4).any(|w| w == b"\r\n\r\n") {
            buf[..filled].fill(0);
            std::hint::black_box(&buf);
            filled = 0;
            if stream.write_all(reply.as_bytes()).is_err() {
                break;
            }
        }
    }
    buf.fill(0);
    std::hint::black_box(&buf);
}

#[test]
fn a_client_holds_one_copy_of_each_key_and_none_after_drop() {
    let url = start_wiping_server();
    let (api_key, api) = random_key("api-");
    let (app_key, app) = random_key("app-");
    assert_eq!(
        copies_in_memory(&api),
        1,
        "the test's own key before building"
    );

    let client = Client::builder()
        .api_key(api_key) // moved: the builder's copy is the one the test made
        .app_key(app_key)
        .base_url(url)
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!((copies_in_memory(&api), copies_in_memory(&app)), (1, 1));

    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..CALLS_PER_THREAD {
                    let org = client.get_org("abc123").unwrap();
                    assert_eq!(
                        org.org.as_ref().unwrap().public_id.as_deref(),
                        Some("abc123")
                    );
                }
            });
        }
    });
    assert_eq!(
        (copies_in_memory(&api), copies_in_memory(&app)),
        (1, 1),
        "after {} calls from {THREADS} threads",
        THREADS * CALLS_PER_THREAD
    );

    let clone = client.clone();
    drop(client);
    assert_eq!(copies_in_memory(&api), 1, "a clone shares the one copy");
    drop(clone);
    assert_eq!((copies_in_memory(&api), copies_in_memory(&app)), (0, 0));
}
