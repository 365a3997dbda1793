/* GET /api/v2/integration/salesforce-incidents/organizations through the C API: every field,
 * several entries, missing attributes, out-of-range indexes, unknown fields, decode errors. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ddorg_salesforce_orgs *list(ddorg_client *client) {
    ddorg_salesforce_orgs *l = NULL;
    ddorg_error *err = NULL;
    ddorg_status st = ddorg_list_salesforce_orgs(client, &l, &err);
    if (!CHECK_STATUS(st, DDORG_OK)) {
        fprintf(stderr, "  ddorg_list_salesforce_orgs: %s\n", ddorg_error_message(err));
    }
    CHECK_NULL(err);
    ddorg_error_free(err);
    return l;
}

static void check_out_of_range(const ddorg_salesforce_orgs *l, size_t i) {
    CHECK_NULL(ddorg_salesforce_orgs_id(l, i));
    CHECK_NULL(ddorg_salesforce_orgs_type(l, i));
    CHECK_NULL(ddorg_salesforce_orgs_name(l, i));
    CHECK_NULL(ddorg_salesforce_orgs_instance_url(l, i));
    CHECK_NULL(ddorg_salesforce_orgs_sfdc_org_id(l, i));
    CHECK_NULL(ddorg_salesforce_orgs_sfdc_org_type(l, i));
}

static void example_list(ddorg_client *client) {
    scenario("list_salesforce_orgs returns every field of Datadog's example");
    fake_reset();
    ddorg_salesforce_orgs *l = list(client);
    CHECK(l != NULL);
    CHECK_INT(ddorg_salesforce_orgs_len(l), 1);
    CHECK_STR(ddorg_salesforce_orgs_id(l, 0), "596da4af-0563-4097-90ff-07230c3f9db3");
    CHECK_STR(ddorg_salesforce_orgs_type(l, 0), "salesforce-incidents-org");
    CHECK_STR(ddorg_salesforce_orgs_name(l, 0), "Acme Production Org");
    CHECK_STR(ddorg_salesforce_orgs_instance_url(l, 0), "https://acme.my.salesforce.com");
    CHECK_STR(ddorg_salesforce_orgs_sfdc_org_id(l, 0), "00D000000000000");
    CHECK_STR(ddorg_salesforce_orgs_sfdc_org_type(l, 0), "Production");
    CHECK_INT(ddorg_salesforce_orgs_http_status(l), 200);
    CHECK_INT(ddorg_salesforce_orgs_attempts(l), 1);
    check_out_of_range(l, 1);
    check_out_of_range(l, SIZE_MAX);

    scenario("a successful list exposes the x-ratelimit-* headers");
    ddorg_rate_limit rl;
    CHECK_INT(ddorg_salesforce_orgs_rate_limit(l, &rl), 1);
    CHECK_INT(rl.limit, 1000);
    CHECK_INT(rl.period, 60);
    CHECK_INT(rl.remaining, 999);
    CHECK_INT(rl.reset, 42);
    CHECK_STR(rl.name, "salesforce_orgs");
    CHECK_INT(ddorg_salesforce_orgs_rate_limit(l, NULL), -1);
    ddorg_salesforce_orgs_free(l);

    char *log = fake_get("/_fake/requests");
    CHECK_CONTAINS(log, "\"path\":\"/api/v2/integration/salesforce-incidents/organizations\"");
    CHECK_CONTAINS(log, "\"method\":\"GET\"");
    free(log);
}

static void several_entries_some_attributes_missing(ddorg_client *client) {
    scenario("several entries, in order, with missing attributes read as NULL");
    fake_reset();
    CHECK_INT(fake_post("/_fake/salesforce",
                        "{\"json\":{\"data\":["
                        "{\"id\":\"one\",\"type\":\"salesforce-incidents-org\",\"attributes\":{"
                        "\"name\":\"First\",\"instance_url\":\"https://one.my.salesforce.com\","
                        "\"sfdc_org_id\":\"00D000000000001AAA\",\"sfdc_org_type\":\"Sandbox\"}},"
                        "{\"id\":\"two\",\"type\":\"salesforce-incidents-org\",\"attributes\":{}},"
                        "{\"id\":\"three\",\"type\":\"salesforce-incidents-org\",\"attributes\":{"
                        "\"name\":\"Third\",\"sfdc_org_type\":null}}]}}"),
              204);
    ddorg_salesforce_orgs *l = list(client);
    CHECK_INT(ddorg_salesforce_orgs_len(l), 3);
    CHECK_STR(ddorg_salesforce_orgs_id(l, 0), "one");
    CHECK_STR(ddorg_salesforce_orgs_name(l, 0), "First");
    CHECK_STR(ddorg_salesforce_orgs_sfdc_org_id(l, 0), "00D000000000001AAA");
    CHECK_STR(ddorg_salesforce_orgs_sfdc_org_type(l, 0), "Sandbox");
    CHECK_STR(ddorg_salesforce_orgs_id(l, 1), "two");
    CHECK_STR(ddorg_salesforce_orgs_type(l, 1), "salesforce-incidents-org");
    CHECK_NULL(ddorg_salesforce_orgs_name(l, 1));
    CHECK_NULL(ddorg_salesforce_orgs_instance_url(l, 1));
    CHECK_NULL(ddorg_salesforce_orgs_sfdc_org_id(l, 1));
    CHECK_NULL(ddorg_salesforce_orgs_sfdc_org_type(l, 1));
    CHECK_STR(ddorg_salesforce_orgs_id(l, 2), "three");
    CHECK_STR(ddorg_salesforce_orgs_name(l, 2), "Third");
    CHECK_NULL(ddorg_salesforce_orgs_sfdc_org_type(l, 2));
    check_out_of_range(l, 3);
    /* No rate-limit headers on this scripted reply. */
    ddorg_rate_limit rl;
    CHECK_INT(ddorg_salesforce_orgs_rate_limit(l, &rl), 0);
    CHECK_INT(rl.remaining, -1);
    CHECK_NULL(rl.name);
    ddorg_salesforce_orgs_free(l);
}

