/* A multi-threaded caller: 8 threads share one client (both endpoints, successes and errors at
 * once), then 8 threads read one response and one error handle concurrently. */
#include "support.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define ROUNDS 10

struct worker {
    const ddorg_client *client;
    int index;
    int failures; /* counted here, checked by the main thread: CHECK is not thread-safe */
};

static void *work(void *arg) {
    struct worker *w = arg;
    char id[32], want[32];
    snprintf(id, sizeof id, "org-%d", w->index);
    snprintf(want, sizeof want, "Org number %d", w->index);
    for (int round = 0; round < ROUNDS; round++) {
        ddorg_org_response *r = NULL;
        ddorg_error *err = NULL;
        if (ddorg_get_org(w->client, id, &r, &err) != DDORG_OK ||
            strcmp(ddorg_org_response_name(r) ? ddorg_org_response_name(r) : "", want) != 0) {
            fprintf(stderr, "thread %d: get_org(%s): %s\n", w->index, id,
                    err ? ddorg_error_message(err) : "wrong name");
            w->failures++;
        }
        ddorg_org_response_free(r);
        ddorg_error_free(err);

        ddorg_salesforce_orgs *l = NULL;
        if (ddorg_list_salesforce_orgs(w->client, &l, NULL) != DDORG_OK ||
            ddorg_salesforce_orgs_len(l) != 1 ||
            strcmp(ddorg_salesforce_orgs_name(l, 0), "Acme Production Org") != 0) {
            w->failures++;
        }
        ddorg_salesforce_orgs_free(l);

        err = NULL;
        if (ddorg_get_org(w->client, "missing", &r, &err) != DDORG_ERR_NOT_FOUND ||
            ddorg_error_http_status(err) != 404 || r != NULL) {
            w->failures++;
        }
        ddorg_error_free(err);
    }
    return NULL;
}

static void shared_client(void) {
    scenario("8 threads share one client: both endpoints and errors, every answer right");
    fake_reset();
    for (int i = 0; i < THREADS; i++) {
        char path[64], reply[128];
        snprintf(path, sizeof path, "/_fake/org/org-%d", i);
        snprintf(reply, sizeof reply, "{\"json\":{\"org\":{\"name\":\"Org number %d\"}}}", i);
        CHECK_INT(fake_post(path, reply), 204);
    }
    CHECK_INT(fake_post("/_fake/org/missing", "{\"status\":404,\"errors\":[\"Not Found\"]}"), 204);
    ddorg_client *client = test_client(0, 30000);
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i].client = client;
        workers[i].index = i;
        workers[i].failures = 0;
        CHECK_INT(pthread_create(&threads[i], NULL, work, &workers[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK_INT(pthread_join(threads[i], NULL), 0);
        CHECK_INT(workers[i].failures, 0);
    }
    CHECK_INT(fake_request_count(), THREADS * ROUNDS * 3);
    ddorg_client_free(client);
}

struct reader {
    const ddorg_org_response *response;
    const ddorg_error *error;
    int failures;
};

static void *read_handles(void *arg) {
    struct reader *rd = arg;
    for (int i = 0; i < 200; i++) {
        const char *name = ddorg_org_response_name(rd->response);
        char *json = ddorg_org_response_to_json(rd->response);
        ddorg_rate_limit rl;
        if (name == NULL || strcmp(name, "New child org") != 0 || json == NULL ||
            strstr(json, "New child org") == NULL ||
            ddorg_org_response_rate_limit(rd->response, &rl) != 1 || rl.remaining != 999 ||
            ddorg_error_status(rd->error) != DDORG_ERR_SERVER ||
            strcmp(ddorg_error_errors_get(rd->error, 0), "down") != 0) {
            rd->failures++;
        }
        ddorg_string_free(json);
    }
    return NULL;
}

static void shared_handles(void) {
    scenario("8 threads read one response and one error handle at the same time");
    fake_reset();
    ddorg_client *client = test_client(0, 30000);
    ddorg_org_response *r = NULL;
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, NULL), DDORG_OK);
    fake_enqueue("{\"status\":503,\"errors\":[\"down\"]}");
    ddorg_error *err = NULL;
    ddorg_org_response *none = NULL;
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &none, &err), DDORG_ERR_SERVER);
    pthread_t threads[THREADS];
    struct reader readers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        readers[i].response = r;
        readers[i].error = err;
        readers[i].failures = 0;
        CHECK_INT(pthread_create(&threads[i], NULL, read_handles, &readers[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK_INT(pthread_join(threads[i], NULL), 0);
        CHECK_INT(readers[i].failures, 0);
    }
    ddorg_error_free(err);
    ddorg_org_response_free(r);
    ddorg_client_free(client);
}

int main(void) {
    shared_client();
    shared_handles();
    return finish("test_threads");
}
