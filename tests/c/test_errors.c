/* Every failure status through the C API, on both endpoints, with its details: message, HTTP
 * status, Datadog's errors strings, rate limit, attempts; retries, timeouts, transport faults. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls get_org (or the Salesforce list) expecting `want`; returns the error (caller frees). */
static ddorg_error *fail_org(ddorg_client *client, const char *id, ddorg_status want) {
    ddorg_org_response *r = (ddorg_org_response *)&r; /* must be set to NULL on failure */
    ddorg_error *err = NULL;
    ddorg_status st = ddorg_get_org(client, id, &r, &err);
    if (!CHECK_STATUS(st, want) && st == DDORG_OK) {
        ddorg_org_response_free(r);
        return NULL;
    }
    CHECK_NULL(r);
    CHECK(err != NULL);
    CHECK_STATUS(ddorg_error_status(err), want);
    CHECK_NOT_CONTAINS(ddorg_error_message(err), TEST_API_KEY);
    CHECK_NOT_CONTAINS(ddorg_error_message(err), TEST_APP_KEY);
    return err;
}

static ddorg_error *fail_list(ddorg_client *client, ddorg_status want) {
    ddorg_salesforce_orgs *l = (ddorg_salesforce_orgs *)&l;
    ddorg_error *err = NULL;
    ddorg_status st = ddorg_list_salesforce_orgs(client, &l, &err);
    if (!CHECK_STATUS(st, want) && st == DDORG_OK) {
        ddorg_salesforce_orgs_free(l);
        return NULL;
    }
    CHECK_NULL(l);
    CHECK(err != NULL);
    CHECK_STATUS(ddorg_error_status(err), want);
    return err;
}

struct http_case {
    int http;
    ddorg_status status;
    const char *kind;
    const char *words;
};

static const struct http_case HTTP_CASES[] = {
    {400, DDORG_ERR_BAD_REQUEST, "bad_request", "bad request (HTTP 400)"},
    {401, DDORG_ERR_UNAUTHORIZED, "unauthorized", "unauthorized (HTTP 401)"},
    {403, DDORG_ERR_FORBIDDEN, "forbidden", "forbidden (HTTP 403)"},
    {404, DDORG_ERR_NOT_FOUND, "not_found", "not found (HTTP 404)"},
    {429, DDORG_ERR_RATE_LIMITED, "rate_limited", "rate limited (HTTP 429)"},
    {500, DDORG_ERR_SERVER, "server", "server error (HTTP 500)"},
    {503, DDORG_ERR_SERVER, "server", "server error (HTTP 503)"},
    {418, DDORG_ERR_UNEXPECTED_STATUS, "unexpected_status", "(HTTP 418)"},
};

static void check_http_error(const ddorg_error *err, const struct http_case *c) {
    char message[128];
    snprintf(message, sizeof message, "%s: Datadog says %d", c->words, c->http);
    CHECK_STR(ddorg_error_kind_name(err), c->kind);
    CHECK_CONTAINS(ddorg_error_message(err), message);
    CHECK_INT(ddorg_error_http_status(err), c->http);
    CHECK_INT(ddorg_error_errors_len(err), 1);
    snprintf(message, sizeof message, "Datadog says %d", c->http);
    CHECK_STR(ddorg_error_errors_get(err, 0), message);
    CHECK_NULL(ddorg_error_errors_get(err, 1));
    CHECK_INT(ddorg_error_attempts(err), 1);
}

static void every_http_status_on_both_endpoints(ddorg_client *client) {
    char reply[256], what[128];
    for (size_t i = 0; i < sizeof HTTP_CASES / sizeof HTTP_CASES[0]; i++) {
        const struct http_case *c = &HTTP_CASES[i];
        snprintf(what, sizeof what, "HTTP %d is %s (%u) on both endpoints", c->http,
                 ddorg_status_name(c->status), (unsigned)c->status);
        scenario(what);
        fake_reset();
        snprintf(reply, sizeof reply, "{\"status\":%d,\"errors\":[\"Datadog says %d\"],\"repeat\":2}",
                 c->http, c->http);
        fake_enqueue(reply);
        ddorg_error *err = fail_org(client, "abcdef12345", c->status);
        check_http_error(err, c);
        ddorg_error_free(err);
        err = fail_list(client, c->status);
        check_http_error(err, c);
        ddorg_error_free(err);
        CHECK_INT(fake_request_count(), 2);
    }
}

