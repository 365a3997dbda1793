/* A user's program against the installed C library (scripts/test-dist builds it with CMake and
 * with pkg-config, dynamically and statically linked): the header's version is the library's,
 * and one call to the fake Datadog named by DDORG_BASE_URL succeeds. */
#include <ddorg.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *public_id = argc > 1 ? argv[1] : "abcdef12345";
    if (strcmp(ddorg_version(), DDORG_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s, library %s\n", DDORG_VERSION_STRING, ddorg_version());
        return 1;
    }
    ddorg_client *client = NULL;
    ddorg_error *err = NULL;
    if (ddorg_client_new(NULL, &client, &err) != DDORG_OK) {
        fprintf(stderr, "client: %s\n", ddorg_error_message(err));
        ddorg_error_free(err);
        return 1;
    }
    ddorg_org_response *org = NULL;
    if (ddorg_get_org(client, public_id, &org, &err) != DDORG_OK) {
        fprintf(stderr, "get_org: %s\n", ddorg_error_message(err));
        ddorg_error_free(err);
        ddorg_client_free(client);
        return 1;
    }
    printf("ddorg %s: organization %s\n", ddorg_version(), ddorg_org_response_name(org));
    ddorg_org_response_free(org);
    ddorg_client_free(client);
    return 0;
}
