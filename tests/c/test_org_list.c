/* GET /api/v1/org (the managed organizations) through the C API: the default org, several orgs
 * read through the org getters, an empty or null list, unknown fields, errors, from_json. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ddorg_org_list *list(ddorg_client *client) {
    ddorg_org_list *l = NULL;
    ddorg_error *err = NULL;
    ddorg_status st = ddorg_list_orgs(client, &l, &err);
    if (!CHECK_STATUS(st, DDORG_OK)) {
        fprintf(stderr, "  ddorg_list_orgs: %s\n", ddorg_error_message(err));
    }
    CHECK_NULL(err);
    ddorg_error_free(err);
    return l;
}

static void default_list(ddorg_client *client) {
    scenario("list_orgs returns the key's org, read with the org getters");
    fake_reset();
    ddorg_org_list *l = list(client);
    CHECK(l != NULL);
    CHECK_INT(ddorg_org_list_len(l), 1);
    const ddorg_org_response *org = ddorg_org_list_get(l, 0);
    CHECK(org != NULL);
    CHECK_STR(ddorg_org_response_public_id(org), "abcdef12345");
    CHECK_STR(ddorg_org_response_name(org), "New child org");
    CHECK_STR(ddorg_org_response_saml_autocreate_access_role(org), "ro");
    CHECK_INT(ddorg_org_response_saml_enabled(org), 0);
    CHECK(ddorg_org_list_get(l, 1) == NULL);
    CHECK(ddorg_org_list_get(l, SIZE_MAX) == NULL);
    CHECK_INT(ddorg_org_list_http_status(l), 200);
    CHECK_INT(ddorg_org_list_attempts(l), 1);
    CHECK_INT(ddorg_org_response_http_status(org), 200);

    scenario("a successful list exposes the x-ratelimit-* headers");
    ddorg_rate_limit rl;
    CHECK_INT(ddorg_org_list_rate_limit(l, &rl), 1);
    CHECK_INT(rl.remaining, 999);
    CHECK_STR(rl.name, "org_list");
    ddorg_org_list_free(l);

    char *log = fake_get("/_fake/requests");
    CHECK_CONTAINS(log, "\"path\":\"/api/v1/org\"");
    free(log);
}

static void managed_orgs_in_order(ddorg_client *client) {
    scenario("every managed org, in order; each entry's to_json is {\"org\": ...}");
    fake_reset();
    CHECK_INT(fake_post("/_fake/orgs", "[{\"public_id\":\"parent1\",\"name\":\"Parent\"},"
                                       "{\"public_id\":\"child01\",\"name\":\"Child one\","
                                       "\"description\":null}]"),
              204);
    ddorg_org_list *l = list(client);
    CHECK_INT(ddorg_org_list_len(l), 2);
    CHECK_STR(ddorg_org_response_public_id(ddorg_org_list_get(l, 0)), "parent1");
    const ddorg_org_response *child = ddorg_org_list_get(l, 1);
    CHECK_STR(ddorg_org_response_name(child), "Child one");
    CHECK_NULL(ddorg_org_response_description(child));
    char *json = ddorg_org_response_to_json(child);
    CHECK_CONTAINS(json, "{\"org\":{");
    CHECK_CONTAINS(json, "\"description\":null");
    ddorg_string_free(json);
    ddorg_org_list_free(l);
}

static void empty_null_and_unknown(ddorg_client *client) {
    scenario("an empty or null list has length 0; to_json keeps nulls and unknown fields");
    fake_reset();
    fake_enqueue("{\"json\":{\"orgs\":null,\"paging\":{\"next\":null}}}");
    ddorg_org_list *l = list(client);
    CHECK_INT(ddorg_org_list_len(l), 0);
    CHECK(ddorg_org_list_get(l, 0) == NULL);
    char *json = ddorg_org_list_to_json(l);
    CHECK_STR(json, "{\"orgs\":null,\"paging\":{\"next\":null}}");
    ddorg_string_free(json);
    ddorg_org_list_free(l);
}

static void errors(ddorg_client *client) {
    scenario("a 403 is DDORG_ERR_FORBIDDEN and the out-pointer is NULL");
    fake_reset();
    fake_enqueue("{\"status\":403,\"errors\":[\"Forbidden\"]}");
    ddorg_org_list *l = (ddorg_org_list *)&l;
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_list_orgs(client, &l, &err), DDORG_ERR_FORBIDDEN);
    CHECK_NULL(l);
    CHECK_INT(ddorg_error_http_status(err), 403);
    ddorg_error_free(err);

    scenario("a null entry is a decode error naming it");
    fake_enqueue("{\"json\":{\"orgs\":[{},null]}}");
    err = NULL;
    CHECK_STATUS(ddorg_list_orgs(client, &l, NULL), DDORG_ERR_DECODE);
    fake_enqueue("{\"json\":{\"orgs\":[{},null]}}");
    CHECK_STATUS(ddorg_list_orgs(client, &l, &err), DDORG_ERR_DECODE);
    CHECK_CONTAINS(ddorg_error_message(err), "orgs[1]");
    ddorg_error_free(err);
}

static void from_json_decodes_like_a_response(void) {
    scenario("ddorg_org_list_from_json: the core's decoder, with no HTTP details");
    ddorg_org_list *l = NULL;
    CHECK_STATUS(ddorg_org_list_from_json("{\"orgs\":[{\"public_id\":\"x1\"}],\"extra\":1}", &l,
                                          NULL),
                 DDORG_OK);
    CHECK_INT(ddorg_org_list_len(l), 1);
    CHECK_STR(ddorg_org_response_public_id(ddorg_org_list_get(l, 0)), "x1");
    CHECK_INT(ddorg_org_list_http_status(l), 0);
    CHECK_INT(ddorg_org_list_attempts(l), 0);
    ddorg_rate_limit rl;
    CHECK_INT(ddorg_org_list_rate_limit(l, &rl), 0);
    char *json = ddorg_org_list_to_json(l);
    CHECK_CONTAINS(json, "\"extra\":1");
    ddorg_string_free(json);
    ddorg_org_list_free(l);

    ddorg_error *err = NULL;
    l = (ddorg_org_list *)1;
    CHECK_STATUS(ddorg_org_list_from_json("{\"orgs\":{}}", &l, &err), DDORG_ERR_DECODE);
    CHECK_NULL(l);
    CHECK_CONTAINS(ddorg_error_message(err), "orgs");
    ddorg_error_free(err);
    CHECK_STATUS(ddorg_org_list_from_json(NULL, &l, NULL), DDORG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    from_json_decodes_like_a_response();
    ddorg_client *client = test_client(0, 10000);
    default_list(client);
    managed_orgs_in_order(client);
    empty_null_and_unknown(client);
    errors(client);
    ddorg_client_free(client);
    return finish("test_org_list");
}
