/* test_ecs_parse.c — the ECS parsers on the shared samples ($SHARED/aws/
 * samples/ecs, skipped when absent) and on synthetic answers in moto's and
 * AWS's forms: missing optional fields, unknown keys, fractional epoch
 * seconds, failures, IPs from both places, and malformed answers that must be
 * errors naming the operation and the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ecs.h"
#include "typed_test_util.h"

static json_t *parse_json(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
    if (!j)
        fail_msg("bad test JSON: %s (line %d)", je.text, je.line);
    return j;
}

/* ------------------------------------------------------------ samples */

static void sample_list_services_pages(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(p1, "ecs/ListServices-page1.json");
    char *p2 = sample_read("ecs/ListServices.json", NULL);
    assert_non_null(p2);
    json_t *d1 = parse_json(p1), *d2 = parse_json(p2);
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(ecs_parse_arn_page(d1, "ListServices", "serviceArns", &arns, &n, &next, &e), 0);
    assert_string_equal(next, "eyJlbmNyeXB0ZWREYXRhIjpbXSwidmVyc2lvbiI6MX0EXAMPLEnextToken");
    free(next);
    assert_int_equal(ecs_parse_arn_page(d2, "ListServices", "serviceArns", &arns, &n, &next, &e), 0);
    assert_null(next);
    assert_int_equal(n, 3);
    assert_string_equal(arns[0], "arn:aws:ecs:us-east-1:111122223333:service/default/hello_world");
    assert_string_equal(arns[2], "arn:aws:ecs:us-east-1:111122223333:service/default/ecs-simple-service");
    strv_free(arns, n);
    json_decref(d1);
    json_decref(d2);
    free(p1);
    free(p2);
}

static void sample_list_tasks(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "ecs/ListTasks.json");
    json_t *d = parse_json(text);
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(ecs_parse_arn_page(d, "ListTasks", "taskArns", &arns, &n, &next, &e), 0);
    assert_int_equal(n, 2);
    char *id = ecs_arn_id(arns[1]);
    assert_string_equal(id, "6b809ef6-c67e-4467-921f-ee261c15a0a1"); /* old ARN format */
    free(id);
    strv_free(arns, n);
    json_decref(d);
    free(text);
}

static void sample_describe_services_alb(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "ecs/DescribeServices-alb.json");
    json_t *d = parse_json(text);
    struct ecs_service *s = NULL;
    struct ecs_failure *f = NULL;
    size_t n = 0, nf = 0;
    struct err e = {0};
    assert_int_equal(ecs_parse_services(d, &s, &n, &f, &nf, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].name, "web");
    assert_string_equal(s[0].arn, "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/web");
    assert_string_equal(s[0].cluster_arn, "arn:aws:ecs:us-west-2:123456789012:cluster/my-cluster");
    assert_string_equal(s[0].status, "ACTIVE");
    assert_string_equal(s[0].launch_type, "FARGATE");
    assert_string_equal(s[0].task_definition, "arn:aws:ecs:us-west-2:123456789012:task-definition/web:7");
    assert_int_equal(s[0].desired, 2);
    assert_int_equal(s[0].running, 2);
    assert_int_equal(s[0].pending, 0);
    assert_int_equal(s[0].n_load_balancers, 1);
    assert_string_equal(s[0].load_balancers[0].target_group_arn,
                        "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/"
                        "my-targets/73e2d6bc24d8a067");
    assert_string_equal(s[0].load_balancers[0].container_name, "web");
    assert_int_equal(s[0].load_balancers[0].container_port, 8080);
    assert_int_equal(s[0].n_deployments, 1);
    struct ecs_deployment *dep = &s[0].deployments[0];
    assert_string_equal(dep->id, "ecs-svc/1234567890123456789");
    assert_string_equal(dep->status, "PRIMARY");
    assert_string_equal(dep->rollout_state, "COMPLETED");
    assert_string_equal(dep->rollout_state_reason,
                        "ECS deployment ecs-svc/1234567890123456789 completed.");
    assert_int_equal(dep->desired, 2);
    assert_int_equal(dep->running, 2);
    assert_int_equal(dep->failed_tasks, 0);
    assert_int_equal(dep->created_s, 1738616400);  /* 1738616400.123 */
    assert_int_equal(dep->updated_s, 1738616700);
    assert_int_equal(s[0].n_recent_events, 2);
    assert_string_equal(s[0].recent_events[0], "(service web) has reached a steady state.");
    assert_int_equal(nf, 1);
    assert_string_equal(f[0].arn, "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/does-not-exist");
    assert_string_equal(f[0].reason, "MISSING");
    assert_null(f[0].detail);
    ecs_free_services(s, n);
    ecs_free_failures(f, nf);
    json_decref(d);
    free(text);
}