static void empty_list(ddorg_client *client) {
    scenario("no connected organization: length 0, every index out of range");
    fake_reset();
    fake_enqueue("{\"json\":{\"data\":[]}}");
    ddorg_salesforce_orgs *l = list(client);
    CHECK(l != NULL);
    CHECK_INT(ddorg_salesforce_orgs_len(l), 0);
    check_out_of_range(l, 0);
    char *json = ddorg_salesforce_orgs_to_json(l);
    CHECK_STR(json, "{\"data\":[]}");
    ddorg_string_free(json);
    ddorg_salesforce_orgs_free(l);
}

static void unknown_fields_and_values(ddorg_client *client) {
    scenario("to_json keeps unknown fields at every level; an unknown type is kept as sent");
    fake_reset();
    fake_enqueue("{\"json\":{\"data\":[{\"id\":\"x\",\"type\":\"salesforce-incidents-org-v2\","
                 "\"attributes\":{\"name\":\"X\",\"region\":\"eu\"},"
                 "\"relationships\":{\"owner\":{\"id\":\"u1\"}}}],\"meta\":{\"total\":1}}}");
    ddorg_salesforce_orgs *l = list(client);
    CHECK_STR(ddorg_salesforce_orgs_type(l, 0), "salesforce-incidents-org-v2");
    char *json = ddorg_salesforce_orgs_to_json(l);
    CHECK_CONTAINS(json, "\"region\":\"eu\"");
    CHECK_CONTAINS(json, "\"relationships\":{\"owner\":{\"id\":\"u1\"}}");
    CHECK_CONTAINS(json, "\"meta\":{\"total\":1}");
    CHECK_CONTAINS(json, "\"type\":\"salesforce-incidents-org-v2\"");
    CHECK_CONTAINS(json, "\"name\":\"X\"");
    ddorg_string_free(json);
    ddorg_salesforce_orgs_free(l);

    scenario("an entry id holding a NUL byte reads as NULL; to_json keeps it");
    fake_enqueue("{\"json\":{\"data\":[{\"id\":\"a\\u0000b\",\"type\":\"salesforce-incidents-org\","
                 "\"attributes\":{\"name\":\"N\"}}]}}");
    l = list(client);
    CHECK_NULL(ddorg_salesforce_orgs_id(l, 0));
    CHECK_STR(ddorg_salesforce_orgs_name(l, 0), "N");
    json = ddorg_salesforce_orgs_to_json(l);
    CHECK_CONTAINS(json, "\"id\":\"a\\u0000b\"");
    ddorg_string_free(json);
    ddorg_salesforce_orgs_free(l);
}

