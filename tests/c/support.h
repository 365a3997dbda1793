/* Test support for the C API tests: checks that report and count, and a tiny HTTP client for
 * the fake Datadog server's control API (ddorg-fake, whose URL is in DDORG_FAKE_URL). */
#ifndef DDORG_TEST_SUPPORT_H
#define DDORG_TEST_SUPPORT_H

#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdint.h>

#include "ddorg.h"

/* Keys the test clients send; no error message may ever contain them. */
#define TEST_API_KEY "test-api-key-0123456789"
#define TEST_APP_KEY "test-app-key-9876543210"

/* Starts a scenario: prints what it checks. */
void scenario(const char *what);

/* Checks: each prints a FAIL line with the expression and location, counts, and carries on;
 * finish() makes the program exit non-zero if any failed. */
#define CHECK(cond) check_true((cond) ? 1 : 0, #cond, __FILE__, __LINE__)
#define CHECK_INT(actual, expected) \
    check_int((long long)(actual), (long long)(expected), #actual, __FILE__, __LINE__)
#define CHECK_STR(actual, expected) check_str((actual), (expected), #actual, __FILE__, __LINE__)
#define CHECK_NULL(actual) check_true((actual) == NULL, #actual " == NULL", __FILE__, __LINE__)
#define CHECK_CONTAINS(haystack, needle) \
    check_contains((haystack), (needle), 1, #haystack, __FILE__, __LINE__)
#define CHECK_NOT_CONTAINS(haystack, needle) \
    check_contains((haystack), (needle), 0, #haystack, __FILE__, __LINE__)
/* A call returned the expected status; a failure names both statuses (ddorg_status_name). It
 * checks the returned status only: check an error object with ddorg_error_status. */
#define CHECK_STATUS(actual, expected) \
    check_status((ddorg_status)(actual), (ddorg_status)(expected), #actual, __FILE__, __LINE__)

int check_true(int ok, const char *what, const char *file, int line);
int check_int(long long actual, long long expected, const char *what, const char *file, int line);
int check_status(ddorg_status actual, ddorg_status expected, const char *what, const char *file,
                 int line);
int check_str(const char *actual, const char *expected, const char *what, const char *file,
              int line);
int check_contains(const char *haystack, const char *needle, int want, const char *what,
                   const char *file, int line);

/* Prints the summary line and returns the exit status for main(). */
int finish(const char *program);

/* The fake server (ddorg-fake) named by DDORG_FAKE_URL, e.g. "http://127.0.0.1:40000". */
const char *fake_url(void);
/* POSTs a JSON body to a control path such as "/_fake/enqueue"; returns the HTTP status or -1. */
int fake_post(const char *path, const char *json);
/* POSTs a JSON body to a control path that answers 200 with JSON; returns the body (free() it)
 * or NULL. */
char *fake_post_json(const char *path, const char *json);
/* GETs a control path; returns the body (free() it) or NULL. */
char *fake_get(const char *path);
/* Forgets all scripted replies and recorded requests; fails the test if the fake says no. */
void fake_reset(void);
/* Queues one reply (the fake's reply JSON) for the next API request(s). */
void fake_enqueue(const char *reply_json);
/* The number of API requests the fake received since the last reset. */
long fake_request_count(void);
/* A number field of GET /_fake/stats, such as "tls_handshakes"; -1 if missing. */
long fake_stat(const char *field);
/* Opens a TLS listener on the fake (closed by the next reset): its URL in url, and the path of a
 * new temporary file holding the fake's CA in ca_file (unlink() it). 1 on success. */
int fake_tls_listener(char *url, size_t url_size, char *ca_file, size_t ca_size);

/* A client for the fake with the test keys, these retries and this overall timeout. */
ddorg_client *test_client(uint32_t max_retries, uint64_t timeout_ms);
/* Options for the fake with the test keys (free with ddorg_options_free). */
ddorg_options *test_options(void);

/* Milliseconds on a monotonic clock. */
double now_ms(void);

#endif
