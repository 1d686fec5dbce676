/*
 * test_formats.c — the grader's machine-readable faces, checked field by field on a
 * synthetic result that has every verdict, hidden and skipped tests, a seed, and
 * hostile text (markup, quotes, control bytes, invalid UTF-8). cmocka checks JSON,
 * Gradescope and TAP here; the files are also left in $FORMATS_OUT for
 * test_formats_check.py, which parses the JUnit XML and the Gradescope schema back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "formats.h"
#include "gradebook.h"
#include "results_json.h"
#include "textsafe.h"

/* ---------------------------------------------------------------------------------- */
/* The fixture: two exercises, every verdict                                          */
/* ---------------------------------------------------------------------------------- */

#define HOSTILE "expected <3> & got \"4\" 'x' ]]> \x01\x1b[31m \xff\xfe bad # not a directive\nsecond line"

static test_spec a_tests[] = {
    {"overlaps", 2, VIS_VISIBLE},
    {"cancels_cleanly", 3, VIS_VISIBLE},
    {"survives_races", 5, VIS_HIDDEN},
    {"times_out", 1, VIS_VISIBLE},
};
static test_spec b_tests[] = {
    {"builds", 4, VIS_VISIBLE},
    {"hidden_forbidden", 6, VIS_HIDDEN},
    {"hidden_not_run", 7, VIS_HIDDEN},
    {"grader_trouble", 1, VIS_VISIBLE},
};
static char *a_files[] = {"lessons/03-tasks/ex2_first_wins.c"};
static char *b_files[] = {"lessons/04-cancellation/ex1_deadline.c"};
static exercise exs[] = {
    {.id = "03.2", .name = "first_wins", .title = "First <answer> wins", .lesson = "03-tasks", .files = a_files,
     .nfiles = 1, .test = "lessons/03-tasks/tests/ex2_first_wins_test.c", .seeds = 8, .timeout = 5,
     .tests = a_tests, .ntests = 4},
    {.id = "04.1", .name = "deadline", .title = "A deadline & a scope", .lesson = "04-cancellation",
     .files = b_files, .nfiles = 1, .test = "lessons/04-cancellation/tests/ex1_deadline_test.c", .seeds = 1,
     .timeout = 5, .tests = b_tests, .ntests = 4},
};
static course the_course = {.root = "/course", .title = "cio: \"asyncio\" in C", .exercises = exs, .nexercises = 2};

static test_result a_res[4], b_res[4];
static exercise_result ex_res[2];
static course_result result;

static void build_result(void)
{
    a_res[0] = (test_result){&a_tests[0], VERDICT_PASS, 2, NULL, "all good\n", 0, 0.25, 0};
    a_res[1] = (test_result){&a_tests[1], VERDICT_FAIL, 0, HOSTILE, "out: " HOSTILE, 0, 0.5, 0};
    a_res[2] = (test_result){&a_tests[2], VERDICT_CRASH, 0, "SIGSEGV (segmentation fault)", NULL, 17, 0.1, 0};
    a_res[3] = (test_result){&a_tests[3], VERDICT_TIMEOUT, 0, "deadlock: task main waits for lock", "", 0, 5, 0};
    b_res[0] = (test_result){&b_tests[0], VERDICT_COMPILE_ERROR, 0, "ex1_deadline.c:3:1: error: expected ';'", NULL, 0, 0, 0};
    b_res[1] = (test_result){&b_tests[1], VERDICT_FORBIDDEN, 0, "calls fork()", NULL, 0, 0, 0};
    b_res[2] = (test_result){&b_tests[2], VERDICT_ERROR, 0, NULL, NULL, 0, 0, 1};
    b_res[3] = (test_result){&b_tests[3], VERDICT_ERROR, 0, "result channel garbled", NULL, 0, 0.01, 0};
    ex_res[0] = (exercise_result){&exs[0], a_res, 2, 11, NULL, 0};
    ex_res[1] = (exercise_result){&exs[1], b_res, 0, 11, "ex1_deadline.c:3:1: error: expected ';' <here>", 0};
    result = (course_result){"alice <&>", ex_res, 2, 2, 22, 3.2};
}

