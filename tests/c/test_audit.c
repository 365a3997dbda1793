/* Posture audits through the C API: one org, the orgs a key manages, a fleet file, the policy as TOML text, the report's
 * accessors and renderings, drift against a baseline, errors, NULLs, and keys never in a report. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WIDE_OPEN                                                                              \
    "{\"json\":{\"org\":{\"public_id\":\"abc\",\"settings\":{\"private_widget_share\":true,"    \
    "\"saml\":{\"enabled\":true},\"saml_autocreate_access_role\":\"adm\","                     \
    "\"saml_autocreate_users_domains\":{\"domains\":[\"gmail.com\"],\"enabled\":true},"         \
    "\"saml_can_be_enabled\":true,\"saml_idp_endpoint\":\"https://idp.example.com\","           \
    "\"saml_idp_initiated_login\":{\"enabled\":false},\"saml_idp_metadata_uploaded\":true,"     \
    "\"saml_strict_mode\":{\"enabled\":true}}}}}"

static ddorg_audit_report *audit(ddorg_client *client, const char *public_id, const char *policy) {
    ddorg_audit_report *r = NULL;
    ddorg_error *err = NULL;
    ddorg_status st = ddorg_audit(client, public_id, policy, &r, &err);
    if (!CHECK_STATUS(st, DDORG_OK)) {
        fprintf(stderr, "  ddorg_audit: %s\n", ddorg_error_message(err));
    }
    CHECK_NULL(err);
    ddorg_error_free(err);
    return r;
}

static void no_key_in(const char *text) {
    CHECK(text != NULL);
    CHECK_NOT_CONTAINS(text, TEST_API_KEY);
    CHECK_NOT_CONTAINS(text, TEST_APP_KEY);
}

static void one_org(ddorg_client *client) {
    scenario("ddorg_audit of the documented example: audited; SAML cannot be enabled (SAML-010)");
    fake_reset();
    ddorg_audit_report *r = audit(client, "abcdef12345", NULL);
    CHECK_INT(ddorg_audit_report_exit_code(r), 0);
    CHECK_INT(ddorg_audit_report_orgs_len(r), 1);
    CHECK_INT(ddorg_audit_report_errors(r), 0);
    CHECK_STR(ddorg_audit_report_org_name(r, 0), "abcdef12345");
    CHECK_STR(ddorg_audit_report_org_public_id(r, 0), "abcdef12345");
    CHECK_STR(ddorg_audit_report_org_status(r, 0), "audited");
    CHECK_NULL(ddorg_audit_report_org_error_kind(r, 0));
    CHECK_NULL(ddorg_audit_report_org_error_message(r, 0));
    CHECK_INT(ddorg_audit_report_org_findings_len(r, 0), 1);
    CHECK_STR(ddorg_audit_report_finding(r, 0, 0, DDORG_FINDING_RULE), "DDORG-SAML-010");
    CHECK_INT(ddorg_audit_report_org_passed_len(r, 0) +
                  ddorg_audit_report_org_not_evaluated_len(r, 0),
              16);
    CHECK_STR(ddorg_audit_report_org_passed(r, 0, 0), "DDORG-SAML-001");
    CHECK_STR(ddorg_audit_report_not_evaluated_rule(r, 0, 0), "DDORG-SAML-002");
    CHECK_CONTAINS(ddorg_audit_report_not_evaluated_reason(r, 0, 0), "SAML is off");
    CHECK_NULL(ddorg_audit_report_org_name(r, 1));
    CHECK_NULL(ddorg_audit_report_org_passed(r, 0, 99));
    CHECK_NULL(ddorg_audit_report_not_evaluated_reason(r, 7, 0));
    CHECK_INT(fake_request_count(), 2);

    scenario("the JSON report starts with \"ddorg_audit\": 1; SARIF, text, Markdown and Terraform render");
    char *json = ddorg_audit_report_to_json(r);
    CHECK(json != NULL && strncmp(json, "{\n  \"ddorg_audit\": 1,", 21) == 0);
    no_key_in(json);
    ddorg_string_free(json);
    const char *formats[] = {"sarif", "text", "markdown", "json", "terraform"};
    const char *marks[] = {"\"version\": \"2.1.0\"", "result: pass", "# ddorg audit", "\"passed\"",
                           "  id = \"abcdef12345\"\n"};
    for (size_t i = 0; i < 5; i++) {
        char *out = ddorg_audit_report_render(r, formats[i]);
        CHECK_CONTAINS(out, marks[i]);
        no_key_in(out);
        ddorg_string_free(out);
    }
    CHECK_NULL(ddorg_audit_report_render(r, "xml"));
    CHECK_NULL(ddorg_audit_report_render(r, NULL));

    scenario("ddorg_audit_report_render_with: passed rules only with DDORG_RENDER_SHOW_PASSED");
    char *plain = ddorg_audit_report_render_with(r, "text", 0);
    CHECK_CONTAINS(plain, "result: pass");
    CHECK_NOT_CONTAINS(plain, "\npassed: ");
    ddorg_string_free(plain);
    char *passed = ddorg_audit_report_render_with(r, "text", DDORG_RENDER_SHOW_PASSED);
    CHECK_CONTAINS(passed, "\npassed: DDORG-SAML-001");
    ddorg_string_free(passed);
    CHECK_NULL(ddorg_audit_report_render_with(r, "text", 1u << 31));
    CHECK_NULL(ddorg_audit_report_render_with(r, "xml", 0));
    CHECK_NULL(ddorg_audit_report_render_with(NULL, "text", 0));
    ddorg_audit_report_free(r);
}

static void findings_and_policy(ddorg_client *client) {
    scenario("findings have their rule, severity, title and detail; fail_on sets the exit code");
    fake_reset();
    CHECK_INT(fake_post("/_fake/org/abc", WIDE_OPEN), 204);
    ddorg_audit_report *r = audit(client, "abc", NULL);
    CHECK_INT(ddorg_audit_report_exit_code(r), 1);
    CHECK_INT(ddorg_audit_report_findings_count(r, "critical"), 1);
    CHECK_INT(ddorg_audit_report_findings_count(r, "high"), 1);
    CHECK_INT(ddorg_audit_report_findings_count(r, "medium"), 1);
    CHECK_INT(ddorg_audit_report_findings_count(r, "severe"), -1);
    CHECK_INT(ddorg_audit_report_org_findings_len(r, 0), 3);
    CHECK_STR(ddorg_audit_report_finding(r, 0, 0, DDORG_FINDING_RULE), "DDORG-SAML-004");
    CHECK_STR(ddorg_audit_report_finding(r, 0, 0, DDORG_FINDING_SEVERITY), "critical");
    CHECK_STR(ddorg_audit_report_finding(r, 0, 0, DDORG_FINDING_TITLE),
              "Just-in-time provisioning gives new users the Admin role");
    CHECK_CONTAINS(ddorg_audit_report_finding(r, 0, 1, DDORG_FINDING_DETAIL), "\"gmail.com\"");
    CHECK_NULL(ddorg_audit_report_finding(r, 0, 0, DDORG_FINDING_SUBJECT));
    CHECK_NULL(ddorg_audit_report_finding(r, 0, 0, 99));
    CHECK_NULL(ddorg_audit_report_finding(r, 0, 3, DDORG_FINDING_RULE));

    scenario("drift: compared with itself, nothing is new and the exit code is 0");
    char *baseline = ddorg_audit_report_to_json(r);
    ddorg_audit_report *compared = NULL;
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_audit_report_compare(r, baseline, &compared, &err), DDORG_OK);
    CHECK_INT(ddorg_audit_report_exit_code(compared), 0);
    CHECK_INT(ddorg_audit_report_exit_code(r), 1);
    char *json = ddorg_audit_report_to_json(compared);
    CHECK_CONTAINS(json, "\"new_findings\": []");
    ddorg_string_free(json);
    ddorg_audit_report_free(compared);
    CHECK_STATUS(ddorg_audit_report_compare(r, "{\"ddorg_audit\": 2, \"orgs\": []}", &compared, &err),
                 DDORG_ERR_CONFIG);
    CHECK_NULL(compared);
    CHECK_CONTAINS(ddorg_error_message(err), "version 2");
    ddorg_error_free(err);
    ddorg_string_free(baseline);
    ddorg_audit_report_free(r);

    scenario("the policy as TOML text: fail_on = \"never\" exits 0 and is recorded");
    r = audit(client, "abc", "fail_on = \"never\"\n");
    CHECK_INT(ddorg_audit_report_exit_code(r), 0);
    json = ddorg_audit_report_to_json(r);
    CHECK_CONTAINS(json, "\"fail_on\": \"never\"");
    ddorg_string_free(json);
    ddorg_audit_report_free(r);

    scenario("a policy exception accepts a finding: reported with its reason, not counted");
    r = audit(client, "abc",
              "[[exceptions]]\nrule = \"DDORG-SAML-004\"\norgs = [\"abc\"]\n"
              "reason = \"migration to the new IdP\"\nexpires = 2099-12-31\n"
              "[[exceptions]]\nrule = \"DDORG-SAML-005\"\norgs = [\"ab?\"]\n"
              "reason = \"partner domain\"\nexpires = 2099-12-31\n");
    CHECK_INT(ddorg_audit_report_exit_code(r), 0);
    CHECK_INT(ddorg_audit_report_excepted(r), 2);
    CHECK_INT(ddorg_audit_report_findings_count(r, "critical"), 0);
    CHECK_STR(ddorg_audit_report_finding(r, 0, 0, DDORG_FINDING_EXCEPTION_REASON),
              "migration to the new IdP");
    CHECK_STR(ddorg_audit_report_finding(r, 0, 0, DDORG_FINDING_EXCEPTION_EXPIRES), "2099-12-31");
    CHECK_NULL(ddorg_audit_report_finding(r, 0, 2, DDORG_FINDING_EXCEPTION_REASON));
    ddorg_audit_report_free(r);

    scenario("an invalid policy is DDORG_ERR_CONFIG naming the key, and makes no request");
    fake_reset();
    r = (ddorg_audit_report *)&r;
    err = NULL;
    CHECK_STATUS(ddorg_audit(client, "abc", "fail_onn = \"low\"", &r, &err), DDORG_ERR_CONFIG);
    CHECK_NULL(r);
    CHECK_CONTAINS(ddorg_error_message(err), "fail_onn");
    ddorg_error_free(err);
    CHECK_INT(fake_request_count(), 0);
}

static void org_not_found(ddorg_client *client) {
    scenario("an org that cannot be audited is in the report with its error; exit code 9");
    fake_reset();
    fake_post("/_fake/org/gone", "{\"status\":404,\"errors\":[\"Organization not found\"]}");
    ddorg_audit_report *r = audit(client, "gone", NULL);
    CHECK_INT(ddorg_audit_report_exit_code(r), 9);
    CHECK_INT(ddorg_audit_report_errors(r), 1);
    CHECK_STR(ddorg_audit_report_org_status(r, 0), "error");
    CHECK_STR(ddorg_audit_report_org_error_kind(r, 0), "not_found");
    CHECK_CONTAINS(ddorg_audit_report_org_error_message(r, 0), "HTTP 404");
    ddorg_audit_report_free(r);
}

static void managed(ddorg_client *client) {
    scenario("ddorg_audit_managed: the key's org, then every org it manages, each naming the key's org");
    fake_reset();
    CHECK_INT(fake_post("/_fake/orgs", "[{\"public_id\":\"parent1\",\"name\":\"Parent\"},"
                                       "{\"public_id\":\"child01\",\"name\":\"Child one\"},"
                                       "{\"public_id\":\"child02\",\"name\":null}]"),
              204);
    ddorg_audit_report *r = NULL;
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_audit_managed(client, "parent1", NULL, 2, &r, &err), DDORG_OK);
    CHECK_NULL(err);
    CHECK_INT(ddorg_audit_report_orgs_len(r), 3);
    CHECK_INT(ddorg_audit_report_errors(r), 0);
    CHECK_STR(ddorg_audit_report_org_name(r, 0), "parent1");
    CHECK_NULL(ddorg_audit_report_org_via_public_id(r, 0));
    CHECK_STR(ddorg_audit_report_org_name(r, 1), "Child one");
    CHECK_STR(ddorg_audit_report_org_name(r, 2), "child02");
    for (size_t i = 1; i < 3; i++) {
        CHECK_STR(ddorg_audit_report_org_via_name(r, i), "parent1");
        CHECK_STR(ddorg_audit_report_org_via_public_id(r, i), "parent1");
        int said = 0;
        for (size_t j = 0; j < ddorg_audit_report_org_not_evaluated_len(r, i); j++) {
            const char *reason = ddorg_audit_report_not_evaluated_reason(r, i, j);
            said += strstr(reason, "the Salesforce list belongs to the key's org") != NULL;
        }
        CHECK(said > 0);
    }
    CHECK_NULL(ddorg_audit_report_org_via_name(r, 3));
    CHECK_NULL(ddorg_audit_report_org_via_name(NULL, 1));
    /* One list, three org calls, one Salesforce list (the key's org's). */
    CHECK_INT(fake_request_count(), 5);
    ddorg_audit_report_free(r);

    scenario("ddorg_audit_managed: a list the key may not read makes the key's org an error; exit 9");
    fake_reset();
    fake_enqueue("{\"status\":403,\"errors\":[\"Forbidden\"]}");
    r = NULL;
    CHECK_STATUS(ddorg_audit_managed(client, "abcdef12345", NULL, 0, &r, NULL), DDORG_OK);
    CHECK_INT(ddorg_audit_report_orgs_len(r), 1);
    CHECK_INT(ddorg_audit_report_exit_code(r), 9);
    CHECK_STR(ddorg_audit_report_org_error_kind(r, 0), "forbidden");
    ddorg_audit_report_free(r);

    scenario("ddorg_audit_managed: an empty ID, NULLs and a concurrency of 1000 are errors, no request");
    fake_reset();
    r = NULL;
    CHECK_STATUS(ddorg_audit_managed(client, "", NULL, 0, &r, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ddorg_audit_managed(NULL, "a", NULL, 0, &r, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ddorg_audit_managed(client, NULL, NULL, 0, &r, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ddorg_audit_managed(client, "a", NULL, 1000, &r, NULL), DDORG_ERR_CONFIG);
    CHECK_NULL(r);
    CHECK_INT(fake_request_count(), 0);
}

static char *write_file(const char *name, const char *text) {
    const char *dir = getenv("TMPDIR");
    size_t n = strlen(dir ? dir : "/tmp") + strlen(name) + 64;
    char *path = malloc(n);
    snprintf(path, n, "%s/ddorg-test-audit-%ld-%s", dir ? dir : "/tmp", (long)getpid(), name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static void fleet(void) {
    scenario("ddorg_audit_fleet: keys by variable name, an unset one fails that org only");
    fake_reset();
    CHECK_INT(fake_post("/_fake/org/abc", WIDE_OPEN), 204);
    fake_post("/_fake/org/gone", "{\"status\":404,\"errors\":[\"Organization not found\"]}");
    setenv("DDORG_C_TEST_API_KEY", TEST_API_KEY, 1);
    setenv("DDORG_C_TEST_APP_KEY", TEST_APP_KEY, 1);
    unsetenv("DDORG_C_TEST_UNSET");
    char text[1024];
    snprintf(text, sizeof text,
             "[defaults]\nbase_url = \"%s\"\napi_key_env = \"DDORG_C_TEST_API_KEY\"\n"
             "app_key_env = \"DDORG_C_TEST_APP_KEY\"\n\n"
             "[[orgs]]\nname = \"open\"\npublic_id = \"abc\"\n\n"
             "[[orgs]]\nname = \"deleted\"\npublic_id = \"gone\"\n\n"
             "[[orgs]]\nname = \"no-key\"\npublic_id = \"x\"\napi_key_env = \"DDORG_C_TEST_UNSET\"\n",
             fake_url());
    char *path = write_file("fleet.toml", text);
    for (size_t concurrency = 0; concurrency <= 2; concurrency += 2) {
        ddorg_audit_report *r = NULL;
        ddorg_error *err = NULL;
        CHECK_STATUS(ddorg_audit_fleet(path, NULL, concurrency, &r, &err), DDORG_OK);
        CHECK_NULL(err);
        ddorg_error_free(err);
        CHECK_INT(ddorg_audit_report_orgs_len(r), 3);
        CHECK_INT(ddorg_audit_report_exit_code(r), 9);
        CHECK_INT(ddorg_audit_report_errors(r), 2);
        CHECK_STR(ddorg_audit_report_org_name(r, 0), "open");
        CHECK_STR(ddorg_audit_report_org_status(r, 0), "audited");
        CHECK_INT(ddorg_audit_report_org_findings_len(r, 0), 3);
        CHECK_STR(ddorg_audit_report_org_error_kind(r, 1), "not_found");
        CHECK_STR(ddorg_audit_report_org_error_kind(r, 2), "config");
        CHECK_CONTAINS(ddorg_audit_report_org_error_message(r, 2), "DDORG_C_TEST_UNSET is not set");
        char *json = ddorg_audit_report_to_json(r);
        no_key_in(json);
        ddorg_string_free(json);
        ddorg_audit_report_free(r);
    }
    remove(path);
    free(path);

    scenario("a fleet's Markdown details a clean org only with DDORG_RENDER_DETAIL_FULL");
    snprintf(text, sizeof text,
             "[defaults]\nbase_url = \"%s\"\napi_key_env = \"DDORG_C_TEST_API_KEY\"\n"
             "app_key_env = \"DDORG_C_TEST_APP_KEY\"\n\n"
             "[[orgs]]\nname = \"open\"\npublic_id = \"abc\"\n\n"
             "[[orgs]]\nname = \"clean\"\npublic_id = \"abcdef12345\"\n",
             fake_url());
    path = write_file("clean.toml", text);
    ddorg_audit_report *two = NULL;
    /* The fake's default org has SAML off and unavailable (DDORG-SAML-010): disabled here so
     * that it is clean. */
    CHECK_STATUS(ddorg_audit_fleet(path, "disabled_rules = [\"DDORG-SAML-010\"]\n", 0, &two, NULL),
                 DDORG_OK);
    char *summary = ddorg_audit_report_render_with(two, "markdown", 0);
    CHECK_CONTAINS(summary, "## Findings by rule");
    CHECK_CONTAINS(summary, "\n## open\n");
    CHECK_NOT_CONTAINS(summary, "\n## clean\n");
    ddorg_string_free(summary);
    char *full = ddorg_audit_report_render_with(two, "markdown", DDORG_RENDER_DETAIL_FULL);
    CHECK_CONTAINS(full, "\n## clean\n");
    no_key_in(full);
    ddorg_string_free(full);
    ddorg_audit_report_free(two);
    remove(path);
    free(path);

    scenario("a literal key in the fleet file is DDORG_ERR_CONFIG saying why, without the key");
    path = write_file("literal.toml", "[[orgs]]\npublic_id = \"x\"\napi_key = \"" TEST_API_KEY "\"\n");
    ddorg_audit_report *r = NULL;
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_audit_fleet(path, NULL, 0, &r, &err), DDORG_ERR_CONFIG);
    CHECK_NULL(r);
    CHECK_CONTAINS(ddorg_error_message(err), "keys never live in the fleet file");
    no_key_in(ddorg_error_message(err));
    ddorg_error_free(err);
    CHECK_STATUS(ddorg_audit_fleet(path, NULL, 1000, &r, NULL), DDORG_ERR_CONFIG);
    remove(path);
    free(path);
    CHECK_STATUS(ddorg_audit_fleet("/nonexistent/fleet.toml", NULL, 0, &r, NULL),
                 DDORG_ERR_CONFIG);
}

#define TLS_FLEET_ORGS 300
#define TLS_FLEET_CONCURRENCY 8

static void fleet_over_tls(void) {
    scenario("ddorg_audit_fleet: 300 orgs over TLS, 8 at a time, open at most 8 connections");
    fake_reset();
    /* The fleet's ids are made up: the fake answers every one with the example org. */
    CHECK_INT(fake_post("/_fake/unknown_orgs", "{\"answer\":\"example\"}"), 204);
    char url[128], ca_file[512];
    if (!CHECK(fake_tls_listener(url, sizeof url, ca_file, sizeof ca_file))) return;
    setenv("DDORG_CA_BUNDLE", ca_file, 1);
    setenv("DDORG_C_TEST_API_KEY", TEST_API_KEY, 1);
    setenv("DDORG_C_TEST_APP_KEY", TEST_APP_KEY, 1);
    size_t size = 256 + TLS_FLEET_ORGS * 64;
    char *text = malloc(size);
    CHECK(text != NULL);
    if (text == NULL) return;
    size_t n = (size_t)snprintf(text, size,
                                "[defaults]\nbase_url = \"%s\"\n"
                                "api_key_env = \"DDORG_C_TEST_API_KEY\"\n"
                                "app_key_env = \"DDORG_C_TEST_APP_KEY\"\n",
                                url);
    for (int i = 0; i < TLS_FLEET_ORGS && n < size; i++) {
        n += (size_t)snprintf(text + n, size - n,
                              "\n[[orgs]]\nname = \"org-%d\"\npublic_id = \"id-%d\"\n", i, i);
    }
    char *path = write_file("tls-fleet.toml", text);
    free(text);
    ddorg_audit_report *r = NULL;
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_audit_fleet(path, NULL, TLS_FLEET_CONCURRENCY, &r, &err), DDORG_OK);
    if (err != NULL) fprintf(stderr, "  ddorg_audit_fleet: %s\n", ddorg_error_message(err));
    ddorg_error_free(err);
    CHECK_INT(ddorg_audit_report_orgs_len(r), TLS_FLEET_ORGS);
    CHECK_INT(ddorg_audit_report_errors(r), 0);
    ddorg_audit_report_free(r);
    CHECK(fake_request_count() >= 2 * TLS_FLEET_ORGS);
    /* A setting of the server that reset keeps: back to Datadog's 404 for the next scenario. */
    CHECK_INT(fake_post("/_fake/unknown_orgs", "{\"answer\":\"not_found\"}"), 204);
    long handshakes = fake_stat("tls_handshakes");
    CHECK(handshakes >= 1 && handshakes <= TLS_FLEET_CONCURRENCY);
    printf("  %ld TLS handshakes for %d orgs\n", handshakes, TLS_FLEET_ORGS);
    unsetenv("DDORG_CA_BUNDLE");
    unlink(ca_file);
    remove(path);
    free(path);
    fake_reset();
}

static void nulls(ddorg_client *client) {
    scenario("NULL arguments are DDORG_ERR_INVALID_ARGUMENT; NULL reports give defaults");
    ddorg_audit_report *r = NULL;
    CHECK_STATUS(ddorg_audit(NULL, "abc", NULL, &r, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ddorg_audit(client, NULL, NULL, &r, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ddorg_audit(client, "", NULL, &r, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ddorg_audit(client, "abc", NULL, NULL, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ddorg_audit_fleet(NULL, NULL, 0, &r, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ddorg_audit_report_compare(NULL, "{}", &r, NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_NULL(r);
    CHECK_INT(ddorg_audit_report_exit_code(NULL), -1);
    CHECK_INT(ddorg_audit_report_orgs_len(NULL), 0);
    CHECK_INT(ddorg_audit_report_findings_count(NULL, "high"), -1);
    CHECK_NULL(ddorg_audit_report_org_name(NULL, 0));
    CHECK_NULL(ddorg_audit_report_finding(NULL, 0, 0, DDORG_FINDING_RULE));
    CHECK_NULL(ddorg_audit_report_to_json(NULL));
    ddorg_audit_report_free(NULL);
}

int main(void) {
    ddorg_client *client = test_client(0, 10000);
    one_org(client);
    findings_and_policy(client);
    org_not_found(client);
    managed(client);
    fleet();
    fleet_over_tls();
    nulls(client);
    ddorg_client_free(client);
    return finish("test_audit");
}
