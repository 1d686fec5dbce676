# grader/module.mk — builds build/cio-grade (the grader, a cio program) from grader/src/
# and defines `make grade` (check every exercise; exit 0 whatever the score) and
# `make dev-check` (every stub fails, every solution passes; part of `make test`).
# Test binaries are built by cio-grade itself, against $(LIBCIO) and grader/harness/.

GRADER_SRCS := $(wildcard grader/src/*.c)
GRADER_OBJS := $(GRADER_SRCS:%.c=$(BUILD)/obj/%.o)
GRADER_LIBS := $(LIBCIO) -lseccomp $(CIO_LIBS)

$(BUILD)/obj/grader/%.o: grader/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Igrader/src $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/cio-grade: $(GRADER_OBJS) $(LIBCIO)
	$(CC) $(GRADER_OBJS) -o $@ $(ALL_LDFLAGS) $(GRADER_LIBS)

ALL_TARGETS += $(BUILD)/cio-grade

.PHONY: grade dev-check
grade: $(BUILD)/cio-grade $(LIBCIO)
	$(BUILD)/cio-grade check

dev-check: $(BUILD)/cio-grade $(LIBCIO)
	$(BUILD)/cio-grade dev check

TEST_TARGETS += dev-check

-include grader/instructor.mk