/* Render @p r in @p format into a string (and into $FORMATS_OUT/NAME when set). */
static char *render(const course_result *r, const char *format, const char *file)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_non_null(m);
    assert_int_equal(format_write(m, r, format), 0);
    fclose(m);
    const char *dir = getenv("FORMATS_OUT");
    if (dir && file) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    }
    return text;
}

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    if (!doc) fail_msg("not JSON: %s at line %d", err.text, err.line);
    return doc;
}

/* ---------------------------------------------------------------------------------- */
/* textsafe                                                                           */
/* ---------------------------------------------------------------------------------- */

static void utf8_is_repaired(void **state)
{
    (void)state;
    char *s = textsafe_utf8("ok \xc3\xa9 \xff \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80 \xe2\x82");
    assert_string_equal(s, "ok \xc3\xa9 \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
                           "\xf0\x9f\x98\x80 \xef\xbf\xbd\xef\xbf\xbd");
    free(s);
    json_t *j = textsafe_json("\xff");
    assert_non_null(j); /* jansson would refuse the raw byte */
    json_decref(j);
}

static void xml_is_escaped(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    textsafe_xml(m, "<a href=\"x\">&'\x01\t\n\xff", 0);
    textsafe_xml(m, "|abcdef", 3);
    fclose(m);
    assert_string_equal(text, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\xef\xbf\xbd\t\n\xef\xbf\xbd|ab\xe2\x80\xa6");
    free(text);
    char *line = textsafe_first_line("\n  first line\nsecond", 5);
    assert_string_equal(line, "first");
    free(line);
}

/* ---------------------------------------------------------------------------------- */
/* JSON                                                                               */
/* ---------------------------------------------------------------------------------- */

static void json_has_every_field(void **state)
{
    (void)state;
    char *text = render(&result, "json", "results.json");
    json_t *doc = parse(text);
    assert_string_equal(json_string_value(json_object_get(doc, "format")), "cio-grade-results");
    assert_string_equal(json_string_value(json_object_get(doc, "student")), "alice <&>");
    assert_true(fabs(json_number_value(json_object_get(doc, "score")) - 2) < 1e-9);
    assert_true(fabs(json_number_value(json_object_get(doc, "max_score")) - 22) < 1e-9);
    json_t *exs_j = json_object_get(doc, "exercises");
    assert_int_equal(json_array_size(exs_j), 2);
    json_t *e0 = json_array_get(exs_j, 0);
    assert_string_equal(json_string_value(json_object_get(e0, "id")), "03.2");
    assert_false(json_is_true(json_object_get(e0, "done")));
    json_t *t1 = json_array_get(json_object_get(e0, "tests"), 1);
    assert_string_equal(json_string_value(json_object_get(t1, "verdict")), "fail");
    assert_string_equal(json_string_value(json_object_get(t1, "visibility")), "visible");
    /* The invalid bytes became U+FFFD; everything else survived. */
    assert_non_null(strstr(json_string_value(json_object_get(t1, "message")), "expected <3> & got \"4\""));
    assert_non_null(strstr(json_string_value(json_object_get(t1, "message")), "\xef\xbf\xbd"));
    json_t *t2 = json_array_get(json_object_get(e0, "tests"), 2);
    assert_string_equal(json_string_value(json_object_get(t2, "visibility")), "hidden");
    assert_int_equal(json_integer_value(json_object_get(t2, "seed")), 17);
    json_t *b2 = json_array_get(json_object_get(json_array_get(exs_j, 1), "tests"), 2);
    assert_true(json_is_true(json_object_get(b2, "skipped")));
    assert_true(json_is_null(json_object_get(b2, "message")));

    /* Read back: the same verdicts and scores, matched to the manifest. */
    course_result back;
    char err[256];
    assert_int_equal(rjson_load(&the_course, doc, 1, &back, err, sizeof err), 0);
    assert_int_equal(back.nexercises, 2);
    assert_true(fabs(back.score - 2) < 1e-9);
    assert_true(fabs(back.max_score - 22) < 1e-9); /* the skipped hidden test counts nowhere */
    assert_int_equal(back.exercises[0].tests[2].verdict, VERDICT_CRASH);
    assert_int_equal(back.exercises[0].tests[2].seed, 17);
    assert_int_equal(back.exercises[1].tests[2].skipped, 1);
    assert_string_equal(back.student, "alice <&>");
    rjson_free(&back);

    /* A document for another manifest is refused, not misread. */
    json_object_set_new(json_array_get(json_object_get(doc, "exercises"), 1), "id", json_string("09.9"));
    assert_int_equal(rjson_load(&the_course, doc, 0, &back, err, sizeof err), -1);
    assert_non_null(strstr(err, "04.1"));
    json_decref(doc);
    free(text);
}

static void course_listing_has_tests_points_visibility(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_int_equal(format_course(m, &the_course, "json"), 0);
    assert_int_equal(format_course(m, &the_course, "tap"), -1);
    fclose(m);
    json_t *doc = parse(text);
    json_t *e = json_array_get(json_object_get(doc, "exercises"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "id")), "03.2");
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "files"), 0)), a_files[0]);
    assert_true(fabs(json_number_value(json_object_get(e, "points")) - 11) < 1e-9);
    json_t *t = json_array_get(json_object_get(e, "tests"), 2);
    assert_string_equal(json_string_value(json_object_get(t, "name")), "survives_races");
    assert_true(fabs(json_number_value(json_object_get(t, "points")) - 5) < 1e-9);
    assert_string_equal(json_string_value(json_object_get(t, "visibility")), "hidden");
    assert_true(fabs(json_number_value(json_object_get(doc, "max_score")) - 29) < 1e-9);
    json_decref(doc);
    free(text);
}

