# tests/arch/module.mk — `make test-arch`: the context switch checked on each architecture
# (tests/arch/check.sh). Natively it takes about a second; the aarch64 variants run only
# where gcc-aarch64-linux-gnu and qemu-user are installed, and are reported as skipped
# elsewhere: `make test` never installs them, since they are only needed to touch the .S.

.PHONY: test-arch
test-arch:
	CC="$(CC)" tests/arch/check.sh $(BUILD)

TEST_TARGETS += test-arch
