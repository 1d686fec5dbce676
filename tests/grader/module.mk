# tests/grader/module.mk — the grader's own tests (`make test-grader`): the manifest
# checks, every verdict, the sandbox against the hostile corpus, and the command line.
# test_grader links the grader's objects (all but main.o) and drives grade_tree() on
# the fixture course in tests/grader/fixtures/course.

GRADER_TEST_OBJS := $(filter-out %/main.o,$(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard grader/src/*.c)))

$(BUILD)/tests/grader/test_grader: tests/grader/test_grader.c $(GRADER_TEST_OBJS) $(LIBCIO) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Igrader/src $(ALL_CFLAGS) tests/grader/test_grader.c $(GRADER_TEST_OBJS) -o $@ \
	    $(ALL_LDFLAGS) -lcmocka $(LIBCIO) -lseccomp $(CIO_LIBS)

.PHONY: test-grader
test-grader: $(BUILD)/tests/grader/test_grader $(BUILD)/cio-grade $(LIBCIO)
	$(BUILD)/tests/grader/test_grader
	tests/grader/test_cli.sh $(BUILD)

TEST_TARGETS += test-grader