/* ---------------------------------------------------------------------------------- */
/* Gradescope                                                                         */
/* ---------------------------------------------------------------------------------- */

static void gradescope_follows_the_schema(void **state)
{
    (void)state;
    char *text = render(&result, "gradescope", "gradescope.json");
    json_t *doc = parse(text);
    assert_true(json_is_number(json_object_get(doc, "score")));
    assert_true(json_is_integer(json_object_get(doc, "execution_time")));
    assert_int_equal(json_integer_value(json_object_get(doc, "execution_time")), 4); /* 3.2 s, rounded up */
    assert_true(json_is_string(json_object_get(doc, "output")));
    assert_string_equal(json_string_value(json_object_get(doc, "visibility")), "visible");
    assert_string_equal(json_string_value(json_object_get(doc, "stdout_visibility")), "hidden");
    json_t *tests = json_object_get(doc, "tests");
    assert_true(json_is_array(tests));
    assert_int_equal(json_array_size(tests), 7); /* 8 tests, one skipped */
    double sum = 0;
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t) {
        const char *name = json_string_value(json_object_get(t, "name"));
        const char *number = json_string_value(json_object_get(t, "number"));
        const char *status = json_string_value(json_object_get(t, "status"));
        const char *vis = json_string_value(json_object_get(t, "visibility"));
        assert_non_null(name);
        assert_non_null(number);
        assert_non_null(status);
        assert_non_null(vis);
        assert_true(json_is_number(json_object_get(t, "score")));
        assert_true(json_is_number(json_object_get(t, "max_score")));
        assert_true(json_is_string(json_object_get(t, "output")));
        assert_true(strcmp(number, "03.2") == 0 || strcmp(number, "04.1") == 0);
        assert_true(strcmp(status, "passed") == 0 || strcmp(status, "failed") == 0);
        int hidden = strstr(name, "survives_races") || strstr(name, "hidden_forbidden");
        assert_string_equal(vis, hidden ? "after_published" : "visible");
        assert_null(strstr(name, "hidden_not_run"));
        double score = json_number_value(json_object_get(t, "score"));
        assert_true(score == 0 || strcmp(status, "passed") == 0);
        sum += score;
    }
    assert_true(fabs(sum - json_number_value(json_object_get(doc, "score"))) < 1e-9);
    json_t *fail = json_array_get(tests, 1);
    assert_non_null(strstr(json_string_value(json_object_get(fail, "output")), "fail: expected <3>"));
    json_t *crash = json_array_get(tests, 2);
    assert_non_null(strstr(json_string_value(json_object_get(crash, "output")), "seed 17"));
    json_decref(doc);
    free(text);
}

