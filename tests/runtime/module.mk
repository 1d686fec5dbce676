# tests/runtime/module.mk — the runtime's own cmocka tests: one binary per
# tests/runtime/test_*.c, linked with libcio.a. `make test-runtime` runs them all and
# fails if any test fails. With CIO_TSAN_ONLY=1 only the tests that start threads run.

RT_TEST_SRCS := $(wildcard tests/runtime/test_*.c)
ifdef CIO_TSAN_ONLY
RT_TEST_SRCS := $(filter %executor.c %threads.c,$(RT_TEST_SRCS))
endif
RT_TESTS := $(RT_TEST_SRCS:%.c=$(BUILD)/%)

$(BUILD)/tests/runtime/%: tests/runtime/%.c $(LIBCIO) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Iruntime/src $(ALL_CFLAGS) $< -o $@ $(ALL_LDFLAGS) $(LIBCIO) -lcmocka $(CIO_LIBS)

.PHONY: test-runtime
test-runtime: $(RT_TESTS)
	@fail=0; for t in $(RT_TESTS); do \
	    echo "== $$t"; $$t || fail=1; \
	done; exit $$fail

TEST_TARGETS += test-runtime

# Valgrind over the runtime tests (test_stack is left out: it overflows a stack on
# purpose and runs 100,000 tasks, which Valgrind makes take minutes). Any error or
# definite leak fails the target.
.PHONY: test-valgrind
test-valgrind: $(RT_TESTS)
	@fail=0; for t in $(filter-out %/test_stack,$(RT_TESTS)); do \
	    echo "== valgrind $$t"; \
	    valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
	        --trace-children=no $$t >/dev/null 2>$$t.valgrind || { fail=1; cat $$t.valgrind; }; \
	done; exit $$fail