static void error_details(ddorg_client *client) {
    scenario("a 429 carries every errors string, the rate limit and the attempt count");
    fake_reset();
    fake_enqueue("{\"status\":429,\"errors\":[\"Too many requests\",\"slow down\"],"
                 "\"headers\":{\"x-ratelimit-limit\":\"100\",\"x-ratelimit-period\":\"60\","
                 "\"x-ratelimit-remaining\":\"0\",\"x-ratelimit-reset\":\"17\","
                 "\"x-ratelimit-name\":\"org_get\"}}");
    /* A client of its own: having been told the window is spent for 17 s, a client waits for it
     * (or, past its deadline, refuses to send), and the next scenarios need answers now. */
    ddorg_client *limited = test_client(0, 10000);
    ddorg_error *err = fail_org(limited, "abcdef12345", DDORG_ERR_RATE_LIMITED);
    CHECK_STR(ddorg_error_message(err), "rate limited (HTTP 429): Too many requests; slow down");
    CHECK_INT(ddorg_error_errors_len(err), 2);
    CHECK_STR(ddorg_error_errors_get(err, 0), "Too many requests");
    CHECK_STR(ddorg_error_errors_get(err, 1), "slow down");
    ddorg_rate_limit rl;
    CHECK_INT(ddorg_error_rate_limit(err, &rl), 1);
    CHECK_INT(rl.limit, 100);
    CHECK_INT(rl.period, 60);
    CHECK_INT(rl.remaining, 0);
    CHECK_INT(rl.reset, 17);
    CHECK_STR(rl.name, "org_get");
    CHECK_INT(ddorg_error_rate_limit(err, NULL), -1);
    CHECK_INT(ddorg_error_attempts(err), 1);
    ddorg_error_free(err);

    scenario("a client told its window is spent until after its deadline sends nothing");
    err = fail_org(limited, "abcdef12345", DDORG_ERR_RATE_LIMITED);
    CHECK_CONTAINS(ddorg_error_message(err), "not sent: the rate limit of GET");
    CHECK_INT(ddorg_error_http_status(err), 0);
    CHECK_INT(ddorg_error_attempts(err), 0);
    CHECK_INT(ddorg_error_rate_limit(err, &rl), 1);
    CHECK_INT(rl.remaining, 0);
    CHECK_STR(rl.name, "org_get");
    CHECK_INT(fake_request_count(), 1);
    ddorg_error_free(err);
    ddorg_client_free(limited);

    scenario("an error without rate-limit headers reports 0 and -1/NULL fields");
    fake_enqueue("{\"status\":404,\"errors\":[\"Not Found\"]}");
    err = fail_org(client, "missing", DDORG_ERR_NOT_FOUND);
    rl.reset = 3;
    CHECK_INT(ddorg_error_rate_limit(err, &rl), 0);
    CHECK_INT(rl.reset, -1);
    CHECK_NULL(rl.name);
    ddorg_error_free(err);

    scenario("an HTML error page gives a short snippet of it as the errors string");
    fake_enqueue("{\"status\":502,\"content_type\":\"text/html\",\"body\":\"<html><body><h1>502 "
                 "Bad Gateway</h1></body></html>\"}");
    err = fail_org(client, "abcdef12345", DDORG_ERR_SERVER);
    CHECK_INT(ddorg_error_http_status(err), 502);
    CHECK_INT(ddorg_error_errors_len(err), 1);
    CHECK_CONTAINS(ddorg_error_errors_get(err, 0), "502 Bad Gateway");
    ddorg_error_free(err);

    scenario("a NUL byte shows as U+FFFD in an errors string and as \\u{0} in the message");
    fake_enqueue("{\"status\":400,\"json\":{\"errors\":[\"bad\\u0000input\"]}}");
    err = fail_org(client, "abcdef12345", DDORG_ERR_BAD_REQUEST);
    CHECK_STR(ddorg_error_errors_get(err, 0), "bad\xef\xbf\xbdinput");
    CHECK_CONTAINS(ddorg_error_message(err), "bad\\u{0}input");
    ddorg_error_free(err);

    scenario("a redirect is refused, not followed: unexpected status, keys never leave");
    fake_enqueue("{\"status\":302,\"redirect\":\"http://127.0.0.1:1/elsewhere\"}");
    err = fail_org(client, "abcdef12345", DDORG_ERR_UNEXPECTED_STATUS);
    CHECK_INT(ddorg_error_http_status(err), 302);
    CHECK_CONTAINS(ddorg_error_message(err), "redirect");
    ddorg_error_free(err);
}