static void sample_describe_services(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "ecs/DescribeServices.json");
    json_t *d = parse_json(text);
    struct ecs_service *s = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(ecs_parse_services(d, &s, &n, NULL, NULL, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].name, "test-service");
    assert_int_equal(s[0].desired, 4);
    assert_int_equal(s[0].running, 4);
    assert_null(s[0].launch_type);
    assert_null(s[0].deployments[0].rollout_state); /* absent in old answers */
    assert_int_equal(s[0].deployments[0].created_s, 1432829320);
    assert_int_equal(s[0].n_load_balancers, 0);
    assert_int_equal(s[0].n_recent_events, 0);
    ecs_free_services(s, n);
    json_decref(d);
    free(text);
}

static void sample_task_definition_awslogs(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "ecs/DescribeTaskDefinition-awslogs.json");
    json_t *d = parse_json(text);
    struct task_def td;
    struct err e = {0};
    assert_int_equal(ecs_parse_task_definition(d, &td, &e), 0);
    assert_string_equal(td.arn, "arn:aws:ecs:us-west-2:123456789012:task-definition/web:7");
    assert_string_equal(td.family, "web");
    assert_int_equal(td.revision, 7);
    assert_string_equal(td.cpu, "256");
    assert_string_equal(td.memory, "512");
    assert_string_equal(td.network_mode, "awsvpc");
    assert_string_equal(td.execution_role_arn, "arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
    assert_int_equal(td.n_containers, 2);
    struct container_def *c = &td.containers[0];
    assert_string_equal(c->name, "web");
    assert_string_equal(c->image, "123456789012.dkr.ecr.us-west-2.amazonaws.com/web:1.4.2");
    assert_int_equal(c->container_port, 8080);
    assert_true(c->essential);
    assert_string_equal(c->log_driver, "awslogs");
    assert_string_equal(c->log_group, "/ecs/web");
    assert_string_equal(c->log_region, "us-west-2");
    assert_string_equal(c->log_stream_prefix, "ecs");
    c = &td.containers[1];
    assert_string_equal(c->name, "otel-collector");
    assert_int_equal(c->container_port, 0);
    assert_false(c->essential);
    assert_string_equal(c->log_group, "/ecs/web-sidecar");
    assert_string_equal(c->log_stream_prefix, "otel");
    task_def_cleanup(&td);
    json_decref(d);
    free(text);
}

static void sample_task_definition_plain(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "ecs/DescribeTaskDefinition.json");
    json_t *d = parse_json(text);
    struct task_def td;
    struct err e = {0};
    assert_int_equal(ecs_parse_task_definition(d, &td, &e), 0);
    assert_string_equal(td.family, "hello_world");
    assert_int_equal(td.revision, 10);
    assert_null(td.cpu);
    assert_int_equal(td.n_containers, 2);
    assert_int_equal(td.containers[0].container_port, 80);
    assert_null(td.containers[0].log_driver);
    assert_null(td.containers[0].log_group);
    task_def_cleanup(&td);
    json_decref(d);
    free(text);
}

