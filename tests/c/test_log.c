/* ddorg_set_log_callback: the core's log events (attempts, statuses, retry decisions) reach a C
 * callback at the levels asked for, and no event ever holds a key. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EVENTS 256

struct events {
    int count;
    int levels[MAX_EVENTS];
    char *messages[MAX_EVENTS];
};

static void collect(int level, const char *message, void *user_data) {
    struct events *ev = user_data;
    if (ev->count < MAX_EVENTS) {
        ev->levels[ev->count] = level;
        ev->messages[ev->count] = strdup(message);
        ev->count++;
    }
}

static void clear(struct events *ev) {
    for (int i = 0; i < ev->count; i++) free(ev->messages[i]);
    ev->count = 0;
}

static int any_contains(const struct events *ev, const char *needle, int level) {
    for (int i = 0; i < ev->count; i++)
        if (strstr(ev->messages[i], needle) != NULL && (level == 0 || ev->levels[i] == level))
            return 1;
    return 0;
}

static void run_calls(ddorg_client *client) {
    static const char *replies[] = {
        "{\"status\":503,\"errors\":[\"down\"]}",
        "{\"status\":404,\"errors\":[\"Not Found\"]}",
        "{\"status\":429,\"errors\":[\"slow\"],\"headers\":{\"x-ratelimit-reset\":\"0\"},\"repeat\":2}",
        "{\"body\":\"<html>no</html>\",\"content_type\":\"text/html\"}",
    };
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        fake_enqueue(replies[i]);
        ddorg_org_response *r = NULL;
        ddorg_get_org(client, "abcdef12345", &r, NULL);
        ddorg_org_response_free(r);
    }
}

int main(void) {
    struct events ev = {0};

    scenario("a level outside 0..5 is an invalid argument");
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_set_log_callback(collect, 6, &ev, &err), DDORG_ERR_INVALID_ARGUMENT);
    CHECK(err != NULL);
    ddorg_error_free(err);
    CHECK_STATUS(ddorg_set_log_callback(collect, -1, &ev, NULL), DDORG_ERR_INVALID_ARGUMENT);

    fake_reset();
    ddorg_client *client = test_client(1, 5000);

    scenario("at trace level: attempts (debug) and retry decisions (info) arrive, with no key");
    CHECK_STATUS(ddorg_set_log_callback(collect, 5, &ev, NULL), DDORG_OK);
    run_calls(client);
    CHECK(ev.count > 0);
    CHECK(any_contains(&ev, "GET /api/v1/org/abcdef12345: attempt 1", 4));
    CHECK(any_contains(&ev, "retrying after server", 3));
    CHECK(any_contains(&ev, "HTTP 200", 4));
    CHECK(any_contains(&ev, "not_found", 0) || any_contains(&ev, "HTTP 404", 0));
    for (int i = 0; i < ev.count; i++) {
        CHECK_NOT_CONTAINS(ev.messages[i], TEST_API_KEY);
        CHECK_NOT_CONTAINS(ev.messages[i], TEST_APP_KEY);
    }
    clear(&ev);

    scenario("server text with terminal escapes and CR/LF reaches the callback as one escaped line");
    CHECK_STATUS(ddorg_set_log_callback(collect, 5, &ev, NULL), DDORG_OK);
    fake_enqueue("{\"status\":503,\"errors\":[\"\\u001b]0;pwned\\u0007\\u001b[2Jx\\r\\nddorg: success\"]"
                 ",\"repeat\":2}");
    {
        ddorg_org_response *r = NULL;
        ddorg_error *e = NULL;
        CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, &e), DDORG_ERR_SERVER);
        CHECK_CONTAINS(ddorg_error_message(e), "\\u{1b}]0;pwned\\u{7}\\u{1b}[2Jx\\u{d}\\u{a}ddorg");
        CHECK(strpbrk(ddorg_error_message(e), "\x1b\r\n\a") == NULL);
        /* The data keeps the text exactly. */
        CHECK_STR(ddorg_error_errors_get(e, 0), "\x1b]0;pwned\a\x1b[2Jx\r\nddorg: success");
        ddorg_error_free(e);
    }
    CHECK(any_contains(&ev, "\\u{1b}]0;pwned", 0));
    for (int i = 0; i < ev.count; i++) CHECK(strpbrk(ev.messages[i], "\x1b\r\n\a") == NULL);
    clear(&ev);

    scenario("at info level: retry decisions only, no per-attempt debug events");
    CHECK_STATUS(ddorg_set_log_callback(collect, 3, &ev, NULL), DDORG_OK);
    run_calls(client);
    CHECK(any_contains(&ev, "retrying", 3));
    for (int i = 0; i < ev.count; i++) CHECK(ev.levels[i] <= 3);
    clear(&ev);

    scenario("a NULL callback, or level 0, stops the events");
    CHECK_STATUS(ddorg_set_log_callback(NULL, 5, NULL, NULL), DDORG_OK);
    run_calls(client);
    CHECK_INT(ev.count, 0);
    CHECK_STATUS(ddorg_set_log_callback(collect, 0, &ev, NULL), DDORG_OK);
    run_calls(client);
    CHECK_INT(ev.count, 0);

    ddorg_client_free(client);
    clear(&ev);
    return finish("test_log");
}