static void decode_errors(ddorg_client *client) {
    scenario("a body without the required data array is a decode error naming the field");
    fake_reset();
    fake_enqueue("{\"json\":{\"items\":[]}}");
    ddorg_salesforce_orgs *l = (ddorg_salesforce_orgs *)&l; /* must be reset to NULL */
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_list_salesforce_orgs(client, &l, &err), DDORG_ERR_DECODE);
    CHECK_NULL(l);
    CHECK_STATUS(ddorg_error_status(err), DDORG_ERR_DECODE);
    CHECK_STR(ddorg_error_kind_name(err), "decode");
    CHECK_CONTAINS(ddorg_error_message(err), "data");
    CHECK_INT(ddorg_error_http_status(err), 200);
    ddorg_error_free(err);

    scenario("an entry without its required id is a decode error");
    fake_enqueue("{\"json\":{\"data\":[{\"type\":\"salesforce-incidents-org\","
                 "\"attributes\":{}}]}}");
    CHECK_STATUS(ddorg_list_salesforce_orgs(client, &l, &err), DDORG_ERR_DECODE);
    CHECK_CONTAINS(ddorg_error_message(err), "id");
    ddorg_error_free(err);
}

static void from_json_decodes_like_a_response(void) {
    scenario("ddorg_salesforce_orgs_from_json: the core's decoder, with no HTTP details");
    ddorg_salesforce_orgs *l = NULL;
    CHECK_STATUS(ddorg_salesforce_orgs_from_json(
                     "{\"data\":[{\"id\":\"x1\",\"type\":\"salesforce-incidents-org\","
                     "\"attributes\":{\"name\":\"Acme\"}}],\"extra\":1}",
                     &l, NULL),
                 DDORG_OK);
    CHECK_INT(ddorg_salesforce_orgs_len(l), 1);
    CHECK_STR(ddorg_salesforce_orgs_id(l, 0), "x1");
    CHECK_STR(ddorg_salesforce_orgs_name(l, 0), "Acme");
    CHECK_INT(ddorg_salesforce_orgs_http_status(l), 0);
    CHECK_INT(ddorg_salesforce_orgs_attempts(l), 0);
    char *json = ddorg_salesforce_orgs_to_json(l);
    CHECK_CONTAINS(json, "\"extra\":1");
    ddorg_string_free(json);
    ddorg_salesforce_orgs_free(l);

    scenario("a missing required field is DDORG_ERR_DECODE naming its JSON path");
    ddorg_error *err = NULL;
    l = (ddorg_salesforce_orgs *)1;
    CHECK_STATUS(ddorg_salesforce_orgs_from_json("{\"data\":[{}]}", &l, &err), DDORG_ERR_DECODE);
    CHECK_NULL(l);
    CHECK_CONTAINS(ddorg_error_message(err), "data[0]");
    ddorg_error_free(err);
    CHECK_STATUS(ddorg_salesforce_orgs_from_json(NULL, &l, NULL), DDORG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    from_json_decodes_like_a_response();
    ddorg_client *client = test_client(0, 10000);
    example_list(client);
    several_entries_some_attributes_missing(client);
    empty_list(client);
    unknown_fields_and_values(client);
    decode_errors(client);
    ddorg_client_free(client);
    return finish("test_salesforce");
}
