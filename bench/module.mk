# bench/module.mk — `make bench` and `make bench-quick` (not part of `make test`): the
# seed's claims, measured. Builds the C contenders into $(BUILD)/bench/bin/ and runs
# bench/run.py, which writes $(BUILD)/bench/results.json and the SVG charts. The cio
# servers link the 07-servers solutions when they exist, else bench/'s own versions.
# BENCH_ARGS passes options to the driver: `make bench BENCH_ARGS=--only=sleep,switch`.

BENCH_BIN   := $(BUILD)/bench/bin
BENCH_OBJ   := $(BUILD)/obj/bench
BENCH_PEERS := floor_machine switch_floor spawn_pthread spawn_libev switch_pthread sleep_pthread sleep_libev \
               echo_libev echo_threads echo_client
BENCH_CIO   := spawn_cio switch_cio sleep_cio executor_cio
BENCH_BINS  := $(addprefix $(BENCH_BIN)/,$(BENCH_PEERS) $(BENCH_CIO) echo_cio http_cio)
# Packages the benchmarks need and the tests do not. nginx-light is Debian's small build
# (it pulls in nginx); any nginx already installed will do.
BENCH_PACKAGES := wrk gnuplot-nox python3

# The server functions: the capstone's solutions once they exist, else bench/'s own.
ECHO_SERVE_SRC := $(firstword $(wildcard solutions/07-servers/ex1_echo.c) bench/cio_echo_serve.c)
HTTP_SERVE_SRC := $(firstword $(wildcard solutions/07-servers/ex3_http.c) bench/cio_http_serve.c)

.PHONY: bench bench-quick bench-deps bench-build
bench: bench-deps bench-build
	python3 -B bench/run.py --bin $(BENCH_BIN) --out $(BUILD)/bench $(BENCH_ARGS)

bench-quick: bench-deps bench-build
	python3 -B bench/run.py --quick --bin $(BENCH_BIN) --out $(BUILD)/bench $(BENCH_ARGS)

bench-build: $(BENCH_BINS)

# Missing tools only cost the scenarios that need them (run.py says which), so a machine
# where nothing can be installed still gets the rest of the benchmark.
bench-deps: $(DEPS_STAMP)
	@{ dpkg-query -W -f='$${Status}' nginx 2>/dev/null | grep -q 'install ok installed' || \
	   scripts/ensure-packages nginx-light || scripts/ensure-packages nginx; } && \
	 scripts/ensure-packages $(BENCH_PACKAGES) || \
	 echo "bench: some packages are missing; the scenarios that need them will be skipped" >&2

# ---- objects ------------------------------------------------------------------------
$(BENCH_OBJ)/%.o: bench/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BENCH_OBJ)/serve_echo.o: bench/serve_cio.c $(ECHO_SERVE_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -DBENCH_SERVE=echo_serve -DBENCH_IMPL='"$(ECHO_SERVE_SRC)"' -c $< -o $@

$(BENCH_OBJ)/serve_http.o: bench/serve_cio.c $(HTTP_SERVE_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -DBENCH_SERVE=http_serve -DBENCH_IMPL='"$(HTTP_SERVE_SRC)"' -c $< -o $@

$(BENCH_OBJ)/echo_serve_impl.o: $(ECHO_SERVE_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -I$(dir $<) $(ALL_CFLAGS) -c $< -o $@

$(BENCH_OBJ)/http_serve_impl.o: $(HTTP_SERVE_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -I$(dir $<) $(ALL_CFLAGS) -c $< -o $@

# ---- programs -----------------------------------------------------------------------
# The peers link libev, pthreads and jansson only: they never touch cio.
$(addprefix $(BENCH_BIN)/,$(BENCH_PEERS)): $(BENCH_BIN)/%: $(BENCH_OBJ)/%.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ -lev -ljansson -lpthread -lm

$(addprefix $(BENCH_BIN)/,$(BENCH_CIO)): $(BENCH_BIN)/%: $(BENCH_OBJ)/%.o $(LIBCIO)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(CIO_LIBS)

$(BENCH_BIN)/echo_cio: $(BENCH_OBJ)/serve_echo.o $(BENCH_OBJ)/echo_serve_impl.o $(LIBCIO)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(CIO_LIBS)

$(BENCH_BIN)/http_cio: $(BENCH_OBJ)/serve_http.o $(BENCH_OBJ)/http_serve_impl.o $(LIBCIO)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ -o $@ $(CIO_LIBS)