/* ---------------------------------------------------------------------------------- */
/* TAP and JUnit                                                                      */
/* ---------------------------------------------------------------------------------- */

static void tap_has_plan_and_lines(void **state)
{
    (void)state;
    char *text = render(&result, "tap", "results.tap");
    char *save, *line = strtok_r(text, "\n", &save);
    assert_string_equal(line, "TAP version 13");
    line = strtok_r(NULL, "\n", &save);
    assert_string_equal(line, "1..8");
    int n = 0, not_ok = 0, skips = 0, yaml = 0, in_yaml = 0;
    for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (in_yaml) {
            assert_true(strncmp(line, "  ", 2) == 0); /* the block stays indented */
            if (strcmp(line, "  ...") == 0) in_yaml = 0;
            continue;
        }
        if (strcmp(line, "  ---") == 0) { in_yaml = 1; yaml++; continue; }
        if (line[0] == '#') continue;
        char want[32];
        n++;
        int ok = strncmp(line, "ok ", 3) == 0;
        snprintf(want, sizeof want, "%s %d - ", ok ? "ok" : "not ok", n);
        assert_true(strncmp(line, want, strlen(want)) == 0);
        if (!ok) not_ok++;
        if (strstr(line, "# SKIP")) skips++;
        /* A '#' in a name or message never starts a directive by accident. */
        char *hash = strchr(line, '#');
        assert_true(!hash || strstr(line, " # SKIP") == hash - 1 || hash[-1] == '\\');
    }
    assert_int_equal(n, 8);
    assert_int_equal(not_ok, 6);
    assert_int_equal(skips, 1);
    assert_int_equal(yaml, 6);
    assert_int_equal(in_yaml, 0);
    free(text);
    text = render(&result, "tap", NULL);
    assert_non_null(strstr(text, "  verdict: crash\n"));
    assert_non_null(strstr(text, "  seed: 17\n"));
    assert_non_null(strstr(text, "  message: |2-\n    expected <3>"));
    assert_non_null(strstr(text, "\n    second line\n"));
    free(text);
}

static void junit_is_written(void **state)
{
    (void)state;
    char *text = render(&result, "junit", "results.xml");
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites";
    assert_true(strncmp(text, head, strlen(head)) == 0);
    assert_null(strstr(text, "]]>"));     /* escaped, never raw */
    assert_null(strstr(text, "\x01"));
    assert_non_null(strstr(text, "<skipped"));
    free(text);
}

static void unknown_format_is_refused(void **state)
{
    (void)state;
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(format_write(devnull, &result, "yaml"), -1);
    assert_false(format_known("text"));
    assert_true(format_known("junit"));
    fclose(devnull);
}

/* ---------------------------------------------------------------------------------- */
/* The gradebook's CSV fields                                                         */
/* ---------------------------------------------------------------------------------- */

static void csv_fields_follow_rfc4180(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    gradebook_field(m, "plain");
    fputc('|', m);
    gradebook_field(m, "a,b");
    fputc('|', m);
    gradebook_field(m, "say \"hi\"");
    fputc('|', m);
    gradebook_field(m, "two\nlines");
    fputc('|', m);
    gradebook_field(m, "=HYPERLINK(\"x\")");
    fclose(m);
    assert_string_equal(text, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"'=HYPERLINK(\"\"x\"\")\"");
    free(text);
}

int main(void)
{
    build_result();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_is_repaired),
        cmocka_unit_test(xml_is_escaped),
        cmocka_unit_test(json_has_every_field),
        cmocka_unit_test(course_listing_has_tests_points_visibility),
        cmocka_unit_test(gradescope_follows_the_schema),
        cmocka_unit_test(tap_has_plan_and_lines),
        cmocka_unit_test(junit_is_written),
        cmocka_unit_test(unknown_format_is_refused),
        cmocka_unit_test(csv_fields_follow_rfc4180),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