static void retries_and_attempts(void) {
    scenario("503 twice then 200: success on the third attempt");
    fake_reset();
    ddorg_client *client = test_client(3, 20000);
    fake_enqueue("{\"status\":503,\"errors\":[\"down\"],\"repeat\":2}");
    ddorg_org_response *r = NULL;
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, &err), DDORG_OK);
    CHECK_INT(ddorg_org_response_attempts(r), 3);
    CHECK_STR(ddorg_org_response_name(r), "New child org");
    ddorg_org_response_free(r);
    ddorg_client_free(client);

    scenario("500 every time with max_retries 2: a server error after 3 attempts");
    fake_reset();
    client = test_client(2, 20000);
    fake_enqueue("{\"status\":500,\"errors\":[\"boom\"],\"repeat\":10}");
    err = fail_list(client, DDORG_ERR_SERVER);
    CHECK_INT(ddorg_error_attempts(err), 3);
    CHECK_INT(ddorg_error_http_status(err), 500);
    CHECK_INT(fake_request_count(), 3);
    ddorg_error_free(err);

    scenario("a 429 is retried after x-ratelimit-reset seconds");
    fake_reset();
    fake_enqueue("{\"status\":429,\"errors\":[\"slow\"],\"headers\":{\"x-ratelimit-reset\":\"1\"}}");
    double start = now_ms();
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, &err), DDORG_OK);
    CHECK(now_ms() - start >= 900.0);
    CHECK_INT(ddorg_org_response_attempts(r), 2);
    ddorg_org_response_free(r);
    ddorg_client_free(client);

    scenario("404 is never retried");
    fake_reset();
    client = test_client(3, 20000);
    fake_enqueue("{\"status\":404,\"errors\":[\"Not Found\"],\"repeat\":5}");
    err = fail_org(client, "gone", DDORG_ERR_NOT_FOUND);
    CHECK_INT(ddorg_error_attempts(err), 1);
    CHECK_INT(fake_request_count(), 1);
    ddorg_error_free(err);
    ddorg_client_free(client);
}

static void timeouts(void) {
    scenario("a reply slower than the timeout is a timeout error with no HTTP status");
    fake_reset();
    ddorg_client *client = test_client(0, 300);
    fake_enqueue("{\"delay_ms\":3000,\"json\":{\"org\":{}}}");
    double start = now_ms();
    ddorg_error *err = fail_org(client, "slow", DDORG_ERR_TIMEOUT);
    double took = now_ms() - start;
    CHECK(took >= 250.0);
    CHECK(took < 2900.0);
    CHECK_STR(ddorg_error_kind_name(err), "timeout");
    CHECK_INT(ddorg_error_http_status(err), 0);
    CHECK_INT(ddorg_error_errors_len(err), 0);
    ddorg_error_free(err);
    ddorg_client_free(client);

    scenario("retries stop at the overall timeout");
    fake_reset();
    client = test_client(50, 1500);
    fake_enqueue("{\"status\":503,\"errors\":[\"down\"],\"repeat\":100}");
    start = now_ms();
    {
        ddorg_salesforce_orgs *l = NULL;
        err = NULL;
        ddorg_status st = ddorg_list_salesforce_orgs(client, &l, &err);
        took = now_ms() - start;
        /* The last 503 when the next wait would pass the deadline; a timeout when the deadline
         * passes during an attempt (a slow machine, valgrind). Either way, not 51 attempts. */
        CHECK(st == DDORG_ERR_SERVER || st == DDORG_ERR_TIMEOUT);
        CHECK_NULL(l);
        CHECK(err != NULL);
    }
    /* 50 retries with their backoff would take far longer; the slack is for loaded machines. */
    CHECK(took < 1500.0 + 3500.0);
    CHECK(ddorg_error_attempts(err) >= 2);
    CHECK(ddorg_error_attempts(err) < 51);
    ddorg_error_free(err);
    ddorg_client_free(client);
}

