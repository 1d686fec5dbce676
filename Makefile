# Makefile — builds the cio course kit: runtime, grader, tests, docs and benchmarks.
#
# Everything built goes to build/ (or $(BUILD), so that sanitizer builds live beside
# the normal one). Each area keeps its rules in a fragment of its own, included below;
# this file holds what they share: tools, flags, the Debian packages, the aggregates.
# -fstack-clash-protection makes a large stack frame touch each page it skips, so a
# coroutine stack overflow always lands on the guard page instead of beyond it.
# Quick start:  make grade   (grade your exercises)     make test   (the whole suite)

.DEFAULT_GOAL := all
SHELL        := /bin/bash
.SUFFIXES:
.DELETE_ON_ERROR:

BUILD    ?= build
CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra
SANITIZE ?=
ALL_CFLAGS   = -std=gnu11 $(WARN) -fstack-clash-protection $(CFLAGS) $(SANITIZE) -MMD -MP
ALL_CPPFLAGS = -Iruntime/include $(CPPFLAGS)
ALL_LDFLAGS  = $(SANITIZE) $(LDFLAGS)
LIBCIO       = $(BUILD)/libcio.a
CIO_LIBS     = -lev -ljansson -lpthread -lm
PREFIX  ?= /usr/local
DESTDIR ?=

# ---- Debian packages the project needs; `make deps` installs what is missing -------
DEB_PACKAGES := build-essential libev-dev libcmocka-dev libjansson-dev libseccomp-dev \
                pkg-config doxygen graphviz python3
DEPS_STAMP   := $(BUILD)/.deps-ok

.PHONY: deps
deps: $(DEPS_STAMP)
$(DEPS_STAMP): Makefile
	@scripts/ensure-packages $(DEB_PACKAGES)
	@mkdir -p $(@D) && touch $@

# ---- Areas ------------------------------------------------------------------------
TEST_TARGETS :=
include runtime/runtime.mk
include $(wildcard tests/*/module.mk grader/module.mk bench/module.mk docs/module.mk lessons/module.mk)

# ---- Aggregates --------------------------------------------------------------------
.PHONY: all test test-sanitize clean install uninstall
all: $(LIBCIO) $(ALL_TARGETS)

# Make stops at the first suite that fails, so reaching the end means all of them passed.
test: $(TEST_TARGETS)
	@echo "suites: $(words $(TEST_TARGETS)) passed, 0 failed ($(TEST_TARGETS))"

# AddressSanitizer + UndefinedBehaviorSanitizer over the runtime tests, then
# ThreadSanitizer over the tests that run executor threads.
test-sanitize: $(DEPS_STAMP)
	$(MAKE) --no-print-directory BUILD=build/asan OPT=-O1 \
	    SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" test-runtime
	$(MAKE) --no-print-directory BUILD=build/tsan OPT=-O1 \
	    SANITIZE="-fsanitize=thread" CIO_TSAN_ONLY=1 test-runtime

clean:
	rm -rf build

install: $(LIBCIO)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(LIBCIO) $(DESTDIR)$(PREFIX)/lib/libcio.a
	install -m 644 runtime/include/cio.h $(DESTDIR)$(PREFIX)/include/cio.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' runtime/cio.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/cio.pc

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/lib/libcio.a $(DESTDIR)$(PREFIX)/include/cio.h \
	      $(DESTDIR)$(PREFIX)/lib/pkgconfig/cio.pc

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
