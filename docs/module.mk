# docs/module.mk — `make docs`: the Doxygen site (API reference, lessons, guides) in
# build/docs/html. Doxygen runs with FAIL_ON_WARNINGS, so an undocumented public
# symbol or a broken reference fails the build; `make test` runs it too.

DOCS_OUT := $(BUILD)/docs

.PHONY: docs test-docs
docs: $(DEPS_STAMP)
	@mkdir -p $(DOCS_OUT)
	CIO_DOCS_OUT=$(DOCS_OUT) doxygen docs/Doxyfile
	@echo "docs: open $(DOCS_OUT)/html/index.html"

test-docs: docs

TEST_TARGETS += test-docs
