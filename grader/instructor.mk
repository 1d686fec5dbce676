# grader/instructor.mk — the instructor's side of cio-grade: the student release, the
# Gradescope autograder and the tests of the output formats and of batch grading.
# Included by grader/module.mk (`-include grader/instructor.mk`); the code of
# `cio-grade batch` and of the formats is part of cio-grade itself (grader/src/).
#
#   make release-student   build/release/: the course without solutions and hidden tests
#   make autograder-zip    build/autograder.zip: upload as a Gradescope autograder
#   make test-instructor   formats checked field by field; batch, resume and report

.PHONY: release-student autograder-zip test-instructor

release-student: | $(DEPS_STAMP)
	python3 grader/tools/release_student.py --root . --out $(BUILD)/release

autograder-zip: | $(DEPS_STAMP)
	python3 grader/tools/autograder_zip.py --root . --out $(BUILD)/autograder.zip

# The format test links the format sources directly: it needs no runtime and no loop.
INSTR_FORMAT_SRCS := grader/src/formats.c grader/src/format_gradescope.c grader/src/format_junit.c \
                     grader/src/format_tap.c grader/src/results_json.c grader/src/textsafe.c \
                     grader/src/gradebook.c grader/src/roster.c grader/src/model.c
INSTR_CFLAGS = $(filter-out -MMD -MP,$(ALL_CFLAGS))

$(BUILD)/tests/grader/test_formats: tests/grader/test_formats.c $(INSTR_FORMAT_SRCS) $(wildcard grader/src/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Igrader/src $(INSTR_CFLAGS) tests/grader/test_formats.c $(INSTR_FORMAT_SRCS) \
	    -o $@ $(ALL_LDFLAGS) -lcmocka -ljansson -lm

test-instructor: $(BUILD)/tests/grader/test_formats $(BUILD)/cio-grade
	@rm -rf $(BUILD)/tests/grader/formats && mkdir -p $(BUILD)/tests/grader/formats
	FORMATS_OUT=$(BUILD)/tests/grader/formats $(BUILD)/tests/grader/test_formats
	python3 tests/grader/test_formats_check.py $(BUILD)/tests/grader/formats
	python3 tests/grader/test_batch_release.py --build $(BUILD)
	tests/grader/test_batch.sh $(BUILD)

TEST_TARGETS += test-instructor