static void sample_describe_tasks(void **state)
{
    (void)state;
    SAMPLE_OR_SKIP(text, "ecs/DescribeTasks.json");
    json_t *d = parse_json(text);
    struct ecs_task *t = NULL;
    struct ecs_failure *f = NULL;
    size_t n = 0, nf = 0;
    struct err e = {0};
    assert_int_equal(ecs_parse_tasks(d, &t, &n, &f, &nf, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(nf, 0);
    assert_string_equal(t[0].id, "154bdb1df5b446b280fe900d12c452a1");
    assert_string_equal(t[0].cluster_arn, "arn:aws:ecs:us-east-1:123456789012:cluster/default");
    assert_string_equal(t[0].task_definition_arn,
                        "arn:aws:ecs:us-east-1:123456789012:task-definition/webserver:5");
    assert_string_equal(t[0].group, "family:webserver");
    assert_string_equal(t[0].last_status, "RUNNING");
    assert_string_equal(t[0].desired_status, "RUNNING");
    assert_string_equal(t[0].health_status, "HEALTHY");
    assert_int_equal(t[0].started_s, 1738616537);
    /* The same address from the ENI and both containers: listed once. */
    assert_int_equal(t[0].n_private_ips, 1);
    assert_string_equal(t[0].private_ips[0], "10.0.0.250");
    ecs_free_tasks(t, n);
    ecs_free_failures(f, nf);
    json_decref(d);
    free(text);
}

/* ------------------------------------------------------------ synthetic */

/* moto's DescribeServices: no rolloutStateReason, integer timestamps, events
 * out of order, more events than kept, unknown keys, a null field. */
static void synthetic_services_moto_form(void **state)
{
    (void)state;
    json_t *d = parse_json(
        "{\"services\":[{\"serviceArn\":\"arn:aws:ecs:us-east-1:1:service/C/auth-service\","
        "\"serviceName\":\"auth-service\",\"status\":\"ACTIVE\",\"desiredCount\":2,"
        "\"runningCount\":0,\"pendingCount\":0,\"launchType\":null,\"newKey\":{\"x\":[1,2]},"
        "\"deployments\":[{\"status\":\"PRIMARY\",\"id\":\"ecs-svc/1\",\"rolloutState\":\"IN_PROGRESS\","
        "\"createdAt\":1700000000,\"desiredCount\":2,\"runningCount\":0},"
        "{\"status\":\"ACTIVE\",\"id\":\"ecs-svc/0\",\"rolloutState\":\"COMPLETED\",\"runningCount\":2}],"
        "\"events\":[{\"message\":\"e1\",\"createdAt\":1.5},{\"message\":\"e7\",\"createdAt\":7},"
        "{\"message\":\"e3\",\"createdAt\":3.9},{\"message\":\"e6\",\"createdAt\":6.1},"
        "{\"message\":\"e2\",\"createdAt\":2},{\"message\":\"e5\",\"createdAt\":5},"
        "{\"message\":\"e4\",\"createdAt\":4}],"
        "\"loadBalancers\":[{\"containerPort\":5000,\"targetGroupArn\":\"arn:tg/auth\","
        "\"containerName\":\"auth\"}]}],\"failures\":[]}");
    struct ecs_service *s = NULL;
    size_t n = 0;
    struct err e = {0};
    assert_int_equal(ecs_parse_services(d, &s, &n, NULL, NULL, &e), 0);
    assert_int_equal(n, 1);
    assert_null(s[0].launch_type);
    assert_null(s[0].cluster_arn);
    assert_int_equal(s[0].n_deployments, 2);
    assert_string_equal(s[0].deployments[0].rollout_state, "IN_PROGRESS");
    assert_null(s[0].deployments[0].rollout_state_reason);
    assert_int_equal(s[0].deployments[0].created_s, 1700000000);
    assert_string_equal(s[0].deployments[1].status, "ACTIVE");
    assert_int_equal(s[0].n_recent_events, ECS_RECENT_EVENTS);
    static const char *const newest[] = {"e7", "e6", "e5", "e4", "e3"};
    for (size_t i = 0; i < ECS_RECENT_EVENTS; i++)
        assert_string_equal(s[0].recent_events[i], newest[i]);
    assert_int_equal(s[0].load_balancers[0].container_port, 5000);
    ecs_free_services(s, n);
    json_decref(d);
}

/* IPs from the attachment details and from networkInterfaces, distinct ones
 * both kept; a task without attachments; the name falls back to the ARN. */
static void synthetic_tasks_ips(void **state)
{
    (void)state;
    json_t *d = parse_json(
        "{\"failures\":[{\"arn\":\"arn:t/x\",\"reason\":\"MISSING\",\"detail\":\"gone\"}],"
        "\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/C/abc\",\"group\":\"service:auth\","
        "\"startedBy\":\"ecs-svc/1\",\"startedAt\":1700000000.999,"
        "\"attachments\":[{\"type\":\"ElasticNetworkInterface\",\"details\":["
        "{\"name\":\"subnetId\",\"value\":\"s\"},{\"value\":\"127.0.0.2\",\"name\":\"privateIPv4Address\"}]}],"
        "\"containers\":[{\"name\":\"a\",\"networkInterfaces\":[{\"privateIpv4Address\":\"127.0.0.2\"}]},"
        "{\"name\":\"b\",\"networkInterfaces\":[{\"privateIpv4Address\":\"10.1.2.3\"}]}]},"
        "{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/C/def\",\"lastStatus\":\"STOPPED\","
        "\"stoppedReason\":\"Essential container exited\"}]}");
    struct ecs_task *t = NULL;
    struct ecs_failure *f = NULL;
    size_t n = 0, nf = 0;
    struct err e = {0};
    assert_int_equal(ecs_parse_tasks(d, &t, &n, &f, &nf, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].id, "abc");
    assert_string_equal(t[0].group, "service:auth");
    assert_string_equal(t[0].started_by, "ecs-svc/1");
    assert_int_equal(t[0].started_s, 1700000000);
    assert_int_equal(t[0].n_private_ips, 2);
    assert_string_equal(t[0].private_ips[0], "127.0.0.2");
    assert_string_equal(t[0].private_ips[1], "10.1.2.3");
    assert_string_equal(t[1].id, "def");
    assert_int_equal(t[1].n_private_ips, 0);
    assert_string_equal(t[1].stopped_reason, "Essential container exited");
    assert_int_equal(nf, 1);
    assert_string_equal(f[0].detail, "gone");
    ecs_free_tasks(t, n);
    ecs_free_failures(f, nf);
    json_decref(d);
}

static void synthetic_task_definition_numbers(void **state)
{
    (void)state;
    /* moto may send cpu/memory as numbers; essential defaults to true. */
    json_t *d = parse_json(
        "{\"taskDefinition\":{\"taskDefinitionArn\":\"arn:td/auth:3\",\"family\":\"auth\","
        "\"revision\":3,\"cpu\":256,\"memory\":\"512\",\"containerDefinitions\":[{\"name\":\"auth\","
        "\"portMappings\":[{\"containerPort\":5000,\"hostPort\":5000}],"
        "\"logConfiguration\":{\"logDriver\":\"awslogs\",\"options\":{\"awslogs-group\":\"/ecs/auth-service\","
        "\"awslogs-region\":\"us-east-1\",\"awslogs-stream-prefix\":\"ecs\"}}}]}}");
    struct task_def td;
    struct err e = {0};
    assert_int_equal(ecs_parse_task_definition(d, &td, &e), 0);
    assert_string_equal(td.cpu, "256");
    assert_string_equal(td.memory, "512");
    assert_true(td.containers[0].essential);
    assert_int_equal(td.containers[0].container_port, 5000);
    assert_string_equal(td.containers[0].log_group, "/ecs/auth-service");
    task_def_cleanup(&td);
    json_decref(d);
}

static void arn_ids(void **state)
{
    (void)state;
    static const struct {
        const char *arn, *id;
    } cases[] = {
        {"arn:aws:ecs:us-east-1:1:task/C/abc", "abc"},
        {"arn:aws:ecs:us-east-1:1:task/abc", "abc"},
        {"abc", "abc"},
        {"arn:x/", NULL},
        {"", NULL},
        {NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *id = ecs_arn_id(cases[i].arn);
        if (cases[i].id)
            assert_string_equal(id, cases[i].id);
        else
            assert_null(id);
        free(id);
    }
}

/* ------------------------------------------------------------ malformed */

enum which { W_LIST, W_SERVICES, W_TD, W_TASKS };

static const struct {
    const char *name;
    enum which which;
    const char *json;
    const char *want;
} malformed[] = {
    {"not an object", W_SERVICES, "[1,2]", "DescribeServices: the answer is not a JSON object"},
    {"services not an array", W_SERVICES, "{\"services\":{}}", "DescribeServices: services is not an array"},
    {"service not an object", W_SERVICES, "{\"services\":[7]}",
     "DescribeServices: services[0]: the answer is not a JSON object"},
    {"service without ARN", W_SERVICES, "{\"services\":[{\"serviceName\":\"x\"}]}",
     "DescribeServices: services[0]: service without serviceArn"},
    {"desiredCount a string", W_SERVICES,
     "{\"services\":[{\"serviceArn\":\"a\",\"desiredCount\":\"2\"}]}",
     "DescribeServices: services[0]: desiredCount is not a number"},
    {"deployments not an array", W_SERVICES,
     "{\"services\":[{\"serviceArn\":\"a\",\"deployments\":{}}]}",
     "DescribeServices: services[0]: deployments is not an array"},
    {"deployment without status", W_SERVICES,
     "{\"services\":[{\"serviceArn\":\"a\",\"deployments\":[{\"id\":\"d\"}]}]}",
     "DescribeServices: services[0].deployments[0]: deployment without status"},
    {"createdAt a string", W_SERVICES,
     "{\"services\":[{\"serviceArn\":\"a\",\"deployments\":[{\"status\":\"PRIMARY\",\"createdAt\":\"x\"}]}]}",
     "DescribeServices: services[0].deployments[0]: createdAt is not a number"},
    {"event without message", W_SERVICES,
     "{\"services\":[{\"serviceArn\":\"a\",\"events\":[{\"createdAt\":1}]}]}",
     "DescribeServices: services[0]: events[0] without a message"},
    {"failures not an array", W_SERVICES, "{\"services\":[],\"failures\":3}",
     "DescribeServices: failures is not an array"},
    {"no taskDefinition", W_TD, "{}", "DescribeTaskDefinition: answer without taskDefinition"},
    {"task definition without ARN", W_TD, "{\"taskDefinition\":{\"family\":\"f\"}}",
     "DescribeTaskDefinition: task definition without taskDefinitionArn"},
    {"container without name", W_TD,
     "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\",\"containerDefinitions\":[{}]}}",
     "DescribeTaskDefinition: containerDefinitions[0]: container definition without name"},
    {"options not an object", W_TD,
     "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\",\"containerDefinitions\":[{\"name\":\"n\","
     "\"logConfiguration\":{\"options\":[]}}]}}",
     "DescribeTaskDefinition: containerDefinitions[0]: options is not an object"},
    {"revision a real", W_TD, "{\"taskDefinition\":{\"taskDefinitionArn\":\"a\",\"revision\":1.5}}",
     "DescribeTaskDefinition: revision is not an integer"},
    {"task without ARN", W_TASKS, "{\"tasks\":[{\"group\":\"g\"}]}",
     "DescribeTasks: tasks[0]: task without taskArn"},
    {"detail not an object", W_TASKS,
     "{\"tasks\":[{\"taskArn\":\"a\",\"attachments\":[{\"details\":[\"x\"]}]}]}",
     "DescribeTasks: tasks[0]: attachments[0].details[0] is not an object"},
    {"IP not a string", W_TASKS,
     "{\"tasks\":[{\"taskArn\":\"a\",\"containers\":[{\"networkInterfaces\":[{\"privateIpv4Address\":4}]}]}]}",
     "DescribeTasks: tasks[0]: privateIpv4Address is not a string"},
    {"arn list with a number", W_LIST, "{\"serviceArns\":[\"a\",1]}",
     "ListServices: serviceArns[1] is not a string"},
    {"nextToken a number", W_LIST, "{\"serviceArns\":[],\"nextToken\":5}",
     "ListServices: nextToken is not a string"},
};

static int run_parser(enum which w, json_t *d, struct err *e)
{
    size_t n = 0, nf = 0;
    int rc = -1;
    switch (w) {
    case W_LIST: {
        char **v = NULL, *next = NULL;
        rc = ecs_parse_arn_page(d, "ListServices", "serviceArns", &v, &n, &next, e);
        strv_free(v, n);
        free(next);
        break;
    }
    case W_SERVICES: {
        struct ecs_service *v = NULL;
        struct ecs_failure *f = NULL;
        rc = ecs_parse_services(d, &v, &n, &f, &nf, e);
        ecs_free_services(v, n);
        ecs_free_failures(f, nf);
        break;
    }
    case W_TD: {
        struct task_def td;
        rc = ecs_parse_task_definition(d, &td, e);
        if (rc == 0)
            task_def_cleanup(&td);
        break;
    }
    case W_TASKS: {
        struct ecs_task *v = NULL;
        struct ecs_failure *f = NULL;
        rc = ecs_parse_tasks(d, &v, &n, &f, &nf, e);
        ecs_free_tasks(v, n);
        ecs_free_failures(f, nf);
        break;
    }
    }
    return rc;
}

static void malformed_answers_are_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        json_t *d = parse_json(malformed[i].json);
        struct err e = {0};
        int rc = run_parser(malformed[i].which, d, &e);
        json_decref(d);
        if (rc != -1 || e.code != ERR_PARSE || !strstr(e.msg, malformed[i].want))
            fail_msg("case '%s': rc %d, code %d, message \"%s\", wanted \"%s\"", malformed[i].name,
                     rc, e.code, e.msg, malformed[i].want);
    }
}

/* Every truncation of a valid answer either fails to load or parses without
 * crashing (ASan/valgrind watch the latter); the full text parses. */
static void truncated_json_never_crashes(void **state)
{
    (void)state;
    static const char text[] =
        "{\"services\":[{\"serviceArn\":\"arn:s/a\",\"deployments\":[{\"status\":\"PRIMARY\","
        "\"createdAt\":1.25}],\"events\":[{\"message\":\"m\",\"createdAt\":2}],"
        "\"loadBalancers\":[{\"targetGroupArn\":\"t\"}]}],\"failures\":[{\"arn\":\"x\"}]}";
    size_t len = strlen(text), loaded = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        json_error_t je;
        json_t *d = json_loadb(text, cut, JSON_DECODE_ANY, &je);
        if (!d)
            continue;
        loaded++;
        struct err e = {0};
        int rc = run_parser(W_SERVICES, d, &e);
        if (cut == len)
            assert_int_equal(rc, 0);
        json_decref(d);
    }
    assert_int_equal(loaded, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_list_services_pages),
        cmocka_unit_test(sample_list_tasks),
        cmocka_unit_test(sample_describe_services_alb),
        cmocka_unit_test(sample_describe_services),
        cmocka_unit_test(sample_task_definition_awslogs),
        cmocka_unit_test(sample_task_definition_plain),
        cmocka_unit_test(sample_describe_tasks),
        cmocka_unit_test(synthetic_services_moto_form),
        cmocka_unit_test(synthetic_tasks_ips),
        cmocka_unit_test(synthetic_task_definition_numbers),
        cmocka_unit_test(arn_ids),
        cmocka_unit_test(malformed_answers_are_errors),
        cmocka_unit_test(truncated_json_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
