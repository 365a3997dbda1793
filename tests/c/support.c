/* Test support: see support.h. */
#include "support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int checks;
static int failures;
static int scenarios;

void scenario(const char *what) {
    scenarios++;
    printf("-- %s\n", what);
    fflush(stdout);
}

static int fail(const char *file, int line) {
    failures++;
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    return 0;
}

int check_true(int ok, const char *what, const char *file, int line) {
    checks++;
    if (ok) {
        return 1;
    }
    fail(file, line);
    fprintf(stderr, "%s\n", what);
    return 0;
}

int check_int(long long actual, long long expected, const char *what, const char *file,
              int line) {
    checks++;
    if (actual == expected) {
        return 1;
    }
    fail(file, line);
    fprintf(stderr, "%s is %lld, expected %lld\n", what, actual, expected);
    return 0;
}

int check_status(ddorg_status actual, ddorg_status expected, const char *what, const char *file,
                 int line) {
    checks++;
    if (actual == expected) {
        return 1;
    }
    fail(file, line);
    fprintf(stderr, "%s is %s (%u), expected %s (%u)\n", what, ddorg_status_name(actual),
            (unsigned)actual, ddorg_status_name(expected), (unsigned)expected);
    return 0;
}

int check_str(const char *actual, const char *expected, const char *what, const char *file,
              int line) {
    checks++;
    if (actual != NULL && expected != NULL && strcmp(actual, expected) == 0) {
        return 1;
    }
    if (actual == NULL && expected == NULL) {
        return 1;
    }
    fail(file, line);
    fprintf(stderr, "%s is %s%s%s, expected %s%s%s\n", what, actual ? "\"" : "",
            actual ? actual : "NULL", actual ? "\"" : "", expected ? "\"" : "",
            expected ? expected : "NULL", expected ? "\"" : "");
    return 0;
}

int check_contains(const char *haystack, const char *needle, int want, const char *what,
                   const char *file, int line) {
    checks++;
    int has = haystack != NULL && strstr(haystack, needle) != NULL;
    if (haystack != NULL && has == want) {
        return 1;
    }
    fail(file, line);
    fprintf(stderr, "%s (%s%s%s) %s \"%s\"\n", what, haystack ? "\"" : "",
            haystack ? haystack : "NULL", haystack ? "\"" : "",
            want ? "does not contain" : "contains", needle);
    return 0;
}

int finish(const char *program) {
    printf("%s: %d scenarios, %d checks, %d failed\n", program, scenarios, checks, failures);
    fflush(stdout);
    return failures == 0 && checks > 0 ? 0 : 1;
}

const char *fake_url(void) {
    const char *url = getenv("DDORG_FAKE_URL");
    if (url == NULL || strncmp(url, "http://127.0.0.1:", 17) != 0) {
        fprintf(stderr, "set DDORG_FAKE_URL to a running ddorg-fake, e.g. http://127.0.0.1:PORT "
                        "(scripts/test-c does)\n");
        exit(2);
    }
    return url;
}

static int fake_port(void) {
    return atoi(fake_url() + strlen("http://127.0.0.1:"));
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One request on a fresh connection (`connection: close`); returns the status and, if `body`
 * is not NULL, the response body in *body (malloc'd). */
static int http(const char *method, const char *path, const char *json, char **body) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)fake_port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    size_t body_len = json ? strlen(json) : 0;
    char head[512];
    int head_len = snprintf(head, sizeof head,
                            "%s %s HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n"
                            "content-type: application/json\r\ncontent-length: %zu\r\n\r\n",
                            method, path, body_len);
    if (head_len < 0 || (size_t)head_len >= sizeof head || write_all(fd, head, (size_t)head_len) ||
        (json && write_all(fd, json, body_len))) {
        close(fd);
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            close(fd);
            return -1;
        }
        if (len + 1024 > cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                close(fd);
                return -1;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    int status = -1;
    if (sscanf(buf, "HTTP/1.1 %d", &status) != 1) {
        status = -1;
    }
    if (body != NULL) {
        const char *start = strstr(buf, "\r\n\r\n");
        *body = strdup(start ? start + 4 : "");
    }
    free(buf);
    return status;
}

int fake_post(const char *path, const char *json) {
    return http("POST", path, json, NULL);
}

char *fake_post_json(const char *path, const char *json) {
    char *body = NULL;
    int status = http("POST", path, json, &body);
    if (status != 200) {
        free(body);
        return NULL;
    }
    return body;
}

char *fake_get(const char *path) {
    char *body = NULL;
    int status = http("GET", path, NULL, &body);
    if (status != 200) {
        free(body);
        return NULL;
    }
    return body;
}

void fake_reset(void) {
    CHECK_INT(fake_post("/_fake/reset", ""), 204);
}

void fake_enqueue(const char *reply_json) {
    CHECK_INT(fake_post("/_fake/enqueue", reply_json), 204);
}

long fake_stat(const char *field) {
    char *stats = fake_get("/_fake/stats");
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\":", field);
    long n = -1;
    const char *at = stats ? strstr(stats, quoted) : NULL;
    if (at != NULL) {
        n = strtol(at + strlen(quoted), NULL, 10);
    }
    free(stats);
    return n;
}

long fake_request_count(void) {
    return fake_stat("requests");
}

int fake_tls_listener(char *url, size_t url_size, char *ca_file, size_t ca_size) {
    char *reply = fake_post_json("/_fake/listen", "{\"tls\":\"valid\"}");
    const char *at = reply ? strstr(reply, "\"url\":\"") : NULL;
    const char *end = at ? strchr(at + 7, '"') : NULL;
    int ok = end != NULL && (size_t)(end - at - 7) < url_size;
    if (ok) snprintf(url, url_size, "%.*s", (int)(end - at - 7), at + 7);
    free(reply);
    char *pem = ok ? fake_get("/_fake/ca") : NULL;
    const char *dir = getenv("TMPDIR");
    snprintf(ca_file, ca_size, "%s/ddorg-test-ca-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = pem ? mkstemp(ca_file) : -1;
    ok = fd >= 0 && write(fd, pem, strlen(pem)) == (ssize_t)strlen(pem);
    if (fd >= 0) close(fd);
    free(pem);
    return ok;
}

ddorg_options *test_options(void) {
    ddorg_options *opts = ddorg_options_new();
    CHECK(opts != NULL);
    CHECK_STATUS(ddorg_options_set_api_key(opts, TEST_API_KEY, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_app_key(opts, TEST_APP_KEY, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_base_url(opts, fake_url(), NULL), DDORG_OK);
    return opts;
}

ddorg_client *test_client(uint32_t max_retries, uint64_t timeout_ms) {
    ddorg_options *opts = test_options();
    CHECK_STATUS(ddorg_options_set_max_retries(opts, max_retries, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_timeout_ms(opts, timeout_ms, NULL), DDORG_OK);
    ddorg_client *client = NULL;
    ddorg_error *err = NULL;
    ddorg_status st = ddorg_client_new(opts, &client, &err);
    ddorg_options_free(opts);
    if (!CHECK_STATUS(st, DDORG_OK)) {
        fprintf(stderr, "  ddorg_client_new: %s\n", ddorg_error_message(err));
        ddorg_error_free(err);
        exit(1);
    }
    return client;
}

double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