/* A client on a connection of its own: clients that connect the same way share the process's
 * pool, so another user agent is what keeps it from a connection the previous scenario left. */
static ddorg_client *client_on_new_connection(void) {
    static int n;
    char user_agent[64];
    snprintf(user_agent, sizeof user_agent, "ddorg-c-test/new-connection-%d", ++n);
    ddorg_options *opts = test_options();
    CHECK_STATUS(ddorg_options_set_max_retries(opts, 0, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_user_agent(opts, user_agent, NULL), DDORG_OK);
    ddorg_client *client = NULL;
    CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
    ddorg_options_free(opts);
    return client;
}

static void transport_failures(void) {
    scenario("a refused connection is a network error with no HTTP status");
    ddorg_options *opts = test_options();
    CHECK_STATUS(ddorg_options_set_base_url(opts, "http://127.0.0.1:1", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_max_retries(opts, 0, NULL), DDORG_OK);
    ddorg_client *refused = NULL;
    CHECK_STATUS(ddorg_client_new(opts, &refused, NULL), DDORG_OK);
    ddorg_options_free(opts);
    ddorg_error *err = fail_org(refused, "abcdef12345", DDORG_ERR_NETWORK);
    CHECK_STR(ddorg_error_kind_name(err), "network");
    CHECK_INT(ddorg_error_http_status(err), 0);
    CHECK_INT(ddorg_error_attempts(err), 1);
    ddorg_error_free(err);
    ddorg_client_free(refused);

    /* New connections: a connection reused from the pool that closes before answering may be
     * retried once by the HTTP layer, which is right for stale keep-alive connections. */
    scenario("a connection closed before any response is a network error");
    fake_reset();
    ddorg_client *client = client_on_new_connection();
    fake_enqueue("{\"fault\":\"close_without_response\"}");
    err = fail_org(client, "abcdef12345", DDORG_ERR_NETWORK);
    ddorg_error_free(err);
    ddorg_client_free(client);

    scenario("a connection reset in the middle of the body is a network error");
    fake_enqueue("{\"fault\":\"reset_mid_body\",\"json\":{\"org\":{\"name\":\"half of this is "
                 "never sent, so the body cannot be complete\"}}}");
    client = client_on_new_connection();
    err = fail_org(client, "abcdef12345", DDORG_ERR_NETWORK);
    CHECK_INT(ddorg_error_http_status(err), 200);
    ddorg_error_free(err);
    ddorg_client_free(client);
}

static void decode_and_size(ddorg_client *client) {
    scenario("a 200 whose body is not JSON is a decode error that keeps the HTTP status");
    fake_reset();
    fake_enqueue("{\"status\":200,\"body\":\"this is not json\",\"content_type\":\"text/plain\"}");
    ddorg_error *err = fail_org(client, "abcdef12345", DDORG_ERR_DECODE);
    CHECK_STR(ddorg_error_kind_name(err), "decode");
    CHECK_INT(ddorg_error_http_status(err), 200);
    ddorg_error_free(err);

    scenario("a field of the wrong type is a decode error naming its path");
    fake_enqueue("{\"json\":{\"org\":{\"settings\":{\"saml\":{\"enabled\":\"yes\"}}}}}");
    err = fail_org(client, "abcdef12345", DDORG_ERR_DECODE);
    CHECK_CONTAINS(ddorg_error_message(err), "saml");
    ddorg_error_free(err);

    scenario("a body over max_body_size is response-too-large");
    ddorg_options *opts = test_options();
    CHECK_STATUS(ddorg_options_set_max_body_size(opts, 64, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_max_retries(opts, 0, NULL), DDORG_OK);
    ddorg_client *small = NULL;
    CHECK_STATUS(ddorg_client_new(opts, &small, NULL), DDORG_OK);
    ddorg_options_free(opts);
    err = fail_org(small, "abcdef12345", DDORG_ERR_RESPONSE_TOO_LARGE);
    CHECK_STR(ddorg_error_kind_name(err), "response_too_large");
    CHECK_INT(ddorg_error_http_status(err), 200);
    ddorg_error_free(err);
    err = fail_list(small, DDORG_ERR_RESPONSE_TOO_LARGE);
    ddorg_error_free(err);
    ddorg_client_free(small);
}

static void err_pointer_handling(ddorg_client *client) {
    scenario("err may be NULL: the status alone still says what happened");
    fake_reset();
    fake_enqueue("{\"status\":403,\"errors\":[\"Forbidden\"]}");
    ddorg_org_response *r = NULL;
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, NULL), DDORG_ERR_FORBIDDEN);
    CHECK_NULL(r);

    scenario("on success *err is set to NULL");
    int marker = 0;
    ddorg_error *err = (ddorg_error *)&marker;
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, &err), DDORG_OK);
    CHECK_NULL(err);
    ddorg_org_response_free(r);
}

