/* Latency and throughput of libddorg against a running fake, measured exactly like the Rust
 * example (crates/ddorg-core/examples/bench.rs) so the two lines compare directly.
 *
 *   bench --url http://127.0.0.1:PORT [--endpoint org|salesforce] [--threads N] [--calls N]
 *         [--warmup N]
 *
 * `--calls` is the total, split evenly over the threads, which share one client. Prints one
 * JSON line: latency per call (mean, p50, p99 in µs), calls per second over the wall time of the
 * timed loop, and the resident set size before and after it (KiB, from /proc/self/status). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ddorg.h"
#include "../common/rss.h"

static const char *ORG_ID = "abcdef12345";

struct options {
    const char *url;
    int salesforce;
    long threads, calls, warmup;
};

struct worker {
    const ddorg_client *client;
    const struct options *opts;
    uint64_t *lat;
    long n;
    pthread_barrier_t *ready, *go;
    int failed;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One call, its result freed: what a C caller does. */
static int call(const ddorg_client *client, int salesforce) {
    ddorg_error *err = NULL;
    ddorg_status st;
    if (salesforce) {
        ddorg_salesforce_orgs *list = NULL;
        st = ddorg_list_salesforce_orgs(client, &list, &err);
        ddorg_salesforce_orgs_free(list);
    } else {
        ddorg_org_response *org = NULL;
        st = ddorg_get_org(client, ORG_ID, &org, &err);
        ddorg_org_response_free(org);
    }
    if (st != DDORG_OK) {
        fprintf(stderr, "bench: call failed with status %d\n", (int)st);
        ddorg_error_free(err);
        return -1;
    }
    return 0;
}

static void *run_worker(void *arg) {
    struct worker *w = arg;
    for (long i = 0; i < w->opts->warmup && !w->failed; i++) {
        if (call(w->client, w->opts->salesforce) != 0) w->failed = 1;
    }
    pthread_barrier_wait(w->ready);
    pthread_barrier_wait(w->go);
    for (long i = 0; i < w->n && !w->failed; i++) {
        uint64_t t = now_ns();
        if (call(w->client, w->opts->salesforce) != 0) w->failed = 1;
        w->lat[i] = now_ns() - t;
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int parse_args(int argc, char **argv, struct options *o) {
    o->url = NULL;
    o->salesforce = 0;
    o->threads = 1;
    o->calls = 10000;
    o->warmup = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *flag = argv[i], *v = argv[i + 1];
        if (strcmp(flag, "--url") == 0) o->url = v;
        else if (strcmp(flag, "--endpoint") == 0) o->salesforce = strcmp(v, "salesforce") == 0;
        else if (strcmp(flag, "--threads") == 0) o->threads = strtol(v, NULL, 10);
        else if (strcmp(flag, "--calls") == 0) o->calls = strtol(v, NULL, 10);
        else if (strcmp(flag, "--warmup") == 0) o->warmup = strtol(v, NULL, 10);
        else return -1;
    }
    if (argc % 2 == 0 || !o->url || o->threads < 1 || o->calls < 1) return -1;
    return 0;
}

int main(int argc, char **argv) {
    struct options o;
    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: bench --url URL [--endpoint org|salesforce] [--threads N] "
                        "[--calls N] [--warmup N]\n");
        return 2;
    }
    ddorg_options *opts = ddorg_options_new();
    ddorg_client *client = NULL;
    ddorg_error *err = NULL;
    if (!opts || ddorg_options_set_api_key(opts, "bench-api-key", &err) != DDORG_OK ||
        ddorg_options_set_app_key(opts, "bench-app-key", &err) != DDORG_OK ||
        ddorg_options_set_base_url(opts, o.url, &err) != DDORG_OK ||
        ddorg_client_new(opts, &client, &err) != DDORG_OK) {
        fprintf(stderr, "bench: cannot create the client\n");
        ddorg_error_free(err);
        ddorg_options_free(opts);
        return 1;
    }
    ddorg_options_free(opts);

    long per = o.calls / o.threads, total = per * o.threads;
    uint64_t *lat = malloc(sizeof(uint64_t) * (size_t)total);
    struct worker *ws = calloc((size_t)o.threads, sizeof *ws);
    pthread_t *tids = calloc((size_t)o.threads, sizeof *tids);
    pthread_barrier_t ready, go;
    if (!lat || !ws || !tids) return 1;
    /* Written now, so the timed loop's stores do not show up as RSS growth. */
    memset(lat, 0xff, sizeof(uint64_t) * (size_t)total);
    pthread_barrier_init(&ready, NULL, (unsigned)o.threads + 1);
    pthread_barrier_init(&go, NULL, (unsigned)o.threads + 1);
    for (long t = 0; t < o.threads; t++) {
        ws[t] = (struct worker){client, &o, lat + t * per, per, &ready, &go, 0};
        pthread_create(&tids[t], NULL, run_worker, &ws[t]);
    }
    pthread_barrier_wait(&ready);
    long rss_start = rss_kib();
    pthread_barrier_wait(&go);
    uint64_t wall = now_ns();
    int failed = 0;
    for (long t = 0; t < o.threads; t++) {
        pthread_join(tids[t], NULL);
        failed |= ws[t].failed;
    }
    double secs = (double)(now_ns() - wall) / 1e9;
    long rss_end = rss_kib();
    if (failed) return 1;

    qsort(lat, (size_t)total, sizeof *lat, cmp_u64);
    double sum = 0;
    for (long i = 0; i < total; i++) sum += (double)lat[i];
    long p50 = (long)(total * 0.50), p99 = (long)(total * 0.99);
    if (p99 >= total) p99 = total - 1;
    printf("{\"lang\":\"c\",\"client\":\"ddorg\",\"endpoint\":\"%s\",\"threads\":%ld,"
           "\"calls\":%ld,\"mean_us\":%.2f,\"p50_us\":%.2f,\"p99_us\":%.2f,"
           "\"calls_per_s\":%.1f,\"rss_start_kib\":%ld,\"rss_end_kib\":%ld}\n",
           o.salesforce ? "salesforce" : "org", o.threads, total, sum / (double)total / 1e3,
           (double)lat[p50] / 1e3, (double)lat[p99] / 1e3, (double)total / secs, rss_start,
           rss_end);
    ddorg_client_free(client);
    pthread_barrier_destroy(&ready);
    pthread_barrier_destroy(&go);
    free(lat);
    free(ws);
    free(tids);
    return 0;
}
