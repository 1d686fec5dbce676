# runtime/runtime.mk — builds libcio.a from runtime/src/ (C files plus the context
# switch written in assembly for the machine's architecture).

RUNTIME_C    := $(wildcard runtime/src/*.c)
RUNTIME_ASM  := $(wildcard runtime/src/switch_$(shell uname -m).S)
RUNTIME_OBJS := $(RUNTIME_C:%.c=$(BUILD)/obj/%.o) $(RUNTIME_ASM:%.S=$(BUILD)/obj/%.o)

$(LIBCIO): $(RUNTIME_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/runtime/%.o: runtime/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/runtime/%.o: runtime/%.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@
