/* fork() with a client in use: parent and child each get the answers to their own requests,
 * and the child freeing its inherited copy leaves the parent's connections working. The fake
 * answers each id with an org naming that id, so an answer read by the wrong process is seen. */
#include "support.h"

#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define IDS_PER_SIDE 8
#define CALLS 500
#define ROUNDS 3

static void register_ids(const char *prefix) {
    for (int i = 0; i < IDS_PER_SIDE; i++) {
        char path[96], reply[192];
        snprintf(path, sizeof path, "/_fake/org/%s-%d", prefix, i);
        snprintf(reply, sizeof reply, "{\"json\":{\"org\":{\"public_id\":\"%s-%d\"}}}", prefix, i);
        CHECK_INT(fake_post(path, reply), 204);
    }
}

/* Makes `calls` calls for this side's ids; returns how many failed or got another id's answer.
 * Prints the first few problems. */
static int call_many(const ddorg_client *client, const char *prefix, int calls) {
    int problems = 0;
    for (int i = 0; i < calls; i++) {
        char want[64];
        snprintf(want, sizeof want, "%s-%d", prefix, i % IDS_PER_SIDE);
        ddorg_org_response *r = NULL;
        ddorg_error *err = NULL;
        ddorg_status st = ddorg_get_org(client, want, &r, &err);
        const char *got = st == DDORG_OK ? ddorg_org_response_public_id(r) : NULL;
        if (st != DDORG_OK || got == NULL || strcmp(got, want) != 0) {
            if (problems++ < 5) {
                fprintf(stderr, "  [pid %d] asked %s: %s %s\n", (int)getpid(), want,
                        st == DDORG_OK ? "got" : "error",
                        st == DDORG_OK ? (got ? got : "(null)") : ddorg_error_message(err));
            }
        }
        ddorg_org_response_free(r);
        ddorg_error_free(err);
    }
    return problems;
}

static void parent_and_child_each_get_their_own_answers(void) {
    scenario("3 rounds of fork(): parent and child each make 500 calls on the inherited client, "
             "every answer is their own; the child frees its copy, the parent carries on");
    fake_reset();
    register_ids("parent");
    register_ids("child");
    ddorg_client *client = test_client(0, 30000);
    CHECK_INT(call_many(client, "parent", 10), 0); /* pooled connections exist before the fork */
    for (int round = 0; round < ROUNDS; round++) {
        fflush(NULL);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            int problems = call_many(client, "child", CALLS);
            ddorg_client_free(client);
            _exit(problems == 0 ? 0 : 1);
        }
        CHECK_INT(call_many(client, "parent", CALLS), 0);
        int status = 0;
        CHECK_INT(waitpid(pid, &status, 0), pid);
        CHECK(WIFEXITED(status));
        CHECK_INT(WEXITSTATUS(status), 0);
    }
    /* The children have freed their copies: the parent's pool still answers. */
    CHECK_INT(call_many(client, "parent", 50), 0);
    ddorg_client_free(client);
}

int main(void) {
    parent_and_child_each_get_their_own_answers();
    return finish("test_fork");
}
