/* Soak of the C binding, run by scripts/soak: THREADS threads x CALLS calls each through one
 * shared ddorg_client against the ddorg-fake at URL (which answers the org `soak-missing-org`
 * with 404, so one call in ten soaks the error path). Every response and error is freed. Prints
 * one `soak lang=c ...` line with the RSS after a warm-up and at the end; exits 1 if any call
 * failed unexpectedly.
 *
 *     soak URL CALLS THREADS
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ddorg.h"
#include "../common/rss.h"

#define MISSING "soak-missing-org"

static ddorg_client *client;
static long calls, warmup;
static pthread_barrier_t barrier;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long errors, expected_errors;
static char first_error[512];

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void failed(const char *what, const ddorg_error *err) {
    pthread_mutex_lock(&lock);
    if (errors++ == 0) {
        snprintf(first_error, sizeof first_error, "%s: %s", what,
                 err ? ddorg_error_message(err) : "no error");
    }
    pthread_mutex_unlock(&lock);
}

static void *worker(void *arg) {
    long t = (long)(intptr_t)arg;
    for (long i = 0; i < calls; i++) {
        if (i == warmup) {
            pthread_barrier_wait(&barrier); /* warmed up */
            pthread_barrier_wait(&barrier); /* start RSS read */
        }
        long n = t + i;
        ddorg_error *err = NULL;
        if (n % 10 == 9) {
            ddorg_org_response *r = NULL;
            ddorg_status s = ddorg_get_org(client, MISSING, &r, &err);
            if (s == DDORG_ERR_NOT_FOUND) {
                pthread_mutex_lock(&lock);
                expected_errors++;
                pthread_mutex_unlock(&lock);
            } else {
                failed("get_org(missing)", err);
            }
            ddorg_org_response_free(r);
        } else if (n % 2 == 0) {
            ddorg_org_response *r = NULL;
            if (ddorg_get_org(client, "abcdef12345", &r, &err) != DDORG_OK) failed("get_org", err);
            ddorg_org_response_free(r);
        } else {
            ddorg_salesforce_orgs *l = NULL;
            if (ddorg_list_salesforce_orgs(client, &l, &err) != DDORG_OK) {
                failed("list_salesforce_orgs", err);
            }
            ddorg_salesforce_orgs_free(l);
        }
        ddorg_error_free(err);
    }
    pthread_barrier_wait(&barrier); /* done: end RSS read */
    pthread_barrier_wait(&barrier);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: soak URL CALLS THREADS\n");
        return 2;
    }
    calls = strtol(argv[2], NULL, 10);
    long threads = strtol(argv[3], NULL, 10);
    if (calls <= 0 || threads <= 0) {
        fprintf(stderr, "soak: CALLS and THREADS must be positive\n");
        return 2;
    }
    warmup = calls / 10 < 100 ? calls / 10 : 100;

    ddorg_options *opts = ddorg_options_new();
    ddorg_error *err = NULL;
    if (!opts || ddorg_options_set_api_key(opts, "soak-api-key", &err) != DDORG_OK ||
        ddorg_options_set_app_key(opts, "soak-app-key", &err) != DDORG_OK ||
        ddorg_options_set_base_url(opts, argv[1], &err) != DDORG_OK ||
        ddorg_client_new(opts, &client, &err) != DDORG_OK) {
        fprintf(stderr, "soak: no client: %s\n", err ? ddorg_error_message(err) : "out of memory");
        ddorg_error_free(err);
        ddorg_options_free(opts);
        return 1;
    }
    ddorg_options_free(opts);

    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    if (!ids) return 1;
    pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
    for (long t = 0; t < threads; t++) {
        if (pthread_create(&ids[t], NULL, worker, (void *)(intptr_t)t) != 0) {
            fprintf(stderr, "soak: cannot start thread %ld\n", t);
            return 1;
        }
    }
    pthread_barrier_wait(&barrier);
    long rss_start = rss_kib();
    double started = now_s();
    pthread_barrier_wait(&barrier);
    pthread_barrier_wait(&barrier);
    double elapsed = now_s() - started;
    long rss_end = rss_kib();
    pthread_barrier_wait(&barrier);
    for (long t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    pthread_barrier_destroy(&barrier);
    free(ids);
    ddorg_client_free(client);

    long measured = (calls - warmup) * threads;
    printf("soak lang=c threads=%ld calls=%ld measured_calls=%ld errors=%ld expected_errors=%ld "
           "elapsed_s=%.2f calls_per_s=%.0f rss_start_kib=%ld rss_end_kib=%ld "
           "rss_growth_kib=%ld\n",
           threads, calls * threads, measured, errors, expected_errors, elapsed,
           (double)measured / (elapsed > 1e-9 ? elapsed : 1e-9), rss_start, rss_end,
           rss_end - rss_start);
    if (errors) {
        fprintf(stderr, "soak: %ld calls failed; the first: %s\n", errors, first_error);
        return 1;
    }
    return 0;
}