static void status_names(void) {
    scenario("ddorg_status_name names every status, including the panic status 99");
    const struct {
        ddorg_status status;
        unsigned number;
        const char *name;
    } all[] = {
        {DDORG_OK, 0, "DDORG_OK"},
        {DDORG_ERR_CONFIG, 1, "DDORG_ERR_CONFIG"},
        {DDORG_ERR_INVALID_ARGUMENT, 2, "DDORG_ERR_INVALID_ARGUMENT"},
        {DDORG_ERR_BAD_REQUEST, 3, "DDORG_ERR_BAD_REQUEST"},
        {DDORG_ERR_UNAUTHORIZED, 4, "DDORG_ERR_UNAUTHORIZED"},
        {DDORG_ERR_FORBIDDEN, 5, "DDORG_ERR_FORBIDDEN"},
        {DDORG_ERR_NOT_FOUND, 6, "DDORG_ERR_NOT_FOUND"},
        {DDORG_ERR_RATE_LIMITED, 7, "DDORG_ERR_RATE_LIMITED"},
        {DDORG_ERR_SERVER, 8, "DDORG_ERR_SERVER"},
        {DDORG_ERR_UNEXPECTED_STATUS, 9, "DDORG_ERR_UNEXPECTED_STATUS"},
        {DDORG_ERR_TIMEOUT, 10, "DDORG_ERR_TIMEOUT"},
        {DDORG_ERR_NETWORK, 11, "DDORG_ERR_NETWORK"},
        {DDORG_ERR_DECODE, 12, "DDORG_ERR_DECODE"},
        {DDORG_ERR_RESPONSE_TOO_LARGE, 13, "DDORG_ERR_RESPONSE_TOO_LARGE"},
        {DDORG_ERR_TLS, 14, "DDORG_ERR_TLS"},
        {DDORG_ERR_PANIC, 99, "DDORG_ERR_PANIC"},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        CHECK_INT(all[i].status, all[i].number);
        CHECK_STR(ddorg_status_name(all[i].status), all[i].name);
    }
    CHECK_STR(ddorg_status_name(15), "DDORG_UNKNOWN_STATUS");
    CHECK_STR(ddorg_status_name(100), "DDORG_UNKNOWN_STATUS");
    CHECK_STR(ddorg_status_name(UINT32_MAX), "DDORG_UNKNOWN_STATUS");
    CHECK_INT(sizeof(ddorg_status), 4);
}

int main(void) {
    ddorg_client *client = test_client(0, 10000);
    every_http_status_on_both_endpoints(client);
    error_details(client);
    retries_and_attempts();
    timeouts();
    transport_failures();
    decode_and_size(client);
    err_pointer_handling(client);
    status_names();
    ddorg_client_free(client);
    return finish("test_errors");
}
